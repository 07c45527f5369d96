"""What methods without a provider behind them answer to webhooks and returns: nothing."""

from typing import Any

from django.utils.translation import gettext as _

from ..errors import BadSignature
from ..models import Payment
from .base import Notice, Outcome


class NoWebhooks:
    def handle_return(self, *, payment: Payment, params: dict[str, str]) -> Outcome | None:
        return None

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> Notice:
        raise BadSignature(_("This payment method sends no events."), code="no_webhooks")

    def outcome_of(self, *, payload: dict[str, Any]) -> Outcome | None:
        return None
