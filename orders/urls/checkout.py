"""checkout URLs."""

urlpatterns: list = []
