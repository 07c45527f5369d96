"""The order life cycles as data (moved by ``core.states.transition``, which keeps history).

An order: waiting for payment -> paid -> shipped -> delivered -> completed; cancelled by the
buyer before shipping, by the payment timeout, or by staff. An order group (what the buyer pays
once) is waiting for payment, paid, or cancelled when all its orders are (also after payment,
when every order was cancelled and refunded). Who may make which move is decided in
``services.lifecycle``.

The table stays a straight line: when the buyer confirms receipt of a shipped order, the order
goes through delivered (delivered_at is the moment of the confirmation) and on to completed, two
rows of history, so "delivered" always comes before "completed" for every reader.
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
    G.PAID: {G.CANCELLED},
    G.CANCELLED: set(),
}

# Statuses in which the buyer may still cancel (nothing has left the warehouse).
BUYER_CANCELLABLE = (S.PENDING_PAYMENT, S.PAID)
# Statuses in which staff may cancel (the same: once shipped, it is after-sales' business).
STAFF_CANCELLABLE = (S.PENDING_PAYMENT, S.PAID)
# Orders whose stock is held for them (released once if they are cancelled).
HOLDING_STOCK = (S.PENDING_PAYMENT, S.PAID)
# Statuses in which the buyer may confirm receipt.
RECEIVABLE = (S.SHIPPED, S.DELIVERED)
# Who may cancel: the buyer, the payment timeout, or staff.
INITIATORS = ("buyer", "timeout", "staff")
