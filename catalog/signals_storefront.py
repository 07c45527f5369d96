"""Storefront news for higher apps: a shopper opened a product page.

``product_viewed`` is sent synchronously by ``catalog.views.storefront.product`` with
``product`` (the Product) and ``request``; analytics records it for "recently viewed", "also
viewed" and recommendations. The view only reads, so there is no transaction to wait for.
"""

from django.dispatch import Signal

product_viewed = Signal()
