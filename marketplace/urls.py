"""Root URLs. Public paths are stable (DESIGN.md); each app mounts its own urls module."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("marketplace.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("marketplace.accounts.urls")),
    path("notifications/", include("marketplace.notifications.urls")),
    path("seller/", include("marketplace.sellers.urls")),
    path("", include(("marketplace.sellers.urls.storefront", "storefront"))),
    path("", include("catalog.urls")),
    path("", include("orders.urls")),
    path("", include("payments.urls")),
    path("", include("logistics.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
