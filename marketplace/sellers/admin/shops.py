"""Staff admin for shops, their members and invitations.

Shop status is not edited here: suspensions and closures come from penalties
(``admin/rules.py``), which go through ``services.shops.set_shop_status`` and leave history.
Pictures, scores, followers and decoration are shown read-only: merchants change them through
the dashboard services, which clean uploads and HTML.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.admin_display import status_history_html

from ..models import MemberInvitation, MemberRole, MerchantMember, Shop, ShopBlock


class ShopBlockInline(admin.TabularInline):
    model = ShopBlock
    fields = ["is_published", "position", "kind", "title", "config", "slides"]
    readonly_fields = fields
    ordering = ["-is_published", "position", "pk"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("slides"))
    def slides(self, obj: ShopBlock) -> int:
        return obj.images.count()


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "status", "follower_count", "created_at"]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["name", "slug", "merchant__legal_name", "merchant__members__user__email"]
    list_select_related = ["merchant"]
    readonly_fields = [
        "merchant",
        "slug",
        "kind",
        "status",
        "suspended_until",
        "status_history",
        "logo",
        "banner",
        "exposure_factor",
        "description_score",
        "service_score",
        "delivery_score",
        "follower_count",
        "published_at",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "merchant", "kind", "created_at"]}),
        (
            _("Status"),
            {"fields": ["status", "suspended_until", "exposure_factor", "status_history"]},
        ),
        (
            _("Storefront"),
            {
                "fields": [
                    "logo",
                    "banner",
                    "theme_colour",
                    "introduction",
                    "announcement",
                    "service_hours",
                    "ships_from",
                    "published_at",
                ]
            },
        ),
        (
            _("Scores and followers"),
            {"fields": ["description_score", "service_score", "delivery_score", "follower_count"]},
        ),
    ]
    inlines = [ShopBlockInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # shops open when an application is approved

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # closing is a penalty; the row keeps orders and history attached

    @admin.display(description=_("status history"))
    def status_history(self, obj: Shop) -> str:
        return status_history_html(obj)


@admin.register(MerchantMember)
class MerchantMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "merchant", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user", "merchant"]
    search_fields = ["user__email", "merchant__legal_name", "merchant__shop__name"]
    readonly_fields = ["merchant", "user", "role", "joined_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members come from approval (the owner) and accepted invitations

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.role == MemberRole.OWNER:
            return False  # a merchant always keeps its owner
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would skip the owner check
        return actions


@admin.register(MemberInvitation)
class MemberInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "merchant", "role", "created_at", "expires_at", "state"]
    list_filter = [
        "role",
        ("accepted_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["merchant"]
    search_fields = ["email", "merchant__legal_name", "merchant__shop__name"]
    readonly_fields = [
        "merchant",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    exclude = ["token"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the owner invites from the dashboard

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("state"))
    def state(self, obj: MemberInvitation) -> str:
        if obj.accepted_at:
            return str(_("accepted"))
        if obj.revoked_at:
            return str(_("withdrawn"))
        if obj.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("waiting"))
