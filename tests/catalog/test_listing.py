"""The product life cycle: merchants list and delist, staff review and remove, the platform takes
products off sale; listing rules refuse with a clear message and change nothing."""

import pytest
from django.db import transaction
from django.utils import timezone

import catalog.receivers  # noqa: F401 - connects the sellers receivers (CatalogConfig.ready does too)
from catalog import events
from catalog.errors import ListingError
from catalog.models import Product, ProductStatus, ProhibitedWord
from catalog.services.listing import (
    approve_product,
    delist_product,
    product_changed,
    publish_product,
    reject_product,
    remove_product,
)
from catalog.states import PRODUCT
from marketplace.accounts.roles import MODERATORS, sync_staff_groups
from marketplace.core.states import history_of
from marketplace.notifications.models import Notification
from marketplace.notifications.rendering import render_notification
from marketplace.sellers import events as seller_events
from marketplace.sellers.models import MemberRole, PenaltyKind, ShopStatus
from marketplace.sellers.services.rules import record_violation
from marketplace.sellers.services.shops import set_shop_status
from tests.accounts.factories import UserFactory
from tests.sellers.factories import MerchantFactory, MerchantMemberFactory, RuleFactory

from .factories import BrandFactory, CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

S = ProductStatus


def owner_of(product: Product):
    return product.shop.merchant.members.get(role=MemberRole.OWNER).user


@pytest.fixture
def draft():
    product = ProductFactory(status=S.DRAFT, title="Ceramic mug", description="<p>Blue glaze</p>")
    VariantFactory(product=product, stock=3)
    return product


@pytest.fixture
def owner(draft):
    return owner_of(draft)


@pytest.fixture
def moderator():
    from django.contrib.auth.models import Group

    sync_staff_groups()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


@pytest.fixture
def reviewed(draft):
    category = CategoryFactory(requires_review=True)
    Product.objects.filter(pk=draft.pk).update(category=category)
    draft.refresh_from_db()
    return draft


def refused(call, **kwargs) -> ListingError:
    with pytest.raises(ListingError) as error:
        call(**kwargs)
    return error.value


def assert_unchanged(product: Product, status: str) -> None:
    product.refresh_from_db()
    assert product.status == status
    assert not history_of(product).exists()


# --- The table --------------------------------------------------------------------------------

EXPECTED_MOVES = {
    (S.DRAFT, S.ACTIVE),
    (S.DRAFT, S.PENDING_REVIEW),
    (S.DRAFT, S.REMOVED),
    (S.PENDING_REVIEW, S.ACTIVE),
    (S.PENDING_REVIEW, S.DRAFT),
    (S.PENDING_REVIEW, S.DELISTED),
    (S.PENDING_REVIEW, S.REMOVED),
    (S.ACTIVE, S.DELISTED),
    (S.ACTIVE, S.PENDING_REVIEW),
    (S.ACTIVE, S.REMOVED),
    (S.DELISTED, S.ACTIVE),
    (S.DELISTED, S.PENDING_REVIEW),
    (S.DELISTED, S.REMOVED),
}


@pytest.mark.parametrize("source", S.values)
@pytest.mark.parametrize("target", S.values)
def test_the_product_table_allows_exactly_these_moves(source, target):
    assert (target in PRODUCT.get(source, ())) == ((source, target) in EXPECTED_MOVES)


# --- Merchant moves ---------------------------------------------------------------------------


