"""The product's pictures: upload several at once, reorder (buttons or typed positions), delete."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.core.errors import DomainError
from marketplace.sellers.access import seller_required

from ...forms import ImageOrderForm, ImageUploadForm
from ...selectors_seller import image_of_product_or_404, images_of_product, product_for_shop_or_404
from ...services import images


@seller_required
def images_page(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the gallery; POST uploads pictures, keeping the good ones and naming the bad."""
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    form = ImageUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            added = 0
            for upload in form.cleaned_data["images"]:
                try:
                    images.add_image(product=product, file=upload)
                except DomainError as error:
                    form.add_error("images", error.message)
                else:
                    added += 1
            if added:
                messages.success(request, _("%(count)d pictures added.") % {"count": added})
            if form.is_valid():
                return redirect("catalog:seller-product-images", pk=pk)
        status = 400
    gallery = list(images_of_product(product=product))
    context = {"product": product, "form": form, "images": gallery}
    return render(request, "catalog/seller/images.html", context, status=status)


@seller_required
@require_POST
def image_move(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    image = image_of_product_or_404(product=product, pk=image_pk)
    images.move_image(image=image, step=-1 if request.POST.get("direction") == "up" else 1)
    return redirect("catalog:seller-product-images", pk=pk)


@seller_required
@require_POST
def images_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    ids = list(images_of_product(product=product).values_list("pk", flat=True))
    form = ImageOrderForm(request.POST, image_ids=ids)
    if form.is_valid():
        images.reorder_images(product=product, image_ids=form.ordered_ids())
        messages.success(request, _("Picture order saved."))
    else:
        messages.error(request, _("Give every picture a position number."))
    return redirect("catalog:seller-product-images", pk=pk)


@seller_required
@require_POST
def image_delete(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    product = product_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    images.delete_image(image=image_of_product_or_404(product=product, pk=image_pk))
    messages.success(request, _("Picture deleted."))
    return redirect("catalog:seller-product-images", pk=pk)
