"""The seller dashboard shell under /seller/: home, shop settings and payout, members and
invitations, and the decoration editor with its preview (namespace ``sellers``)."""

from django.urls import path

from ..views import dashboard

urlpatterns = [
    path("", dashboard.home, name="dashboard"),
    path("shop/", dashboard.shop_settings, name="shop-settings"),
    path("shop/payout/", dashboard.payout, name="payout"),
    path("shop/decoration/", dashboard.decoration_page, name="decoration"),
    path("shop/decoration/add/", dashboard.decoration_add, name="decoration-add"),
    path("shop/decoration/publish/", dashboard.decoration_publish, name="decoration-publish"),
    path("shop/decoration/<int:pk>/", dashboard.decoration_block, name="decoration-block"),
    path("shop/decoration/<int:pk>/move/", dashboard.decoration_move, name="decoration-move"),
    path("shop/decoration/<int:pk>/delete/", dashboard.decoration_delete, name="decoration-delete"),
    path(
        "shop/decoration/<int:pk>/slides/",
        dashboard.decoration_slide_add,
        name="decoration-slide-add",
    ),
    path(
        "shop/decoration/<int:pk>/slides/<int:slide_pk>/delete/",
        dashboard.decoration_slide_delete,
        name="decoration-slide-delete",
    ),
    path("shop/preview/", dashboard.decoration_preview, name="decoration-preview"),
    path("members/", dashboard.members_page, name="members"),
    path("members/invite/", dashboard.member_invite, name="member-invite"),
    path("members/<int:pk>/role/", dashboard.member_role, name="member-role"),
    path("members/<int:pk>/remove/", dashboard.member_remove, name="member-remove"),
    path(
        "members/invitations/<int:pk>/revoke/",
        dashboard.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitations/<uuid:token>/", dashboard.invitation, name="invitation"),
]
