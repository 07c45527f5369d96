"""Product services of the seller: create and edit, the variant matrix, bulk edits through the
inventory ledger, B2B price tiers; every refusal changes nothing."""

from decimal import Decimal

import pytest

from catalog.errors import ProductError
from catalog.models import (
    AttributeKind,
    Brand,
    MovementReason,
    PriceTier,
    Product,
    ProductStatus,
    StockMovement,
    Variant,
)
from catalog.services import products
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


@pytest.fixture
def merchant():
    return MerchantFactory(brands=["Acme"])


@pytest.fixture
def owner(merchant):
    return merchant.members.get(role=MemberRole.OWNER).user


@pytest.fixture
def shop(merchant):
    return merchant.shop


@pytest.fixture
def b2b_shop():
    return MerchantFactory(seller_kind=SellerKind.WHOLESALER).shop


@pytest.fixture
def apparel():
    """A leaf category with colour and size (variants), material (choice) and weight (number)."""
    category = CategoryFactory(parent=CategoryFactory())
    colour = AttributeFactory(category=category, code="colour", is_variant=True, position=1)
    size = AttributeFactory(category=category, code="size", is_variant=True, position=2)
    for value in ("Red", "Blue", "Green"):
        AttributeOptionFactory(attribute=colour, value=value)
    for value in ("S", "M"):
        AttributeOptionFactory(attribute=size, value=value)
    material = AttributeFactory(category=category, code="material")
    AttributeOptionFactory(attribute=material, value="Cotton")
    AttributeFactory(category=category, code="weight", kind=AttributeKind.NUMBER, unit="g")
    AttributeFactory(category=category, code="care", kind=AttributeKind.TEXT)
    return category


def options(category, code, *values):
    attribute = category.attributes.get(code=code)
    return [attribute.options.get(value=value).pk for value in values]


# --- Create and edit ------------------------------------------------------------------------


def test_create_product_makes_a_draft_with_clean_description_and_attribute_values(
    shop, owner, apparel
):
    product = products.create_product(
        shop=shop,
        by=owner,
        title="  Linen   shirt ",
        category=apparel,
        brand_name="acme",
        description='<p onclick="x()">Soft <script>alert(1)</script><b>linen</b></p>',
        attributes={"material": "cotton", "weight": "180 g", "care": "Hand wash"},
    )
    assert product.status == ProductStatus.DRAFT
    assert product.title == "Linen shirt"
    assert product.slug.startswith("linen-shirt")
    assert product.brand == Brand.objects.get(name__iexact="acme")
    assert product.description == "<p>Soft <b>linen</b></p>"
    values = {v.attribute.code: str(v) for v in product.attribute_values.all()}
    assert values == {"material": "Cotton", "weight": "180 g", "care": "Hand wash"}


def test_a_brand_the_merchant_may_not_sell_is_refused_and_nothing_is_created(shop, owner, apparel):
    with pytest.raises(ProductError) as caught:
        products.create_product(shop=shop, by=owner, title="Fake", category=apparel,
                                brand_name="Gucci")  # fmt: skip
    assert caught.value.code == "brand_not_allowed"
    assert not Product.objects.exists()
    assert not Brand.objects.filter(name="Gucci").exists()


def test_a_category_with_sub_categories_is_refused(shop, owner, apparel):
    with pytest.raises(ProductError) as caught:
        products.create_product(shop=shop, by=owner, title="Shirt", category=apparel.parent)
    assert caught.value.code == "category_not_leaf"


@pytest.mark.parametrize(
    ("attributes", "code"),
    [
        ({"weight": "heavy"}, "not_a_number"),
        ({"material": "Silk"}, "unknown_option"),
        ({"colour": "Red"}, "unknown_attribute"),  # a variant attribute is not a product value
    ],
)
def test_bad_attribute_values_are_refused(shop, owner, apparel, attributes, code):
    with pytest.raises(ProductError) as caught:
        products.create_product(
            shop=shop, by=owner, title="Shirt", category=apparel, attributes=attributes
        )
    assert caught.value.code == code
    assert not Product.objects.exists()


def test_minimum_order_quantity_is_for_b2b_shops_only(shop, b2b_shop, owner, apparel):
    with pytest.raises(ProductError):
        products.create_product(
            shop=shop, by=owner, title="Shirt", category=apparel, min_order_quantity=10
        )
    b2b_owner = b2b_shop.merchant.members.get().user
    product = products.create_product(
        shop=b2b_shop, by=b2b_owner, title="Shirts", category=apparel, min_order_quantity=10
    )
    assert product.min_order_quantity == 10


