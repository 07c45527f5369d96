"""Staff moderate products in the admin through the listing services; the tree, the words and the
stock ledger are managed (or only read) there too."""

import pytest
from django.contrib.auth.models import Group, Permission

from catalog.models import Category, ProductStatus, StockMovement
from catalog.services.listing import publish_product
from marketplace.accounts.roles import MODERATORS, sync_staff_groups
from marketplace.core.states import history_of
from marketplace.notifications.models import Notification
from marketplace.sellers.models import MemberRole
from tests.accounts.factories import UserFactory

from .factories import AttributeFactory, CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/product/"
S = ProductStatus


@pytest.fixture
def moderator():
    sync_staff_groups()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


@pytest.fixture
def waiting():
    """A product of a reviewed category, published by its owner and waiting for review."""
    product = ProductFactory(status=S.DRAFT, category=CategoryFactory(requires_review=True))
    VariantFactory(product=product, stock=2)
    publish_product(product=product, by=owner_of(product))
    return product


def owner_of(product):
    return product.shop.merchant.members.get(role=MemberRole.OWNER).user


def act(client, action, products, **extra):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [p.pk for p in products], **extra}
    )


def test_the_queue_lists_only_products_waiting_for_review(client_as, moderator, waiting):
    on_sale = ProductFactory(title="Already on sale")
    response = client_as(moderator).get(CHANGELIST, {"review": "waiting"})
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert listed == [waiting]
    assert on_sale not in listed


def test_a_moderator_approves_through_the_admin_action(client_as, moderator, waiting):
    response = act(client_as(moderator), "approve_selected", [waiting])

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == S.ACTIVE
    change = history_of(waiting).last()
    assert (change.to_status, change.by) == (S.ACTIVE, moderator)
    assert Notification.objects.filter(
        user=owner_of(waiting), kind="catalog_product_approved"
    ).exists()


def test_rejecting_asks_for_the_reason_first(client_as, moderator, waiting):
    client = client_as(moderator)

    asked = act(client, "reject_selected", [waiting])
    assert asked.status_code == 200
    assert "catalog/admin/product_reason.html" in [t.name for t in asked.templates]
    waiting.refresh_from_db()
    assert waiting.status == S.PENDING_REVIEW

    empty = act(client, "reject_selected", [waiting], confirm="yes", reason="  ")
    assert empty.status_code == 200
    done = act(client, "reject_selected", [waiting], confirm="yes", reason="Licence missing.")

    assert done.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.status_reason) == (S.DRAFT, "Licence missing.")


def test_a_moderator_removes_with_a_reason(client_as, moderator):
    product = ProductFactory()
    act(client_as(moderator), "remove_selected", [product], confirm="yes", reason="Recalled.")
    product.refresh_from_db()
    assert (product.status, product.status_reason) == (S.REMOVED, "Recalled.")


def test_a_refused_move_is_reported_and_changes_nothing(client_as, moderator):
    draft = ProductFactory(status=S.DRAFT)
    response = act(client_as(moderator), "approve_selected", [draft])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("not waiting for review" in m for m in messages)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_a_shopper_is_sent_to_the_login_page(client_as, waiting):
    response = act(client_as(UserFactory()), "approve_selected", [waiting])
    assert response.status_code == 302 and "/login/" in response["Location"]
    waiting.refresh_from_db()
    assert waiting.status == S.PENDING_REVIEW


def test_staff_without_the_moderator_rights_cannot_approve(client_as, waiting):
    no_rights = UserFactory(is_staff=True)
    assert act(client_as(no_rights), "approve_selected", [waiting]).status_code == 403

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_product"))
    response = act(client_as(viewer), "approve_selected", [waiting])
    assert response.status_code in (200, 302)  # the action is not offered: nothing happens
    page = client_as(viewer).get(CHANGELIST)
    assert "approve_selected" not in page.content.decode()

    waiting.refresh_from_db()
    assert waiting.status == S.PENDING_REVIEW
    assert history_of(waiting).count() == 1  # only the merchant's publishing


def test_the_product_page_is_read_only_and_shows_its_history(client_as, moderator, waiting):
    response = client_as(moderator).get(f"{CHANGELIST}{waiting.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "draft → pending_review" in body
    assert waiting.variants.get().sku in body
    assert 'name="title"' not in body


def test_the_category_tree_lists_children_under_their_parents(client_as, staff_user):
    top_b = CategoryFactory(name="B top", position=2)
    top_a = CategoryFactory(name="A top", position=1)
    child = CategoryFactory(name="A child", parent=top_a)
    grandchild = CategoryFactory(name="A grandchild", parent=child)
    AttributeFactory(category=top_a, name="Colour")

    response = client_as(staff_user).get("/admin/catalog/category/")

    assert list(response.context["cl"].result_list) == [top_a, child, grandchild, top_b]
    assert client_as(staff_user).get(f"/admin/catalog/category/{top_a.pk}/change/").status_code == (
        200
    )


def test_a_category_cannot_go_deeper_than_three_levels(client_as, staff_user):
    child = CategoryFactory(parent=CategoryFactory())
    grandchild = CategoryFactory(parent=child)
    form = {
        "name": "Too deep",
        "slug": "too-deep",
        "parent": grandchild.pk,
        "position": 0,
        "is_active": "on",
        "attributes-TOTAL_FORMS": 0,
        "attributes-INITIAL_FORMS": 0,
    }
    response = client_as(staff_user).post("/admin/catalog/category/add/", form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"]
    assert not Category.objects.filter(slug="too-deep").exists()


def test_moving_a_category_gives_its_children_their_new_depth(client_as, staff_user):
    top = CategoryFactory()
    moved = CategoryFactory(slug="moved")
    child = CategoryFactory(parent=moved)
    form = {
        "name": moved.name,
        "slug": "moved",
        "parent": top.pk,
        "position": 0,
        "is_active": "on",
        "attributes-TOTAL_FORMS": 0,
        "attributes-INITIAL_FORMS": 0,
    }
    response = client_as(staff_user).post(f"/admin/catalog/category/{moved.pk}/change/", form)
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.depth == 3


def test_the_stock_ledger_is_read_only(client_as, staff_user):
    variant = VariantFactory(stock=3)
    client = client_as(staff_user)
    assert client.get("/admin/catalog/stockmovement/").status_code == 200
    assert client.get("/admin/catalog/stockmovement/add/").status_code == 403
    movement = StockMovement.objects.get(variant=variant)
    page = client.get(f"/admin/catalog/stockmovement/{movement.pk}/change/")
    assert page.status_code == 200 and 'name="quantity"' not in page.content.decode()


def test_renaming_a_brand_in_admin_refreshes_its_products_search_text(client_as, staff_user):
    from catalog.search import normalize, refresh_search_document

    from .factories import BrandFactory

    brand = BrandFactory(name="Oldname", slug="oldname")
    product = refresh_search_document(product=ProductFactory(brand=brand, title="Kettle"))

    response = client_as(staff_user).post(
        f"/admin/catalog/brand/{brand.pk}/change/", {"name": "Brightstar", "slug": "oldname"}
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert normalize("Brightstar") in product.search_document
    assert normalize("Oldname") not in product.search_document
