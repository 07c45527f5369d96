"""Peak periods (11.11, 618, year end): the one that is on now, if any, and the rules of a valid
window. Quotes add its extra days to the delivery estimates shown to buyers; the tracking poller
polls more often during it; product pages and checkout show buyers a notice while it lasts.

Staff edit peak periods in admin (``logistics.admin.ops``), which checks them here first.
Never changes estimates or schedules itself.
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from ..errors import PeakPeriodError
from ..models import PeakPeriod

LONGEST_PEAK = timedelta(days=62)
MOST_EXTRA_DAYS = 30


def current_peak(*, now: datetime) -> PeakPeriod | None:
    return (
        PeakPeriod.objects.filter(starts_at__lte=now, ends_at__gt=now)
        .order_by("-starts_at")
        .first()
    )


def check_peak_period(
    *, starts_at: datetime, ends_at: datetime, extra_days: int, exclude_pk: int | None = None
) -> None:
    """Raises ``PeakPeriodError`` unless the window is a real, bounded season that overlaps no
    other peak period (two at once would make the promised extra days ambiguous)."""
    if ends_at <= starts_at:
        raise PeakPeriodError(_("The peak period must end after it starts."), code="peak_window")
    if ends_at - starts_at > LONGEST_PEAK:
        raise PeakPeriodError(
            _("A peak period lasts at most %(days)d days.") % {"days": LONGEST_PEAK.days},
            code="peak_too_long",
        )
    if extra_days > MOST_EXTRA_DAYS:
        raise PeakPeriodError(
            _("Add at most %(days)d extra days to delivery estimates.") % {"days": MOST_EXTRA_DAYS},
            code="peak_extra_days",
        )
    overlapping = PeakPeriod.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    other = overlapping.order_by("starts_at").first()
    if other is not None:
        raise PeakPeriodError(
            _("This window overlaps the peak period “%(name)s”.") % {"name": other.name},
            code="peak_overlap",
        )
