"""Risk control of payment attempts, and the two-factor gate on large refunds.

``assess_payment`` scores one attempt with the enabled ``RiskRule`` rows and records the score,
the decision (allow, review, block against ``RiskPolicy``) and the reasons. At the start of a
payment every rule counts except the card's country, which is known only once the provider took
the money; at success only that rule is evaluated, and it can hold an allowed payment for review
but never block money that has arrived. Each rule is one cheap indexed query or none. An
assessment is recorded once per stage, so a repeated call (a replayed webhook) changes nothing.

``check_refund_allowed`` refuses a refund above ``PAYMENTS_REFUND_MFA_THRESHOLD`` to anyone
without two-factor authentication.

``held_reasons`` puts an assessment in words for the payment's review reason.

This module never calls a provider, never moves a payment or an order, and never decides what
happens to a blocked or held attempt: ``services.paying`` acts on the decision.
"""

import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.accounts.selectors import has_two_factor
from marketplace.core.money import format_money

from ..errors import RefundError
from ..models import (
    Payment,
    PaymentStatus,
    RiskAssessment,
    RiskDecision,
    RiskPolicy,
    RiskRule,
    RiskRuleCode,
    RiskStage,
)

# Used only if staff somehow lost the policy row (the migration creates it; admin cannot delete).
DEFAULT_REVIEW_AT = 50
DEFAULT_BLOCK_AT = 100

ALLOW, REVIEW, BLOCK = RiskDecision.ALLOW, RiskDecision.REVIEW, RiskDecision.BLOCK
SEVERITY = {ALLOW: 0, REVIEW: 1, BLOCK: 2}


@dataclass(frozen=True)
class Finding:
    """One rule that fired: its code, the weight it had, and what it saw."""

    rule: str
    weight: int
    detail: str

    def as_reason(self) -> dict[str, Any]:
        return {"rule": self.rule, "weight": self.weight, "detail": self.detail}


# --- The rules ------------------------------------------------------------------------------
# Each takes the rule's row, the locked payment and the time of the assessment, and returns
# what it saw when it fires, or None.

Check = Callable[[RiskRule, Payment, datetime], str | None]


