"""cart URLs."""

urlpatterns: list = []
