"""Reads of shops for the storefront and the seller dashboard: a shop by its address, whether it
is open, its blocks (draft or published), its members and invitations, and the dashboard's
figures. Everything the dashboard reads is scoped to the asking shop; nothing here writes.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import (
    MemberInvitation,
    MemberRole,
    Merchant,
    MerchantMember,
    Shop,
    ShopBlock,
    ShopBlockImage,
    ShopFollow,
    ShopStatus,
)


def is_shop_open(*, shop: Shop, now: datetime | None = None) -> bool:
    """Open for business: status open, or a suspension that has already run out (the hourly
    job that reopens it may not have run yet)."""
    if shop.status == ShopStatus.OPEN:
        return True
    if shop.status == ShopStatus.SUSPENDED and shop.suspended_until is not None:
        return shop.suspended_until <= (now or timezone.now())
    return False


def shop_for_slug_or_404(*, slug: str) -> Shop:
    return get_object_or_404(Shop.objects.select_related("merchant"), slug=slug)


# --- Blocks ---------------------------------------------------------------------------------


def blocks_of_shop(*, shop: Shop, published: bool) -> QuerySet[ShopBlock]:
    """The published blocks shoppers see, or the draft set the merchant edits, in order."""
    images = Prefetch("images", queryset=ShopBlockImage.objects.order_by("position", "pk"))
    return (
        ShopBlock.objects.filter(shop=shop, is_published=published)
        .order_by("position", "pk")
        .prefetch_related(images)
    )


def draft_block_for_shop_or_404(*, shop: Shop, pk: int) -> ShopBlock:
    return get_object_or_404(ShopBlock, shop=shop, is_published=False, pk=pk)


def block_image_for_shop_or_404(*, shop: Shop, block: ShopBlock, pk: int) -> ShopBlockImage:
    return get_object_or_404(
        ShopBlockImage, block=block, block__shop=shop, block__is_published=False, pk=pk
    )


def has_unpublished_changes(*, shop: Shop) -> bool:
    """The draft differs from what shoppers see (blocks, their order, settings or slides)."""

    def layout(published: bool) -> list[tuple[Any, ...]]:
        return [
            (
                b.kind,
                b.title,
                b.config,
                [(i.image.name, i.link, i.alt_text) for i in b.images.all()],
            )
            for b in blocks_of_shop(shop=shop, published=published)
        ]

    return layout(False) != layout(True)


# --- Follows --------------------------------------------------------------------------------


def is_following(*, shop: Shop, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return ShopFollow.objects.filter(shop=shop, user=user).exists()


def followers_gained_since(*, shop: Shop, since: datetime) -> int:
    return ShopFollow.objects.filter(shop=shop, created_at__gte=since).count()


# --- Storefront -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Storefront:
    shop: Shop
    blocks: list[ShopBlock]
    is_open: bool
    is_following: bool


def storefront_of(*, shop: Shop, user: Any, published: bool = True) -> Storefront:
    """What a storefront page shows: a closed or suspended shop shows no blocks (a preview of
    the draft always does, for the merchant)."""
    is_open = is_shop_open(shop=shop)
    show_blocks = is_open or not published
    return Storefront(
        shop=shop,
        blocks=list(blocks_of_shop(shop=shop, published=published)) if show_blocks else [],
        is_open=is_open,
        is_following=is_following(shop=shop, user=user),
    )


# --- Members and invitations ----------------------------------------------------------------


def members_of_merchant(*, merchant: Merchant) -> QuerySet[MerchantMember]:
    rank = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate(MemberRole.values)),
        output_field=IntegerField(),
    )
    return (
        MerchantMember.objects.filter(merchant=merchant)
        .select_related("user")
        .order_by(rank, "joined_at")
    )


def member_of_merchant_or_404(*, merchant: Merchant, pk: int) -> MerchantMember:
    return get_object_or_404(
        MerchantMember.objects.select_related("user"), merchant=merchant, pk=pk
    )


def pending_invitations(*, merchant: Merchant, now: datetime) -> QuerySet[MemberInvitation]:
    """Invitations still waiting for an answer and not yet expired."""
    return MemberInvitation.objects.filter(
        merchant=merchant, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).select_related("invited_by")


def pending_invitation_for_merchant_or_404(
    *, merchant: Merchant, pk: int, now: datetime
) -> MemberInvitation:
    return get_object_or_404(pending_invitations(merchant=merchant, now=now), pk=pk)


def invitation_for_token_or_404(*, token: Any) -> MemberInvitation:
    return get_object_or_404(
        MemberInvitation.objects.select_related("merchant__shop", "invited_by"), token=token
    )


def invitations_for_email(*, email: str, now: datetime) -> QuerySet[MemberInvitation]:
    """Pending invitations addressed to this e-mail: what the apply page can offer a person
    who was invited before they had an account."""
    return MemberInvitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).select_related("merchant__shop")


# --- Dashboard home -------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFigures:
    followers_today: int
    pending_invitations: int


def dashboard_figures(*, shop: Shop, now: datetime) -> DashboardFigures:
    """Today's figures of the shop (in the site's time zone), and its own to-do counts."""
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return DashboardFigures(
        followers_today=followers_gained_since(shop=shop, since=start_of_day),
        pending_invitations=pending_invitations(merchant=shop.merchant, now=now).count(),
    )
