"""Reads of a shopper's cart for the cart page and the header's counter.

The page's prices come only from ``orders.services.quotes.quote_lines``, recomputed on every
display; this module adds what the quote does not carry (the cart line ids for the forms, the
options and the thumbnail) from one query per kind of row, however many lines there are.
Nothing here writes.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Sum
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from catalog.models import AttributeOption, ProductImage

from .models import Cart, CartLine
from .services.cart import SESSION_KEY, parse_token
from .services.quotes import CartQuote, QuotedLine, QuotedShop, quote_lines


@dataclass
class CartRow:
    """One line: the cart line (id, options, picture) and, for a line to buy, its quoted price
    and problems (None for a saved line, which is not priced)."""

    line: CartLine
    quoted: QuotedLine | None = None

    @property
    def image(self) -> ProductImage | None:
        variant = self.line.variant
        if variant.image_id:
            return variant.image
        images = list(variant.product.images.all())
        return images[0] if images else None


@dataclass
class ShopGroup:
    quoted: QuotedShop
    rows: list[CartRow]


@dataclass
class CartPage:
    cart: Cart | None
    groups: list[ShopGroup] = field(default_factory=list)
    saved: list[CartRow] = field(default_factory=list)
    quote: CartQuote | None = None
    count: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.saved

    @property
    def has_problems(self) -> bool:
        return bool(self.quote and self.quote.has_problems)


def lines_for_display(cart: Cart) -> list[CartLine]:
    """Every line of the cart (to buy and saved) with its SKU, product, shop, options and
    pictures loaded, in the order the lines were added."""
    options = AttributeOption.objects.select_related("attribute").order_by(
        "attribute__position", "attribute__pk"
    )
    images = ProductImage.objects.order_by("position", "pk")
    return list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__shop", "variant__image")
        .prefetch_related(
            Prefetch("variant__options", queryset=options),
            Prefetch("variant__product__images", queryset=images),
        )
        .order_by("added_at", "pk")
    )


def cart_page(*, cart: Cart | None, user: Any) -> CartPage:
    """The cart grouped by shop with every price from a fresh quote, and the saved lines."""
    if cart is None:
        return CartPage(cart=None)
    lines = lines_for_display(cart)
    active = [line for line in lines if not line.is_saved_for_later]
    page = CartPage(
        cart=cart,
        saved=[CartRow(line=line) for line in lines if line.is_saved_for_later],
        count=sum(line.quantity for line in active),
    )
    if not active:
        return page
    buyer = user if user is not None and user.is_authenticated else None
    page.quote = quote_lines(
        pairs=[(line.variant_id, line.quantity) for line in active], user=buyer
    )
    by_variant = {line.variant_id: line for line in active}
    for shop in page.quote.shops:
        rows = [
            CartRow(line=by_variant[quoted.variant.pk], quoted=quoted)
            for quoted in shop.lines
            if quoted.variant.pk in by_variant
        ]
        page.groups.append(ShopGroup(quoted=shop, rows=rows))
    return page


def line_in_cart_or_404(*, cart: Cart | None, line_id: int) -> CartLine:
    """A line of this cart; another cart's line id (or no cart) is "not found"."""
    line = CartLine.objects.filter(cart=cart, pk=line_id).first() if cart else None
    if line is None:
        raise Http404(_("This line is not in your cart."))
    return line


def cart_count_for_request(request: HttpRequest) -> int:
    """Units in the visitor's cart in one query; none for a guest without a cart."""
    user = getattr(request, "user", None)
    lines = CartLine.objects.filter(is_saved_for_later=False)
    if user is not None and user.is_authenticated:
        lines = lines.filter(cart__user=user)
    else:
        session = getattr(request, "session", None)
        token = parse_token(session.get(SESSION_KEY)) if session is not None else None
        if token is None:
            return 0
        lines = lines.filter(cart__token=token, cart__user__isnull=True)
    return lines.aggregate(n=Sum("quantity"))["n"] or 0
