"""Forms of the application wizard: one small form per step. They only parse input; the
services in ``services/onboarding.py`` and ``services/documents.py`` decide and write."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.countries import country_choices

from ..models import BrandRelation, MerchantApplication


class StepForm(forms.ModelForm):
    """A step's fields. ``partial=True`` ("save and continue later") lets fields stay empty."""

    def __init__(self, *args: Any, partial: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = not partial


class KindForm(StepForm):
    class Meta:
        model = MerchantApplication
        fields = ["seller_kind", "merchant_type"]
        widgets = {"seller_kind": forms.RadioSelect, "merchant_type": forms.RadioSelect}
        help_texts = {
            "seller_kind": _(
                "Individual sellers sell their own goods to shoppers; business shops sell new "
                "goods to shoppers; wholesalers sell in quantity to other businesses."
            ),
            "merchant_type": _("This decides which documents you will be asked for."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A radio list, not a select: drop the empty "---------" choice of the blank field.
        for name in ("seller_kind", "merchant_type"):
            field = self.fields[name]
            field.choices = [choice for choice in field.choices if choice[0]]


class CompanyForm(StepForm):
    country = forms.ChoiceField(label=_("country or region"), choices=())

    class Meta:
        model = MerchantApplication
        fields = ["legal_name", "registration_number", "registered_address", "country", "shop_name"]
        help_texts = {
            "legal_name": _("The company's registered name, or your full name as an individual."),
            "registration_number": _(
                "Company registration number, or your identity document number as an individual."
            ),
            "shop_name": _("Shoppers see this name; you can change it later in shop settings."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "---------"), *country_choices()]


class ContactForm(StepForm):
    class Meta:
        model = MerchantApplication
        fields = ["contact_name", "contact_email", "contact_phone"]
        help_texts = {"contact_email": _("Staff write here about your application.")}


class PayoutForm(StepForm):
    class Meta:
        model = MerchantApplication
        fields = ["payout_account_name", "payout_bank_name", "payout_account_number"]
        help_texts = {
            "payout_account_number": _(
                "We verify these details before the first payout; nothing is charged or paid now."
            )
        }


class BrandForm(forms.Form):
    name = forms.CharField(label=_("Brand"), max_length=100)
    relation = forms.ChoiceField(
        label=_("You are the brand's"),
        choices=BrandRelation.choices,
        widget=forms.RadioSelect,
        initial=BrandRelation.OWNER,
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    number = forms.CharField(label=_("Document number"), max_length=64, required=False)
    issuer = forms.CharField(label=_("Issued by"), max_length=150, required=False)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty if it never expires."),
    )

    def __init__(self, *args: Any, expiry_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if expiry_required:
            field = self.fields["expires_on"]
            field.required = True
            field.help_text = _("The last day the authorisation is valid.")


class ReasonForm(forms.Form):
    """Staff's reason for rejecting or asking for more information; the applicant reads it."""

    reason = forms.CharField(
        label=_("Reason given to the applicant"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
    )


STEP_FORMS: dict[str, type[StepForm]] = {
    "kind": KindForm,
    "company": CompanyForm,
    "contact": ContactForm,
    "payout": PayoutForm,
}
