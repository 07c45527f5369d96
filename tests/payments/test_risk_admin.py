"""Staff tune risk control in the admin: rule weights and parameters (validated), the
thresholds, and read the assessments."""

import pytest
from django.utils import timezone

from payments.models import RiskAssessment, RiskPolicy, RiskRule, RiskRuleCode
from payments.services.risk import assess_payment
from tests.accounts.factories import UserFactory

from .risk_support import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_as, staff_user):
    return client_as(staff_user)


def rule_form(rule: RiskRule, **changes) -> dict:
    data = {
        "label": rule.label,
        "weight": rule.weight,
        "enabled": "on" if rule.enabled else "",
        "window_minutes": rule.window_minutes or "",
        "count_limit": "" if rule.count_limit is None else rule.count_limit,
        "amount_threshold": rule.amount_threshold or "",
        "account_age_days": rule.account_age_days or "",
        "_save": "Save",
    }
    return {**data, **changes}


def test_staff_change_a_rules_weight_and_the_next_assessment_uses_it(admin_client):
    rule = RiskRule.objects.get(code=RiskRuleCode.VELOCITY_USER)
    RiskRule.objects.exclude(pk=rule.pk).update(enabled=False)

    response = admin_client.post(
        f"/admin/payments/riskrule/{rule.pk}/change/",
        rule_form(rule, weight="70", count_limit="0"),
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.weight, rule.count_limit) == (70, 0)
    assessment = assess_payment(payment=PaymentFactory(), now=timezone.now())
    assert (assessment.score, assessment.decision) == (70, "review")


def test_staff_change_weights_and_switches_from_the_rule_list(admin_client):
    rules = list(RiskRule.objects.order_by("pk"))
    data = {
        "form-TOTAL_FORMS": len(rules),
        "form-INITIAL_FORMS": len(rules),
        "_save": "Save",
    }
    for i, rule in enumerate(rules):
        data[f"form-{i}-id"] = rule.pk
        data[f"form-{i}-weight"] = rule.weight
        if rule.enabled:
            data[f"form-{i}-enabled"] = "on"
    data["form-0-weight"] = "5"
    del data["form-1-enabled"]

    response = admin_client.post("/admin/payments/riskrule/", data)

    assert response.status_code == 302
    assert (RiskRule.objects.get(pk=rules[0].pk).weight, rules[0].weight) == (5, 30)
    assert RiskRule.objects.get(pk=rules[1].pk).enabled is False


@pytest.mark.parametrize(
    ("code", "changes", "field"),
    [
        (RiskRuleCode.VELOCITY_IP, {"window_minutes": ""}, "window_minutes"),
        (RiskRuleCode.VELOCITY_IP, {"window_minutes": "0"}, "window_minutes"),
        (RiskRuleCode.CARD_COUNTRY_MISMATCH, {"count_limit": "3"}, "count_limit"),
        (
            RiskRuleCode.NEW_ACCOUNT_HIGH_AMOUNT,
            {"amount_threshold": "-1"},
            "amount_threshold",
        ),
        (RiskRuleCode.SHARED_ADDRESS, {"weight": "5000"}, "weight"),
    ],
)
def test_bad_rule_parameters_are_refused_with_a_message_and_change_nothing(
    admin_client, code, changes, field
):
    rule = RiskRule.objects.get(code=code)
    before = RiskRule.objects.filter(pk=rule.pk).values().get()

    response = admin_client.post(
        f"/admin/payments/riskrule/{rule.pk}/change/", rule_form(rule, **changes)
    )

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert RiskRule.objects.filter(pk=rule.pk).values().get() == before


def test_the_rule_code_cannot_be_changed_and_rules_cannot_be_deleted(admin_client):
    rule = RiskRule.objects.get(code=RiskRuleCode.VELOCITY_IP)

    admin_client.post(
        f"/admin/payments/riskrule/{rule.pk}/change/",
        rule_form(rule, code=RiskRuleCode.SHARED_ADDRESS),
    )
    deleted = admin_client.post(f"/admin/payments/riskrule/{rule.pk}/delete/", {"post": "yes"})

    assert deleted.status_code == 403
    rule.refresh_from_db()
    assert rule.code == RiskRuleCode.VELOCITY_IP


def test_staff_change_the_thresholds_but_not_into_nonsense(admin_client):
    url = "/admin/payments/riskpolicy/1/change/"

    refused = admin_client.post(url, {"review_at": "80", "block_at": "80", "_save": "Save"})

    assert refused.status_code == 200
    assert "The blocking score must be higher than the review score." in refused.content.decode()
    assert RiskPolicy.objects.values_list("review_at", "block_at").get() == (50, 100)

    saved = admin_client.post(url, {"review_at": "40", "block_at": "90", "_save": "Save"})

    assert saved.status_code == 302
    assert RiskPolicy.objects.values_list("review_at", "block_at").get() == (40, 90)
    assert admin_client.get("/admin/payments/riskpolicy/add/").status_code == 403


def test_assessments_are_listed_by_decision_and_shown_with_their_reasons(admin_client):
    RiskRule.objects.exclude(code=RiskRuleCode.VELOCITY_USER).update(enabled=False)
    RiskRule.objects.filter(code=RiskRuleCode.VELOCITY_USER).update(count_limit=0, weight=60)
    held = assess_payment(payment=PaymentFactory(), now=timezone.now())
    RiskRule.objects.filter(code=RiskRuleCode.VELOCITY_USER).update(enabled=False)
    allowed = assess_payment(payment=PaymentFactory(), now=timezone.now())

    listed = admin_client.get("/admin/payments/riskassessment/?decision__exact=review")
    page = admin_client.get(f"/admin/payments/riskassessment/{held.pk}/change/").content.decode()

    assert list(listed.context["cl"].result_list) == [held]
    assert allowed.payment.number not in listed.content.decode()
    assert held.payment.number in page
    assert "Many attempts by one buyer" in page
    assert "1 payment attempt by this buyer in 10 minutes (more than 0)." in page


def test_assessments_are_read_only_even_for_staff(admin_client):
    assessment = assess_payment(payment=PaymentFactory(), now=timezone.now())

    changed = admin_client.post(
        f"/admin/payments/riskassessment/{assessment.pk}/change/",
        {"score": "0", "decision": "allow"},
    )
    deleted = admin_client.post(
        f"/admin/payments/riskassessment/{assessment.pk}/delete/", {"post": "yes"}
    )

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert RiskAssessment.objects.filter(pk=assessment.pk).exists()


def test_a_shopper_cannot_open_the_risk_admin(client_as):
    response = client_as(UserFactory()).get("/admin/payments/riskrule/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
