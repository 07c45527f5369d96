"""The variant matrix (which options the product comes in), the bulk grid of prices, stock and
details, and B2B price tiers per variant."""

from typing import Any

from django.contrib import messages
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.core.errors import DomainError
from marketplace.sellers.access import seller_required

from ...forms import PriceTierFormSet, VariantGridFormSet, VariantMatrixForm
from ...models import Product, Variant
from ...selectors_seller import attributes_of_category, product_for_shop_or_404, variants_of_product
from ...services import products


def _matrix_form(product: Product, data: Any = None) -> VariantMatrixForm:
    attributes = list(attributes_of_category(category=product.category, variant=True))
    used = {o.pk for v in product.variants.prefetch_related("options") for o in v.options.all()}
    initial = {
        f"axis_{a.code}": [o.pk for o in a.options.all() if o.pk in used] for a in attributes
    }
    return VariantMatrixForm(data, attributes=attributes, initial=initial)


def _grid(product: Product, data: Any = None) -> BaseFormSet:
    initial = [
        {
            "variant_id": v.pk,
            "sku": v.sku,
            "price": v.price,
            "compare_at_price": v.compare_at_price,
            "stock": v.stock,
            "stock_seen": v.stock,
            "low_stock_threshold": v.low_stock_threshold,
            "weight_grams": v.weight_grams,
            "barcode": v.barcode,
            "is_active": v.is_active,
        }
        for v in product.variants.order_by("position", "pk")
    ]
    return VariantGridFormSet(data, initial=initial, prefix="v")


def _page(
    request: HttpRequest,
    product: Product,
    *,
    matrix: VariantMatrixForm | None = None,
    grid: BaseFormSet | None = None,
    status: int = 200,
) -> HttpResponse:
    variants = list(variants_of_product(product=product))
    grid = grid or _grid(product)
    by_id = {v.pk: v for v in variants}
    rows = [(form, by_id.get(form.initial.get("variant_id"))) for form in grid.forms]
    context = {
        "product": product,
        "matrix": matrix or _matrix_form(product),
        "grid": grid,
        "rows": rows,
        "is_b2b": products.is_b2b(product.shop),
    }
    return render(request, "catalog/seller/variants.html", context, status=status)


@seller_required
def variants_page(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the matrix and the grid; POST saves the whole grid or nothing."""
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    if request.method != "POST":
        return _page(request, product)
    grid = _grid(product, request.POST)
    if grid.is_valid():
        changes = [
            products.VariantChange(
                variant_id=row["variant_id"],
                sku=row["sku"],
                price=row["price"],
                compare_at_price=row["compare_at_price"],
                stock=None if row["stock"] == row.get("stock_seen") else row["stock"],
                low_stock_threshold=row["low_stock_threshold"],
                weight_grams=row["weight_grams"],
                barcode=row["barcode"],
                is_active=row["is_active"],
            )
            for row in grid.cleaned_data
        ]
        try:
            products.bulk_update_variants(product=product, by=request.user, changes=changes)
        except DomainError as error:
            grid._non_form_errors = grid.error_class([error.message])
        else:
            messages.success(request, _("Variants saved."))
            return redirect("catalog:seller-product-variants", pk=pk)
    return _page(request, product, grid=grid, status=400)


@seller_required
@require_POST
def variants_build(request: HttpRequest, pk: int) -> HttpResponse:
    """The chosen options' combinations become variants; existing ones stay as they are."""
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    matrix = _matrix_form(product, request.POST)
    if matrix.is_valid():
        try:
            created = products.build_variants(
                product=product,
                by=request.user,
                option_ids=matrix.option_ids(),
                price=matrix.cleaned_data["price"],
            )
        except DomainError as error:
            matrix.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)d new variants added.") % {"count": len(created)})
            return redirect("catalog:seller-product-variants", pk=pk)
    return _page(request, product, matrix=matrix, status=400)


@seller_required
def variant_tiers(request: HttpRequest, pk: int, variant_pk: int) -> HttpResponse:
    """Quantity prices of one variant (wholesale shops): from N units, each costs X."""
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    variant: Variant = get_object_or_404(product.variants, pk=variant_pk)
    initial = [
        {"min_quantity": t.min_quantity, "unit_price": t.unit_price}
        for t in variant.price_tiers.all()
    ]
    formset = PriceTierFormSet(request.POST or None, initial=initial, prefix="t")
    if request.method == "POST" and formset.is_valid():
        tiers = [
            (row["min_quantity"], row["unit_price"])
            for row in formset.cleaned_data
            if row.get("min_quantity") is not None
        ]
        try:
            products.set_price_tiers(variant=variant, by=request.user, tiers=tiers)
        except DomainError as error:
            formset._non_form_errors = formset.error_class([error.message])
        else:
            messages.success(request, _("Price tiers saved."))
            return redirect("catalog:seller-product-variants", pk=pk)
    context = {"product": product, "variant": variant, "formset": formset}
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/seller/tiers.html", context, status=status)
