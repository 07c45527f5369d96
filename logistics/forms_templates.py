"""Forms of the seller's delivery pages: a shipping template with its regions (a formset), the
products' template, the shop's delivery settings. They parse; ``services.templates`` decides."""

import re
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from marketplace.accounts.countries import country_choices

from .models import PricingBasis, ServiceLevel, ShippingTemplate
from .services.templates import MAX_HANDLING_HOURS, MAX_REGIONS, NAME_MAX, RegionTerms

# Lists are typed with commas (Latin or Chinese) or enumeration commas; codes also with spaces.
LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")
CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _amount(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=0, **kwargs)


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    basis = forms.ChoiceField(
        label=_("Priced"),
        choices=PricingBasis.choices,
        help_text=_(
            "By weight: units are grams. By number of items: units are items. Flat: each order"
            " pays the first price."
        ),
    )


class RegionForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Service level"), choices=ServiceLevel.choices, initial=ServiceLevel.STANDARD
    )
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        max_length=500,
        help_text=_("Codes such as TW, HK; empty: everywhere else."),
    )
    provinces = forms.CharField(
        label=_("Provinces / states"),
        required=False,
        max_length=1000,
        help_text=_("Only with one country; separated by commas."),
    )
    is_served = forms.BooleanField(label=_("Delivers"), required=False, initial=True)
    first_units = forms.IntegerField(label=_("First (g or items)"), min_value=1, initial=1000)
    first_price = _amount(_("First price"), initial=0)
    additional_units = forms.IntegerField(
        label=_("Each additional (g or items)"), min_value=0, initial=1000, required=False
    )
    additional_price = _amount(_("Additional price"), initial=0, required=False)
    free_over_amount = _amount(_("Free from (amount)"), required=False)
    free_over_grams = forms.IntegerField(label=_("Free from (g)"), min_value=1, required=False)

    def clean_countries(self) -> tuple[str, ...]:
        text = self.cleaned_data["countries"]
        return tuple(code.upper() for code in CODE_SEPARATORS.split(text) if code)

    def clean_provinces(self) -> tuple[str, ...]:
        text = self.cleaned_data["provinces"]
        return tuple(name.strip() for name in LIST_SEPARATORS.split(text) if name.strip())

    def terms(self) -> RegionTerms:
        data = self.cleaned_data
        return RegionTerms(
            level=data["level"],
            countries=data["countries"],
            provinces=data["provinces"],
            is_served=data["is_served"],
            first_units=data["first_units"],
            first_price=data["first_price"],
            additional_units=data["additional_units"] or 0,
            additional_price=data["additional_price"] or 0,
            free_over_amount=data["free_over_amount"],
            free_over_grams=data["free_over_grams"],
        )


RegionFormSet = forms.formset_factory(
    RegionForm, extra=3, can_delete=True, max_num=MAX_REGIONS, validate_max=True
)


def region_initial(template: ShippingTemplate) -> list[dict[str, Any]]:
    return [
        {
            "level": region.level,
            "countries": ", ".join(region.countries),
            "provinces": ", ".join(region.provinces),
            "is_served": region.is_served,
            "first_units": region.first_units,
            "first_price": region.first_price,
            "additional_units": region.additional_units,
            "additional_price": region.additional_price,
            "free_over_amount": region.free_over_amount,
            "free_over_grams": region.free_over_grams,
        }
        for region in template.regions.all()
    ]


def region_terms(formset: Any) -> list[RegionTerms]:
    """The rows of a valid formset that are filled in and not marked for deletion, in order
    (untouched blank rows have no cleaned data)."""
    return [
        form.terms()
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class AssignForm(forms.Form):
    products = forms.ModelMultipleChoiceField(
        label=_("Products"), queryset=Product.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    template = forms.ModelChoiceField(
        label=_("Use the template"),
        queryset=ShippingTemplate.objects.none(),
        required=False,
        empty_label=_("The shop's default template"),
    )

    def __init__(self, *args: Any, products: QuerySet[Product], templates: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products  # type: ignore[attr-defined]
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]


class DeliverySettingsForm(forms.Form):
    ships_from_country = forms.ChoiceField(label=_("Ships from (country)"), choices=country_choices)
    ships_from_region = forms.CharField(
        label=_("Ships from (province / state)"), required=False, max_length=100
    )
    handling_hours = forms.IntegerField(
        label=_("Ships within (hours)"),
        min_value=1,
        validators=[MaxValueValidator(MAX_HANDLING_HOURS)],
        help_text=_("Orders not shipped within this time after payment are flagged as late."),
    )
    offers_eco_packaging = forms.BooleanField(
        label=_("Offer eco packaging"),
        required=False,
        help_text=_("Reused or minimal packaging without extra fill, chosen by the buyer."),
    )
