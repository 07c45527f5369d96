"""Forms of the seller's product pages. They parse and shape input only; the rules (leaf category,
allowed brand, increasing tiers, stock through the ledger) live in ``catalog.services``."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from .models import Attribute, AttributeKind, Category, Product, ProductStatus
from .selectors_seller import STOCK_FILTERS

PRICE = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or SKU"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ProductStatus.choices]
    )
    stock = forms.ChoiceField(
        label=_("Stock"),
        required=False,
        choices=[
            ("", _("Any stock")),
            *zip(STOCK_FILTERS, [_("In stock"), _("Low stock"), _("Sold out")], strict=True),
        ],
    )


class ProductForm(forms.Form):
    """The product's own fields, then one field per non-variant attribute of its category
    (``attr_<code>``)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    subtitle = forms.CharField(label=_("Subtitle"), max_length=200, required=False)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    brand_name = forms.ChoiceField(
        label=_("Brand"),
        required=False,
        help_text=_("Brands you own or are authorised to sell (see Qualifications)."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Basic formatting only (paragraphs, bold, lists, links); the rest is removed."),
    )
    min_order_quantity = forms.IntegerField(
        label=_("Minimum order quantity"), min_value=1, initial=1
    )

    def __init__(
        self,
        *args: Any,
        categories: list[Category],
        brand_names: list[str],
        attributes: list[Attribute],
        is_b2b: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in categories}
        self.fields["category"].choices = [("", "---------")] + [
            (c.pk, getattr(c, "path_label", c.display_name)) for c in categories
        ]
        current = self.initial.get("brand_name") or ""
        names = brand_names + ([current] if current and current not in brand_names else [])
        self.fields["brand_name"].choices = [("", _("No brand"))] + [(n, n) for n in names]
        if not is_b2b:
            del self.fields["min_order_quantity"]
        self.attributes = attributes
        for attribute in attributes:
            self.fields[f"attr_{attribute.code}"] = _attribute_field(attribute)

    def clean_category(self) -> Category:
        category = self.categories.get(self.cleaned_data["category"])
        if category is None:
            raise forms.ValidationError(_("Choose a category from the list."))
        return category

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        category = data["category"]
        values = {
            attribute.code: data.get(f"attr_{attribute.code}")
            for attribute in self.attributes
            if attribute.category_id == category.pk
        }
        return {
            "title": data["title"],
            "subtitle": data["subtitle"],
            "category": category,
            "brand_name": data["brand_name"],
            "description": data["description"],
            "min_order_quantity": data.get("min_order_quantity") or 1,
            "attributes": values,
        }

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[f"attr_{a.code}"] for a in self.attributes]


def _attribute_field(attribute: Attribute) -> forms.Field:
    label = attribute.display_name
    if attribute.kind == AttributeKind.CHOICE:
        choices = [("", "---------")] + [(o.value, o.value) for o in attribute.options.all()]
        return forms.ChoiceField(label=label, choices=choices, required=False)
    if attribute.kind == AttributeKind.NUMBER:
        return forms.DecimalField(
            label=f"{label} ({attribute.unit})" if attribute.unit else label,
            max_digits=14,
            decimal_places=4,
            required=False,
        )
    return forms.CharField(label=label, max_length=200, required=False)


def product_initial(product: Product) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "title": product.title,
        "subtitle": product.subtitle,
        "category": product.category_id,
        "brand_name": product.brand.name if product.brand else "",
        "description": product.description,
        "min_order_quantity": product.min_order_quantity,
    }
    for value in product.attribute_values.select_related("attribute", "option"):
        code = f"attr_{value.attribute.code}"
        initial[code] = value.option.value if value.option_id else value.number or value.text
    return initial


class VariantMatrixForm(forms.Form):
    """Which options of each variant attribute the product comes in (``axis_<code>``)."""

    price = forms.DecimalField(
        label=_("Price of new variants"),
        required=False,
        help_text=_("Leave blank to copy the first variant's price."),
        **PRICE,
    )

    def __init__(self, *args: Any, attributes: list[Attribute], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attributes = attributes
        for attribute in attributes:
            self.fields[f"axis_{attribute.code}"] = forms.TypedMultipleChoiceField(
                label=attribute.display_name,
                choices=[(o.pk, o.value) for o in attribute.options.all()],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def option_ids(self) -> list[int]:
        return [pk for a in self.attributes for pk in self.cleaned_data[f"axis_{a.code}"]]

    def axis_fields(self) -> list[forms.BoundField]:
        return [self[f"axis_{a.code}"] for a in self.attributes]


class VariantRowForm(forms.Form):
    variant_id = forms.IntegerField(widget=forms.HiddenInput)
    sku = forms.CharField(label=_("SKU code"), max_length=64)
    price = forms.DecimalField(label=_("Price"), **PRICE)
    compare_at_price = forms.DecimalField(label=_("Compare-at price"), required=False, **PRICE)
    stock = forms.IntegerField(label=_("Stock"), min_value=0)
    # The stock the merchant saw: unchanged means "leave it", so sales meanwhile are not undone.
    stock_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
    low_stock_threshold = forms.IntegerField(label=_("Low-stock alert at"), min_value=0)
    weight_grams = forms.IntegerField(label=_("Weight (g)"), min_value=0)
    barcode = forms.CharField(label=_("Barcode"), max_length=64, required=False)
    is_active = forms.BooleanField(label=_("On sale"), required=False)


VariantGridFormSet = formset_factory(VariantRowForm, extra=0)


class PriceTierForm(forms.Form):
    min_quantity = forms.IntegerField(label=_("From quantity"), min_value=2, required=False)
    unit_price = forms.DecimalField(label=_("Unit price"), required=False, **PRICE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        quantity, price = data.get("min_quantity"), data.get("unit_price")
        if (quantity is None) != (price is None) and not self.errors:
            raise forms.ValidationError(_("Give both the quantity and the unit price."))
        return data


PriceTierFormSet = formset_factory(PriceTierForm, extra=3)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(f, initial) for f in files if f]


class ImageUploadForm(forms.Form):
    images = MultipleImageField(
        label=_("Pictures"),
        help_text=_("JPEG, PNG, WebP or GIF, up to 10 MB each; you can choose several."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )


class ImageOrderForm(forms.Form):
    """Positions typed next to the pictures: ``position_<id>``."""

    def __init__(self, *args: Any, image_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for pk in image_ids:
            self.fields[f"position_{pk}"] = forms.IntegerField(min_value=0, max_value=999)

    def ordered_ids(self) -> list[int]:
        positions = [(value, int(name.removeprefix("position_")))
                     for name, value in self.cleaned_data.items()]  # fmt: skip
        return [pk for _position, pk in sorted(positions)]


class StockAdjustmentForm(forms.Form):
    RECEIPT, COUNT = "receipt", "adjustment"
    kind = forms.ChoiceField(
        label=_("Change"),
        choices=[(RECEIPT, _("Goods received (add units)")), (COUNT, _("Stock count (set units)"))],
        widget=forms.RadioSelect,
        initial=RECEIPT,
    )
    quantity = forms.IntegerField(
        label=_("Units"), validators=[MinValueValidator(0)], max_value=1_000_000
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == self.RECEIPT and data.get("quantity") == 0:
            self.add_error("quantity", _("Receive at least one unit."))
        return data


class ThresholdForm(forms.Form):
    low_stock_threshold = forms.IntegerField(label=_("Low-stock alert at"), min_value=0)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV, one row per variant, in the same columns as an export."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
