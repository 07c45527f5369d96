"""Text normalisation shared by search documents and queries.

One pipeline for both sides, so a word written either way meets itself:

1. NFKC (full-width letters and digits become ASCII, compatibility forms fold);
2. OpenCC ``tw2sp``: Traditional Chinese to Simplified, including Taiwan vocabulary
   (滑鼠 -> 鼠标, 軟體 -> 软件);
3. lower case;
4. Chinese runs segmented with jieba (dictionary only, no HMM guessing, so a word is cut the same
   way wherever it appears): documents in "search" mode (words plus their dictionary sub-words),
   queries in precise mode, whose words are therefore always among a document's tokens;
5. letters and digits split apart ("iPhone15" -> "iphone 15") and English words reduced by the
   small suffix stripper ``stem`` below. It is Python rather than PostgreSQL's ``english``
   configuration so that SQLite and PostgreSQL hold exactly the same tokens.

This module never touches the database.
"""

import logging
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import jieba
import opencc
from django.conf import settings

CJK_RUN = re.compile(
    "([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+)",
)
_WORD = re.compile(r"\w+")
_LETTERS_OR_DIGITS = re.compile(r"\d+|[^\W\d_]+")
_VOWELS = frozenset("aeiouy")
_jieba_lock = threading.Lock()


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


@cache
def _tokenizer() -> jieba.Tokenizer:
    """jieba's default tokenizer, loaded once, quietly, with its cache in a writable folder."""
    with _jieba_lock:
        jieba.setLogLevel(logging.WARNING)
        cache_dir = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir())) / "jieba"
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            cache_dir = Path(tempfile.gettempdir())
        jieba.dt.tmp_dir = str(cache_dir)
        jieba.dt.initialize()
    return jieba.dt


def fold(text: str) -> str:
    """NFKC, Traditional -> Simplified (Taiwan vocabulary too), lower case; no segmentation."""
    return _converter().convert(unicodedata.normalize("NFKC", text or "")).lower()


def stem(word: str) -> str:
    """A Porter-like suffix stripper for English words: phones/phone -> phon,
    batteries/battery -> batteri, charging/charged/charge -> charg, boxes -> box.

    Deliberately small: it only has to send related forms to the same token, not to a real word.
    Words of three letters or fewer and anything that is not ASCII letters stay as they are.
    """
    if len(word) <= 3 or not (word.isascii() and word.isalpha()):
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ingly", "edly", "ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and _VOWELS & set(base):
            word = base
            if word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # running -> run
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if word.endswith("y") and len(word) > 3 and word[-2] not in _VOWELS:
        word = word[:-1] + "i"
    return word


def _tokens(text: str, *, for_query: bool) -> Iterator[str]:
    tokenizer = _tokenizer()
    for word in _WORD.findall(fold(text)):
        for index, part in enumerate(CJK_RUN.split(word)):
            if not part or part == "_":
                continue
            if index % 2:  # odd parts are the captured Chinese runs
                cut = tokenizer.cut if for_query else tokenizer.cut_for_search
                yield from (token for token in cut(part, HMM=False) if token.strip())
            else:
                for piece in _LETTERS_OR_DIGITS.findall(part):
                    yield stem(piece)


def normalize(text: str) -> str:
    """The search-document form of ``text``: folded, segmented for search, stemmed tokens
    separated by single spaces."""
    return " ".join(_tokens(text, for_query=False))


def query_tokens(text: str) -> list[str]:
    """The tokens a query must match (precise segmentation), without repeats, in order."""
    return list(dict.fromkeys(_tokens(text, for_query=True)))
