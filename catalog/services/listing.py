"""Every move of a product through its life cycle, with the listing rules that guard going on sale.

Merchants publish (list or relist) and delist their products; staff approve or reject products
waiting for review and remove products for good; the platform takes products off sale for a
penalty, a closed shop or a brand no longer allowed (``catalog.receivers``). Every move goes
through ``core.states.transition`` so it is in the product's history; a refusal raises
``ListingError`` and changes nothing. Product content is edited in ``services/products.py``,
which calls ``product_changed`` afterwards.

Listing rules: no prohibited word in the title, subtitle or description (compared
case-insensitively and after folding Traditional to Simplified Chinese), the brand only if the
merchant may sell it, at least one active variant with a price, an active category, and an open
shop. Categories that require review send new and edited products to the staff queue.
"""

import html
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import opencc
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from marketplace.core.states import IllegalTransition, transition
from marketplace.notifications.services import notify
from marketplace.sellers.access import MANAGERS
from marketplace.sellers.models import MemberRole, MerchantMember
from marketplace.sellers.selectors.shops import is_shop_open, members_of_merchant
from marketplace.sellers.services.brands import can_sell_brand

from ..errors import ListingError
from ..events import product_status_changed
from ..models import Product, ProductStatus, ProhibitedWord
from ..states import LISTED, PRODUCT, PUBLISHABLE
from .inventory import seller_product_url

# --- Who may do what --------------------------------------------------------------------------


def can_list_products(*, product: Product, by: Any) -> bool:
    """The shop's owner and managers put products on sale and take them off; clerks edit only."""
    if not getattr(by, "is_authenticated", False):
        return False
    return MerchantMember.objects.filter(
        merchant_id=product.shop.merchant_id, user_id=by.pk, role__in=MANAGERS
    ).exists()


def can_moderate_products(*, by: Any) -> bool:
    """Staff with the right to change products (the moderators group) approve and remove."""
    return bool(
        getattr(by, "is_active", False)
        and getattr(by, "is_staff", False)
        and by.has_perm("catalog.change_product")
    )


# --- Listing rules ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Text compared the same whatever its script or case (Traditional -> Simplified)."""
    return _converter().convert(text).casefold()


def _word_pattern(word: str) -> re.Pattern[str]:
    """Latin words match whole (``ass`` is not in ``glass``); Chinese words match anywhere."""
    folded = re.escape(fold(word.strip()))
    before = r"(?<![a-z0-9])" if word.strip()[:1].isascii() else ""
    after = r"(?![a-z0-9])" if word.strip()[-1:].isascii() else ""
    return re.compile(before + folded + after)


def prohibited_words_in(*, texts: Iterable[str]) -> list[ProhibitedWord]:
    """The active prohibited words that occur in any of the texts."""
    folded = fold("\n".join(html.unescape(strip_tags(text or "")) for text in texts))
    return [
        word
        for word in ProhibitedWord.objects.filter(is_active=True).order_by("word")
        if word.word.strip() and _word_pattern(word.word).search(folded)
    ]


def listing_problems(*, product: Product, check_shop: bool = True) -> list[ListingError]:
    """Everything that keeps the product from going on sale (empty when it may)."""
    problems = [
        ListingError(
            _("“%(word)s” is not allowed: %(reason)s") % {"word": word.word, "reason": word.reason},
            code="prohibited_word",
        )
        for word in prohibited_words_in(
            texts=[product.title, product.subtitle, product.description]
        )
    ]
    if product.brand_id and not can_sell_brand(
        merchant=product.shop.merchant, brand_name=product.brand.name
    ):
        problems.append(
            ListingError(
                _(
                    "Your shop may not sell the brand “%(brand)s”: add a brand authorisation "
                    "to your qualifications first."
                )
                % {"brand": product.brand.name},
                code="brand_not_allowed",
            )
        )
    if not product.variants.filter(is_active=True, price__gt=0).exists():
        problems.append(
            ListingError(
                _("Add at least one variant on sale with a price."), code="no_priced_variant"
            )
        )
    if not product.category.is_active:
        problems.append(
            ListingError(_("This category no longer takes products."), code="category_closed")
        )
    if check_shop and not is_shop_open(shop=product.shop):
        problems.append(
            ListingError(_("Your shop is not open, so nothing can go on sale."), code="shop_closed")
        )
    return problems


def check_listing_rules(*, product: Product, check_shop: bool = True) -> None:
    """Raises the first listing rule the product breaks, as a ``ListingError``."""
    problems = listing_problems(product=product, check_shop=check_shop)
    if problems:
        raise problems[0]


# --- Merchant moves ---------------------------------------------------------------------------


def publish_product(*, product: Product, by: Any) -> Product:
    """The product is on sale, or waiting for staff review in a reviewed category (list and
    relist are the same move)."""
    _check_member(product=product, by=by)
    if product.status not in PUBLISHABLE:
        raise ListingError(_publish_refusal(product), code="not_publishable")
    check_listing_rules(product=product)
    if product.category.requires_review:
        return _move(product, to=ProductStatus.PENDING_REVIEW, by=by, reason=_("Sent for review"))
    return _move(product, to=ProductStatus.ACTIVE, by=by, reason=_("Listed by the merchant"))


def delist_product(*, product: Product, by: Any) -> Product:
    """The product is off sale (or out of the review queue) until its merchant relists it."""
    _check_member(product=product, by=by)
    if product.status not in LISTED:
        raise ListingError(_("This product is not on sale."), code="not_listed")
    return _move(product, to=ProductStatus.DELISTED, by=by, reason=_("Delisted by the merchant"))