def test_update_product_replaces_fields_and_values(shop, owner, apparel):
    product = products.create_product(
        shop=shop, by=owner, title="Shirt", category=apparel, attributes={"care": "Dry clean"}
    )
    products.update_product(
        product=product,
        by=owner,
        title="Better shirt",
        subtitle="Now in linen",
        category=apparel,
        attributes={"material": "Cotton"},
    )
    product.refresh_from_db()
    assert (product.title, product.subtitle) == ("Better shirt", "Now in linen")
    assert [str(v) for v in product.attribute_values.all()] == ["Cotton"]


def test_delete_is_for_managers_and_products_without_history(shop, owner, apparel):
    clerk = MerchantMemberFactory(merchant=shop.merchant, role=MemberRole.CLERK).user
    product = ProductFactory(shop=shop, category=apparel, status=ProductStatus.DRAFT)
    with pytest.raises(ProductError):
        products.delete_product(product=product, by=clerk)
    VariantFactory(product=product, stock=3)
    with pytest.raises(ProductError) as caught:
        products.delete_product(product=product, by=owner)
    assert caught.value.code == "has_history"
    assert Product.objects.filter(pk=product.pk).exists()
    fresh = ProductFactory(shop=shop, category=apparel, status=ProductStatus.DRAFT)
    products.delete_product(product=fresh, by=owner)
    assert not Product.objects.filter(pk=fresh.pk).exists()


# --- Variant matrix -------------------------------------------------------------------------


def test_build_variants_makes_every_combination_with_generated_skus(shop, owner, apparel):
    product = ProductFactory(shop=shop, category=apparel, status=ProductStatus.DRAFT)
    chosen = options(apparel, "colour", "Red", "Blue") + options(apparel, "size", "S", "M")
    created = products.build_variants(
        product=product, by=owner, option_ids=chosen, price=Decimal("12.50")
    )
    assert len(created) == 4
    combos = {tuple(o.value for o in v.options.order_by("attribute__position")) for v in created}
    assert combos == {("Red", "S"), ("Red", "M"), ("Blue", "S"), ("Blue", "M")}
    assert {v.sku for v in created} == {
        f"P{product.pk}-{c}-{s}" for c in ("RED", "BLUE") for s in ("S", "M")
    }
    product.refresh_from_db()
    assert product.price_min == product.price_max == Decimal("12.50")


def test_build_variants_again_keeps_existing_variants(shop, owner, apparel):
    product = ProductFactory(shop=shop, category=apparel, status=ProductStatus.DRAFT)
    first = products.build_variants(
        product=product, by=owner, option_ids=options(apparel, "colour", "Red"), price=Decimal(5)
    )
    Variant.objects.filter(pk=first[0].pk).update(price=Decimal("7.00"))
    added = products.build_variants(
        product=product, by=owner, option_ids=options(apparel, "colour", "Red", "Green")
    )
    assert [v.options.get().value for v in added] == ["Green"]
    assert added[0].price == Decimal("7.00")  # copied from the first variant
    assert product.variants.count() == 2
    assert Variant.objects.get(pk=first[0].pk).price == Decimal("7.00")


def test_build_variants_refuses_options_of_another_category(shop, owner, apparel):
    product = ProductFactory(shop=shop, category=apparel, status=ProductStatus.DRAFT)
    stranger = AttributeOptionFactory()
    with pytest.raises(ProductError):
        products.build_variants(product=product, by=owner, option_ids=[stranger.pk])
    assert not product.variants.exists()


def test_a_category_without_variant_attributes_gets_one_variant(shop, owner):
    category = CategoryFactory()
    product = ProductFactory(shop=shop, category=category, status=ProductStatus.DRAFT)
    created = products.build_variants(product=product, by=owner, option_ids=[], price=Decimal(3))
    assert len(created) == 1
    assert products.build_variants(product=product, by=owner, option_ids=[]) == []


# --- Bulk edit ------------------------------------------------------------------------------


def change(variant, **fields):
    values = {"variant_id": variant.pk, "price": variant.price, "sku": variant.sku} | fields
    return products.VariantChange(**values)


def test_bulk_update_saves_prices_and_moves_stock_through_the_ledger(shop, owner, apparel):
    product = ProductFactory(shop=shop, category=apparel, status=ProductStatus.DRAFT)
    a = VariantFactory(product=product, stock=5)
    b = VariantFactory(product=product)
    products.bulk_update_variants(
        product=product,
        by=owner,
        changes=[
            change(a, price=Decimal("20.00"), compare_at_price=Decimal("25.00"), stock=2),
            change(b, price=Decimal("30.00"), stock=10, barcode="4711", is_active=True),
        ],
    )
    a.refresh_from_db()
    b.refresh_from_db()
    product.refresh_from_db()
    assert (a.price, a.compare_at_price, a.stock) == (Decimal("20.00"), Decimal("25.00"), 2)
    assert (b.price, b.stock, b.barcode) == (Decimal("30.00"), 10, "4711")
    assert (product.price_min, product.price_max, product.stock_total) == (
        Decimal("20.00"),
        Decimal("30.00"),
        12,
    )
    adjustment = StockMovement.objects.get(variant=a, reason=MovementReason.ADJUSTMENT)
    assert (adjustment.quantity, adjustment.by) == (-3, owner)


