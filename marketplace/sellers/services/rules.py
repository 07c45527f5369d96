"""Every write of platform supervision: recording violations, applying and lifting penalties,
automatic penalties at points thresholds, and the merchant's one appeal with staff's decision.

Shop status changes go through ``services.shops.set_shop_status``; other apps hear about
violations, penalties and appeals from ``events.py`` once the transaction commits. Nothing here
delists products itself: catalog does that on ``penalty_applied``.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import User
from marketplace.core.states import transition

from ..access import MANAGERS
from ..errors import RuleError
from ..events import appeal_decided, appeal_submitted, penalty_applied, violation_recorded
from ..models import (
    Appeal,
    AppealStatus,
    MerchantMember,
    Penalty,
    PenaltyKind,
    PenaltyThreshold,
    Rule,
    Shop,
    ShopStatus,
    Violation,
    ViolationStatus,
)
from ..selectors.rules import POINTS_WINDOW, active_penalties, points_in_last_12_months
from ..states import APPEAL, VIOLATION
from .documents import checked_upload
from .shops import set_shop_status

APPEAL_WINDOW = timedelta(days=14)
LOWERED_EXPOSURE = Decimal("0.50")
FULL_EXPOSURE = Decimal("1.00")

# Penalties that last a number of days; the others are one-off or until lifted by staff.
TIMED_KINDS = (PenaltyKind.LOWER_EXPOSURE, PenaltyKind.SUSPEND)

# --- Who may do what ------------------------------------------------------------------------


def can_record_violation(*, by: User) -> bool:
    return by.is_active and by.is_staff and by.has_perm("sellers.add_violation")


def can_decide_appeal(*, by: User) -> bool:
    return by.is_active and by.is_staff and by.has_perm("sellers.change_appeal")


def can_lift_penalty(*, by: User) -> bool:
    return by.is_active and by.is_staff and by.has_perm("sellers.change_penalty")


def can_appeal(*, violation: Violation, by: User) -> bool:
    """Only the owner or a manager of the violation's shop may appeal."""
    return MerchantMember.objects.filter(
        merchant_id=violation.shop.merchant_id, user_id=by.pk, role__in=MANAGERS
    ).exists()


def appeal_deadline(*, violation: Violation) -> datetime:
    return violation.created_at + APPEAL_WINDOW


def is_appealable(*, violation: Violation, now: datetime) -> bool:
    """In force, never appealed, and recorded less than 14 days ago."""
    return (
        violation.status == ViolationStatus.ACTIVE
        and not Appeal.objects.filter(violation_id=violation.pk).exists()
        and now <= appeal_deadline(violation=violation)
    )


# --- Recording a violation ------------------------------------------------------------------


def check_violation_input(
    *, rule: Rule, penalty: str, penalty_days: int | None, delisted_products: Iterable[int]
) -> None:
    """Raises ``RuleError`` when the violation cannot be recorded as given (also used by admin)."""
    if not rule.is_active:
        raise RuleError(_("This rule is no longer in force."), code="rule_inactive")
    if penalty not in PenaltyKind.values:
        raise RuleError(_("Choose a penalty."), code="unknown_penalty")
    if penalty == PenaltyKind.SUSPEND and not penalty_days:
        raise RuleError(
            _("Say for how many days the shop is suspended."), code="suspension_days_missing"
        )
    if penalty == PenaltyKind.DELIST_PRODUCTS and not list(delisted_products):
        raise RuleError(_("Name the products to delist."), code="no_products_to_delist")


def record_violation(
    *,
    shop: Shop,
    rule: Rule,
    description: str,
    evidence: str = "",
    evidence_file: UploadedFile | None = None,
    penalty: str,
    penalty_days: int | None = None,
    delisted_products: Iterable[int] = (),
    by: User,
) -> Violation:
    """The shop has the rule's points deducted and the penalty applied, plus any threshold
    penalty the new total reaches; the merchant will be told."""
    if not can_record_violation(by=by):
        raise RuleError(_("Only staff may record violations."), code="not_allowed")
    product_ids = sorted({int(pk) for pk in delisted_products})
    check_violation_input(
        rule=rule, penalty=penalty, penalty_days=penalty_days, delisted_products=product_ids
    )
    if not description.strip():
        raise RuleError(_("Describe what happened."), code="description_missing")
    stored_file = checked_file(evidence_file) if evidence_file else None
    days = penalty_days if penalty in TIMED_KINDS else None

    with transaction.atomic(durable=True):
        return _record(
            shop=shop,
            rule=rule,
            description=description,
            penalty=penalty,
            days=days,
            by=by,
            evidence=evidence.strip(),
            evidence_file=stored_file or "",
            delisted_products=product_ids if penalty == PenaltyKind.DELIST_PRODUCTS else [],
        )