def product_changed(*, product: Product, by: Any) -> Product:
    """After a merchant edits a product on sale or in review: the rules still hold, and in a
    reviewed category an edited product on sale goes back to review.

    Call it inside the transaction of the edit, so an edit that breaks a rule is undone."""
    _check_member(product=product, by=by)
    product.refresh_from_db(fields=["status", "category"])
    if product.status not in LISTED:
        return product
    check_listing_rules(product=product, check_shop=False)
    if product.status == ProductStatus.ACTIVE and product.category.requires_review:
        return _move(
            product, to=ProductStatus.PENDING_REVIEW, by=by, reason=_("Edited; sent for review")
        )
    return product


# --- Staff moves ------------------------------------------------------------------------------


def approve_product(*, product: Product, by: Any) -> Product:
    """The reviewed product is on sale and its owner is told."""
    _check_moderator(by=by)
    if product.status != ProductStatus.PENDING_REVIEW:
        raise ListingError(_("This product is not waiting for review."), code="not_pending")
    check_listing_rules(product=product)
    return _move(
        product,
        to=ProductStatus.ACTIVE,
        by=by,
        reason=_("Approved"),
        notice="catalog_product_approved",
    )


def reject_product(*, product: Product, by: Any, reason: str) -> Product:
    """The reviewed product is back in its merchant's drafts with the reason, and they are
    told."""
    _check_moderator(by=by)
    reason = _required_reason(reason)
    if product.status != ProductStatus.PENDING_REVIEW:
        raise ListingError(_("This product is not waiting for review."), code="not_pending")
    return _move(
        product,
        to=ProductStatus.DRAFT,
        by=by,
        reason=reason,
        shown_reason=reason,
        notice="catalog_product_rejected",
    )


def remove_product(*, product: Product, by: Any, reason: str) -> Product:
    """Staff take the product down for good, with the reason; its owner is told."""
    _check_moderator(by=by)
    reason = _required_reason(reason)
    if product.status == ProductStatus.REMOVED:
        raise ListingError(_("This product has already been removed."), code="already_removed")
    return _move(
        product,
        to=ProductStatus.REMOVED,
        by=by,
        reason=reason,
        shown_reason=reason,
        notice="catalog_product_removed",
    )


# --- Platform moves ---------------------------------------------------------------------------


def delist_by_platform(
    *, product: Product, reason: str, by: Any = None, tell_owner: bool = True
) -> bool:
    """The platform takes a listed product off sale (a penalty, a closed shop, a brand no longer
    allowed); the merchant may relist it once the cause is gone. False if it was not listed."""
    if product.status not in LISTED:
        return False
    try:
        _move(
            product,
            to=ProductStatus.DELISTED,
            by=by,
            reason=reason,
            shown_reason=reason,
            notice="catalog_product_delisted" if tell_owner else "",
        )
    except ListingError:
        return False  # moved meanwhile by someone else: it is no longer listed as it was
    return True


# --- Helpers ----------------------------------------------------------------------------------


def _move(
    product: Product,
    *,
    to: str,
    by: Any,
    reason: str,
    shown_reason: str = "",
    notice: str = "",
) -> Product:
    """The one writer: the move with its history, the reason merchants see (``shown_reason``:
    why staff or the platform held it), the owner's notice, and ``product_status_changed`` on
    commit."""
    changes: dict[str, Any] = {"status_reason": shown_reason}
    if to == ProductStatus.ACTIVE and product.published_at is None:
        changes["published_at"] = timezone.now()
    refused: IllegalTransition | None = None
    with transaction.atomic(savepoint=False):
        try:
            transition(product, to=to, allowed=PRODUCT, by=by, reason=reason, changes=changes)
        except IllegalTransition as error:
            refused = error  # transition wrote nothing; raised below, outside the block
        else:
            if notice:
                _notify_owner(product=product, kind=notice, reason=reason)
            product_id = product.pk
            transaction.on_commit(
                lambda: product_status_changed.send(
                    sender=Product, product_id=product_id, status=to, reason=reason
                )
            )
    if refused is not None:
        raise ListingError(refused.message, code=refused.code)
    return product


def _notify_owner(*, product: Product, kind: str, reason: str) -> None:
    owners = members_of_merchant(merchant=product.shop.merchant).filter(
        role=MemberRole.OWNER, user__is_active=True
    )
    context = {"product_title": product.title, "shop_name": product.shop.name, "reason": reason}
    for member in owners:
        notify(
            user=member.user,
            kind=kind,
            context=context,
            url=seller_product_url(product_id=product.pk),
        )


def _check_member(*, product: Product, by: Any) -> None:
    if not can_list_products(product=product, by=by):
        raise ListingError(_("Only the shop's team can list its products."), code="not_allowed")


def _check_moderator(*, by: Any) -> None:
    if not can_moderate_products(by=by):
        raise ListingError(_("Only moderators can review products."), code="not_allowed")


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ListingError(_("Give the merchant a reason."), code="reason_missing")
    return reason


def _publish_refusal(product: Product) -> str:
    if product.status == ProductStatus.REMOVED:
        return _("Staff removed this product; it cannot be listed again.")
    if product.status == ProductStatus.PENDING_REVIEW:
        return _("This product is already waiting for review.")
    return _("This product is already on sale.")
