"""Two-factor authentication before large refunds: who has it, and the refund gate."""

from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser

from marketplace.accounts.selectors import has_two_factor
from payments.errors import RefundError
from payments.services.risk import check_refund_allowed
from tests.accounts.factories import UserFactory, enable_two_factor
from tests.sellers.factories import MerchantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.PAYMENTS_REFUND_MFA_THRESHOLD = "200.00"


def test_an_authenticator_app_is_two_factor_and_recovery_codes_alone_are_not(user):
    assert not has_two_factor(user)
    assert not has_two_factor(AnonymousUser())

    Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"}
    )
    assert not has_two_factor(user)

    enable_two_factor(user)
    assert has_two_factor(user)


def _staff():
    return UserFactory(is_staff=True)


def _merchant_owner():
    return MerchantFactory().members.get().user


@pytest.mark.parametrize("make", [_staff, _merchant_owner])
def test_a_refund_above_the_threshold_needs_two_factor(make):
    by = make()

    with pytest.raises(RefundError) as refused:
        check_refund_allowed(by=by, amount=Decimal("200.01"))

    assert refused.value.code == "mfa_required"
    assert "Refunds above US$200.00 need two-factor authentication" in refused.value.message

    enable_two_factor(by)
    check_refund_allowed(by=by, amount=Decimal("200.01"))


def test_a_refund_up_to_the_threshold_needs_no_second_factor(staff_user):
    check_refund_allowed(by=staff_user, amount=Decimal("200.00"))
    check_refund_allowed(by=staff_user, amount=Decimal("0.01"))


def test_the_threshold_comes_from_the_settings(settings, staff_user):
    settings.PAYMENTS_REFUND_MFA_THRESHOLD = "50"

    with pytest.raises(RefundError):
        check_refund_allowed(by=staff_user, amount=Decimal("50.01"))
    check_refund_allowed(by=staff_user, amount=Decimal("50.00"))


def test_the_system_itself_may_refund_any_amount():
    check_refund_allowed(by=None, amount=Decimal("99999.00"))
