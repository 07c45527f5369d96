"""The sellers app's life cycles as data (moved by ``core.states.transition``)."""

from .models import AppealStatus, ShopStatus, ViolationStatus
from .models import ApplicationStatus as S

APPLICATION = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.APPROVED, S.REJECTED, S.NEEDS_INFO},
    S.NEEDS_INFO: {S.RESUBMITTED},
    S.RESUBMITTED: {S.APPROVED, S.REJECTED, S.NEEDS_INFO},
}

# Suspended -> suspended extends or shortens a suspension.
SHOP_STATUS = {
    ShopStatus.OPEN: {ShopStatus.SUSPENDED, ShopStatus.CLOSED},
    ShopStatus.SUSPENDED: {ShopStatus.OPEN, ShopStatus.SUSPENDED, ShopStatus.CLOSED},
    ShopStatus.CLOSED: {ShopStatus.OPEN},
}

VIOLATION = {
    ViolationStatus.ACTIVE: {ViolationStatus.APPEALED},
    ViolationStatus.APPEALED: {ViolationStatus.UPHELD, ViolationStatus.REVOKED},
}

APPEAL = {AppealStatus.PENDING: {AppealStatus.ACCEPTED, AppealStatus.REJECTED}}
