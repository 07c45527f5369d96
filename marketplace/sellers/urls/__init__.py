"""Seller URLs: the application wizard, the dashboard under /seller/, and the rules pages."""

from . import dashboard, onboarding, rules

app_name = "sellers"
urlpatterns = [*onboarding.urlpatterns, *dashboard.urlpatterns, *rules.urlpatterns]
