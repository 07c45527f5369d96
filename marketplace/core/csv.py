"""CSV cells that a spreadsheet cannot run (CSV or formula injection, OWASP).

Excel, LibreOffice and Google Sheets run a cell that starts with "=", "+", "-", "@", a tab or a
carriage return as a formula, so text written by someone else (a merchant's title, a SKU quoted in
an error message) could fetch a URL or run a command on the machine of whoever opens the file.
Every CSV the site writes passes its cells through ``escape_cell`` (or ``escape_row``), which puts
a single quote in front of such text: spreadsheets show the cell as text and hide the quote.
Every CSV the site reads passes its cells through ``unescape_cell``, so a file we exported imports
back unchanged.

What is escaped: only ``str`` cells. Non-strings (int, Decimal) are numbers we wrote and cannot
hold a formula; a string that is a plain decimal number ("12.50", "-5", as ``str()`` of our ints
and Decimals gives) is left alone too, because a spreadsheet reads it as a number, not a formula.
A string that starts with quotes followed by a formula character ("'=x") gets one more quote, so
that reading strips exactly the quote that writing added and a merchant's own quote survives.

This module owns the cell rule only; it never opens files or chooses a dialect.
"""

import re
from collections.abc import Iterable
from typing import TypeVar

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# What str() of our ints and two-place Decimals gives: a spreadsheet reads it as a number.
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

Cell = TypeVar("Cell")


def _starts_formula(text: str) -> bool:
    return text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def escape_cell(value: Cell) -> Cell | str:
    """The value as a spreadsheet should see it: text that would start a formula gets a leading
    quote; numbers and other text are returned as they are."""
    if not isinstance(value, str) or _PLAIN_NUMBER.fullmatch(value):
        return value
    return QUOTE + value if _starts_formula(value) else value


def escape_row(values: Iterable[Cell]) -> list[Cell | str]:
    """Every cell of a row through ``escape_cell``."""
    return [escape_cell(value) for value in values]


def unescape_cell(text: str) -> str:
    """A cell as read from a CSV, without the quote ``escape_cell`` put in front of it; a quote
    that does not stand before a formula character is part of the text and stays."""
    if text.startswith(QUOTE) and _starts_formula(text):
        return text[1:]
    return text
