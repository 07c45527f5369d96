"""What staff type into payments' admin actions (each page asks, then calls one service)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the buyer reads it)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


class ReceivedForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount received"), min_value=Decimal("0.01"), decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), decimal_places=2)
    reason = forms.CharField(label=_("Reason (the buyer reads it)"), max_length=300)
    to_wallet = forms.BooleanField(label=_("Refund into store credit"), required=False)


class ReferenceForm(forms.Form):
    reference = forms.CharField(label=_("Bank reference of the transfer"), max_length=255)


class FailureForm(forms.Form):
    message = forms.CharField(label=_("What went wrong"), max_length=300)


class AdjustForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        decimal_places=2,
        help_text=_("Positive adds credit, negative takes it back."),
    )
    note = forms.CharField(label=_("Reason"), max_length=300)
