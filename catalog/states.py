"""The product life cycle as data (moved by ``core.states.transition``, which keeps history).

draft -> on sale, or waiting for review in categories staff review; staff approve (on sale) or
reject (back to draft with the reason); the merchant delists and relists; staff remove a product
for good. Who may make which move, and the listing rules, are in ``services/listing.py``.
"""

from .models import ProductStatus as S

PRODUCT = {
    S.DRAFT: {S.ACTIVE, S.PENDING_REVIEW, S.REMOVED},
    S.PENDING_REVIEW: {S.ACTIVE, S.DRAFT, S.DELISTED, S.REMOVED},
    S.ACTIVE: {S.DELISTED, S.PENDING_REVIEW, S.REMOVED},
    S.DELISTED: {S.ACTIVE, S.PENDING_REVIEW, S.REMOVED},
    S.REMOVED: set(),
}

# Statuses a product can be published (listed or relisted) from by its merchant.
PUBLISHABLE = (S.DRAFT, S.DELISTED)
# Statuses in which a product is offered to shoppers or about to be.
LISTED = (S.ACTIVE, S.PENDING_REVIEW)
