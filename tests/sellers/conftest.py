"""Sellers fixtures: users with roles in approved merchants (each one a real approved seller)."""

import pytest
from django.core.files.storage import storages

from marketplace.sellers.models import Appeal, MemberRole, QualificationDocument, Violation

from .factories import MerchantFactory, MerchantMemberFactory

PRIVATE_FILE_FIELDS = [
    (QualificationDocument, "file"),
    (Violation, "evidence_file"),
    (Appeal, "file"),
]


@pytest.fixture
def merchant(db):
    """The owner user of an approved merchant with an open shop."""
    return MerchantFactory().members.get(role=MemberRole.OWNER).user


@pytest.fixture
def other_merchant(db):
    """The owner user of a second, unrelated approved merchant."""
    return MerchantFactory().members.get(role=MemberRole.OWNER).user


@pytest.fixture
def manager(merchant):
    """A manager of ``merchant``'s merchant."""
    member = MerchantMemberFactory(
        merchant=merchant.merchant_memberships.get().merchant, role=MemberRole.MANAGER
    )
    return member.user


@pytest.fixture
def clerk(merchant):
    """A clerk of ``merchant``'s merchant."""
    member = MerchantMemberFactory(
        merchant=merchant.merchant_memberships.get().merchant, role=MemberRole.CLERK
    )
    return member.user


@pytest.fixture
def private_files(settings, tmp_path, monkeypatch):
    """Uploads land in a temporary private folder (and public media in another one).

    A FileField resolves its storage callable once, at import, so overriding STORAGES alone
    would leave the model fields writing to the real private folder: point them at it too.
    """
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    for model, name in PRIVATE_FILE_FIELDS:
        monkeypatch.setattr(model._meta.get_field(name), "storage", storages["private"])
    return tmp_path / "private"
