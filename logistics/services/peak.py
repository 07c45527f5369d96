"""Peak periods (11.11, 618, year end): the one that is on now, if any, and the rules of a valid
window. Quotes add its extra days to the delivery estimates shown to buyers; the tracking poller
polls more often during it; product pages and checkout show buyers a notice while it lasts.

Staff edit peak periods in admin (``logistics.admin.ops``), which checks them here first and
calls ``peaks_changed`` after saving. Never changes estimates or schedules itself.
"""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import PeakPeriodError
from ..models import PeakPeriod

LONGEST_PEAK = timedelta(days=62)
MOST_EXTRA_DAYS = 30
PEAKS_CACHE_KEY = "logistics:peaks"
PEAKS_CACHE_SECONDS = 300
PEAKS_CACHED = 10


def current_peak(*, now: datetime) -> PeakPeriod | None:
    return (
        PeakPeriod.objects.filter(starts_at__lte=now, ends_at__gt=now)
        .order_by("-starts_at")
        .first()
    )


def peak_for_buyers(*, now: datetime) -> PeakPeriod | None:
    """``current_peak`` for pages every buyer sees (product pages, checkout) without a query per
    page: the peak periods not over yet are cached, and which one is on is decided here, so the
    notice appears and goes at the exact edges of the window."""
    peaks: list[PeakPeriod] | None = cache.get(PEAKS_CACHE_KEY)
    if peaks is None:
        coming = PeakPeriod.objects.filter(ends_at__gt=now).order_by("starts_at")
        peaks = list(coming[:PEAKS_CACHED])
        cache.set(PEAKS_CACHE_KEY, peaks, PEAKS_CACHE_SECONDS)
    on_now = [peak for peak in peaks if peak.starts_at <= now < peak.ends_at]
    return max(on_now, key=lambda peak: peak.starts_at, default=None)


def forget_cached_peaks() -> None:
    cache.delete(PEAKS_CACHE_KEY)


def peaks_changed() -> None:
    """Buyers see the change at once: now, and again after commit (a page may have cached the
    old periods meanwhile)."""
    forget_cached_peaks()
    transaction.on_commit(forget_cached_peaks)


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
