"""A shop's delivery setup: its shipping templates with their regions, which products use which
template, and its delivery settings (ships from, handling time, eco packaging); and the reads
the seller pages need, scoped to the shop.

Only a shop's owner and managers change it (``can_manage_shop``; logistics staff may also
correct delivery settings); every refusal is a
``ShippingTemplateError`` or ``DeliverySettingsError`` and changes nothing. A shop with templates
always has exactly one default: its first template becomes it, and deleting the default hands it
to the oldest remaining one. It never prices anything (``quotes`` does).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from catalog.models import Product
from marketplace.accounts.countries import COUNTRY_NAMES
from marketplace.sellers.models import Shop
from marketplace.sellers.services.shops import can_manage_shop

from ..errors import DeliverySettingsError, ShippingTemplateError
from ..models import (
    PricingBasis,
    ProductShippingTemplate,
    ServiceLevel,
    ShippingRegion,
    ShippingTemplate,
    ShopLogistics,
)
from .co2 import normalise_region

NAME_MAX = 100
PROVINCE_MAX = 100
MAX_REGIONS = 60
MAX_HANDLING_HOURS = 24 * 30


@dataclass(frozen=True)
class RegionTerms:
    """One region row as the seller asked for it (units: grams or items, by the basis)."""

    level: str
    countries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    is_served: bool = True
    first_units: int = 1000
    first_price: Decimal = Decimal("0")
    additional_units: int = 0
    additional_price: Decimal = Decimal("0")
    free_over_amount: Decimal | None = None
    free_over_grams: int | None = None


# --- Templates ---------------------------------------------------------------------------------


def save_template(
    *,
    shop: Shop,
    by: Any,
    name: str,
    basis: str,
    regions: Sequence[RegionTerms],
    template: ShippingTemplate | None = None,
) -> ShippingTemplate:
    """The shop's template (a new one, or ``template``) is named, priced on ``basis`` and has
    exactly these regions; a shop's first template becomes its default."""
    _check_manager(shop=shop, by=by)
    if template is not None and template.shop_id != shop.pk:
        raise ShippingTemplateError(_("This template is not your shop's."), code="not_yours")
    name = " ".join(name.split())
    _check_template(name=name, basis=basis, regions=regions)
    try:
        with transaction.atomic():
            if template is None:
                has_default = ShippingTemplate.objects.filter(shop=shop, is_default=True).exists()
                template = ShippingTemplate.objects.create(
                    shop=shop,
                    name=name,
                    basis=basis,
                    is_default=not has_default,
                    currency=settings.DEFAULT_CURRENCY,
                )
            else:
                template.name, template.basis = name, basis
                template.save(update_fields=["name", "basis", "updated_at"])
                template.regions.all().delete()
            ShippingRegion.objects.bulk_create(
                _region_row(template, terms, position) for position, terms in enumerate(regions)
            )
    except IntegrityError as error:
        raise ShippingTemplateError(
            _("Your shop already has a template named %(name)s.") % {"name": name},
            code="name_taken",
        ) from error
    return template


def set_default_template(*, template: ShippingTemplate, by: Any) -> ShippingTemplate:
    """Products without a template of their own now use ``template``."""
    _check_manager(shop=template.shop, by=by)
    with transaction.atomic():
        ShippingTemplate.objects.filter(shop_id=template.shop_id, is_default=True).exclude(
            pk=template.pk
        ).update(is_default=False)
        ShippingTemplate.objects.filter(pk=template.pk).update(is_default=True)
    template.is_default = True
    return template


def delete_template(*, template: ShippingTemplate, by: Any) -> None:
    """The template is gone and its products use the default; a deleted default hands over to
    the oldest remaining template (none left: the shop's flat rate applies again)."""
    _check_manager(shop=template.shop, by=by)
    with transaction.atomic():
        was_default = template.is_default
        template.delete()
        if was_default:
            heir = (
                ShippingTemplate.objects.filter(shop_id=template.shop_id)
                .order_by("created_at", "pk")
                .first()
            )
            if heir is not None:
                ShippingTemplate.objects.filter(pk=heir.pk).update(is_default=True)


