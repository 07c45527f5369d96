"""The product list, the product form (create and edit), the preview and the listing buttons."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.core.errors import DomainError
from marketplace.sellers.access import MANAGERS, seller_required

from ...forms import ProductFilterForm, ProductForm, product_initial
from ...models import Category, Product
from ...selectors_seller import (
    attributes_of_category,
    images_of_product,
    leaf_categories,
    product_for_shop_or_404,
    products_for_shop,
    sellable_brand_names,
    variants_of_product,
)
from ...services import listing, products

PAGE_SIZE = 25


@seller_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    form = ProductFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = products_for_shop(
        shop=shop,
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        stock=filters.get("stock", ""),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "catalog/seller/product_list.html", context)


def _product_form(
    request: HttpRequest, *, product: Product | None, category: Category | None
) -> ProductForm:
    """The form with the attribute fields of the category being chosen (posted, or the
    product's own)."""
    shop = request.shop  # type: ignore[attr-defined]
    categories = leaf_categories()
    chosen = _chosen_category(request.POST.get("category"), categories) or category
    attributes = list(attributes_of_category(category=chosen, variant=False)) if chosen else []
    form = ProductForm(
        request.POST or None,
        initial=product_initial(product) if product else {},
        categories=categories,
        brand_names=sellable_brand_names(shop=shop),
        attributes=attributes,
        is_b2b=products.is_b2b(shop),
    )
    form.chosen_category = chosen  # type: ignore[attr-defined]
    form.fields["category"].widget.attrs.update(
        {
            "hx-get": reverse("catalog:seller-product-attributes"),
            "hx-target": "#attribute-fields",
            "hx-trigger": "change",
        }
    )
    return form


def _chosen_category(value: str | None, categories: list[Category]) -> Category | None:
    by_pk = {str(category.pk): category for category in categories}
    return by_pk.get(value or "")


@seller_required
@require_GET
def product_attribute_fields(request: HttpRequest) -> HttpResponse:
    """The specification fields of the category chosen in the product form (for htmx)."""
    category = _chosen_category(request.GET.get("category"), leaf_categories())
    attributes = list(attributes_of_category(category=category, variant=False)) if category else []
    form = ProductForm(
        categories=[],
        brand_names=[],
        attributes=attributes,
        is_b2b=False,
    )
    context = {"form": form, "category": category}
    return render(request, "catalog/seller/_attribute_fields.html", context)


@seller_required
def product_create(request: HttpRequest) -> HttpResponse:
    """A new draft: the product's own fields first; attributes, variants and pictures follow."""
    form = _product_form(request, product=None, category=None)
    if request.method == "POST" and form.is_valid():
        try:
            product = products.create_product(
                shop=request.shop,
                by=request.user,
                **form.service_kwargs(),  # type: ignore[attr-defined]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Draft saved. Now add its variants and pictures."))
            return redirect("catalog:seller-product", pk=product.pk)
    return render(request, "catalog/seller/product_form.html", {"form": form, "product": None})


@seller_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    form = _product_form(request, product=product, category=product.category)
    if request.method == "POST" and form.is_valid():
        try:
            products.update_product(product=product, by=request.user, **form.service_kwargs())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Product saved."))
            return redirect("catalog:seller-product", pk=product.pk)
        product.refresh_from_db()
    return render(request, "catalog/seller/product_form.html", _edit_context(product, form))


def _edit_context(product: Product, form: ProductForm) -> dict[str, Any]:
    return {
        "form": form,
        "product": product,
        "variants": variants_of_product(product=product),
        "images": images_of_product(product=product),
    }


@seller_required
@require_GET
def product_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The product page as shoppers will see it, whatever its status."""
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    context = {
        "product": product,
        "variants": variants_of_product(product=product).filter(is_active=True),
        "images": images_of_product(product=product),
        "attribute_values": product.attribute_values.select_related("attribute", "option"),
        "problems": [e.message for e in listing.listing_problems(product=product)],
    }
    return render(request, "catalog/seller/preview.html", context)


@seller_required(roles=MANAGERS)
@require_POST
def product_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """List or relist: on sale, or sent for review in a reviewed category."""
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    try:
        product = listing.publish_product(product=product, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Sent for staff review.")
            if product.status == "pending_review"
            else _("The product is on sale."),
        )
    return redirect("catalog:seller-product", pk=pk)


@seller_required(roles=MANAGERS)
@require_POST
def product_delist(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    try:
        listing.delist_product(product=product, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The product is off sale."))
    return redirect("catalog:seller-product", pk=pk)


@seller_required(roles=MANAGERS)
@require_POST
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    try:
        products.delete_product(product=product, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("catalog:seller-product", pk=pk)
    messages.success(request, _("Product deleted."))
    return redirect("catalog:seller-products")
