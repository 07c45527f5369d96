"""The platform's branded Django admin."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceAdminSite(admin.AdminSite):
    site_header = settings.ADMIN_SITE_HEADER
    site_title = _("Marketplace staff")
    index_title = _("Platform operations")
    site_url = "/"


class MarketplaceAdminConfig(AdminConfig):
    default_site = "marketplace.core.admin_site.MarketplaceAdminSite"
