"""The public rules page (namespace ``storefront``): the rule catalogue and the thresholds."""

from django.urls import path

from ..views import rules

urlpatterns = [
    path("rules/", rules.rules_page, name="rules"),
]
