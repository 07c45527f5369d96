# ruff: noqa: RUF001 - the Chinese examples use Chinese punctuation on purpose
"""Forms of orders' pages. They parse and shape input only; the rules live in
``orders.services``. Prices of orders are never read from a form.

Seller dashboard: ``PromotionForm``, ``CouponForm``, ``FlashSaleForm``, ``ShippingRateForm`` and
``OfferStatusForm`` (the status filter of their lists). 滿減 tiers are typed as text,
"300:30, 500:60" (also 滿300減30, full-width punctuation), parsed by ``TiersField``.
"""

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Product, ProductStatus, Variant
from catalog.selectors import active_categories
from marketplace.sellers.models import Shop

from .models import Coupon, CouponKind, FlashSale, Promotion, PromotionKind, Scope
from .services.coupons import CouponTerms
from .services.promotions import STATUS_LABELS, PromotionTerms

AMOUNT = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

# --- Promotions, coupons, flash sales and delivery prices (seller dashboard) ------------------


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def _when(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DateTimeLocalInput())


_TIER = re.compile(r"^滿?\s*(\d+(?:\.\d{1,2})?)\s*[:：減减/-]\s*(\d+(?:\.\d{1,2})?)\s*$")
_TIER_SEPARATORS = re.compile(r"[,，、;；\n]+")


def parse_tiers(text: str) -> list[tuple[Decimal, Decimal]]:
    """ "300:30, 500:60" (or 滿300減30，滿500減60) -> [(300, 30), (500, 60)], in the order typed.
    Raises ``forms.ValidationError`` naming the part it cannot read."""
    tiers = []
    for part in _TIER_SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        match = _TIER.match(part)
        if match is None:
            raise forms.ValidationError(
                _("Cannot read “%(part)s”: write each tier as spend:discount, e.g. 300:30."),
                code="bad_tier",
                params={"part": part},
            )
        try:
            tiers.append((Decimal(match[1]), Decimal(match[2])))
        except InvalidOperation as error:  # pragma: no cover - the pattern allows digits only
            raise forms.ValidationError(_("Tiers take numbers only."), code="bad_tier") from error
    return tiers


def format_tiers(tiers: Any) -> str:
    return ", ".join(
        f"{tier.threshold.normalize():f}:{tier.discount.normalize():f}" for tier in tiers
    )


class TiersField(forms.CharField):
    """滿減 tiers as text: "300:30, 500:60"."""

    def to_python(self, value: Any) -> list[tuple[Decimal, Decimal]]:  # type: ignore[override]
        return parse_tiers(super().to_python(value))


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        chain = [obj]
        while chain[0].parent is not None:
            chain.insert(0, chain[0].parent)
        return " › ".join(category.display_name for category in chain)


class ProductChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Product) -> str:
        return obj.title


def shop_products(shop: Shop) -> QuerySet[Product]:
    return (
        Product.objects.filter(shop=shop)
        .exclude(status=ProductStatus.REMOVED)
        .only("pk", "title", "shop_id")
        .order_by("title", "pk")
    )


