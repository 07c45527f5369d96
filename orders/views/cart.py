"""The cart page, adding to the cart from the product page, and changing a line.

htmx requests get fragments: adding answers with a message and the header's counter (swapped
out of band); changing a line answers with the whole cart body, its totals recomputed. Without
JavaScript every form posts and redirects. A price in a form is never read: the cart stores
SKUs and quantities, and every display prices them with ``quote_lines``.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Variant

from ..errors import CartError
from ..selectors_cart import cart_page, line_in_cart_or_404
from ..services import cart as carts

LINE_ACTIONS = ("update", "remove", "save", "move")


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _whole_number(value: str | None, *, default: int | None = None) -> int | None:
    if value is None or value.strip() == "":
        return default
    try:
        return int(value.strip())
    except ValueError:
        return None


@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    page = cart_page(cart=carts.cart_for_request(request), user=request.user)
    return render(request, "orders/cart/cart.html", {"page": page, "cart_count": page.count})


@require_POST
def add(request: HttpRequest) -> HttpResponse:
    """Adds the posted SKU and quantity (nothing else is read from the form)."""
    variant_id = _whole_number(request.POST.get("variant"))
    quantity = _whole_number(request.POST.get("quantity"), default=1)
    variant = (
        Variant.objects.select_related("product").filter(pk=variant_id).first()
        if variant_id
        else None
    )
    error = ""
    if variant is None:
        error = _("Choose an option first.")
    elif quantity is None:
        error = _("Enter the quantity as a whole number.")
    else:
        try:
            carts.add_to_cart(
                cart=carts.cart_for_request(request, create=True),
                variant=variant,
                quantity=quantity,
            )
        except CartError as refusal:
            error = refusal.message
    message = error or _("Added to your cart.")
    if _is_htmx(request):
        cart = carts.cart_for_request(request)
        context = {"message": message, "is_error": bool(error), "count": carts.cart_count(cart)}
        return render(request, "orders/cart/_add_result.html", context)
    if error:
        messages.error(request, message)
        return redirect(variant.product.get_absolute_url() if variant else "orders:cart")
    messages.success(request, message)
    return redirect("orders:cart")


@require_POST
def line(request: HttpRequest, line_id: int) -> HttpResponse:
    """Updates, removes, saves for later or moves back one line of the visitor's own cart."""
    cart = carts.cart_for_request(request)
    found = line_in_cart_or_404(cart=cart, line_id=line_id)
    action = request.POST.get("action") or "update"
    error = ""
    try:
        _apply(cart=cart, line_id=found.pk, action=action, quantity=request.POST.get("quantity"))
    except CartError as refusal:
        error = refusal.message
    if _is_htmx(request):
        page = cart_page(cart=cart, user=request.user)
        context = {"page": page, "error": error, "oob_count": True}
        return render(request, "orders/cart/_cart_body.html", context)
    if error:
        messages.error(request, error)
    return redirect("orders:cart")


def _apply(*, cart, line_id: int, action: str, quantity: str | None) -> None:
    if action == "remove":
        carts.remove_line(cart=cart, line_id=line_id)
    elif action == "save":
        carts.save_for_later(cart=cart, line_id=line_id)
    elif action == "move":
        carts.move_to_cart(cart=cart, line_id=line_id)
    elif action == "update":
        number = _whole_number(quantity)
        if number is None:
            raise CartError(_("Enter the quantity as a whole number."), code="bad_quantity")
        carts.set_quantity(cart=cart, line_id=line_id, quantity=number)
    else:
        raise CartError(_("Unknown action."), code="bad_action")