def record_platform_violation(*, shop: Shop, rule: Rule, description: str) -> Violation:
    """The platform itself (a timed job, not a member of staff) records a violation it detected,
    e.g. late dispatch: the rule's points are deducted with a warning, plus any threshold penalty
    the new total reaches; the merchant will be told.

    A helper for other apps' services, inside their transaction (``savepoint=False``): the caller
    marks what the violation counted in the same transaction, so nothing counts twice."""
    if not rule.is_active:
        raise RuleError(_("This rule is no longer in force."), code="rule_inactive")
    if not description.strip():
        raise RuleError(_("Describe what happened."), code="description_missing")
    with transaction.atomic(savepoint=False):
        return _record(
            shop=shop,
            rule=rule,
            description=description,
            penalty=PenaltyKind.WARNING,
            days=None,
            by=None,
        )


def _record(
    *,
    shop: Shop,
    rule: Rule,
    description: str,
    penalty: str,
    days: int | None,
    by: User | None,
    **details: object,
) -> Violation:
    """The violation with its penalty and any threshold penalty the new total reaches, in the
    caller's transaction; the merchant is told after commit. One recording per shop at a time
    (its row is locked), so two can never both cross the same threshold."""
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    violation = Violation.objects.create(
        shop=shop,
        rule=rule,
        points=rule.points,
        description=description.strip(),
        penalty=penalty,
        penalty_days=days,
        recorded_by=by,
        **details,
    )
    now = violation.created_at
    apply_penalty(shop=shop, kind=penalty, days=days, violation=violation, by=by, now=now)
    apply_threshold_penalties(shop=shop, violation=violation, by=by, now=now)
    transaction.on_commit(
        lambda: violation_recorded.send(sender=Violation, violation_id=violation.pk)
    )
    return violation


def apply_penalty(
    *,
    shop: Shop,
    kind: str,
    days: int | None,
    by: User | None,
    now: datetime,
    violation: Violation | None = None,
    threshold: PenaltyThreshold | None = None,
) -> Penalty:
    """The penalty is in force on the shop from ``now`` (for ``days`` when it is timed)."""
    ends_at = now + timedelta(days=days) if days and kind in TIMED_KINDS else None
    reason = _reason(violation=violation, threshold=threshold)
    with transaction.atomic(savepoint=False):
        penalty = Penalty.objects.create(
            shop=shop,
            kind=kind,
            violation=violation,
            threshold=threshold,
            starts_at=now,
            ends_at=ends_at,
        )
        if kind == PenaltyKind.LOWER_EXPOSURE:
            Shop.objects.filter(pk=shop.pk).update(exposure_factor=LOWERED_EXPOSURE)
            shop.exposure_factor = LOWERED_EXPOSURE
        elif kind == PenaltyKind.SUSPEND:
            _suspend(shop=shop, until=ends_at, by=by, reason=reason)
        elif kind == PenaltyKind.CLOSE and shop.status != ShopStatus.CLOSED:
            set_shop_status(shop=shop, status=ShopStatus.CLOSED, by=by, reason=reason)
        transaction.on_commit(lambda: penalty_applied.send(sender=Penalty, penalty_id=penalty.pk))
    return penalty


