"""Money: a Decimal amount with its ISO 4217 currency. Rounded HALF_UP at the last step only."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")
# Currencies shown without minor units.
NO_MINOR_UNITS = {"JPY", "KRW", "TWD"}
SYMBOLS = {"USD": "US$", "CNY": "¥", "TWD": "NT$", "HKD": "HK$", "EUR": "€", "JPY": "JP¥"}


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", Decimal(self.amount))
        object.__setattr__(self, "currency", self.currency or settings.DEFAULT_CURRENCY)

    def _same(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError(f"Cannot mix {self.currency} and {other.currency}.")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> "Money":
        return Money(self.amount * Decimal(factor), self.currency)

    def rounded(self) -> "Money":
        return Money(self.amount.quantize(CENT, rounding=ROUND_HALF_UP), self.currency)

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


def format_money(amount: Decimal | int | str, currency: str = "") -> str:
    currency = currency or settings.DEFAULT_CURRENCY
    value = Decimal(amount)
    places = Decimal(1) if currency in NO_MINOR_UNITS else CENT
    value = value.quantize(places, rounding=ROUND_HALF_UP)
    text = f"{value:,}"
    return f"{SYMBOLS.get(currency, currency + ' ')}{text}"
