"""The application wizard, private document downloads and the qualifications page."""

from django.urls import path

from ..views import apply, documents

urlpatterns = [
    path("apply/", apply.apply, name="apply"),
    path("apply/<slug:step>/", apply.apply_step, name="apply-step"),
    path("documents/<int:pk>/", documents.document, name="document"),
    path("qualifications/", documents.qualifications, name="qualifications"),
]
