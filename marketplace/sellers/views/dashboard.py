"""The seller dashboard shell: the home page, shop settings and payout details, members and
invitations, and the decoration editor with its preview.

Every page is behind ``seller_required``: clerks read, the owner and managers change the shop,
only the owner changes members and payout details (the latter with two-factor authentication
on). Objects are fetched only through selectors scoped to ``request.shop`` /
``request.merchant``, so another shop's ids give 404. The
decoration editor answers htmx requests with the refreshed block list and everyone else with a
redirect, so it works the same without JavaScript.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.accounts.selectors import has_two_factor
from marketplace.core.errors import DomainError

from ..access import MANAGERS, OWNER_ONLY, seller_required
from ..errors import ShopError
from ..forms.dashboard import (
    AddBlockForm,
    BlockForm,
    InviteForm,
    PayoutForm,
    RoleForm,
    ShopSettingsForm,
    SlideForm,
)
from ..models import BlockKind, MemberRole
from ..selectors.rules import open_violation_count, points_in_last_12_months
from ..selectors.shops import (
    block_image_for_shop_or_404,
    blocks_of_shop,
    dashboard_figures,
    draft_block_for_shop_or_404,
    has_unpublished_changes,
    invitation_for_token_or_404,
    member_of_merchant_or_404,
    members_of_merchant,
    pending_invitation_for_merchant_or_404,
    pending_invitations,
    storefront_of,
)
from ..services import decoration, members, shops


def _error(form: Any, error: DomainError) -> None:
    form.add_error(None, error.message)


# --- Home -----------------------------------------------------------------------------------


@seller_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The shop at a glance: today's figures and what waits to be done."""
    shop = request.shop  # type: ignore[attr-defined]
    now = timezone.now()
    context = {
        "shop": shop,
        "figures": dashboard_figures(shop=shop, now=now),
        "open_violations": open_violation_count(shop=shop),
        "points": points_in_last_12_months(shop=shop, now=now),
    }
    return render(request, "sellers/dashboard/home.html", context)


# --- Shop settings and payout ---------------------------------------------------------------


