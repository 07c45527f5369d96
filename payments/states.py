"""The payment and refund life cycles as data (moved by ``core.states.transition``).

A payment: created -> requires action (the buyer is on a provider's page or in a 3-D Secure
challenge) -> processing -> succeeded / failed / cancelled. Money that arrives wins: a provider
may report success after a failure (Stripe lets the buyer retry on the same intent) or after we
gave up on an attempt, so failed and cancelled may still move to succeeded. Nothing leaves
succeeded: refunds are their own rows.
"""

from .models import PaymentStatus as P
from .models import PayoutStatus as O
from .models import RefundStatus as R

PAYMENT = {
    P.CREATED: {P.REQUIRES_ACTION, P.PROCESSING, P.SUCCEEDED, P.FAILED, P.CANCELLED},
    P.REQUIRES_ACTION: {P.PROCESSING, P.SUCCEEDED, P.FAILED, P.CANCELLED},
    P.PROCESSING: {P.SUCCEEDED, P.FAILED, P.CANCELLED},
    P.SUCCEEDED: set(),
    P.FAILED: {P.SUCCEEDED},
    P.CANCELLED: {P.SUCCEEDED},
}

# How far along each status is: a late, older report (processing after succeeded) changes nothing.
PAYMENT_RANK = {
    P.CREATED: 0,
    P.REQUIRES_ACTION: 1,
    P.PROCESSING: 2,
    P.FAILED: 3,
    P.CANCELLED: 3,
    P.SUCCEEDED: 4,
}

# Attempts still open: a new attempt for the same group cancels these first.
OPEN = (P.CREATED, P.REQUIRES_ACTION, P.PROCESSING)

REFUND = {
    R.PENDING: {R.SUCCEEDED, R.FAILED},
    R.SUCCEEDED: set(),
    R.FAILED: set(),
}

# A payout: scheduled -> sent, or failed (its money is back in the shop's available balance; the
# next run of the beat job schedules a new payout).
PAYOUT = {
    O.SCHEDULED: {O.SENT, O.FAILED},
    O.SENT: set(),
    O.FAILED: set(),
}
