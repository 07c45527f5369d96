"""Every write of a shopper's cart: adding, changing quantities, saving for later, merging a
guest's cart into the account's on login, and dropping what checkout ordered.

A cart holds SKUs and quantities only, never a price: every page recomputes prices with
``orders.services.quotes.quote_lines``. Each change checks the SKU is still on sale, the shop is
open, the quantity is within 1..999, within stock and at least the product's minimum order
quantity (B2B), and refuses with ``CartError`` otherwise, having changed nothing. A line below
the minimum order quantity is refused with the minimum in the message (never silently raised):
the product page's quantity field starts at the minimum, so a shopper meets this only by typing.

Lines are looked up inside the given cart only, so another cart's line id is "not found".
Changes lock the cart row first (one shopper's clicks queue up instead of racing on the
one-line-per-SKU constraint).
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import ProductStatus, Variant
from marketplace.sellers.models import ShopStatus
from marketplace.sellers.selectors.shops import is_shop_open

from ..errors import CartError
from ..models import Cart, CartLine

SESSION_KEY = "cart_token"
MAX_QUANTITY = 999
MAX_LINES = 100


# --- Finding the cart ----------------------------------------------------------------------


def cart_for_request(request: HttpRequest, *, create: bool = False) -> Cart | None:
    """The signed-in shopper's cart, or the guest's cart found by the token in the session;
    with ``create`` a missing one is made (and a guest's token kept in the session)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if create:
            cart, _created = Cart.objects.get_or_create(user=user)
            return cart
        return Cart.objects.filter(user=user).first()
    token = request.session.get(SESSION_KEY)
    cart = guest_cart_for_token(token) if token else None
    if cart is None and create:
        cart = Cart.objects.create()
        request.session[SESSION_KEY] = str(cart.token)
    return cart


def guest_cart_for_token(token: object) -> Cart | None:
    """A guest cart (no owner yet) by its session token; None for a malformed or stale one."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    return Cart.objects.filter(token=parsed, user__isnull=True).first()


def parse_token(token: object) -> uuid.UUID | None:
    """The session's cart token as a UUID, or None when it is missing or malformed."""
    if not token:
        return None
    try:
        return uuid.UUID(str(token))
    except ValueError:
        return None


# --- Reads ---------------------------------------------------------------------------------


def cart_count(cart: Cart | None) -> int:
    """Units in the cart (saved-for-later lines left out): one query."""
    if cart is None or cart.pk is None:
        return 0
    total = CartLine.objects.filter(cart=cart, is_saved_for_later=False).aggregate(
        n=Sum("quantity")
    )["n"]
    return total or 0


def active_pairs(cart: Cart) -> list[tuple[int, int]]:
    """(variant id, quantity) of the lines to buy, in the order they were added."""
    lines = CartLine.objects.filter(cart=cart, is_saved_for_later=False).order_by("added_at", "pk")
    return [
        (variant_id, quantity)
        for variant_id, quantity in lines.values_list("variant_id", "quantity")
    ]


# --- Checks --------------------------------------------------------------------------------


def _check_range(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise CartError(_("The quantity must be at least 1."), code="bad_quantity")
    if quantity > MAX_QUANTITY:
        raise CartError(
            _("At most %(max)s units of one item fit in a cart.") % {"max": MAX_QUANTITY},
            code="too_many_units",
        )


def _check_on_sale(variant: Variant) -> None:
    """The SKU can be bought now: product on sale, option on sale, shop open."""
    product = variant.product
    if product.status != ProductStatus.ACTIVE or not variant.is_active:
        raise CartError(
            _("“%(title)s” is no longer on sale.") % {"title": product.title}, code="not_on_sale"
        )
    shop = product.shop
    if not is_shop_open(shop=shop):
        if shop.status == ShopStatus.CLOSED:
            message = _("%(shop)s is closed, so its products cannot be bought.")
        else:
            message = _("%(shop)s is suspended, so its products cannot be bought now.")
        raise CartError(message % {"shop": shop.name}, code="shop_not_open")


def _check_buyable_quantity(variant: Variant, quantity: int) -> None:
    """``quantity`` units respect the minimum order quantity and the stock."""
    product = variant.product
    moq = product.min_order_quantity or 1
    if quantity < moq:
        raise CartError(
            ngettext(
                "“%(title)s” is sold in quantities of at least %(moq)s unit.",
                "“%(title)s” is sold in quantities of at least %(moq)s units.",
                moq,
            )
            % {"title": product.title, "moq": moq},
            code="below_minimum",
        )
    if variant.stock < 1:
        raise CartError(_("“%(title)s” is sold out.") % {"title": product.title}, code="sold_out")
    if quantity > variant.stock:
        raise CartError(
            ngettext(
                "Only %(stock)s unit of “%(title)s” is left.",
                "Only %(stock)s units of “%(title)s” are left.",
                variant.stock,
            )
            % {"stock": variant.stock, "title": product.title},
            code="not_enough_stock",
        )


FRESH_FIELDS = (
    "product_id",
    "sku",
    "stock",
    "is_active",
    "position",
    "product__title",
    "product__status",
    "product__min_order_quantity",
    "product__shop__name",
    "product__shop__status",
    "product__shop__suspended_until",
)


def _fresh_variant(variant_id: int) -> Variant:
    variant = (
        Variant.objects.select_related("product__shop")
        .only(*FRESH_FIELDS)  # what the checks read; the wide joined row is costly to build
        .filter(pk=variant_id)
        .first()
    )
    if variant is None:
        raise CartError(_("This item does not exist."), code="unknown_variant")
    return variant


def _lock(cart: Cart) -> None:
    Cart.objects.select_for_update().filter(pk=cart.pk).values_list("pk").first()


def _line_in(cart: Cart, line_id: int) -> CartLine:
    line = (
        CartLine.objects.select_for_update(of=("self",))
        .select_related("variant__product__shop")
        .filter(cart=cart, pk=line_id)
        .first()
    )
    if line is None:
        raise CartError(_("This line is not in your cart."), code="line_not_found")
    return line


# --- Changes -------------------------------------------------------------------------------


def add_to_cart(*, cart: Cart, variant: Variant, quantity: int = 1) -> CartLine:
    """``quantity`` more units of ``variant`` are in the cart (a line saved for later comes back
    to the cart with the units added)."""
    _check_range(quantity)
    with transaction.atomic():
        _lock(cart)
        fresh = _fresh_variant(variant.pk)
        _check_on_sale(fresh)
        line = CartLine.objects.filter(cart=cart, variant=fresh).first()
        if line is None:
            if CartLine.objects.filter(cart=cart).count() >= MAX_LINES:
                raise CartError(
                    _("Your cart already holds %(max)s different items; remove some first.")
                    % {"max": MAX_LINES},
                    code="too_many_lines",
                )
            _check_buyable_quantity(fresh, quantity)
            return CartLine.objects.create(cart=cart, variant=fresh, quantity=quantity)
        total = line.quantity + quantity
        _check_range(total)
        _check_buyable_quantity(fresh, total)
        line.quantity = total
        line.is_saved_for_later = False
        line.save(update_fields=["quantity", "is_saved_for_later"])
        return line


def set_quantity(*, cart: Cart, line_id: int, quantity: int) -> CartLine | None:
    """The line now holds ``quantity`` units; 0 removes it (and returns None)."""
    if isinstance(quantity, int) and not isinstance(quantity, bool) and quantity == 0:
        remove_line(cart=cart, line_id=line_id)
        return None
    _check_range(quantity)
    with transaction.atomic():
        _lock(cart)
        line = _line_in(cart, line_id)
        if not line.is_saved_for_later:
            _check_on_sale(line.variant)
            _check_buyable_quantity(line.variant, quantity)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        return line


def remove_line(*, cart: Cart, line_id: int) -> None:
    """The line is gone from the cart (or from the saved-for-later list)."""
    with transaction.atomic():
        _lock(cart)
        _line_in(cart, line_id).delete()


def save_for_later(*, cart: Cart, line_id: int) -> CartLine:
    """The line stays in the cart's "saved for later" list, out of the total and checkout."""
    with transaction.atomic():
        _lock(cart)
        line = _line_in(cart, line_id)
        if not line.is_saved_for_later:
            line.is_saved_for_later = True
            line.save(update_fields=["is_saved_for_later"])
        return line


def move_to_cart(*, cart: Cart, line_id: int) -> CartLine:
    """A saved line is back in the cart; its quantity is lowered to the stock left if needed."""
    with transaction.atomic():
        _lock(cart)
        line = _line_in(cart, line_id)
        if not line.is_saved_for_later:
            return line
        variant = line.variant
        _check_on_sale(variant)
        quantity = min(line.quantity, variant.stock) if variant.stock > 0 else line.quantity
        _check_buyable_quantity(variant, quantity)
        line.quantity = quantity
        line.is_saved_for_later = False
        line.save(update_fields=["quantity", "is_saved_for_later"])
        return line


def remove_variants(*, cart: Cart, variant_ids: Iterable[int]) -> None:
    """The cart's lines of these SKUs are gone (checkout ordered them); saved ones stay."""
    ids = list(variant_ids)
    if ids:
        with transaction.atomic():
            _lock(cart)  # like every change, so a change in another tab never meets a lost line
            lines = CartLine.objects.filter(cart=cart, variant_id__in=ids, is_saved_for_later=False)
            lines.delete()


def merge_carts(*, guest: Cart, into: Cart) -> Cart:
    """The guest cart's lines are in ``into`` (quantities summed, up to the stock left; a line
    to buy wins over a saved one) and the guest cart is gone."""
    if guest.pk == into.pk:
        return into
    with transaction.atomic():
        list(Cart.objects.select_for_update().filter(pk__in=[into.pk, guest.pk]).order_by("pk"))
        mine = {line.variant_id: line for line in CartLine.objects.filter(cart=into)}
        count = len(mine)
        for line in (
            CartLine.objects.filter(cart=guest).select_related("variant").order_by("added_at", "pk")
        ):
            existing = mine.get(line.variant_id)
            if existing is None:
                if count >= MAX_LINES:
                    continue
                line.cart = into
                line.save(update_fields=["cart"])
                count += 1
                continue
            ceiling = max(line.variant.stock, existing.quantity, 1)
            existing.quantity = min(existing.quantity + line.quantity, ceiling, MAX_QUANTITY)
            existing.is_saved_for_later = existing.is_saved_for_later and line.is_saved_for_later
            existing.save(update_fields=["quantity", "is_saved_for_later"])
        guest.delete()
    return into


def adopt_guest_cart(*, request: HttpRequest, user: Any) -> Cart | None:
    """On login: the session's guest cart becomes (or merges into) ``user``'s cart."""
    token = request.session.pop(SESSION_KEY, None)
    guest = guest_cart_for_token(token) if token else None
    if guest is None:
        return None
    account = Cart.objects.filter(user=user).first()
    if account is None:
        updated = Cart.objects.filter(pk=guest.pk, user__isnull=True).update(user=user)
        if updated:
            guest.user = user
            return guest
        account = Cart.objects.filter(user=user).first()
        if account is None:
            return None
    return merge_carts(guest=guest, into=account)
