"""Forms of the buyer's payment pages."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ProviderCode


class MethodForm(forms.Form):
    method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect)

    def __init__(self, *args, methods: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ProviderCode.choices)
        self.fields["method"].choices = [(code, labels.get(code, code)) for code in methods]
        if methods:
            self.fields["method"].initial = methods[0]
        if "amount" in self.fields:
            self.fields["amount"].help_text = _("In %(currency)s.") % {
                "currency": settings.DEFAULT_CURRENCY
            }


class SandboxForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[
            ("approve", _("Approve")),
            ("decline", _("Decline")),
            ("challenge", _("3-D Secure challenge")),
            ("approve_later", _("Approve, confirm later")),
        ]
    )
    card_country = forms.ChoiceField(label=_("Card issued in"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["card_country"].choices = [
            ("", _("Same as the delivery address")),
            ("US", "US"),
            ("CN", "CN"),
            ("TW", "TW"),
            ("HK", "HK"),
            ("GB", "GB"),
            ("NG", "NG"),
        ]


class ChallengeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=6)


class TopUpForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("1"),
        max_value=Decimal("10000"),
        decimal_places=2,
    )
    method = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect)

    def __init__(self, *args, methods: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ProviderCode.choices)
        self.fields["method"].choices = [(code, labels.get(code, code)) for code in methods]
        if methods:
            self.fields["method"].initial = methods[0]
        if "amount" in self.fields:
            self.fields["amount"].help_text = _("In %(currency)s.") % {
                "currency": settings.DEFAULT_CURRENCY
            }
