"""News from the catalogue for higher apps (orders, analytics), sent on commit.

Every signal carries ids only; receivers reload what they need. The catalogue tells merchants
itself (``notify`` is below it); these are for apps that build on products.
"""

from django.dispatch import Signal

# product_id, status, reason: the product moved in its life cycle (on sale, review, off sale).
product_status_changed = Signal()
# variant_id, stock: the variant fell to or below its low-stock threshold (sent once per fall).
stock_low = Signal()
