"""Public seller pages at the site root (namespace ``storefront``): shops and the rules page."""

from django.urls import path

from ..views import storefront
from .rules_public import urlpatterns as rules_urlpatterns

urlpatterns: list = [
    path("s/<slug:slug>/", storefront.shop, name="shop"),
    path("s/<slug:slug>/follow/", storefront.follow, name="follow"),
    *rules_urlpatterns,
]
