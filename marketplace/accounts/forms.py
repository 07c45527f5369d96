"""Forms of the account pages. They parse and validate input; the services do the writing."""

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import BLANK_CHOICE_DASH
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .countries import country_choices
from .models import Address, User, currency_choices


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_(
            "Shown to sellers and next to your reviews. Leave it empty to use your e-mail."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=currency_choices,
        help_text=_("Prices are shown in this currency where possible."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "display_name": user.display_name,
                "language": user.language or translation.get_language(),
                "currency": user.preferred_currency,
            },
        )
        super().__init__(*args, **kwargs)


def _country_choices_with_blank() -> list[Any]:
    return [*BLANK_CHOICE_DASH, *country_choices()]


class AddressForm(forms.ModelForm):
    # Re-declared so that the grouped choices start blank and are read per request.
    country = forms.ChoiceField(label=_("Country or region"), choices=_country_choices_with_blank)
    make_default = forms.BooleanField(label=_("Use as my default address"), required=False)

    class Meta:
        model = Address
        fields = ["recipient", "phone", "country", "region", "city", "street", "postcode"]
        widgets = {
            "recipient": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }
        help_texts = {"phone": _("For the courier, e.g. +886 2 1234 5678.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].widget.attrs["autocomplete"] = "country"
        if self.instance.is_default:
            # The default stays the default until another address takes over.
            del self.fields["make_default"]
