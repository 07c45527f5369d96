"""Staff roles as Django groups. The platform's staff powers come only from these groups.

The data migration creates the groups; after every migrate their permissions are brought in line
with this table, so permissions of apps added later (named by string, never imported) join as
soon as their models exist.
"""

from typing import Any

from django.apps import apps as global_apps
from django.db.models import Q

MODERATORS = "moderators"
SUPPORT = "support"
FINANCE = "finance"
LOGISTICS = "logistics"

# group -> "app_label.codename" permissions. Unknown permissions (apps not built yet) are skipped.
STAFF_GROUP_PERMISSIONS: dict[str, list[str]] = {
    MODERATORS: [
        "accounts.view_user",
        "sellers.view_merchantapplication",
        "sellers.change_merchantapplication",
        "sellers.view_merchant",
        "sellers.view_merchantbrand",
        "sellers.view_documentrequirement",
        "sellers.view_shop",
        "sellers.change_shop",
        "sellers.view_rule",
        "sellers.view_violation",
        "sellers.add_violation",
        "sellers.view_penalty",
        "sellers.view_appeal",
        "sellers.change_appeal",
        "catalog.view_product",
        "catalog.change_product",
        "catalog.view_category",
        "catalog.view_attribute",
        "catalog.view_brand",
        "catalog.view_stockmovement",
        "catalog.view_prohibitedword",
        "catalog.add_prohibitedword",
        "catalog.change_prohibitedword",
        "catalog.delete_prohibitedword",
        "catalog.view_synonymgroup",
        "catalog.add_synonymgroup",
        "catalog.change_synonymgroup",
        "catalog.view_searchlog",
        "analytics.view_productview",
        "analytics.view_productassociation",
        "community.view_review",
        "community.change_review",
        "community.view_post",
        "community.change_post",
    ],
    SUPPORT: [
        "accounts.view_user",
        "accounts.view_address",
        "notifications.view_notification",
        "orders.view_order",
        "support.view_aftersalesrequest",
        "support.change_aftersalesrequest",
        "support.view_ticket",
        "support.change_ticket",
    ],
    FINANCE: [
        "accounts.view_user",
        "orders.view_order",
        "payments.view_payment",
        "payments.change_payment",
        "payments.view_refund",
        "payments.view_payout",
        "payments.change_payout",
    ],
    LOGISTICS: [
        "orders.view_order",
        "logistics.view_carrier",
        "logistics.change_carrier",
        "logistics.view_shipment",
        "logistics.change_shipment",
        "logistics.view_shippingtemplate",
        "logistics.view_dutyrate",
        "logistics.change_dutyrate",
        "logistics.view_shoplogistics",
        "logistics.change_shoplogistics",
    ],
}


def sync_staff_groups(*, apps: Any = global_apps) -> None:
    """Every staff group exists and holds exactly the permissions of the table that exist now."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, wanted in STAFF_GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        query = Q(pk__in=[])
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(permission_model.objects.filter(query))


def sync_staff_groups_after_migrate(**kwargs: Any) -> None:
    sync_staff_groups()
