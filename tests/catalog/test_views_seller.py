"""The seller's product pages: who may enter (anonymous -> login, not a seller -> apply, another
shop -> 404, clerks edit but do not list or delete), and each page doing its job through the
services."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog import tasks
from catalog.models import (
    MovementReason,
    Product,
    ProductJob,
    ProductStatus,
    StockMovement,
    Variant,
)
from catalog.services import csv_io, images
from marketplace.sellers.models import MemberRole, SellerKind
from tests.catalog.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    CategoryFactory,
    ProductFactory,
    VariantFactory,
)
from tests.sellers.factories import MerchantFactory, MerchantMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def files(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    for name in ("source", "result"):
        monkeypatch.setattr(ProductJob._meta.get_field(name), "storage", storages["private"])


@pytest.fixture
def shop():
    return MerchantFactory(brands=["Acme"]).shop


@pytest.fixture
def owner(shop):
    return shop.merchant.members.get(role=MemberRole.OWNER).user


@pytest.fixture
def clerk(shop):
    return MerchantMemberFactory(merchant=shop.merchant, role=MemberRole.CLERK).user


@pytest.fixture
def other_owner():
    return MerchantFactory().members.get().user


@pytest.fixture
def category():
    category = CategoryFactory()
    colour = AttributeFactory(category=category, code="colour", is_variant=True)
    for value in ("Red", "Blue"):
        AttributeOptionFactory(attribute=colour, value=value)
    return category


@pytest.fixture
def product(shop, category):
    product = ProductFactory(shop=shop, category=category, status=ProductStatus.DRAFT)
    VariantFactory(product=product, sku="SKU-A", price=Decimal("10.00"), stock=4)
    return product


def png(name="p.png"):
    out = BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def product_urls(product):
    variant = product.variants.first()
    image = product.images.first()
    return [
        f"/seller/products/{product.pk}/",
        f"/seller/products/{product.pk}/variants/",
        f"/seller/products/{product.pk}/variants/{variant.pk}/tiers/",
        f"/seller/products/{product.pk}/images/",
        f"/seller/products/{product.pk}/images/{image.pk}/delete/",
        f"/seller/products/{product.pk}/preview/",
        f"/seller/products/inventory/{variant.pk}/",
    ]


# --- Who may enter --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/seller/products/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_user_who_does_not_sell_is_sent_to_apply(client_as, user):
    response = client_as(user).get("/seller/products/")
    assert response.status_code == 302
    assert response["Location"] == "/seller/apply/"


def test_another_shop_gets_404_on_every_product_page_and_nothing_changes(
    client_as, other_owner, product
):
    images.add_image(product=product, file=png())
    client = client_as(other_owner)
    for url in product_urls(product):
        assert client.get(url).status_code in (404, 405), url
    for action in ("publish", "delist", "delete"):
        assert client.post(f"/seller/products/{product.pk}/{action}/").status_code == 404
    response = client.post(
        f"/seller/products/{product.pk}/", {"title": "Hacked", "category": product.category_id}
    )
    assert response.status_code == 404
    product.refresh_from_db()
    assert product.title != "Hacked"
    assert Product.objects.filter(pk=product.pk).exists()
    assert product.images.count() == 1


def test_another_shop_cannot_see_a_job(client_as, other_owner, owner, shop):
    job = csv_io.start_export(shop=shop, by=owner)
    client = client_as(other_owner)
    for suffix in ("", "errors.csv", "download/"):
        assert client.get(f"/seller/products/jobs/{job.pk}/{suffix}").status_code == 404


def test_the_owner_sees_every_product_page(client_as, owner, product):
    images.add_image(product=product, file=png())
    client = client_as(owner)
    for url in product_urls(product):
        if not url.endswith("/delete/"):
            assert client.get(url).status_code == 200, url


def test_a_clerk_edits_but_may_not_publish_delete_or_import(client_as, clerk, product):
    client = client_as(clerk)
    response = client.post(
        f"/seller/products/{product.pk}/", {"title": "Renamed", "category": product.category_id}
    )
    assert response.status_code == 302
    for action in ("publish", "delist", "delete"):
        assert client.post(f"/seller/products/{product.pk}/{action}/").status_code == 403
    upload = SimpleUploadedFile("p.csv", b"handle\n", content_type="text/csv")
    assert client.post("/seller/products/jobs/import/", {"file": upload}).status_code == 403
    product.refresh_from_db()
    assert (product.title, product.status) == ("Renamed", ProductStatus.DRAFT)


# --- The list -------------------------------------------------------------------------------


def test_the_list_searches_by_sku_and_filters_by_stock_and_status(client_as, owner, shop, product):
    sold_out = ProductFactory(shop=shop, title="Empty mug", status=ProductStatus.ACTIVE)
    VariantFactory(product=sold_out, sku="MUG-1")
    ProductFactory(title="Not mine")
    client = client_as(owner)

    def titles(query):
        response = client.get(f"/seller/products/?{query}")
        assert response.status_code == 200
        return [p.title for p in response.context["page"].object_list]

    assert sorted(titles("")) == sorted([product.title, "Empty mug"])
    assert titles("q=mug-1") == ["Empty mug"]
    assert titles("stock=sold_out") == ["Empty mug"]
    assert titles("stock=in_stock") == [product.title]
    assert sorted(titles("stock=low")) == sorted([product.title, "Empty mug"])  # 4 and 0 <= 5
    assert titles("status=draft") == [product.title]


def test_the_list_and_inventory_run_a_fixed_number_of_queries(
    client_as, owner, shop, category, django_assert_max_num_queries
):
    for _ in range(6):
        product = ProductFactory(shop=shop, category=category)
        images.add_image(product=product, file=png())
        VariantFactory(product=product, stock=2)
    client = client_as(owner)
    with django_assert_max_num_queries(12):
        assert client.get("/seller/products/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/seller/products/inventory/").status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_product_pages_run_a_fixed_number_of_queries(
    client_as, owner, shop, category, count, django_assert_max_num_queries
):
    product = ProductFactory(shop=shop, category=category, status=ProductStatus.DRAFT)
    red = category.attributes.get().options.first()
    for _ in range(count):
        variant = VariantFactory(product=product, stock=3)
        variant.options.set([red])
        images.add_image(product=product, file=png())
    client = client_as(owner)
    for page in ("", "variants/", "images/", "preview/"):
        with django_assert_max_num_queries(16):
            assert client.get(f"/seller/products/{product.pk}/{page}").status_code == 200


# --- Create and edit ------------------------------------------------------------------------


def test_create_then_edit_with_attributes(client_as, owner, category):
    AttributeFactory(category=category, code="care", kind="text", name="Care")
    client = client_as(owner)
    response = client.post(
        "/seller/products/new/",
        {"title": "Mug", "category": category.pk, "brand_name": "Acme", "description": "<p>Hi"},
    )
    product = Product.objects.get()
    assert response["Location"] == f"/seller/products/{product.pk}/"
    assert (product.status, product.brand.name, product.description) == (
        ProductStatus.DRAFT,
        "Acme",
        "<p>Hi</p>",
    )
    page = client.get(f"/seller/products/{product.pk}/")
    assert "attr_care" in page.context["form"].fields
    client.post(
        f"/seller/products/{product.pk}/",
        {"title": "Mug", "category": category.pk, "attr_care": "Hand wash"},
    )
    assert str(product.attribute_values.get()) == "Hand wash"


def test_choosing_a_category_brings_its_specification_fields(client_as, owner, category):
    AttributeFactory(category=category, code="care", kind="text", name="Care")
    client = client_as(owner)
    fragment = client.get(
        f"/seller/products/attribute-fields/?category={category.pk}", headers={"HX-Request": "1"}
    )
    assert 'name="attr_care"' in fragment.content.decode()
    assert "colour" not in fragment.content.decode()  # variant attributes are not product values
    client.post(
        "/seller/products/new/", {"title": "Mug", "category": category.pk, "attr_care": "Rinse"}
    )
    assert str(Product.objects.get().attribute_values.get()) == "Rinse"


def test_a_brand_not_in_the_list_is_a_form_error_and_nothing_is_created(client_as, owner, category):
    response = client_as(owner).post(
        "/seller/products/new/", {"title": "Bag", "category": category.pk, "brand_name": "Gucci"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["brand_name"]
    assert not Product.objects.exists()


# --- Variants -------------------------------------------------------------------------------


def test_the_matrix_builds_variants(client_as, owner, shop, category):
    product = ProductFactory(shop=shop, category=category, status=ProductStatus.DRAFT)
    ids = list(category.attributes.get().options.values_list("pk", flat=True))
    response = client_as(owner).post(
        f"/seller/products/{product.pk}/variants/build/", {"axis_colour": ids, "price": "9.90"}
    )
    assert response.status_code == 302
    assert sorted(product.variants.values_list("price", flat=True)) == [Decimal("9.90")] * 2


def grid_data(product, **overrides):
    data = {"v-TOTAL_FORMS": "0", "v-INITIAL_FORMS": "0"}
    for index, variant in enumerate(product.variants.order_by("position", "pk")):
        row = {
            "variant_id": variant.pk,
            "sku": variant.sku,
            "price": str(variant.price),
            "compare_at_price": "",
            "stock": str(variant.stock),
            "stock_seen": str(variant.stock),
            "low_stock_threshold": "5",
            "weight_grams": "0",
            "barcode": "",
            "is_active": "on",
        } | overrides.get(variant.sku, {})
        data |= {f"v-{index}-{key}": value for key, value in row.items()}
        data["v-TOTAL_FORMS"] = data["v-INITIAL_FORMS"] = str(index + 1)
    return data


def test_the_grid_saves_prices_and_stock_through_the_ledger(client_as, owner, product):
    VariantFactory(product=product, sku="SKU-B", stock=1)
    data = grid_data(product, **{"SKU-A": {"price": "12.00", "stock": "9"}})
    response = client_as(owner).post(f"/seller/products/{product.pk}/variants/", data)
    assert response.status_code == 302
    a = Variant.objects.get(sku="SKU-A")
    assert (a.price, a.stock) == (Decimal("12.00"), 9)
    assert StockMovement.objects.get(variant=a, reason=MovementReason.ADJUSTMENT).quantity == 5
    assert Variant.objects.get(sku="SKU-B").stock == 1  # unchanged, no movement
    assert not StockMovement.objects.filter(variant__sku="SKU-B", reason="adjustment").exists()


def test_a_grid_with_one_bad_row_changes_nothing(client_as, owner, product):
    VariantFactory(product=product, sku="SKU-B", price=Decimal("10.00"))
    data = grid_data(
        product,
        **{"SKU-A": {"price": "12.00", "stock": "9"}, "SKU-B": {"compare_at_price": "1.00"}},
    )
    response = client_as(owner).post(f"/seller/products/{product.pk}/variants/", data)
    assert response.status_code == 400
    assert "compare-at price must be higher" in response.content.decode()
    a = Variant.objects.get(sku="SKU-A")
    assert (a.price, a.stock) == (Decimal("10.00"), 4)


def test_tiers_page_validates_increasing_quantities_and_decreasing_prices(client_as):
    shop = MerchantFactory(seller_kind=SellerKind.WHOLESALER).shop
    owner = shop.merchant.members.get().user
    variant = VariantFactory(product=ProductFactory(shop=shop), price=Decimal("10.00"))
    url = f"/seller/products/{variant.product_id}/variants/{variant.pk}/tiers/"
    base = {"t-TOTAL_FORMS": "2", "t-INITIAL_FORMS": "0"}
    bad = base | {"t-0-min_quantity": "10", "t-0-unit_price": "9.00",
                  "t-1-min_quantity": "50", "t-1-unit_price": "9.50"}  # fmt: skip
    response = client_as(owner).post(url, bad)
    assert response.status_code == 400
    assert "must be lower than" in response.content.decode()
    assert not variant.price_tiers.exists()
    good = bad | {"t-1-unit_price": "8.00"}
    assert client_as(owner).post(url, good).status_code == 302
    assert list(variant.price_tiers.values_list("unit_price", flat=True)) == [
        Decimal("9.00"),
        Decimal("8.00"),
    ]


# --- Pictures -------------------------------------------------------------------------------


def test_upload_keeps_good_pictures_and_names_the_bad_ones(client_as, owner, product):
    fake = SimpleUploadedFile("evil.jpg", b"<html></html>", content_type="image/jpeg")
    response = client_as(owner).post(
        f"/seller/products/{product.pk}/images/", {"images": [png("a.png"), fake, png("b.png")]}
    )
    assert response.status_code == 400
    assert "evil.jpg" in response.content.decode()
    assert product.images.count() == 2


def test_pictures_move_up(client_as, owner, product):
    a, b = (
        images.add_image(product=product, file=png()),
        images.add_image(product=product, file=png()),
    )
    url = f"/seller/products/{product.pk}/images/{b.pk}/move/"
    assert client_as(owner).post(url, {"direction": "up"}).status_code == 302
    assert list(product.images.values_list("pk", flat=True)) == [b.pk, a.pk]


# --- Listing --------------------------------------------------------------------------------


def test_publish_shows_the_listing_refusal(client_as, owner, shop, category):
    product = ProductFactory(shop=shop, category=category, status=ProductStatus.DRAFT)
    response = client_as(owner).post(f"/seller/products/{product.pk}/publish/", follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT


def test_publish_and_delist(client_as, owner, product):
    client = client_as(owner)
    client.post(f"/seller/products/{product.pk}/publish/")
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE
    client.post(f"/seller/products/{product.pk}/delist/")
    product.refresh_from_db()
    assert product.status == ProductStatus.DELISTED


# --- Inventory ------------------------------------------------------------------------------


def test_inventory_records_receipts_and_counts(client_as, owner, product):
    variant = product.variants.get()
    url = f"/seller/products/inventory/{variant.pk}/"
    client = client_as(owner)
    assert client.post(url, {"kind": "receipt", "quantity": "6", "note": "PO-1"}).status_code == 302
    assert client.post(url, {"kind": "adjustment", "quantity": "7"}).status_code == 302
    variant.refresh_from_db()
    assert variant.stock == 7
    page = client.get(url)
    movements = list(page.context["page"].object_list)
    assert [(m.reason, m.quantity) for m in movements] == [
        (MovementReason.ADJUSTMENT, -3),
        (MovementReason.RECEIPT, 6),
        (MovementReason.RECEIPT, 4),
    ]
    assert (
        client.get("/seller/products/inventory/?q=SKU-A").context["page"].object_list[0] == variant
    )


# --- Import/export --------------------------------------------------------------------------


def test_import_page_starts_a_job_and_the_progress_fragment_polls_until_done(
    client_as, owner, category
):
    category.slug = "mugs"
    category.save()
    text = "handle,title,category,sku,price\nmug,Mug,mugs,M-1,abc\n"
    client = client_as(owner)
    response = client.post(
        "/seller/products/jobs/import/",
        {"file": SimpleUploadedFile("p.csv", text.encode(), content_type="text/csv")},
    )
    job = ProductJob.objects.get()
    assert response["Location"] == f"/seller/products/jobs/{job.pk}/"
    fragment = client.get(f"/seller/products/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    tasks.run_product_job(job.pk)
    done = client.get(f"/seller/products/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert "hx-trigger" not in done.content.decode()
    report = client.get(f"/seller/products/jobs/{job.pk}/errors.csv")
    assert report["Content-Type"].startswith("text/csv")
    assert report.content.decode().splitlines()[1].startswith("2,price,")


def test_export_download(client_as, owner, product):
    client = client_as(owner)
    response = client.post("/seller/products/jobs/export/")
    job = ProductJob.objects.get()
    tasks.run_product_job(job.pk)
    download = client.get(f"/seller/products/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert b"SKU-A" in b"".join(download.streaming_content)
    assert response.status_code == 302
