"""The merchant application's life cycle as data (moved by core.states.transition)."""

from .models import ApplicationStatus as S

APPLICATION = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.APPROVED, S.REJECTED, S.NEEDS_INFO},
    S.NEEDS_INFO: {S.RESUBMITTED},
    S.RESUBMITTED: {S.APPROVED, S.REJECTED, S.NEEDS_INFO},
}