def apply_threshold_penalties(
    *, shop: Shop, violation: Violation, by: User | None, now: datetime
) -> list[Penalty]:
    """Each threshold the shop's 12-month points reach gets its penalty, once per window.

    A threshold penalty belongs to the violation that crossed the threshold, so revoking that
    violation lifts it, and it no longer counts as applied."""
    total = points_in_last_12_months(shop=shop, now=now)
    applied = (
        Penalty.objects.filter(
            shop=shop, threshold__isnull=False, starts_at__gt=now - POINTS_WINDOW
        )
        .exclude(violation__status=ViolationStatus.REVOKED)
        .values("threshold_id")
    )
    reached = PenaltyThreshold.objects.filter(points__lte=total).exclude(pk__in=applied)
    return [
        apply_penalty(
            shop=shop,
            kind=threshold.penalty,
            days=threshold.duration_days,
            violation=violation,
            threshold=threshold,
            by=by,
            now=now,
        )
        for threshold in reached.order_by("points")
    ]


# --- Lifting penalties ----------------------------------------------------------------------


def lift_penalty(*, penalty: Penalty, by: User, reason: str = "") -> Penalty:
    """Staff end a penalty early: the shop reopens or regains its exposure if nothing else
    keeps it down."""
    if not can_lift_penalty(by=by):
        raise RuleError(_("Only staff may lift penalties."), code="not_allowed")
    with transaction.atomic(durable=True):
        if not _lift(penalty=penalty, by=by, now=timezone.now(), note=reason):
            raise RuleError(_("This penalty has already been lifted."), code="already_lifted")
    return penalty


def lift_expired_penalties(*, now: datetime) -> int:
    """Penalties whose period ended by ``now`` are lifted; returns how many. Safe to run twice."""
    due = Penalty.objects.filter(lifted_at__isnull=True, ends_at__lte=now).order_by("ends_at")
    lifted = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic(durable=True):
            penalty = (
                Penalty.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, lifted_at__isnull=True)
                .first()
            )
            if penalty is not None and _lift(penalty=penalty, by=None, now=now):
                lifted += 1
    return lifted


def _lift(*, penalty: Penalty, by: User | None, now: datetime, note: str = "") -> bool:
    """Marks the penalty lifted and undoes its effect; False if it was lifted already."""
    changes: dict[str, object] = {"lifted_at": now}
    if note.strip():
        changes["note"] = note.strip()[:255]
    with transaction.atomic(savepoint=False):
        if not Penalty.objects.filter(pk=penalty.pk, lifted_at__isnull=True).update(**changes):
            return False
        for name, value in changes.items():
            setattr(penalty, name, value)
        shop = Shop.objects.select_for_update().get(pk=penalty.shop_id)
        remaining = active_penalties(shop=shop, now=now)
        if penalty.kind == PenaltyKind.LOWER_EXPOSURE:
            if not remaining.filter(kind=PenaltyKind.LOWER_EXPOSURE).exists():
                Shop.objects.filter(pk=shop.pk).update(exposure_factor=FULL_EXPOSURE)
        elif penalty.kind in (PenaltyKind.SUSPEND, PenaltyKind.CLOSE):
            _reopen_if_free(shop=shop, lifted=penalty, remaining=list(remaining), by=by)
    return True


def _reopen_if_free(
    *, shop: Shop, lifted: Penalty, remaining: list[Penalty], by: User | None
) -> None:
    """Puts the shop back to what the penalties still in force demand, but only when its
    current state came from the lifted penalty (a staff suspension stays)."""
    if lifted.kind == PenaltyKind.CLOSE:
        if shop.status != ShopStatus.CLOSED:
            return
        if any(p.kind == PenaltyKind.CLOSE for p in remaining):
            return
    else:
        if shop.status != ShopStatus.SUSPENDED or shop.suspended_until is None:
            return
        if lifted.ends_at is not None and shop.suspended_until > lifted.ends_at:
            return
    reason = _("Penalty lifted")
    suspensions = [p for p in remaining if p.kind == PenaltyKind.SUSPEND]
    if suspensions:
        ends = [p.ends_at for p in suspensions]
        until = None if None in ends else max(e for e in ends if e is not None)
        set_shop_status(shop=shop, status=ShopStatus.SUSPENDED, until=until, by=by, reason=reason)
    else:
        set_shop_status(shop=shop, status=ShopStatus.OPEN, by=by, reason=reason)


