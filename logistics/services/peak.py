"""Peak periods (11.11, 618, year end): the one that is on now, if any. Quotes add its extra days
to the delivery estimates shown to buyers; the tracking poller polls more often during it."""

from datetime import datetime

from ..models import PeakPeriod


def current_peak(*, now: datetime) -> PeakPeriod | None:
    return (
        PeakPeriod.objects.filter(starts_at__lte=now, ends_at__gt=now)
        .order_by("-starts_at")
        .first()
    )
