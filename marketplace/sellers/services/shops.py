"""Every write of a shop itself: its settings and pictures, the merchant's payout details, its
status (open, suspended, closed), and shoppers following it.

Pictures are judged by their content and re-encoded with Pillow, so only clean pixels (no EXIF,
no hidden payloads) reach public media; rich text is cleaned with nh3 before it is stored. Status
changes are recorded with ``core.states.transition`` and announced with ``shop_status_changed``
on commit. This module never imports notifications.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.accounts.selectors import has_two_factor
from marketplace.core.states import transition

from ..access import MANAGERS, OWNER_ONLY
from ..errors import ShopError
from ..events import shop_status_changed
from ..models import Merchant, MerchantMember, Shop, ShopFollow, ShopStatus, hex_colour
from ..states import SHOP_STATUS

# --- Who may do what ------------------------------------------------------------------------


def _has_role(*, merchant_id: int, by: Any, roles: tuple[str, ...]) -> bool:
    if not getattr(by, "is_authenticated", False):
        return False
    return MerchantMember.objects.filter(merchant_id=merchant_id, user=by, role__in=roles).exists()


def can_manage_shop(*, shop: Shop, by: Any) -> bool:
    """The owner and managers change settings and decoration; a clerk cannot."""
    return _has_role(merchant_id=shop.merchant_id, by=by, roles=MANAGERS)


def can_manage_payout(*, merchant: Merchant, by: Any) -> bool:
    return _has_role(merchant_id=merchant.pk, by=by, roles=OWNER_ONLY)


def check_can_manage_shop(*, shop: Shop, by: Any) -> None:
    if not can_manage_shop(shop=shop, by=by):
        raise ShopError(
            _("Only the owner or a manager can change the shop."), code="not_shop_manager"
        )


# --- Pictures -------------------------------------------------------------------------------

DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000
_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str


def max_image_bytes() -> int:
    return int(getattr(settings, "SHOP_IMAGE_MAX_UPLOAD_BYTES", DEFAULT_MAX_IMAGE_BYTES))


def clean_image(*, file: UploadedFile, max_size: tuple[int, int]) -> CleanImage:
    """The upload as a JPEG, PNG or WebP re-encoded from its pixels, scaled down to fit
    ``max_size``; or ``ShopError`` when it is too large or not such a picture."""
    limit = max_image_bytes()
    too_large = ShopError(
        _("The picture is too large: at most %(mb)s MB.") % {"mb": f"{limit / 2**20:g}"},
        code="image_too_large",
    )
    if file.size is None or file.size > limit:
        raise too_large
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    not_a_picture = ShopError(_("Upload a JPEG, PNG or WebP picture."), code="image_type")
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.format not in _FORMATS:
                raise not_a_picture
            width, height = probe.size
            if width * height > MAX_SOURCE_PIXELS:
                raise ShopError(_("The picture has too many pixels."), code="image_too_large")
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            pillow_format = image.format or "PNG"
            picture = ImageOps.exif_transpose(image)
            has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
            picture = picture.convert("RGBA" if has_alpha else "RGB")
            picture.thumbnail(max_size, Image.Resampling.LANCZOS)
            pixels = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    except ShopError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_a_picture from None
    if pillow_format == "JPEG" and pixels.mode != "RGB":
        pillow_format = "PNG"
    out = BytesIO()
    options: dict[str, Any] = {"quality": 88} if pillow_format in ("JPEG", "WEBP") else {}
    pixels.save(out, format=pillow_format, **options)
    return CleanImage(content=out.getvalue(), extension=_FORMATS[pillow_format])


def image_content(*, image: CleanImage) -> ContentFile:
    return ContentFile(image.content, name=f"{uuid.uuid4().hex}.{image.extension}")


def delete_file_on_commit(field_file: Any) -> None:
    """Removes a stored file once the row that pointed at it is safely changed."""
    name, storage = field_file.name, field_file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Rich text ------------------------------------------------------------------------------

RICH_TEXT_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "h2", "h3", "h4",
    "ul", "ol", "li", "blockquote", "a", "hr",
}  # fmt: skip
RICH_TEXT_ATTRIBUTES = {"a": {"href", "title"}}


def clean_rich_text(*, html: str) -> str:
    """Basic formatting and links only: scripts, styles, event handlers and images are gone."""
    return nh3.clean(
        html or "",
        tags=RICH_TEXT_TAGS,
        clean_content_tags={"script", "style"},
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


# --- Settings -------------------------------------------------------------------------------

LOGO_SIZE = (512, 512)
BANNER_SIZE = (2400, 800)


def update_shop_settings(
    *,
    shop: Shop,
    by: Any,
    name: str,
    theme_colour: str,
    introduction: str = "",
    announcement: str = "",
    service_hours: str = "",
    ships_from: str = "",
    accepts_cash_on_delivery: bool | None = None,
    logo: UploadedFile | None = None,
    banner: UploadedFile | None = None,
    remove_logo: bool = False,
    remove_banner: bool = False,
) -> Shop:
    """The shop shows the new name, pictures, colour and texts (its web address stays)."""
    check_can_manage_shop(shop=shop, by=by)
    name = " ".join((name or "").split())
    if not name:
        raise ShopError(_("Give the shop a name."), code="name_required")
    if not hex_colour.regex.match(theme_colour or ""):
        raise ShopError(_("Use a colour like #c8102e."), code="theme_colour")
    new_logo = clean_image(file=logo, max_size=LOGO_SIZE) if logo else None
    new_banner = clean_image(file=banner, max_size=BANNER_SIZE) if banner else None
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=shop.pk)
        shop.name = name[:80]
        shop.theme_colour = theme_colour.lower()
        shop.introduction = clean_rich_text(html=introduction)
        shop.announcement = announcement.strip()[:300]
        shop.service_hours = service_hours.strip()[:100]
        shop.ships_from = ships_from.strip()[:100]
        if accepts_cash_on_delivery is not None:
            shop.accepts_cash_on_delivery = accepts_cash_on_delivery
        for field, new, remove in (
            ("logo", new_logo, remove_logo),
            ("banner", new_banner, remove_banner),
        ):
            current = getattr(shop, field)
            if new is not None or remove:
                delete_file_on_commit(current)
                setattr(shop, field, None)
            if new is not None:
                content = image_content(image=new)
                getattr(shop, field).save(content.name, content, save=False)
        shop.save()
    return shop


def update_payout_details(
    *, merchant: Merchant, by: Any, account_name: str, bank_name: str, account_number: str
) -> Merchant:
    """Payouts go to the new account; only the owner may change it, with two-factor
    authentication on (a stolen password alone must not redirect the shop's money)."""
    if not can_manage_payout(merchant=merchant, by=by):
        raise ShopError(_("Only the owner can change the payout details."), code="not_owner")
    if not has_two_factor(by):
        raise ShopError(
            _("Turn on two-factor authentication before changing the payout details."),
            code="mfa_required",
        )
    account_number = "".join((account_number or "").split()).upper()
    if not account_name.strip() or not bank_name.strip() or not account_number:
        raise ShopError(
            _("Give the account holder, the bank and the account number."), code="payout_missing"
        )
    with transaction.atomic():
        Merchant.objects.filter(pk=merchant.pk).update(
            payout_account_name=account_name.strip()[:100],
            payout_bank_name=bank_name.strip()[:100],
            payout_account_number=account_number[:64],
        )
    merchant.refresh_from_db()
    return merchant


# --- Status ---------------------------------------------------------------------------------


def set_shop_status(
    *,
    shop: Shop,
    status: str,
    until: datetime | None = None,
    by: Any = None,
    reason: str = "",
) -> Shop:
    """The shop is open, suspended (until ``until``, or until lifted) or closed, the move is in
    its history, and ``shop_status_changed`` is sent on commit. Setting the status a shop is
    already in (other than a new suspension end) changes nothing and sends nothing.

    Called by the platform rules (penalties and lifting them) and by staff; the caller decides
    whether the move is deserved, this checks only that it is a legal move."""
    if by is not None and not getattr(by, "is_staff", False):
        raise ShopError(_("Only staff can change a shop's status."), code="not_staff")
    if status not in ShopStatus.values:
        raise ShopError(_("Unknown shop status."), code="status")
    until = until if status == ShopStatus.SUSPENDED else None
    if shop.status == status and (status != ShopStatus.SUSPENDED or shop.suspended_until == until):
        return shop
    # transition() writes in its own block and raises outside it, so a refused move leaves the
    # caller's transaction usable.
    transition(
        shop,
        to=status,
        allowed=SHOP_STATUS,
        by=by,
        reason=reason,
        changes={"suspended_until": until},
    )
    shop_id = shop.pk
    transaction.on_commit(
        lambda: shop_status_changed.send(sender=Shop, shop_id=shop_id, status=status)
    )
    return shop


# --- Following ------------------------------------------------------------------------------


def _check_follower(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise ShopError(_("Log in to follow shops."), code="login_required")


def follow_shop(*, shop: Shop, user: Any) -> bool:
    """The user follows the shop (once, however often they ask); True if this call added it."""
    _check_follower(user)
    try:
        with transaction.atomic():
            _, created = ShopFollow.objects.get_or_create(shop=shop, user=user)
            if created:
                Shop.objects.filter(pk=shop.pk).update(follower_count=F("follower_count") + 1)
    except IntegrityError:  # the same user followed at the same moment in another request
        created = False
    shop.refresh_from_db(fields=["follower_count"])
    return created


def unfollow_shop(*, shop: Shop, user: Any) -> bool:
    """The user no longer follows the shop; True if this call removed the follow."""
    _check_follower(user)
    with transaction.atomic():
        removed, _counts = ShopFollow.objects.filter(shop=shop, user=user).delete()
        if removed:
            Shop.objects.filter(pk=shop.pk, follower_count__gt=0).update(
                follower_count=F("follower_count") - 1
            )
    shop.refresh_from_db(fields=["follower_count"])
    return bool(removed)
