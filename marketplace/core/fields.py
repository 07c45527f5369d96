"""Model fields every app stores money and rates in, declared once (see STYLE.md, Money)."""

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def amount_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    """An amount in the row's ``currency``: 14 digits, 2 decimals, zero unless told otherwise."""
    kwargs.setdefault("default", Decimal("0"))
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def percent_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    """A percentage from 0 to 100 with 2 decimals."""
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **kwargs,
    )
