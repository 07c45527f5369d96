"""News from payments for higher apps (logistics, support, community, analytics).

Every signal is sent on commit and carries ids only; receivers reload what they need.
"""

from django.dispatch import Signal

# payment_id, group_id: an order group's payment succeeded and the group is paid.
payment_succeeded = Signal()
# payment_id, group_id: an attempt failed (the buyer may retry until the group is cancelled).
payment_failed = Signal()
# refund_id, payment_id, order_id: money went back to the buyer.
refund_succeeded = Signal()