def _window(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def _since(rule: RiskRule, now: datetime) -> datetime:
    return now - timedelta(minutes=rule.window_minutes or 0)


def _over_limit(rule: RiskRule, count: int) -> bool:
    return count > (rule.count_limit or 0)


def _counted(rule: RiskRule, count: int, message: str, **more: object) -> str:
    """``message`` with its count, window and limit filled in."""
    window = _window(rule.window_minutes or 0)
    return message % {**more, "count": count, "window": window, "limit": rule.count_limit}


def _velocity_user(rule: RiskRule, payment: Payment, now: datetime) -> str | None:
    count = Payment.objects.filter(
        buyer_id=payment.buyer_id, created_at__gt=_since(rule, now)
    ).count()
    if not _over_limit(rule, count):
        return None
    message = ngettext(
        "%(count)d payment attempt by this buyer in %(window)s (more than %(limit)d).",
        "%(count)d payment attempts by this buyer in %(window)s (more than %(limit)d).",
        count,
    )
    return _counted(rule, count, message)


def _velocity_session(rule: RiskRule, payment: Payment, now: datetime) -> str | None:
    if not payment.session_key:
        return None
    count = Payment.objects.filter(
        session_key=payment.session_key, created_at__gt=_since(rule, now)
    ).count()
    if not _over_limit(rule, count):
        return None
    message = ngettext(
        "%(count)d payment attempt from this browser session in %(window)s (more than %(limit)d).",
        "%(count)d payment attempts from this browser session in %(window)s (more than %(limit)d).",
        count,
    )
    return _counted(rule, count, message)


def _velocity_ip(rule: RiskRule, payment: Payment, now: datetime) -> str | None:
    if not payment.ip_address:
        return None
    count = Payment.objects.filter(
        ip_address=payment.ip_address, created_at__gt=_since(rule, now)
    ).count()
    if not _over_limit(rule, count):
        return None
    message = ngettext(
        "%(count)d payment attempt from %(ip)s in %(window)s (more than %(limit)d).",
        "%(count)d payment attempts from %(ip)s in %(window)s (more than %(limit)d).",
        count,
    )
    return _counted(rule, count, message, ip=payment.ip_address)


def _repeated_failures(rule: RiskRule, payment: Payment, now: datetime) -> str | None:
    count = Payment.objects.filter(
        buyer_id=payment.buyer_id,
        status=PaymentStatus.FAILED,
        created_at__gt=_since(rule, now),
    ).count()
    if not _over_limit(rule, count):
        return None
    message = ngettext(
        "%(count)d failed payment of this buyer in %(window)s (more than %(limit)d).",
        "%(count)d failed payments of this buyer in %(window)s (more than %(limit)d).",
        count,
    )
    return _counted(rule, count, message)


def _new_account_high_amount(rule: RiskRule, payment: Payment, now: datetime) -> str | None:
    threshold = rule.amount_threshold
    days = rule.account_age_days or 0
    age = now - payment.buyer.date_joined
    if threshold is None or payment.currency != settings.DEFAULT_CURRENCY:
        return None
    if age >= timedelta(days=days) or payment.amount < threshold:
        return None
    age_days = max(age.days, 0)
    return ngettext(
        "An account %(age)d day old (new below %(days)d days) pays %(amount)s "
        "(threshold %(threshold)s).",
        "An account %(age)d days old (new below %(days)d days) pays %(amount)s "
        "(threshold %(threshold)s).",
        age_days,
    ) % {
        "age": age_days,
        "days": days,
        "amount": format_money(payment.amount, payment.currency),
        "threshold": format_money(threshold, payment.currency),
    }


def _card_country_mismatch(rule: RiskRule, payment: Payment, now: datetime) -> str | None:
    card, group = payment.card_country.strip().upper(), payment.group
    if not card or group is None or card == group.country.strip().upper():
        return None
    return _("Card issued in %(card)s, delivery to %(country)s.") % {
        "card": card,
        "country": group.country.upper(),
    }


def _normalised(text: str) -> str:
    """Letters and digits only, case-folded: "1, Test Rd." and "1 test rd" are one address."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(character for character in folded if character.isalnum())


def address_key(*, street: str, city: str, postcode: str, country: str) -> str:
    """A hash of the normalised delivery address (so the address itself is not copied)."""
    parts = [_normalised(street), _normalised(city), _normalised(postcode), country.upper()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _address_key_of(payment: Payment) -> str:
    group = payment.group
    if group is None:
        return ""
    return address_key(
        street=group.street, city=group.city, postcode=group.postcode, country=group.country
    )


def _shared_address(rule: RiskRule, payment: Payment, now: datetime) -> str | None:
    key = _address_key_of(payment)
    if not key:
        return None
    others = (
        RiskAssessment.objects.filter(address_key=key, created_at__gt=_since(rule, now))
        .exclude(payment__buyer_id=payment.buyer_id)
        .values("payment__buyer_id")
        .distinct()
        .count()
    )
    count = others + 1
    if not _over_limit(rule, count):
        return None
    message = ngettext(
        "%(count)d account paying for delivery to this address in %(window)s "
        "(more than %(limit)d).",
        "%(count)d accounts paying for delivery to this address in %(window)s "
        "(more than %(limit)d).",
        count,
    )
    return _counted(rule, count, message)


CHECKS: dict[str, Check] = {
    RiskRuleCode.VELOCITY_USER: _velocity_user,
    RiskRuleCode.VELOCITY_SESSION: _velocity_session,
    RiskRuleCode.VELOCITY_IP: _velocity_ip,
    RiskRuleCode.NEW_ACCOUNT_HIGH_AMOUNT: _new_account_high_amount,
    RiskRuleCode.CARD_COUNTRY_MISMATCH: _card_country_mismatch,
    RiskRuleCode.REPEATED_FAILURES: _repeated_failures,
    RiskRuleCode.SHARED_ADDRESS: _shared_address,
}
# Evaluated only once the provider reported the money (and the card) in.
SUCCESS_RULES = frozenset({RiskRuleCode.CARD_COUNTRY_MISMATCH})


def _findings(*, payment: Payment, now: datetime, stage: str) -> list[Finding]:
    rules = RiskRule.objects.filter(enabled=True).order_by("pk")
    wanted = [
        rule for rule in rules if (rule.code in SUCCESS_RULES) == (stage == RiskStage.SUCCESS)
    ]
    found = []
    # Reasons are records for staff: written in the site's language, not the buyer's.
    with translation.override(settings.LANGUAGE_CODE):
        for rule in wanted:
            detail = CHECKS[rule.code](rule, payment, now)
            if detail is not None:
                found.append(Finding(rule=rule.code, weight=rule.weight, detail=str(detail)))
    return found


# --- The decision ---------------------------------------------------------------------------


def risk_policy() -> RiskPolicy:
    policy = RiskPolicy.objects.filter(pk=1).first()
    return policy or RiskPolicy(review_at=DEFAULT_REVIEW_AT, block_at=DEFAULT_BLOCK_AT)


def decide(*, score: int, policy: RiskPolicy) -> str:
    """Block at ``block_at`` or more, review at ``review_at`` or more, else allow."""
    if score >= policy.block_at:
        return RiskDecision.BLOCK
    if score >= policy.review_at:
        return RiskDecision.REVIEW
    return RiskDecision.ALLOW


def assess_payment(
    *, payment: Payment, now: datetime, stage: str = RiskStage.START
) -> RiskAssessment:
    """The attempt's risk at this stage, recorded with its reasons (once per stage)."""
    if stage not in RiskStage.values:
        raise ValueError(f"Unknown risk stage {stage!r}.")
    with transaction.atomic(savepoint=False):
        # Locking the attempt makes two assessments of it (a webhook and a return) take turns.
        # The caller's object is judged as it is: the card's country may not be saved yet.
        Payment.objects.select_for_update().filter(pk=payment.pk).values_list("pk").get()
        existing = RiskAssessment.objects.filter(payment=payment).first()
        if stage == RiskStage.START:
            return existing or _assess_start(payment=payment, now=now)
        if existing is not None and existing.stage == RiskStage.SUCCESS:
            return existing
        return _assess_success(payment=payment, existing=existing, now=now)


def _assess_start(*, payment: Payment, now: datetime) -> RiskAssessment:
    findings = _findings(payment=payment, now=now, stage=RiskStage.START)
    score = sum(finding.weight for finding in findings)
    return RiskAssessment.objects.create(
        payment=payment,
        stage=RiskStage.START,
        score=score,
        decision=decide(score=score, policy=risk_policy()),
        reasons=[finding.as_reason() for finding in findings],
        address_key=_address_key_of(payment),
        created_at=now,
        updated_at=now,
    )


def _assess_success(
    *, payment: Payment, existing: RiskAssessment | None, now: datetime
) -> RiskAssessment:
    assessment = existing or RiskAssessment(
        payment=payment,
        score=0,
        decision=RiskDecision.ALLOW,
        reasons=[],
        address_key=_address_key_of(payment),
        created_at=now,
    )
    findings = _findings(payment=payment, now=now, stage=RiskStage.SUCCESS)
    assessment.score += sum(finding.weight for finding in findings)
    assessment.reasons = [*assessment.reasons, *(finding.as_reason() for finding in findings)]
    # The money is in: the strongest answer now is to hold it for finance staff.
    now_decided = decide(score=assessment.score, policy=risk_policy())
    if now_decided == RiskDecision.BLOCK:
        now_decided = RiskDecision.REVIEW
    if SEVERITY[now_decided] > SEVERITY[RiskDecision(assessment.decision)]:
        assessment.decision = now_decided
    assessment.stage = RiskStage.SUCCESS
    assessment.updated_at = now
    assessment.save()
    return assessment


def held_reasons(*, payment: Payment, now: datetime, stage: str) -> list[str]:
    """Why risk control holds the payment for finance staff after this stage (empty when it
    may go through). Asked for the start and then for the success stage, each stage names its
    own rules, so together they never repeat a reason."""
    before = RiskAssessment.objects.filter(payment_id=payment.pk).first()
    assessment = assess_payment(payment=payment, now=now, stage=stage)
    if assessment.decision == ALLOW:
        return []
    if stage == RiskStage.START:
        reasons = [r for r in assessment.reasons if r["rule"] not in SUCCESS_RULES]
    elif before is not None and before.decision != ALLOW:
        reasons = [r for r in assessment.reasons if r["rule"] in SUCCESS_RULES]
    else:  # allowed at start, held now: every reason counts
        reasons = list(assessment.reasons)
    if not reasons:
        return []
    return [
        _("Risk score %(score)d: %(reasons)s")
        % {
            "score": assessment.score,
            "reasons": " ".join(reason["detail"] for reason in reasons),
        }
    ]


# --- Two-factor gate on refunds -------------------------------------------------------------


def refund_mfa_threshold() -> Decimal:
    return Decimal(str(settings.PAYMENTS_REFUND_MFA_THRESHOLD))


def check_refund_allowed(*, by: Any, amount: Decimal) -> None:
    """Refunds above the threshold need a person with two-factor authentication; the system
    itself (``by=None``: a timeout or an automatic after-sales decision) may refund any amount."""
    threshold = refund_mfa_threshold()
    if by is None or amount <= threshold or has_two_factor(by):
        return
    raise RefundError(
        _(
            "Refunds above %(threshold)s need two-factor authentication. Set up an "
            "authenticator app in your account, then try again."
        )
        % {"threshold": format_money(threshold, settings.DEFAULT_CURRENCY)},
        code="mfa_required",
    )