@pytest.mark.parametrize(
    "bad",
    [
        {"price": Decimal("-1")},
        {"compare_at_price": Decimal("5.00")},  # not above the price
        {"stock": -1},
        {"sku": " "},
    ],
)
def test_one_bad_row_changes_nothing(shop, owner, apparel, bad):
    product = ProductFactory(shop=shop, category=apparel, status=ProductStatus.DRAFT)
    a = VariantFactory(product=product, stock=5)
    b = VariantFactory(product=product, price=Decimal("10.00"))
    with pytest.raises(ProductError):
        products.bulk_update_variants(
            product=product,
            by=owner,
            changes=[change(a, price=Decimal("99.00"), stock=1), change(b, **bad)],
        )
    a.refresh_from_db()
    assert (a.price, a.stock) == (Decimal("10.00"), 5)
    assert StockMovement.objects.filter(variant=a).count() == 1


def test_duplicate_skus_are_refused(shop, owner, apparel):
    product = ProductFactory(shop=shop, category=apparel, status=ProductStatus.DRAFT)
    a, b = VariantFactory(product=product), VariantFactory(product=product)
    with pytest.raises(ProductError) as caught:
        products.bulk_update_variants(product=product, by=owner, changes=[change(a, sku=b.sku)])
    assert caught.value.code == "sku_duplicate"


def test_a_variant_of_another_product_is_refused(shop, owner, apparel):
    product = ProductFactory(shop=shop, category=apparel)
    stranger = VariantFactory()
    with pytest.raises(ProductError):
        products.bulk_update_variants(
            product=product, by=owner, changes=[change(stranger, price=Decimal(1))]
        )
    stranger.refresh_from_db()
    assert stranger.price == Decimal("10.00")


# --- Price tiers ----------------------------------------------------------------------------


def test_price_tiers_are_saved_in_quantity_order(b2b_shop):
    variant = VariantFactory(product=ProductFactory(shop=b2b_shop), price=Decimal("10.00"))
    products.set_price_tiers(
        variant=variant, by=None, tiers=[(50, Decimal("8.00")), (10, Decimal("9.00"))]
    )
    assert list(variant.price_tiers.values_list("min_quantity", "unit_price")) == [
        (10, Decimal("9.00")),
        (50, Decimal("8.00")),
    ]


@pytest.mark.parametrize(
    "tiers",
    [
        [(10, Decimal("9.00")), (50, Decimal("9.50"))],  # more units cost more
        [(10, Decimal("10.00"))],  # not below the unit price
        [(1, Decimal("9.00"))],  # a tier from one unit
        [(10, Decimal("9.00")), (10, Decimal("8.00"))],  # twice the same quantity
    ],
)
def test_bad_price_tiers_are_refused_and_the_old_ones_kept(b2b_shop, tiers):
    variant = VariantFactory(product=ProductFactory(shop=b2b_shop), price=Decimal("10.00"))
    products.set_price_tiers(variant=variant, by=None, tiers=[(5, Decimal("9.90"))])
    with pytest.raises(ProductError):
        products.set_price_tiers(variant=variant, by=None, tiers=tiers)
    assert list(PriceTier.objects.values_list("min_quantity", flat=True)) == [5]


def test_price_tiers_are_for_b2b_shops_only(shop):
    variant = VariantFactory(product=ProductFactory(shop=shop))
    with pytest.raises(ProductError) as caught:
        products.set_price_tiers(variant=variant, by=None, tiers=[(10, Decimal("9.00"))])
    assert caught.value.code == "tiers_b2b"


def test_editing_a_product_on_sale_in_a_reviewed_category_sends_it_back_to_review(
    shop, owner, apparel
):
    apparel.requires_review = True
    apparel.save()
    product = ProductFactory(shop=shop, category=apparel, status=ProductStatus.ACTIVE)
    VariantFactory(product=product)
    products.update_product(product=product, by=owner, title="Edited", category=apparel)
    product.refresh_from_db()
    assert (product.title, product.status) == ("Edited", ProductStatus.PENDING_REVIEW)


def test_the_category_of_a_product_with_variants_cannot_change(shop, owner, apparel):
    product = ProductFactory(shop=shop, category=apparel, status=ProductStatus.DRAFT)
    products.build_variants(
        product=product, by=owner, option_ids=options(apparel, "colour", "Red"), price=Decimal(1)
    )
    elsewhere = CategoryFactory()
    with pytest.raises(ProductError) as caught:
        products.update_product(product=product, by=owner, title="Shirt", category=elsewhere)
    assert caught.value.code == "category_locked"
    product.refresh_from_db()
    assert product.category == apparel
