"""Errors of carts, promotions and orders: a translatable message and a stable code.

Views turn them into form errors or messages.
"""

from marketplace.core.errors import DomainError


class OrdersError(DomainError):
    default_code = "orders_error"


class CartError(OrdersError):
    """A cart change that is not allowed: unknown or unavailable SKU, bad quantity, limits."""

    default_code = "cart_error"


class PromotionError(OrdersError):
    """A promotion, coupon or flash sale that is not valid, or cannot be claimed or used."""

    default_code = "promotion_error"


class CheckoutError(OrdersError):
    """An order that cannot be placed as asked (stock, limits, address, prices changed)."""

    default_code = "checkout_error"


class OrderError(OrdersError):
    """A change of a placed order that is not allowed now or by this person."""

    default_code = "order_error"
