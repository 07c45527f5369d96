"""Reads of the platform rules: the catalogue, the thresholds, and a shop's violations, points and
penalties in force. Everything a merchant asks for is scoped to its shop; nothing here writes."""

from datetime import datetime, timedelta

from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.shortcuts import get_object_or_404

from ..models import (
    Penalty,
    PenaltyKind,
    PenaltyThreshold,
    Rule,
    Severity,
    Shop,
    Violation,
    ViolationStatus,
)

# Points count for a rolling twelve months from the day the violation was recorded.
POINTS_WINDOW = timedelta(days=365)

# Violations whose points count: in force, waiting for an appeal, or upheld after one.
COUNTING_STATUSES = (ViolationStatus.ACTIVE, ViolationStatus.APPEALED, ViolationStatus.UPHELD)

# Penalties that change something while in force (a warning is a record only).
LASTING_KINDS = (
    PenaltyKind.DELIST_PRODUCTS,
    PenaltyKind.LOWER_EXPOSURE,
    PenaltyKind.SUSPEND,
    PenaltyKind.CLOSE,
)

SEVERITY_ORDER = (Severity.CRITICAL, Severity.SERIOUS, Severity.MINOR)


def counting_violations(*, shop: Shop, now: datetime) -> QuerySet[Violation]:
    return Violation.objects.filter(
        shop=shop,
        status__in=COUNTING_STATUSES,
        created_at__gt=now - POINTS_WINDOW,
        created_at__lte=now,
    )


def points_in_last_12_months(*, shop: Shop, now: datetime) -> int:
    total = counting_violations(shop=shop, now=now).aggregate(total=Sum("points"))["total"]
    return total or 0


def open_violation_count(*, shop: Shop) -> int:
    """Violations the merchant still has to live with or answer: in force or under appeal."""
    return Violation.objects.filter(
        shop=shop, status__in=(ViolationStatus.ACTIVE, ViolationStatus.APPEALED)
    ).count()


def violations_for_shop(*, shop: Shop) -> QuerySet[Violation]:
    return Violation.objects.filter(shop=shop).select_related("rule", "appeal")


def violation_for_shop_or_404(*, shop: Shop, pk: int) -> Violation:
    return get_object_or_404(
        Violation.objects.select_related("rule", "shop", "appeal").prefetch_related("penalties"),
        shop=shop,
        pk=pk,
    )


def in_force(*, now: datetime) -> Q:
    """Penalties not lifted and not yet ended at ``now``."""
    return Q(lifted_at__isnull=True, starts_at__lte=now) & (
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )


def active_penalties(*, shop: Shop, now: datetime) -> QuerySet[Penalty]:
    return (
        Penalty.objects.filter(in_force(now=now), shop=shop, kind__in=LASTING_KINDS)
        .select_related("violation__rule", "threshold")
        .order_by("ends_at", "starts_at")
    )


def severity_rank() -> Case:
    return Case(
        *(When(severity=s, then=Value(rank)) for rank, s in enumerate(SEVERITY_ORDER)),
        default=Value(len(SEVERITY_ORDER)),
        output_field=IntegerField(),
    )


def rules_catalogue() -> QuerySet[Rule]:
    """Rules in force, the most severe first."""
    return (
        Rule.objects.filter(is_active=True)
        .annotate(severity_rank=severity_rank())
        .order_by("severity_rank", "-points", "code")
    )


def thresholds() -> QuerySet[PenaltyThreshold]:
    return PenaltyThreshold.objects.order_by("points")
