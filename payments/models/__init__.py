"""Payments tables, one module per sub-domain; every model is importable from here."""

from .currencies import ExchangeRate, RateSource

__all__ = ["ExchangeRate", "RateSource"]
