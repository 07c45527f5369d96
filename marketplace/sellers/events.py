"""News from sellers for higher apps, sent on commit (``transaction.on_commit``).

Every signal carries ids only; receivers reload what they need. Notifications listens to all of
them (``marketplace/notifications/sellers_receivers.py``); catalog listens to the brand and
penalty ones to delist products.
"""

from django.dispatch import Signal

# application_id, status, reason
application_status_changed = Signal()
# document_id, days_left
qualification_expiring = Signal()
# merchant_id, brand_name
brand_authorisation_expired = Signal()
# invitation_id
member_invited = Signal()
# violation_id
violation_recorded = Signal()
# penalty_id
penalty_applied = Signal()
# appeal_id
appeal_submitted = Signal()
# appeal_id
appeal_decided = Signal()
# shop_id, status
shop_status_changed = Signal()
