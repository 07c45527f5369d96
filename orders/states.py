"""The order life cycles as data (moved by ``core.states.transition``, which keeps history).

An order: waiting for payment -> paid -> shipped -> delivered -> completed; cancelled by the
buyer before shipping, by the payment timeout, or by staff. An order group (what the buyer pays
once) is waiting for payment, paid, or cancelled when all its orders are. Who may make which move
is decided in ``services``.
"""

from .models import GroupStatus as G
from .models import OrderStatus as S

ORDER = {
    S.PENDING_PAYMENT: {S.PAID, S.CANCELLED},
    S.PAID: {S.SHIPPED, S.CANCELLED},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: {S.COMPLETED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}

GROUP = {
    G.PENDING_PAYMENT: {G.PAID, G.CANCELLED},
    G.PAID: set(),
    G.CANCELLED: set(),
}

# Statuses in which the buyer may still cancel (nothing has left the warehouse).
BUYER_CANCELLABLE = (S.PENDING_PAYMENT, S.PAID)
# Orders whose stock is held for them (released once if they are cancelled).
HOLDING_STOCK = (S.PENDING_PAYMENT, S.PAID)
