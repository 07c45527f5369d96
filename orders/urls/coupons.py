"""coupons URLs."""

urlpatterns: list = []