@seller_required(roles=MANAGERS)
def shop_settings(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    initial = {
        name: getattr(shop, name)
        for name in (
            "name",
            "theme_colour",
            "introduction",
            "announcement",
            "service_hours",
            "ships_from",
            "accepts_cash_on_delivery",
        )
    }
    form = ShopSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shops.update_shop_settings(shop=shop, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("Shop settings saved."))
            return redirect("sellers:shop-settings")
    return render(request, "sellers/dashboard/shop_settings.html", {"shop": shop, "form": form})


@seller_required(roles=OWNER_ONLY)
def payout(request: HttpRequest) -> HttpResponse:
    merchant = request.merchant  # type: ignore[attr-defined]
    initial = {
        "account_name": merchant.payout_account_name,
        "bank_name": merchant.payout_bank_name,
        "account_number": merchant.payout_account_number,
    }
    form = PayoutForm(request.POST or None, initial=initial)
    # The service refuses without two-factor authentication too; the page says so up front.
    needs_two_factor = not has_two_factor(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            shops.update_payout_details(merchant=merchant, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("Payout details saved."))
            return redirect("sellers:payout")
    context = {"form": form, "needs_two_factor": needs_two_factor}
    return render(request, "sellers/dashboard/payout.html", context)


# --- Members --------------------------------------------------------------------------------


def _members_page(request: HttpRequest, *, invite_form: InviteForm | None = None) -> HttpResponse:
    merchant = request.merchant  # type: ignore[attr-defined]
    is_owner = request.membership.role == MemberRole.OWNER  # type: ignore[attr-defined]
    context = {
        "members": members_of_merchant(merchant=merchant),
        "invitations": pending_invitations(merchant=merchant, now=timezone.now()),
        "is_owner": is_owner,
        "invite_form": invite_form or InviteForm(),
        "role_form": RoleForm(),
    }
    return render(request, "sellers/dashboard/members.html", context)


@seller_required(roles=MANAGERS)
@require_GET
def members_page(request: HttpRequest) -> HttpResponse:
    """Who works for the shop, and who is invited; managers see it, the owner changes it."""
    return _members_page(request)


@seller_required(roles=OWNER_ONLY)
@require_POST
def member_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = members.invite_member(
                merchant=request.merchant,  # type: ignore[attr-defined]
                by=request.user,
                **form.cleaned_data,
            )
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. It is valid for 7 days.")
                % {"email": invitation.email},
            )
            return redirect("sellers:members")
    return _members_page(request, invite_form=form)


@seller_required(roles=OWNER_ONLY)
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_of_merchant_or_404(merchant=request.merchant, pk=pk)  # type: ignore[attr-defined]
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose manager or clerk."))
        return redirect("sellers:members")
    try:
        members.change_member_role(member=member, by=request.user, role=form.cleaned_data["role"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s's role changed.") % {"name": member.user})
    return redirect("sellers:members")


@seller_required(roles=OWNER_ONLY)
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_of_merchant_or_404(merchant=request.merchant, pk=pk)  # type: ignore[attr-defined]
    try:
        members.remove_member(member=member, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s no longer works for the shop.") % {"name": member.user}
        )
    return redirect("sellers:members")


@seller_required(roles=OWNER_ONLY)
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = pending_invitation_for_merchant_or_404(
        merchant=request.merchant,  # type: ignore[attr-defined]
        pk=pk,
        now=timezone.now(),
    )
    try:
        members.revoke_invitation(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("sellers:members")


@login_required
def invitation(request: HttpRequest, token: UUID) -> HttpResponse:
    """The invited person sees the invitation and accepts it (logged in with that e-mail)."""
    found = invitation_for_token_or_404(token=token)
    if request.method == "POST":
        try:
            members.accept_invitation(invitation=found, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Welcome to %(shop)s: you are a %(role)s.")
                % {"shop": found.merchant.shop.name, "role": found.get_role_display().lower()},
            )
            return redirect("sellers:dashboard")
    problem = members.invitation_problem(invitation=found, user=request.user)
    context = {"invitation": found, "shop": found.merchant.shop, "problem": problem}
    return render(request, "sellers/dashboard/invitation.html", context)


# --- Decoration -----------------------------------------------------------------------------


def _blocks_context(request: HttpRequest) -> dict[str, Any]:
    shop = request.shop  # type: ignore[attr-defined]
    return {
        "shop": shop,
        "blocks": blocks_of_shop(shop=shop, published=False),
        "has_changes": has_unpublished_changes(shop=shop),
        "add_form": AddBlockForm(),
        "kinds": BlockKind,
    }


def _decoration_answer(
    request: HttpRequest, *, error: DomainError | None = None, notice: str = ""
) -> HttpResponse:
    """htmx gets the refreshed block list; a plain form post goes back to the editor."""
    if request.htmx:  # type: ignore[attr-defined]
        context = {**_blocks_context(request), "error": error, "notice": notice}
        return render(request, "sellers/dashboard/_blocks.html", context)
    if error is not None:
        messages.error(request, error.message)
    elif notice:
        messages.success(request, notice)
    return redirect("sellers:decoration")


@seller_required(roles=MANAGERS)
@require_GET
def decoration_page(request: HttpRequest) -> HttpResponse:
    """The draft layout of the storefront, block by block, and what publishing will show."""
    return render(request, "sellers/dashboard/decoration.html", _blocks_context(request))


@seller_required(roles=MANAGERS)
@require_POST
def decoration_add(request: HttpRequest) -> HttpResponse:
    form = AddBlockForm(request.POST)
    if not form.is_valid():
        return _decoration_answer(
            request, error=ShopError(_("Choose a kind of block."), code="block_kind")
        )
    try:
        block = decoration.add_block(
            shop=request.shop,  # type: ignore[attr-defined]
            by=request.user,
            kind=form.cleaned_data["kind"],
        )
    except DomainError as error:
        return _decoration_answer(request, error=error)
    return _decoration_answer(
        request, notice=_("%(block)s added at the end.") % {"block": block.get_kind_display()}
    )


@seller_required(roles=MANAGERS)
@require_POST
def decoration_move(request: HttpRequest, pk: int) -> HttpResponse:
    block = draft_block_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    try:
        decoration.move_block(
            block=block, by=request.user, direction=request.POST.get("direction", "")
        )
    except DomainError as error:
        return _decoration_answer(request, error=error)
    return _decoration_answer(request)


@seller_required(roles=MANAGERS)
@require_POST
def decoration_delete(request: HttpRequest, pk: int) -> HttpResponse:
    block = draft_block_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    try:
        decoration.delete_block(block=block, by=request.user)
    except DomainError as error:
        return _decoration_answer(request, error=error)
    return _decoration_answer(request, notice=_("Block deleted from the draft."))


@seller_required(roles=MANAGERS)
def decoration_block(request: HttpRequest, pk: int) -> HttpResponse:
    """One draft block: its heading and settings, and a carousel's slides."""
    block = draft_block_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    form = BlockForm(request.POST or None, block=block)
    if request.method == "POST" and form.is_valid():
        try:
            decoration.update_block(
                block=block,
                by=request.user,
                title=form.cleaned_data["title"],
                settings=form.settings(),
            )
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("Block saved in the draft."))
            return redirect("sellers:decoration")
    return _block_page(request, block=block, form=form)


def _block_page(
    request: HttpRequest, *, block: Any, form: BlockForm, slide_form: SlideForm | None = None
) -> HttpResponse:
    context = {
        "current_block": block,
        "form": form,
        "slide_form": slide_form or SlideForm(),
        "slides": block.images.order_by("position", "pk"),
    }
    return render(request, "sellers/dashboard/block.html", context)


@seller_required(roles=MANAGERS)
@require_POST
def decoration_slide_add(request: HttpRequest, pk: int) -> HttpResponse:
    block = draft_block_for_shop_or_404(shop=request.shop, pk=pk)  # type: ignore[attr-defined]
    slide_form = SlideForm(request.POST, request.FILES)
    if slide_form.is_valid():
        try:
            decoration.add_slide(block=block, by=request.user, **slide_form.cleaned_data)
        except DomainError as error:
            _error(slide_form, error)
        else:
            messages.success(request, _("Slide added."))
            return redirect("sellers:decoration-block", pk=block.pk)
    return _block_page(request, block=block, form=BlockForm(block=block), slide_form=slide_form)


@seller_required(roles=MANAGERS)
@require_POST
def decoration_slide_delete(request: HttpRequest, pk: int, slide_pk: int) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    block = draft_block_for_shop_or_404(shop=shop, pk=pk)
    slide = block_image_for_shop_or_404(shop=shop, block=block, pk=slide_pk)
    try:
        decoration.delete_slide(slide=slide, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Slide deleted."))
    return redirect("sellers:decoration-block", pk=block.pk)


@seller_required(roles=MANAGERS)
@require_POST
def decoration_publish(request: HttpRequest) -> HttpResponse:
    try:
        decoration.publish_decoration(shop=request.shop, by=request.user)  # type: ignore[attr-defined]
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("sellers:decoration")
    messages.success(request, _("Published: shoppers now see the new storefront."))
    return redirect("sellers:decoration")


@seller_required(roles=MANAGERS)
@require_GET
def decoration_preview(request: HttpRequest) -> HttpResponse:
    """The storefront as it will look once the draft is published."""
    storefront = storefront_of(
        shop=request.shop,  # type: ignore[attr-defined]
        user=request.user,
        published=False,
    )
    return render(
        request, "sellers/storefront/shop.html", {"storefront": storefront, "is_preview": True}
    )
