"""Checkout: address, a delivery option and a note per shop, coupons, review, place order.

Every display recomputes the quote from the cart (``quotes.quote_lines``); the form carries only
choices, the idempotency key and the total the buyer reviewed, never a price.
"""

import uuid
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.accounts.forms import AddressForm
from marketplace.accounts.models import Address
from marketplace.accounts.selectors import addresses_for
from marketplace.accounts.services import create_address

from ..display_rates import display_rate
from ..errors import CheckoutError
from ..models import OrderGroup
from ..services.cart import active_pairs, cart_for_request, remove_variants
from ..services.checkout import place_order
from ..services.quotes import CartQuote, quote_lines

NEW_ADDRESS = "new"
MAX_CODES = 5


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    cart = cart_for_request(request)
    pairs = active_pairs(cart) if cart else []
    if not pairs:
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    data = request.POST if request.method == "POST" else None
    choices = _Choices(request, data)
    quote = quote_lines(
        pairs=pairs,
        user=request.user,
        coupon_codes=choices.codes,
        delivery=choices.delivery,
        address=choices.quote_address,
    )
    if data is not None and data.get("action") == "place":
        group = _place(request, choices=choices, pairs=pairs, quote=quote)
        if group is not None:
            remove_variants(cart=cart, variant_ids=[variant_id for variant_id, _q in pairs])
            return redirect("orders:checkout-done", number=group.number)
        quote = quote_lines(
            pairs=pairs,
            user=request.user,
            coupon_codes=choices.codes,
            delivery=choices.delivery,
            address=choices.quote_address,
        )
    context = {
        "quote": quote,
        "choices": choices,
        "addresses": choices.addresses,
        "address_form": choices.address_form,
        "idempotency_key": choices.key,
    }
    template = "orders/checkout/_form.html" if request.htmx else "orders/checkout/checkout.html"
    return render(request, template, context)


@login_required
def checkout_done(request: HttpRequest, number: str) -> HttpResponse:
    group = get_object_or_404(
        OrderGroup.objects.prefetch_related("orders__shop", "orders__lines"),
        buyer=request.user,
        number=number,
    )
    try:
        pay_url = reverse("payments:pay", args=[group.number])
    except NoReverseMatch:
        pay_url = ""
    return render(request, "orders/checkout/done.html", {"group": group, "pay_url": pay_url})


class _Choices:
    """What the buyer chose on the form (or the defaults on the first visit)."""

    def __init__(self, request: HttpRequest, data) -> None:
        self.errors: list[str] = []
        self.addresses = list(addresses_for(user=request.user))
        data = data or {}
        self.key = _uuid(data.get("idempotency_key")) or uuid.uuid4()
        self.codes = self._codes(data)
        self.delivery = {
            int(name.removeprefix("delivery-")): value
            for name, value in data.items()
            if name.startswith("delivery-") and name.removeprefix("delivery-").isdigit()
        }
        self.notes = {
            int(name.removeprefix("note-")): value
            for name, value in data.items()
            if name.startswith("note-") and name.removeprefix("note-").isdigit()
        }
        default = next((a for a in self.addresses if a.is_default), None) or (
            self.addresses[0] if self.addresses else None
        )
        self.address_choice = data.get("address") or (str(default.pk) if default else NEW_ADDRESS)
        wants_new = self.address_choice == NEW_ADDRESS
        # Its fields are required only when "a new address" is chosen, which the server checks:
        # ``required`` in the page would stop the browser sending the form for a saved address.
        self.address_form = AddressForm(
            data if (wants_new and data.get("action") == "place") else None,
            prefix="new",
            use_required_attribute=False,
        )
        self.expected_total = _decimal(data.get("expected_total"))
        self.quote_address = self._quote_address(data)

    def _codes(self, data) -> list[str]:
        codes = [code for code in (data.get("coupon_codes") or "").split(",") if code]
        typed = (data.get("coupon_code") or "").strip().upper()
        if typed and typed not in codes:
            codes.append(typed)
        removed = (data.get("remove_code") or "").strip().upper()
        return [code.strip().upper() for code in codes if code != removed][:MAX_CODES]

    def _quote_address(self, data) -> Address | None:
        """Where delivery is priced to: the saved address chosen, or the new one's country and
        region as typed so far (unsaved)."""
        if self.address_choice == NEW_ADDRESS:
            country = (data.get("new-country") or "").strip().upper()
            region = (data.get("new-region") or "").strip()
            return Address(country=country, region=region) if country else None
        return next((a for a in self.addresses if str(a.pk) == self.address_choice), None)

    @property
    def codes_value(self) -> str:
        return ",".join(self.codes)

    def chosen_address(self, request: HttpRequest):
        if self.address_choice == NEW_ADDRESS:
            if not self.address_form.is_valid():
                return None
            return create_address(user=request.user, **self.address_form.cleaned_data)
        return next((a for a in self.addresses if str(a.pk) == self.address_choice), None)


def _place(
    request: HttpRequest, *, choices: _Choices, pairs: list[tuple[int, int]], quote: CartQuote
) -> OrderGroup | None:
    address = choices.chosen_address(request)
    if address is None:
        choices.errors.append(_("Choose a delivery address or fill in the new one."))
        return None
    shown_currency, shown_rate = display_rate(request)
    try:
        return place_order(
            buyer=request.user,
            pairs=pairs,
            address=address,
            delivery=choices.delivery,
            notes=choices.notes,
            coupon_codes=choices.codes,
            idempotency_key=choices.key,
            expected_total=choices.expected_total,
            display_currency=shown_currency,
            display_rate=shown_rate,
        )
    except CheckoutError as error:
        choices.errors.append(error.message)
        if error.code == "total_changed":
            choices.key = uuid.uuid4()  # the buyer is placing a different order now
        return None


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None