def assign_template(
    *, shop: Shop, by: Any, product_ids: Sequence[int], template: ShippingTemplate | None
) -> int:
    """These products of the shop use ``template`` (None: the shop's default); how many."""
    _check_manager(shop=shop, by=by)
    wanted = set(product_ids)
    if not wanted:
        raise ShippingTemplateError(_("Choose at least one product."), code="no_products")
    if template is not None and template.shop_id != shop.pk:
        raise ShippingTemplateError(_("This template is not your shop's."), code="not_yours")
    if Product.objects.filter(shop=shop, pk__in=wanted).count() != len(wanted):
        raise ShippingTemplateError(
            _("Some of these products are not your shop's."), code="not_yours"
        )
    with transaction.atomic():
        if template is None:
            ProductShippingTemplate.objects.filter(product_id__in=wanted).delete()
        else:
            ProductShippingTemplate.objects.bulk_create(
                [ProductShippingTemplate(product_id=pk, template=template) for pk in wanted],
                update_conflicts=True,
                unique_fields=["product"],
                update_fields=["template"],
            )
    return len(wanted)


# --- Delivery settings -------------------------------------------------------------------------


def update_delivery_settings(
    *,
    shop: Shop,
    by: Any,
    ships_from_country: str,
    ships_from_region: str = "",
    handling_hours: int,
    offers_eco_packaging: bool,
) -> ShopLogistics:
    """Where the shop ships from, how soon it promises to dispatch, and whether buyers may
    choose eco packaging."""
    if not (can_manage_shop(shop=shop, by=by) or _is_logistics_staff(by)):
        raise DeliverySettingsError(
            _("Only the shop's owner or a manager can change this."), code="not_shop_manager"
        )
    country = ships_from_country.strip().upper()
    if country not in COUNTRY_NAMES:
        raise DeliverySettingsError(_("Choose a country from the list."), code="country")
    if not 1 <= handling_hours <= MAX_HANDLING_HOURS:
        raise DeliverySettingsError(
            _("The handling time is between 1 and %(max)s hours.") % {"max": MAX_HANDLING_HOURS},
            code="handling_hours",
        )
    row, _created = ShopLogistics.objects.update_or_create(
        shop=shop,
        defaults={
            "ships_from_country": country,
            "ships_from_region": " ".join(ships_from_region.split())[:PROVINCE_MAX],
            "handling_hours": handling_hours,
            "offers_eco_packaging": offers_eco_packaging,
        },
    )
    return row


# --- Reads -------------------------------------------------------------------------------------


def templates_for_shop(*, shop: Shop) -> QuerySet[ShippingTemplate]:
    """The shop's templates, default first, with their regions and ``product_count``."""
    regions = Prefetch("regions", queryset=ShippingRegion.objects.order_by("level", "position"))
    return (
        ShippingTemplate.objects.filter(shop=shop)
        .annotate(product_count=Count("product_links"))
        .prefetch_related(regions)
        .order_by("-is_default", "name", "pk")
    )


def template_for_shop_or_404(*, shop: Shop, pk: int) -> ShippingTemplate:
    template = ShippingTemplate.objects.filter(shop=shop, pk=pk).select_related("shop").first()
    if template is None:
        raise Http404(_("No such shipping template."))
    return template


def products_for_assignment(*, shop: Shop) -> QuerySet[Product]:
    """The shop's products with the template each uses (if it has one of its own)."""
    return (
        Product.objects.filter(shop=shop)
        .select_related("shipping_template_link__template")
        .only("pk", "title", "slug", "status", "shipping_template_link__template__name")
        .order_by("title", "pk")
    )


def delivery_settings_of(*, shop: Shop) -> ShopLogistics:
    """The shop's delivery settings; the defaults (unsaved) when it never set any."""
    return ShopLogistics.objects.filter(shop=shop).first() or ShopLogistics(shop=shop)


# --- Checks ------------------------------------------------------------------------------------


