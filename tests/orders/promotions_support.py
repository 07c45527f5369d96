"""Shared arrangements of the promotion, coupon and flash-sale tests: a shop's owner, manager
and clerk, and another shop's owner (the sellers fixtures, rebuilt here because they live in the
sellers' conftest)."""

import pytest

from marketplace.sellers.models import MemberRole
from tests.sellers.factories import MerchantFactory, MerchantMemberFactory


def new_owner():
    """The owner user of a new approved merchant with an open shop."""
    return MerchantFactory().members.get(role=MemberRole.OWNER).user


def shop_of(user):
    return user.merchant_memberships.get().merchant.shop


def member_of(shop, role):
    return MerchantMemberFactory(merchant=shop.merchant, role=role).user


@pytest.fixture
def merchant(db):
    return new_owner()


@pytest.fixture
def shop(merchant):
    return shop_of(merchant)


@pytest.fixture
def other_merchant(db):
    return new_owner()


@pytest.fixture
def manager(shop):
    return member_of(shop, MemberRole.MANAGER)


@pytest.fixture
def clerk(shop):
    return member_of(shop, MemberRole.CLERK)
