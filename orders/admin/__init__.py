"""Staff pages of orders: orders and groups, promotions and coupons, flash sales, carts."""

from . import carts, orders, promotions  # noqa: F401 - registers the model admins