def _check_manager(*, shop: Shop, by: Any) -> None:
    if not can_manage_shop(shop=shop, by=by):
        raise ShippingTemplateError(
            _("Only the shop's owner or a manager can change this."), code="not_shop_manager"
        )


def _is_logistics_staff(by: Any) -> bool:
    """Staff may correct a shop's delivery settings from the admin."""
    return bool(getattr(by, "is_staff", False)) and by.has_perm("logistics.change_shoplogistics")


def _check_template(*, name: str, basis: str, regions: Sequence[RegionTerms]) -> None:
    if not name or len(name) > NAME_MAX:
        raise ShippingTemplateError(
            _("Give the template a name of at most %(max)s characters.") % {"max": NAME_MAX},
            code="name",
        )
    if basis not in PricingBasis.values:
        raise ShippingTemplateError(_("Choose how the template prices."), code="basis")
    if not regions:
        raise ShippingTemplateError(_("Add at least one region."), code="no_regions")
    if len(regions) > MAX_REGIONS:
        raise ShippingTemplateError(
            _("A template has at most %(max)s regions.") % {"max": MAX_REGIONS}, code="regions"
        )
    codes = set(COUNTRY_NAMES)
    seen: set[tuple[str, ...]] = set()
    for terms in regions:
        _check_region(terms, codes=codes)
        for key in _region_keys(terms):
            if key in seen:
                where = " / ".join(key[1:]) or _("Everywhere else")
                raise ShippingTemplateError(
                    _("%(where)s appears twice for %(level)s delivery.")
                    % {"where": where, "level": _level(key[0])},
                    code="duplicate_region",
                )
            seen.add(key)


def _check_region(terms: RegionTerms, *, codes: set[str]) -> None:
    if terms.level not in ServiceLevel.values:
        raise ShippingTemplateError(_("Choose a service level."), code="level")
    unknown = [code for code in terms.countries if code not in codes]
    if unknown:
        raise ShippingTemplateError(
            _("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown)},
            code="country",
        )
    if terms.provinces and len(terms.countries) != 1:
        raise ShippingTemplateError(
            _("Provinces or states need exactly one country in their row."), code="provinces"
        )
    if any(not p or len(p) > PROVINCE_MAX for p in terms.provinces):
        raise ShippingTemplateError(
            _("A province or state name has at most %(max)s characters.") % {"max": PROVINCE_MAX},
            code="provinces",
        )
    if terms.first_units < 1 or terms.additional_units < 0:
        raise ShippingTemplateError(
            _("The first weight or items is at least 1; the additional ones at least 0."),
            code="units",
        )
    if terms.first_price < 0 or terms.additional_price < 0:
        raise ShippingTemplateError(_("Prices cannot be negative."), code="price")
    if (terms.free_over_amount is not None and terms.free_over_amount < 0) or (
        terms.free_over_grams is not None and terms.free_over_grams < 1
    ):
        raise ShippingTemplateError(
            _("A free-delivery threshold is a positive amount or weight."), code="free_over"
        )


def _region_keys(terms: RegionTerms) -> list[tuple[str, ...]]:
    """What a row covers, one key per country or province: two rows of one level may not
    cover the same place."""
    if not terms.countries:
        return [(terms.level,)]
    if terms.provinces:
        country = terms.countries[0]
        return [(terms.level, country, normalise_region(p)) for p in terms.provinces]
    return [(terms.level, country) for country in terms.countries]


def _level(value: str) -> str:
    return str(ServiceLevel(value).label).lower()


def _region_row(template: ShippingTemplate, terms: RegionTerms, position: int) -> ShippingRegion:
    return ShippingRegion(
        template=template,
        level=terms.level,
        countries=list(dict.fromkeys(terms.countries)),
        provinces=list(dict.fromkeys(" ".join(p.split()) for p in terms.provinces)),
        is_served=terms.is_served,
        first_units=terms.first_units,
        first_price=terms.first_price,
        additional_units=terms.additional_units,
        additional_price=terms.additional_price,
        free_over_amount=terms.free_over_amount,
        free_over_grams=terms.free_over_grams,
        position=position,
    )
