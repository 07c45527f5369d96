"""Risk control: each rule fires just past its boundary and not at it, weights and thresholds
make the decision, disabled rules do not count, reasons are recorded, and the card's country is
judged only once the money arrived."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from orders.models import OrderGroup
from payments.demo.risk import flag_demo_payment
from payments.models import (
    Payment,
    PaymentStatus,
    RiskAssessment,
    RiskDecision,
    RiskPolicy,
    RiskRule,
    RiskRuleCode,
    RiskStage,
)
from payments.services.risk import address_key, assess_payment, held_reasons
from tests.accounts.factories import UserFactory
from tests.orders.factories import placed_order

from .risk_support import PaymentFactory

pytestmark = pytest.mark.django_db

C = RiskRuleCode


def only(*codes: str) -> None:
    """Switch every rule off except ``codes``."""
    RiskRule.objects.exclude(code__in=codes).update(enabled=False)
    RiskRule.objects.filter(code__in=codes).update(enabled=True)


def tune(code: str, **fields) -> None:
    """Give one rule the weight and parameters a member of staff could set."""
    rule = RiskRule.objects.get(code=code)
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()


def fired(assessment: RiskAssessment) -> list[str]:
    return [reason["rule"] for reason in assessment.reasons]


def started_at(payment: Payment, when) -> Payment:
    Payment.objects.filter(pk=payment.pk).update(created_at=when)
    return payment


def payment_of(buyer, **fields) -> Payment:
    return PaymentFactory(group=placed_order(buyer=buyer).group, **fields)


# --- A fresh install ------------------------------------------------------------------------


def test_every_implemented_rule_and_the_thresholds_exist_on_a_fresh_install():
    rules = {rule.code: rule for rule in RiskRule.objects.all()}

    assert set(rules) == set(RiskRuleCode.values)
    for rule in rules.values():
        rule.full_clean()  # the migration's parameters are the ones each rule needs
        assert rule.enabled and rule.weight > 0
    policy = RiskPolicy.objects.get()
    assert (policy.review_at, policy.block_at) == (50, 100)


def test_a_plain_first_payment_is_allowed_with_no_reasons():
    payment = PaymentFactory()

    assessment = assess_payment(payment=payment, now=timezone.now())

    assert (assessment.stage, assessment.score, assessment.decision) == ("start", 0, "allow")
    assert assessment.reasons == []


# --- Velocity -------------------------------------------------------------------------------


def _same_buyer(n: int):
    buyer = UserFactory()
    return [payment_of(buyer, session_key=f"s{i}", ip_address=f"10.0.0.{i}") for i in range(n)]


def _same_session(n: int):
    return [PaymentFactory(session_key="browser-1", ip_address=f"10.0.1.{i}") for i in range(n)]


def _same_ip(n: int):
    return [PaymentFactory(session_key=f"s{i}", ip_address="203.0.113.7") for i in range(n)]


@pytest.mark.parametrize(
    ("code", "attempts"),
    [
        (C.VELOCITY_USER, _same_buyer),
        (C.VELOCITY_SESSION, _same_session),
        (C.VELOCITY_IP, _same_ip),
    ],
)
def test_velocity_fires_only_above_the_limit_within_the_window(code, attempts):
    only(code)
    tune(code, weight=30, window_minutes=10, count_limit=3)
    now = timezone.now()
    edge, earlier_1, earlier_2, third, fourth = attempts(5)
    started_at(edge, now - timedelta(minutes=10))  # exactly the window's length ago: outside
    started_at(earlier_1, now - timedelta(minutes=9))
    started_at(earlier_2, now - timedelta(minutes=1))
    started_at(fourth, now - timedelta(days=1))  # not yet: it starts below

    at_limit = assess_payment(payment=third, now=now)
    assert fired(at_limit) == []  # three attempts in ten minutes, the limit is three

    started_at(fourth, now)
    above = assess_payment(payment=fourth, now=now)
    assert fired(above) == [code]
    assert above.reasons[0]["weight"] == 30
    assert "4 payment attempts" in above.reasons[0]["detail"]
    assert "in 10 minutes (more than 3)" in above.reasons[0]["detail"]


def test_velocity_per_session_and_ip_ignores_other_sessions_and_addresses():
    only(C.VELOCITY_SESSION, C.VELOCITY_IP)
    tune(C.VELOCITY_SESSION, window_minutes=10, count_limit=1)
    tune(C.VELOCITY_IP, window_minutes=10, count_limit=1)
    PaymentFactory(session_key="other", ip_address="198.51.100.1")
    PaymentFactory(session_key="", ip_address=None)
    payment = PaymentFactory(session_key="mine", ip_address="198.51.100.2")

    assessment = assess_payment(payment=payment, now=timezone.now())

    assert fired(assessment) == []


def test_attempts_without_a_session_or_ip_never_count_as_one_session_or_address():
    only(C.VELOCITY_SESSION, C.VELOCITY_IP)
    tune(C.VELOCITY_SESSION, window_minutes=10, count_limit=1)
    tune(C.VELOCITY_IP, window_minutes=10, count_limit=1)
    PaymentFactory(session_key="", ip_address=None)
    payment = PaymentFactory(session_key="", ip_address=None)

    assert fired(assess_payment(payment=payment, now=timezone.now())) == []


# --- Repeated failures ----------------------------------------------------------------------


def test_repeated_failures_count_only_this_buyers_failed_attempts_in_the_window():
    only(C.REPEATED_FAILURES)
    tune(C.REPEATED_FAILURES, weight=40, window_minutes=60, count_limit=2)
    buyer, now = UserFactory(), timezone.now()
    started_at(payment_of(buyer, status=PaymentStatus.FAILED), now - timedelta(minutes=60))
    for minutes in (30, 5):
        started_at(payment_of(buyer, status=PaymentStatus.FAILED), now - timedelta(minutes=minutes))
    payment_of(buyer, status=PaymentStatus.CANCELLED)
    PaymentFactory(status=PaymentStatus.FAILED)  # another buyer's

    at_limit = assess_payment(payment=payment_of(buyer), now=now)
    assert fired(at_limit) == []

    payment_of(buyer, status=PaymentStatus.FAILED)
    above = assess_payment(payment=payment_of(buyer), now=now)
    assert above.reasons == [
        {
            "rule": "repeated_failures",
            "weight": 40,
            "detail": "3 failed payments of this buyer in 1 hour (more than 2).",
        }
    ]


# --- New account, high amount ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("joined_ago", "amount", "fires"),
    [
        (timedelta(days=7) - timedelta(minutes=1), "500.00", True),
        (timedelta(days=7) - timedelta(minutes=1), "499.99", False),
        (timedelta(days=7), "500.00", False),  # seven days old is no longer new
        (timedelta(days=30), "9000.00", False),
    ],
)
def test_a_new_account_paying_a_high_amount(joined_ago, amount, fires):
    only(C.NEW_ACCOUNT_HIGH_AMOUNT)
    tune(C.NEW_ACCOUNT_HIGH_AMOUNT, account_age_days=7, amount_threshold=Decimal("500.00"))
    now = timezone.now()
    buyer = UserFactory(date_joined=now - joined_ago)

    assessment = assess_payment(payment=payment_of(buyer, amount=Decimal(amount)), now=now)

    assert fired(assessment) == ([C.NEW_ACCOUNT_HIGH_AMOUNT] if fires else [])


# --- Many accounts at one address -----------------------------------------------------------


def _delivering_to(street: str, city: str, postcode: str = "110", country: str = "TW"):
    group = placed_order().group
    OrderGroup.objects.filter(pk=group.pk).update(
        street=street, city=city, postcode=postcode, country=country
    )
    group.refresh_from_db()
    return PaymentFactory(group=group)


def test_the_address_key_ignores_case_spacing_and_punctuation_but_not_the_number():
    key = address_key(street="12, Xinyi Rd.", city="Taipei", postcode="110", country="tw")

    assert key == address_key(street="12 xinyi rd", city=" TAIPEI ", postcode="1 10", country="TW")
    assert key != address_key(street="13 Xinyi Rd", city="Taipei", postcode="110", country="TW")
    assert key != address_key(street="12 Xinyi Rd", city="Taipei", postcode="110", country="CN")


def test_many_accounts_at_one_address_fires_above_the_limit_within_the_window():
    only(C.SHARED_ADDRESS)
    tune(C.SHARED_ADDRESS, weight=40, window_minutes=30 * 24 * 60, count_limit=2)
    now = timezone.now()
    old = _delivering_to("12 Xinyi Rd", "Taipei")
    assess_payment(payment=old, now=now - timedelta(days=30))  # exactly 30 days ago: outside
    first = _delivering_to("12, XINYI RD.", "taipei")
    assess_payment(payment=first, now=now)
    assess_payment(payment=PaymentFactory(group=first.group), now=now)  # the same account again
    assess_payment(payment=_delivering_to("12 Xinyi Rd", "Taipei", postcode="999"), now=now)

    second = assess_payment(payment=_delivering_to("12 xinyi rd", "Taipei"), now=now)
    assert fired(second) == []  # two accounts, the limit is two

    third = assess_payment(payment=_delivering_to("12 Xinyi Rd", "Taipei"), now=now)
    assert fired(third) == [C.SHARED_ADDRESS]
    assert third.reasons[0]["detail"].startswith("3 accounts paying for delivery to this address")


# --- Card country, at success ---------------------------------------------------------------


def _paid_with_card(card_country: str) -> Payment:
    return PaymentFactory(card_country=card_country, status=PaymentStatus.SUCCEEDED)  # to TW


def test_the_card_country_is_judged_only_at_success_and_turns_allow_into_review():
    only(C.CARD_COUNTRY_MISMATCH)
    tune(C.CARD_COUNTRY_MISMATCH, weight=50)
    payment, now = _paid_with_card("US"), timezone.now()

    at_start = assess_payment(payment=payment, now=now)
    assert (at_start.decision, fired(at_start)) == (RiskDecision.ALLOW, [])

    at_success = assess_payment(payment=payment, now=now, stage=RiskStage.SUCCESS)

    assert at_success.pk == at_start.pk
    assert (at_success.stage, at_success.score, at_success.decision) == ("success", 50, "review")
    assert at_success.reasons == [
        {
            "rule": "card_country_mismatch",
            "weight": 50,
            "detail": "Card issued in US, delivery to TW.",
        }
    ]


def test_a_card_from_the_delivery_country_or_unknown_changes_nothing_at_success():
    only(C.CARD_COUNTRY_MISMATCH)
    tune(C.CARD_COUNTRY_MISMATCH, weight=50)
    now = timezone.now()
    for card in ("tw", ""):
        payment = _paid_with_card(card)
        assess_payment(payment=payment, now=now)

        assessment = assess_payment(payment=payment, now=now, stage=RiskStage.SUCCESS)

        assert (assessment.score, assessment.decision, assessment.reasons) == (0, "allow", [])


def test_success_evaluates_only_the_card_rule_and_never_blocks_money_that_arrived():
    only(C.CARD_COUNTRY_MISMATCH, C.VELOCITY_USER)
    tune(C.CARD_COUNTRY_MISMATCH, weight=500)
    tune(C.VELOCITY_USER, weight=500, window_minutes=10, count_limit=0)
    payment = _paid_with_card("US")

    assessment = assess_payment(payment=payment, now=timezone.now(), stage=RiskStage.SUCCESS)

    assert fired(assessment) == [C.CARD_COUNTRY_MISMATCH]  # velocity is a start rule
    assert (assessment.score, assessment.decision) == (500, RiskDecision.REVIEW)


def test_a_replayed_success_does_not_count_the_card_twice():
    only(C.CARD_COUNTRY_MISMATCH)
    tune(C.CARD_COUNTRY_MISMATCH, weight=30)
    payment, now = _paid_with_card("US"), timezone.now()
    assess_payment(payment=payment, now=now)
    assess_payment(payment=payment, now=now, stage=RiskStage.SUCCESS)

    again = assess_payment(payment=payment, now=now, stage=RiskStage.SUCCESS)

    assert (again.score, again.decision, len(again.reasons)) == (30, "allow", 1)
    assert RiskAssessment.objects.filter(payment=payment).count() == 1


def test_a_payment_held_at_start_stays_held_at_success_whatever_changed_meanwhile():
    only(C.VELOCITY_USER, C.CARD_COUNTRY_MISMATCH)
    tune(C.VELOCITY_USER, weight=60, window_minutes=10, count_limit=0)
    payment, now = _paid_with_card("TW"), timezone.now()
    assert assess_payment(payment=payment, now=now).decision == RiskDecision.REVIEW
    RiskPolicy.objects.filter(pk=1).update(review_at=100, block_at=200)

    at_success = assess_payment(payment=payment, now=now, stage=RiskStage.SUCCESS)

    assert (at_success.score, at_success.decision) == (60, RiskDecision.REVIEW)


# --- Weights, thresholds, switches, records -------------------------------------------------


def _two_rules_fire() -> Payment:
    """A buyer whose attempt trips velocity (one attempt allowed) and failures (none allowed)."""
    buyer = UserFactory()
    payment_of(buyer, status=PaymentStatus.FAILED)
    return payment_of(buyer)


@pytest.mark.parametrize(
    ("velocity_weight", "failures_weight", "review_at", "block_at", "decision"),
    [
        (10, 20, 50, 100, "allow"),  # 30
        (30, 20, 50, 100, "review"),  # 50: exactly the review score
        (30, 69, 50, 100, "review"),  # 99
        (30, 70, 50, 100, "block"),  # 100: exactly the blocking score
        (30, 70, 50, 101, "review"),  # the same score, a higher blocking score
        (30, 70, 101, 200, "allow"),  # and a higher review score
    ],
)
def test_weights_and_thresholds_make_the_decision(
    velocity_weight, failures_weight, review_at, block_at, decision
):
    only(C.VELOCITY_USER, C.REPEATED_FAILURES)
    tune(C.VELOCITY_USER, weight=velocity_weight, window_minutes=10, count_limit=1)
    tune(C.REPEATED_FAILURES, weight=failures_weight, window_minutes=10, count_limit=0)
    policy = RiskPolicy.objects.get()
    policy.review_at, policy.block_at = review_at, block_at
    policy.full_clean()
    policy.save()

    assessment = assess_payment(payment=_two_rules_fire(), now=timezone.now())

    assert fired(assessment) == [C.VELOCITY_USER, C.REPEATED_FAILURES]
    assert assessment.score == velocity_weight + failures_weight
    assert assessment.decision == decision


def test_a_disabled_rule_does_not_count():
    tune(C.VELOCITY_USER, weight=60, window_minutes=10, count_limit=1)
    tune(C.REPEATED_FAILURES, weight=60, window_minutes=10, count_limit=0)
    only(C.VELOCITY_USER)  # failures would fire too, but they are switched off

    assessment = assess_payment(payment=_two_rules_fire(), now=timezone.now())

    assert fired(assessment) == [C.VELOCITY_USER]
    assert (assessment.score, assessment.decision) == (60, RiskDecision.REVIEW)


def test_reasons_keep_the_weight_the_rule_had_when_it_fired():
    only(C.REPEATED_FAILURES)
    tune(C.REPEATED_FAILURES, weight=40, window_minutes=60, count_limit=0)
    assessment = assess_payment(payment=_two_rules_fire(), now=timezone.now())

    tune(C.REPEATED_FAILURES, weight=5)

    assessment.refresh_from_db()
    assert assessment.reasons == [
        {
            "rule": "repeated_failures",
            "weight": 40,
            "detail": "1 failed payment of this buyer in 1 hour (more than 0).",
        }
    ]
    assert assessment.score == 40


def test_assessing_the_start_again_returns_the_first_assessment_unchanged():
    only(C.VELOCITY_USER)
    tune(C.VELOCITY_USER, weight=30, window_minutes=10, count_limit=0)
    payment, now = PaymentFactory(), timezone.now()
    first = assess_payment(payment=payment, now=now)
    tune(C.VELOCITY_USER, weight=90)

    again = assess_payment(payment=payment, now=now)

    assert (again.pk, again.score) == (first.pk, 30)
    assert RiskAssessment.objects.count() == 1


def test_an_unknown_stage_is_refused_and_nothing_is_recorded():
    with pytest.raises(ValueError):
        assess_payment(payment=PaymentFactory(), now=timezone.now(), stage="refund")

    assert not RiskAssessment.objects.exists()


def test_held_reasons_name_each_stages_own_rules_once():
    only(C.VELOCITY_USER, C.CARD_COUNTRY_MISMATCH)
    tune(C.VELOCITY_USER, weight=50, window_minutes=10, count_limit=0)
    tune(C.CARD_COUNTRY_MISMATCH, weight=50)
    payment, now = PaymentFactory(), timezone.now()
    assess_payment(payment=payment, now=now)
    payment.card_country = "US"  # reported by the provider, not saved yet

    at_start = held_reasons(payment=payment, now=now, stage=RiskStage.START)
    at_success = held_reasons(payment=payment, now=now, stage=RiskStage.SUCCESS)

    assert at_start == [
        "Risk score 50: 1 payment attempt by this buyer in 10 minutes (more than 0)."
    ]
    assert at_success == ["Risk score 100: Card issued in US, delivery to TW."]
    assessment = RiskAssessment.objects.get(payment=payment)
    assert (assessment.score, assessment.decision) == (100, RiskDecision.REVIEW)


def test_held_reasons_of_a_payment_allowed_at_start_and_held_at_success_say_everything():
    only(C.VELOCITY_USER, C.CARD_COUNTRY_MISMATCH)
    tune(C.VELOCITY_USER, weight=30, window_minutes=10, count_limit=0)
    tune(C.CARD_COUNTRY_MISMATCH, weight=30)
    payment, now = PaymentFactory(), timezone.now()
    payment.card_country = "US"

    assert held_reasons(payment=payment, now=now, stage=RiskStage.START) == []
    assert held_reasons(payment=payment, now=now, stage=RiskStage.SUCCESS) == [
        "Risk score 60: 1 payment attempt by this buyer in 10 minutes (more than 0). "
        "Card issued in US, delivery to TW."
    ]


def test_an_allowed_payment_has_no_held_reasons():
    payment, now = PaymentFactory(), timezone.now()

    assert held_reasons(payment=payment, now=now, stage=RiskStage.START) == []
    assert held_reasons(payment=payment, now=now, stage=RiskStage.SUCCESS) == []
    assert RiskAssessment.objects.get(payment=payment).stage == RiskStage.SUCCESS


def test_assessing_costs_a_few_queries_however_long_the_history(django_assert_max_num_queries):
    buyer = UserFactory()
    group = placed_order(buyer=buyer).group
    PaymentFactory.create_batch(
        30, group=group, status=PaymentStatus.FAILED, session_key="s", ip_address="10.9.9.9"
    )
    payment = PaymentFactory(group=group, session_key="s", ip_address="10.9.9.9")

    with django_assert_max_num_queries(12):
        assessment = assess_payment(payment=payment, now=timezone.now())

    assert set(fired(assessment)) == {
        C.VELOCITY_USER,
        C.VELOCITY_SESSION,
        C.VELOCITY_IP,
        C.REPEATED_FAILURES,
    }
    assert assessment.decision == RiskDecision.BLOCK  # 30 + 30 + 30 + 40 with the defaults


# --- Rule parameters ------------------------------------------------------------------------


def test_a_rule_needs_its_own_parameters_and_refuses_the_others():
    velocity = RiskRule.objects.get(code=C.VELOCITY_USER)
    velocity.window_minutes = None
    velocity.amount_threshold = Decimal("10")

    with pytest.raises(ValidationError) as invalid:
        velocity.full_clean()

    assert set(invalid.value.message_dict) == {"window_minutes", "amount_threshold"}


# --- Demo -----------------------------------------------------------------------------------


def test_the_demo_flags_a_paid_payment_the_way_the_live_flow_does_once():
    payment = PaymentFactory(status=PaymentStatus.SUCCEEDED)  # delivery to TW
    now = timezone.now()

    flagged = flag_demo_payment(payment=payment, now=now)
    again = flag_demo_payment(payment=Payment.objects.get(pk=payment.pk), now=now)

    assert (flagged.stage, flagged.score, flagged.decision) == ("success", 50, "review")
    assert fired(flagged) == [C.CARD_COUNTRY_MISMATCH]
    assert (again.pk, again.score, again.reasons) == (flagged.pk, 50, flagged.reasons)
    assert Payment.objects.get(pk=payment.pk).card_country == "NG"
