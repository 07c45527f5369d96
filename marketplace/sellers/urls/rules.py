"""The merchant's violations and appeals in the seller dashboard (namespace ``sellers``)."""

from django.urls import path

from ..views import rules

urlpatterns = [
    path("violations/", rules.violations, name="violations"),
    path("violations/<int:pk>/", rules.violation, name="violation"),
    path("violations/<int:pk>/appeal/", rules.appeal, name="appeal"),
    path("violations/<int:pk>/files/<str:which>/", rules.violation_file, name="violation-file"),
]