class OfferStatusForm(forms.Form):
    """The status tabs of the promotion, coupon and flash-sale lists."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *STATUS_LABELS.items()],
    )


class _ScopedOfferForm(forms.Form):
    """What promotions and coupons share: a window and a scope within the shop."""

    scope = forms.ChoiceField(label=_("Applies to"), choices=Scope.choices)
    categories = CategoryChoiceField(
        label=_("Categories"),
        queryset=Category.objects.none(),
        required=False,
        help_text=_("When it applies to chosen categories: their sub-categories too."),
    )
    products = ProductChoiceField(
        label=_("Products"),
        queryset=Product.objects.none(),
        required=False,
        help_text=_("When it applies to chosen products: only your shop's."),
    )

    def __init__(self, *args: Any, shop: Shop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.fields["categories"].queryset = active_categories().order_by("name")
        self.fields["products"].queryset = shop_products(shop)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must come after the start."))
        return data

    @staticmethod
    def window_initial() -> dict[str, Any]:
        start = timezone.localtime().replace(second=0, microsecond=0)
        return {"starts_at": start, "ends_at": start + timedelta(days=7)}


class PromotionForm(_ScopedOfferForm):
    """A shop promotion; only the fields of the chosen kind count."""

    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=PromotionKind.choices)
    percent = forms.DecimalField(
        label=_("Percentage off"),
        required=False,
        help_text=_("Percentage off and member price: e.g. 15 for 15 percent off."),
        **PERCENT,
    )
    amount = forms.DecimalField(
        label=_("Amount off each item"), required=False, min_value=0, **AMOUNT
    )
    tiers = TiersField(
        label=_("Spend tiers (滿減)"),
        required=False,
        help_text=_("Spend:discount pairs from the smallest up, e.g. 300:30, 500:60."),
    )
    is_repeating = forms.BooleanField(
        label=_("Repeat for every multiple"),
        required=False,
        help_text=_("滿300減30 repeating gives 60 off at 600."),
    )
    threshold = forms.DecimalField(
        label=_("Free shipping from"), required=False, min_value=0, **AMOUNT
    )
    buy_quantity = forms.IntegerField(label=_("Buy N"), required=False, min_value=1)
    free_quantity = forms.IntegerField(label=_("Get M free"), required=False, min_value=1)
    member_level = forms.CharField(label=_("Member level"), required=False, max_length=30)
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"))

    field_order = [
        "name",
        "kind",
        "percent",
        "amount",
        "tiers",
        "is_repeating",
        "threshold",
        "buy_quantity",
        "free_quantity",
        "member_level",
        "scope",
        "categories",
        "products",
        "starts_at",
        "ends_at",
    ]

    def terms(self) -> PromotionTerms:
        data = self.cleaned_data
        return PromotionTerms(
            name=data["name"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            scope=data["scope"],
            categories=list(data["categories"]),
            products=list(data["products"]),
            percent=data["percent"],
            amount=data["amount"],
            tiers=data["tiers"],
            is_repeating=data["is_repeating"],
            threshold=data["threshold"],
            buy_quantity=data["buy_quantity"],
            free_quantity=data["free_quantity"],
            member_level=data["member_level"],
        )


def promotion_initial(promotion: Promotion) -> dict[str, Any]:
    return {
        "name": promotion.name,
        "kind": promotion.kind,
        "scope": promotion.scope,
        "categories": list(promotion.categories.all()),
        "products": list(promotion.products.all()),
        "percent": promotion.percent,
        "amount": promotion.amount,
        "tiers": format_tiers(promotion.tiers.all()),
        "is_repeating": promotion.is_repeating,
        "threshold": promotion.threshold,
        "buy_quantity": promotion.buy_quantity,
        "free_quantity": promotion.free_quantity,
        "member_level": promotion.member_level,
        "starts_at": timezone.localtime(promotion.starts_at),
        "ends_at": timezone.localtime(promotion.ends_at),
    }


class CouponForm(_ScopedOfferForm):
    """A shop coupon: claimed by shoppers when public, else typed by its code."""

    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits, - and _; stored in capitals."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CouponKind.choices)
    amount = forms.DecimalField(label=_("Amount off"), required=False, min_value=0, **AMOUNT)
    percent = forms.DecimalField(label=_("Percentage off"), required=False, **PERCENT)
    max_discount = forms.DecimalField(
        label=_("At most"),
        required=False,
        min_value=0,
        help_text=_("Percentage coupons only: the most it takes off."),
        **AMOUNT,
    )
    min_spend = forms.DecimalField(
        label=_("Minimum spend"), min_value=0, initial=Decimal("0"), **AMOUNT
    )
    is_public = forms.BooleanField(
        label=_("Shoppers can claim it"),
        required=False,
        initial=True,
        help_text=_("Shown on your product and shop pages; otherwise only by its code."),
    )
    starts_at = _when(_("Valid from"))
    ends_at = _when(_("Valid until"))
    total_limit = forms.IntegerField(
        label=_("Uses in total"),
        required=False,
        min_value=1,
        help_text=_("Empty for no limit."),
    )
    per_user_limit = forms.IntegerField(label=_("Uses per shopper"), min_value=1, initial=1)

    field_order = [
        "name",
        "code",
        "kind",
        "amount",
        "percent",
        "max_discount",
        "min_spend",
        "scope",
        "categories",
        "products",
        "is_public",
        "starts_at",
        "ends_at",
        "total_limit",
        "per_user_limit",
    ]

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def terms(self) -> CouponTerms:
        data = self.cleaned_data
        return CouponTerms(
            name=data["name"],
            code=data["code"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            amount=data["amount"],
            percent=data["percent"],
            max_discount=data["max_discount"],
            min_spend=data["min_spend"],
            scope=data["scope"],
            categories=list(data["categories"]),
            products=list(data["products"]),
            is_public=data["is_public"],
            total_limit=data["total_limit"],
            per_user_limit=data["per_user_limit"],
        )


def coupon_initial(coupon: Coupon) -> dict[str, Any]:
    fields = [
        "name",
        "code",
        "kind",
        "amount",
        "percent",
        "max_discount",
        "min_spend",
        "scope",
        "is_public",
        "total_limit",
        "per_user_limit",
    ]
    initial = {field: getattr(coupon, field) for field in fields}
    initial["categories"] = list(coupon.categories.all())
    initial["products"] = list(coupon.products.all())
    initial["starts_at"] = timezone.localtime(coupon.starts_at)
    initial["ends_at"] = timezone.localtime(coupon.ends_at)
    return initial


class VariantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Variant) -> str:
        return _("%(title)s · %(sku)s (%(price)s, %(stock)d in stock)") % {
            "title": obj.product.title,
            "sku": obj.sku,
            "price": obj.price,
            "stock": obj.stock,
        }


class FlashSaleForm(forms.Form):
    """A flash sale of one of the shop's SKUs (the SKU is chosen once, when creating)."""

    variant = VariantChoiceField(label=_("SKU"), queryset=Variant.objects.none())
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    price = forms.DecimalField(label=_("Flash price"), min_value=Decimal("0.01"), **AMOUNT)
    quantity = forms.IntegerField(
        label=_("Units for the sale"),
        min_value=1,
        help_text=_("Set aside from the SKU's stock; at most what is in stock now."),
    )
    per_user_limit = forms.IntegerField(label=_("Limit per shopper"), min_value=1, initial=1)
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"))

    def __init__(self, *args: Any, shop: Shop, flash_sale: FlashSale | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if flash_sale is not None:
            del self.fields["variant"]
        else:
            self.fields["variant"].queryset = (
                Variant.objects.filter(product__shop=shop, is_active=True)
                .exclude(product__status=ProductStatus.REMOVED)
                .select_related("product")
                .order_by("product__title", "position", "pk")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must come after the start."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = ["name", "price", "quantity", "per_user_limit", "starts_at", "ends_at"]
        return {field: data[field] for field in fields}


def flash_sale_initial(flash_sale: FlashSale) -> dict[str, Any]:
    return {
        "name": flash_sale.name,
        "price": flash_sale.price,
        "quantity": flash_sale.quantity,
        "per_user_limit": flash_sale.per_user_limit,
        "starts_at": timezone.localtime(flash_sale.starts_at),
        "ends_at": timezone.localtime(flash_sale.ends_at),
    }


class ShippingRateForm(forms.Form):
    flat_rate = forms.DecimalField(label=_("Standard delivery per order"), min_value=0, **AMOUNT)
    express_rate = forms.DecimalField(
        label=_("Express delivery per order"),
        required=False,
        min_value=0,
        help_text=_("Leave empty if you do not offer express delivery."),
        **AMOUNT,
    )
