"""News from logistics for higher apps (support, analytics).

Every signal is sent on commit and carries ids only; receivers reload what they need.
"""

from django.dispatch import Signal

# shipment_id, order_id: the carrier booked the shipment (it has a tracking number and a label).
shipment_booked = Signal()
# shipment_id, order_id, status: the shipment's status changed after new tracking events.
shipment_status_changed = Signal()
