"""News from orders for higher apps (payments, logistics, support, community, analytics).

Every signal is sent on commit and carries ids only; receivers reload what they need.
"""

from django.dispatch import Signal

# order_id, group_id: an order was placed and waits for payment.
order_placed = Signal()
# order_id, group_id: the order is paid.
order_paid = Signal()
# order_id: the seller shipped the order.
order_shipped = Signal()
# order_id: the order reached the buyer.
order_delivered = Signal()
# order_id: the buyer confirmed receipt (or the auto-confirm did): the sale is final.
order_completed = Signal()
# order_id, reason: the order was cancelled (its stock, flash-sale units and coupons are back).
order_cancelled = Signal()
