"""shopper URLs."""

urlpatterns: list = []