def _suspend(*, shop: Shop, until: datetime | None, by: User | None, reason: str) -> None:
    """Suspends an open shop, or extends a suspension; a closed shop stays closed."""
    if shop.status == ShopStatus.CLOSED:
        return
    if shop.status == ShopStatus.SUSPENDED:
        if shop.suspended_until is None:
            return
        if until is not None and shop.suspended_until >= until:
            return
    set_shop_status(shop=shop, status=ShopStatus.SUSPENDED, until=until, by=by, reason=reason)


def _reason(*, violation: Violation | None, threshold: PenaltyThreshold | None) -> str:
    if threshold is not None:
        return _("%(points)d points reached in 12 months") % {"points": threshold.points}
    if violation is not None:
        return _("Violation of rule %(code)s") % {"code": violation.rule.code}
    return ""


# --- Appeals --------------------------------------------------------------------------------


def submit_appeal(
    *, violation: Violation, by: User, explanation: str, file: UploadedFile | None = None
) -> Appeal:
    """The violation is under appeal and staff will decide; a violation is appealed once, by
    its shop's owner or a manager, within 14 days."""
    if not can_appeal(violation=violation, by=by):
        raise RuleError(
            _("Only the shop's owner or a manager can appeal a violation."), code="not_allowed"
        )
    if Appeal.objects.filter(violation_id=violation.pk).exists():
        raise RuleError(
            _("This violation has already been appealed. Each violation can be appealed once."),
            code="already_appealed",
        )
    if violation.status != ViolationStatus.ACTIVE:
        raise RuleError(_("This violation can no longer be appealed."), code="not_appealable")
    if timezone.now() > appeal_deadline(violation=violation):
        raise RuleError(
            _("Appeals must be made within %(days)d days of the violation.")
            % {"days": APPEAL_WINDOW.days},
            code="appeal_too_late",
        )
    if not explanation.strip():
        raise RuleError(_("Explain why the violation is wrong."), code="explanation_missing")
    stored_file = checked_file(file) if file else None

    with transaction.atomic(durable=True):
        # The conditional move is what stops two appeals submitted at the same moment.
        transition(
            violation,
            to=ViolationStatus.APPEALED,
            allowed=VIOLATION,
            by=by,
            reason=_("Appeal submitted"),
        )
        appeal = Appeal.objects.create(
            violation=violation,
            explanation=explanation.strip(),
            file=stored_file or "",
            submitted_by=by,
        )
        transaction.on_commit(lambda: appeal_submitted.send(sender=Appeal, appeal_id=appeal.pk))
    return appeal


def decide_appeal(*, appeal: Appeal, by: User, accept: bool, note: str) -> Appeal:
    """Accepted: the violation is revoked, its points stop counting and its penalties are
    lifted. Rejected: the violation is upheld. The merchant will be told either way."""
    if not can_decide_appeal(by=by):
        raise RuleError(_("Only staff may decide appeals."), code="not_allowed")
    if not note.strip():
        raise RuleError(_("Give the merchant the reason for the decision."), code="note_missing")
    if appeal.status != AppealStatus.PENDING:
        raise RuleError(_("This appeal has already been decided."), code="already_decided")
    note = note.strip()
    with transaction.atomic(durable=True):
        now = timezone.now()
        transition(
            appeal,
            to=AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED,
            allowed=APPEAL,
            by=by,
            reason=note,
            changes={"decided_by": by, "decision_note": note, "decided_at": now},
        )
        violation = transition(
            Violation.objects.get(pk=appeal.violation_id),
            to=ViolationStatus.REVOKED if accept else ViolationStatus.UPHELD,
            allowed=VIOLATION,
            by=by,
            reason=note,
        )
        appeal.violation = violation
        if accept:
            for penalty in violation.penalties.filter(lifted_at__isnull=True).order_by(
                "starts_at", "pk"
            ):
                _lift(penalty=penalty, by=by, now=now)
        transaction.on_commit(lambda: appeal_decided.send(sender=Appeal, appeal_id=appeal.pk))
    return appeal


# --- Files ----------------------------------------------------------------------------------


def checked_file(file: UploadedFile) -> ContentFile:
    """The upload checked like a qualification document (PDF, JPEG or PNG by content, size
    limit, images re-encoded), under a fresh name for private storage."""
    checked = checked_upload(file=file)
    return ContentFile(checked.content, name=f"{uuid.uuid4().hex}.{checked.extension}")