def test_publishing_puts_the_product_on_sale_with_history(
    draft, owner, django_capture_on_commit_callbacks
):
    heard = []
    events.product_status_changed.connect(
        lambda sender, product_id, status, **kw: heard.append((product_id, status)),
        weak=False,
        dispatch_uid="test-listing-status",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            publish_product(product=draft, by=owner)
    finally:
        events.product_status_changed.disconnect(dispatch_uid="test-listing-status")

    draft.refresh_from_db()
    assert draft.status == S.ACTIVE
    assert draft.published_at is not None
    change = history_of(draft).get()
    assert (change.from_status, change.to_status, change.by) == (S.DRAFT, S.ACTIVE, owner)
    assert heard == [(draft.pk, S.ACTIVE)]


def test_a_manager_delists_and_relists(draft, owner):
    manager = MerchantMemberFactory(merchant=draft.shop.merchant, role=MemberRole.MANAGER).user
    publish_product(product=draft, by=owner)
    first_published = draft.published_at

    delist_product(product=draft, by=manager)
    assert draft.status == S.DELISTED
    publish_product(product=draft, by=manager)

    draft.refresh_from_db()
    assert draft.status == S.ACTIVE and draft.published_at == first_published
    assert [c.to_status for c in history_of(draft)] == [S.ACTIVE, S.DELISTED, S.ACTIVE]


def test_a_clerk_edits_but_cannot_put_on_sale_or_take_off(draft, owner):
    clerk = MerchantMemberFactory(merchant=draft.shop.merchant, role=MemberRole.CLERK).user

    assert refused(publish_product, product=draft, by=clerk).code == "not_allowed"
    assert_unchanged(draft, S.DRAFT)
    publish_product(product=draft, by=owner)
    assert refused(delist_product, product=draft, by=clerk).code == "not_allowed"
    draft.refresh_from_db()
    assert draft.status == S.ACTIVE
    assert history_of(draft).count() == 1


def test_another_shop_or_a_shopper_cannot_list_the_product(draft):
    other = MerchantFactory().members.get(role=MemberRole.OWNER).user
    for outsider in (other, UserFactory()):
        assert refused(publish_product, product=draft, by=outsider).code == "not_allowed"
    assert_unchanged(draft, S.DRAFT)


def test_a_prohibited_word_blocks_listing_with_the_staff_reason(draft, owner):
    ProhibitedWord.objects.create(word="replica", reason="Counterfeits are not allowed.")
    Product.objects.filter(pk=draft.pk).update(subtitle="Top REPLICA quality")
    draft.refresh_from_db()

    error = refused(publish_product, product=draft, by=owner)

    assert error.code == "prohibited_word"
    assert "replica" in error.message and "Counterfeits are not allowed." in error.message
    assert_unchanged(draft, S.DRAFT)


@pytest.mark.parametrize(
    ("word", "field", "text"),
    [
        ("仿真枪", "title", "仿真槍 兒童玩具"),  # Simplified word, Traditional title
        ("電子煙", "description", "<p>全新电子烟套装</p>"),  # Traditional word, Simplified text
        ("Fake", "description", "<p>A fake&nbsp;watch</p>"),
    ],
)
def test_prohibited_words_match_across_scripts_case_and_markup(draft, owner, word, field, text):
    ProhibitedWord.objects.create(word=word, reason="Not sold here.")
    Product.objects.filter(pk=draft.pk).update(**{field: text})
    draft.refresh_from_db()
    assert refused(publish_product, product=draft, by=owner).code == "prohibited_word"


def test_latin_words_match_whole_words_and_inactive_words_do_not_count(draft, owner):
    ProhibitedWord.objects.create(word="ass", reason="Rude.")
    ProhibitedWord.objects.create(word="mug", reason="Old rule.", is_active=False)
    Product.objects.filter(pk=draft.pk).update(title="Glass mug")
    draft.refresh_from_db()
    publish_product(product=draft, by=owner)
    assert draft.status == S.ACTIVE


def test_a_brand_needs_the_merchants_right_to_sell_it(owner, draft):
    Product.objects.filter(pk=draft.pk).update(brand=BrandFactory(name="Acme", slug="acme"))
    draft.refresh_from_db()
    assert refused(publish_product, product=draft, by=owner).code == "brand_not_allowed"
    assert_unchanged(draft, S.DRAFT)

    brand_owner = MerchantFactory(brands=["ACME"])
    product = ProductFactory(shop=brand_owner.shop, status=S.DRAFT, brand=draft.brand)
    VariantFactory(product=product)
    publish_product(product=product, by=brand_owner.members.get(role=MemberRole.OWNER).user)
    assert product.status == S.ACTIVE


def test_a_product_needs_an_active_variant_with_a_price():
    product = ProductFactory(status=S.DRAFT)
    owner = owner_of(product)
    assert refused(publish_product, product=product, by=owner).code == "no_priced_variant"
    VariantFactory(product=product, is_active=False)
    VariantFactory(product=product, price=0)
    assert refused(publish_product, product=product, by=owner).code == "no_priced_variant"
    assert_unchanged(product, S.DRAFT)


def test_a_shop_that_is_not_open_cannot_list(draft, owner):
    draft.shop.status = ShopStatus.SUSPENDED
    draft.shop.suspended_until = timezone.now() + timezone.timedelta(days=3)
    draft.shop.save()
    assert refused(publish_product, product=draft, by=owner).code == "shop_closed"
    assert_unchanged(draft, S.DRAFT)


def test_published_products_cannot_be_published_again_nor_removed_ones_relisted(draft, owner):
    publish_product(product=draft, by=owner)
    assert refused(publish_product, product=draft, by=owner).code == "not_publishable"
    removed = ProductFactory(shop=draft.shop, status=S.REMOVED)
    VariantFactory(product=removed)
    error = refused(publish_product, product=removed, by=owner)
    assert "cannot be listed again" in error.message
    assert_unchanged(removed, S.REMOVED)


# --- Review -----------------------------------------------------------------------------------


def test_a_reviewed_category_sends_the_product_to_staff_who_approve(reviewed, moderator):
    owner = owner_of(reviewed)
    publish_product(product=reviewed, by=owner)
    assert reviewed.status == S.PENDING_REVIEW

    approve_product(product=reviewed, by=moderator)

    reviewed.refresh_from_db()
    assert reviewed.status == S.ACTIVE and reviewed.published_at is not None
    assert history_of(reviewed).last().by == moderator
    notice = Notification.objects.get(user=owner)
    assert notice.kind == "catalog_product_approved"


def test_staff_reject_with_a_reason_the_merchant_sees(reviewed, moderator):
    owner = owner_of(reviewed)
    publish_product(product=reviewed, by=owner)
    assert refused(reject_product, product=reviewed, by=moderator, reason=" ").code == (
        "reason_missing"
    )

    reject_product(product=reviewed, by=moderator, reason="Add the food licence number.")

    reviewed.refresh_from_db()
    assert reviewed.status == S.DRAFT
    assert reviewed.status_reason == "Add the food licence number."
    notice = Notification.objects.get(user=owner, kind="catalog_product_rejected")
    assert notice.context["reason"] == "Add the food licence number."


def test_only_moderators_review(reviewed):
    owner = owner_of(reviewed)
    publish_product(product=reviewed, by=owner)
    staff_without_rights = UserFactory(is_staff=True)
    for user in (owner, staff_without_rights):
        assert refused(approve_product, product=reviewed, by=user).code == "not_allowed"
        error = refused(remove_product, product=reviewed, by=user, reason="x")
        assert error.code == "not_allowed"
    reviewed.refresh_from_db()
    assert reviewed.status == S.PENDING_REVIEW


def test_staff_remove_for_good_and_the_owner_is_told(draft, owner, moderator):
    publish_product(product=draft, by=owner)
    remove_product(product=draft, by=moderator, reason="Sells a recalled item.")
    draft.refresh_from_db()
    assert (draft.status, draft.status_reason) == (S.REMOVED, "Sells a recalled item.")
    notice = Notification.objects.get(user=owner, kind="catalog_product_removed")
    subject, body = render_notification(notice)
    assert subject == "Removed by staff: Ceramic mug"
    assert "Reason: Sells a recalled item." in body
    assert refused(remove_product, product=draft, by=moderator, reason="again").code == (
        "already_removed"
    )


# --- Edits of listed products -----------------------------------------------------------------


def test_an_edited_product_in_a_reviewed_category_goes_back_to_review(reviewed, moderator):
    owner = owner_of(reviewed)
    publish_product(product=reviewed, by=owner)
    approve_product(product=reviewed, by=moderator)

    reviewed.title = "Ceramic mug, now bigger"
    reviewed.save()
    product_changed(product=reviewed, by=owner)

    reviewed.refresh_from_db()
    assert reviewed.status == S.PENDING_REVIEW


def test_an_edit_that_breaks_a_rule_is_refused_and_undone(draft, owner):
    publish_product(product=draft, by=owner)
    ProhibitedWord.objects.create(word="cure", reason="No health claims.")

    with pytest.raises(ListingError), transaction.atomic():
        draft.description = "<p>Tea that will cure colds</p>"
        draft.save()
        product_changed(product=draft, by=owner)

    draft.refresh_from_db()
    assert draft.description == "<p>Blue glaze</p>"
    assert draft.status == S.ACTIVE


def test_edits_of_drafts_are_not_checked(draft, owner):
    ProhibitedWord.objects.create(word="mug", reason="x")
    assert product_changed(product=draft, by=owner).status == S.DRAFT


# --- The platform -----------------------------------------------------------------------------


def test_a_delist_penalty_takes_the_named_products_off_sale(
    draft, owner, staff_user, django_capture_on_commit_callbacks
):
    publish_product(product=draft, by=owner)
    untouched = ProductFactory(shop=draft.shop)
    elsewhere = ProductFactory()  # another shop's product named by mistake stays on sale
    rule = RuleFactory(code="P-01", title="Counterfeit goods")

    with django_capture_on_commit_callbacks(execute=True):
        record_violation(
            shop=draft.shop,
            rule=rule,
            description="Replica mugs.",
            penalty=PenaltyKind.DELIST_PRODUCTS,
            delisted_products=[draft.pk, elsewhere.pk],
            by=staff_user,
        )

    draft.refresh_from_db()
    assert draft.status == S.DELISTED
    assert draft.status_reason == "Violation of rule P-01: Counterfeit goods"
    assert history_of(draft).last().by == staff_user
    assert Notification.objects.filter(user=owner, kind="catalog_product_delisted").exists()
    untouched.refresh_from_db()
    elsewhere.refresh_from_db()
    assert untouched.status == elsewhere.status == S.ACTIVE


def test_closing_a_shop_takes_its_products_off_sale(
    draft, staff_user, django_capture_on_commit_callbacks
):
    listed = ProductFactory(shop=draft.shop)
    with django_capture_on_commit_callbacks(execute=True):
        set_shop_status(shop=draft.shop, status=ShopStatus.CLOSED, by=staff_user, reason="Fraud")
    listed.refresh_from_db()
    draft.refresh_from_db()
    assert (listed.status, listed.status_reason) == (S.DELISTED, "The shop is closed.")
    assert draft.status == S.DRAFT


def test_a_suspension_leaves_products_listed(draft, staff_user, django_capture_on_commit_callbacks):
    listed = ProductFactory(shop=draft.shop)
    with django_capture_on_commit_callbacks(execute=True):
        set_shop_status(shop=draft.shop, status=ShopStatus.SUSPENDED, by=staff_user)
    listed.refresh_from_db()
    assert listed.status == S.ACTIVE


def test_an_ended_brand_authorisation_takes_the_brands_products_off_sale():
    merchant = MerchantFactory()
    acme = ProductFactory(shop=merchant.shop, brand=BrandFactory(name="Acme", slug="acme"))
    plain = ProductFactory(shop=merchant.shop)

    seller_events.brand_authorisation_expired.send(
        sender=None, merchant_id=merchant.pk, brand_name="acme"
    )

    acme.refresh_from_db()
    plain.refresh_from_db()
    assert acme.status == S.DELISTED and plain.status == S.ACTIVE
