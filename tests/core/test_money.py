from decimal import Decimal

import pytest

from marketplace.core.money import Money, format_money


def test_money_adds_in_one_currency_and_rounds_half_up_at_the_end():
    total = Money(Decimal("0.125"), "USD") * 3 + Money("1.00", "USD")

    assert total.amount == Decimal("1.375")
    assert total.rounded().amount == Decimal("1.38")


def test_money_refuses_to_mix_currencies():
    with pytest.raises(ValueError, match="Cannot mix"):
        Money("1", "USD") + Money("1", "CNY")


def test_format_money_uses_the_currency_symbol_and_minor_units():
    assert format_money(Decimal("1299.5"), "USD") == "US$1,299.50"
    assert format_money(Decimal("1299.5"), "TWD") == "NT$1,300"
    assert format_money(Decimal("12"), "CNY") == "¥12.00"
