from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_as_read, name="mark-all-read"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/read/", views.mark_as_read, name="mark-read"),
]
