"""The derived ``ProductOption`` table follows the variants whatever writes them (the variant
services, the CSV importer's ``add_variant``, direct ``options`` and ``save``/``delete`` calls,
the demo seeds and the migration's backfill), and the option facet and ``attr_`` filters that read
it give what the old definition over the variants gave."""

import importlib
import random
import threading
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from catalog import seed as catalog_seed
from catalog.filters import build_listing
from catalog.models import (
    Product,
    ProductAttributeValue,
    ProductOption,
    ProductStatus,
    Variant,
)
from catalog.services import products
from catalog.services.product_options import refresh_product_options, refreshing_options
from marketplace.accounts import seed as accounts_seed
from marketplace.sellers.demo import onboarding
from marketplace.sellers.models import MemberRole
from tests.catalog.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    CategoryFactory,
    ProductFactory,
    VariantFactory,
)
from tests.sellers.conftest import private_files  # noqa: F401 - the fixture, used below
from tests.sellers.factories import MerchantFactory

pytestmark = pytest.mark.django_db


def stored(product: Product) -> set[str]:
    """The option values the derived table gives the product."""
    return set(
        ProductOption.objects.filter(product=product).values_list("option__value", flat=True)
    )


def defined() -> set[tuple[int, int]]:
    """(product, option) pairs by the definition: an option of an active variant."""
    return set(
        Variant.options.through.objects.filter(variant__is_active=True)
        .values_list("variant__product_id", "attributeoption_id")
        .distinct()
    )


def everything() -> set[tuple[int, int]]:
    return set(ProductOption.objects.values_list("product_id", "option_id"))


def writes_to_table(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "catalog_productoption" in q["sql"]]


@pytest.fixture
def colour():
    attribute = AttributeFactory(code="colour", is_variant=True, is_filterable=True)
    return attribute, {
        value: AttributeOptionFactory(attribute=attribute, value=value)
        for value in ("Red", "Blue", "Green")
    }


@pytest.fixture
def owner_shop():
    merchant = MerchantFactory()
    return merchant.members.get(role=MemberRole.OWNER).user, merchant.shop


# --- The variant services -------------------------------------------------------------------


def test_build_variants_fills_the_products_options_with_one_refresh(owner_shop, colour):
    owner, shop = owner_shop
    attribute, options = colour
    product = ProductFactory(shop=shop, category=attribute.category, status=ProductStatus.DRAFT)
    chosen = [options["Red"].pk, options["Blue"].pk]

    with CaptureQueriesContext(connection) as captured:
        products.build_variants(product=product, by=owner, option_ids=chosen, price=Decimal(5))

    assert stored(product) == {"Red", "Blue"}
    statements = [sql.split()[0] for sql in writes_to_table(captured)]
    assert statements == ["DELETE", "INSERT"]  # once for the product, not once per variant


def test_bulk_update_deactivating_a_variant_drops_only_options_no_active_variant_keeps(
    owner_shop, colour
):
    owner, shop = owner_shop
    attribute, options = colour
    product = ProductFactory(shop=shop, category=attribute.category, status=ProductStatus.DRAFT)
    red, blue = products.build_variants(
        product=product, by=owner, option_ids=[options["Red"].pk, options["Blue"].pk]
    )
    second_red = VariantFactory(product=product)
    second_red.options.add(options["Red"])

    def edit(variant, *, is_active):
        return products.VariantChange(
            variant_id=variant.pk, price=variant.price, sku=variant.sku, is_active=is_active
        )

    products.bulk_update_variants(
        product=product, by=owner, changes=[edit(red, is_active=False), edit(blue, is_active=False)]
    )
    assert stored(product) == {"Red"}  # second_red still sells red

    products.bulk_update_variants(product=product, by=owner, changes=[edit(blue, is_active=True)])
    assert stored(product) == {"Red", "Blue"}


def test_add_variant_records_options_of_an_active_variant_only(owner_shop, colour):
    owner, shop = owner_shop
    attribute, options = colour
    product = ProductFactory(shop=shop, category=attribute.category, status=ProductStatus.DRAFT)

    def add(sku, option, *, is_active):
        change = products.VariantChange(variant_id=0, price=Decimal(3), is_active=is_active)
        products.add_variant(product=product, by=owner, sku=sku, options=[option], change=change)

    add("OFF", options["Green"], is_active=False)
    assert stored(product) == set()
    add("ON", options["Red"], is_active=True)
    assert stored(product) == {"Red"}


def test_a_refused_service_call_leaves_the_table_alone(owner_shop, colour):
    owner, shop = owner_shop
    attribute, options = colour
    product = ProductFactory(shop=shop, category=attribute.category, status=ProductStatus.DRAFT)
    products.build_variants(product=product, by=owner, option_ids=[options["Red"].pk])
    with pytest.raises(products.ProductError):
        products.build_variants(product=product, by=owner, option_ids=[AttributeOptionFactory().pk])
    assert stored(product) == {"Red"}


# --- Direct writes: the receivers -------------------------------------------------------------


def test_options_add_remove_and_clear_on_a_variant(colour):
    _attribute, options = colour
    variant = VariantFactory()
    product = variant.product

    variant.options.add(options["Red"], options["Blue"])
    assert stored(product) == {"Red", "Blue"}
    variant.options.remove(options["Red"])
    assert stored(product) == {"Blue"}
    variant.options.set([options["Green"]])
    assert stored(product) == {"Green"}
    variant.options.clear()
    assert stored(product) == set()


def test_variants_added_removed_and_cleared_from_the_options_side(colour):
    _attribute, options = colour
    red = options["Red"]
    first, second = VariantFactory(), VariantFactory()

    red.variants.add(first, second)
    assert (stored(first.product), stored(second.product)) == ({"Red"}, {"Red"})
    red.variants.remove(first)
    assert (stored(first.product), stored(second.product)) == (set(), {"Red"})
    red.variants.clear()
    assert stored(second.product) == set()


def test_options_of_an_inactive_variant_do_not_count(colour):
    _attribute, options = colour
    variant = VariantFactory(is_active=False)
    variant.options.add(options["Red"])
    assert stored(variant.product) == set()


def test_saving_a_variant_off_and_on_sale(colour):
    _attribute, options = colour
    variant = VariantFactory()
    variant.options.add(options["Red"])

    variant.is_active = False
    variant.save()
    assert stored(variant.product) == set()
    variant.is_active = True
    variant.save(update_fields=["is_active"])
    assert stored(variant.product) == {"Red"}


def test_a_save_that_cannot_change_activation_does_not_touch_the_table(colour):
    _attribute, options = colour
    variant = VariantFactory()
    variant.options.add(options["Red"])
    variant.price = Decimal("12.00")
    with CaptureQueriesContext(connection) as captured:
        variant.save(update_fields=["price"])
        VariantFactory(product=variant.product)  # a new variant has no options yet
    assert writes_to_table(captured) == []


def test_deleting_a_variant_drops_the_options_only_it_had(colour):
    _attribute, options = colour
    keep = VariantFactory()
    product = keep.product
    keep.options.add(options["Red"])
    gone = VariantFactory(product=product)
    gone.options.add(options["Red"], options["Blue"])
    other = VariantFactory(product=product)
    other.options.add(options["Green"])

    gone.delete()
    assert stored(product) == {"Red", "Green"}
    Variant.objects.filter(pk=other.pk).delete()
    assert stored(product) == {"Red"}


def test_deleting_a_product_takes_its_rows_without_refreshing_per_variant(colour):
    _attribute, options = colour
    product = ProductFactory()
    for option in options.values():
        VariantFactory(product=product).options.add(option)
    assert len(stored(product)) == 3

    with CaptureQueriesContext(connection) as captured:
        product.delete()
    assert not [sql for sql in writes_to_table(captured) if sql.startswith("INSERT")]
    assert not ProductOption.objects.filter(product_id=product.pk).exists()


def test_nested_refreshing_blocks_refresh_once_at_the_outer_end(colour):
    _attribute, options = colour
    variant = VariantFactory()
    with refreshing_options():
        with refreshing_options():
            variant.options.add(options["Red"])
        assert stored(variant.product) == set()  # not yet
        variant.options.add(options["Blue"])
    assert stored(variant.product) == {"Red", "Blue"}


def test_refresh_rewrites_rows_that_drifted(colour):
    _attribute, options = colour
    variant = VariantFactory()
    variant.options.add(options["Red"])
    Variant.objects.filter(pk=variant.pk).update(is_active=False)  # no signal: stale row
    ProductOption.objects.create(product=variant.product, option=options["Green"])

    refresh_product_options(product_ids=[variant.product_id])
    assert stored(variant.product) == set()


@pytest.mark.django_db(transaction=True)
def test_two_transactions_refreshing_one_product_do_not_collide(colour):
    """The second refresh waits for the first to commit, then sees its rows: without the lock
    its DELETE would miss them and its INSERT would break the unique constraint."""
    _attribute, options = colour
    variant = VariantFactory()
    variant.options.add(options["Red"])
    first_refreshed = threading.Event()
    errors: list[IntegrityError] = []

    def refresh(*, first: bool) -> None:
        try:
            if not first:
                first_refreshed.wait(5)
            with transaction.atomic():
                refresh_product_options(product_ids=[variant.product_id])
                if first:
                    first_refreshed.set()
                    time.sleep(0.5)  # the second one starts while this one is open
        except IntegrityError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh, kwargs={"first": n == 0}) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert stored(variant.product) == {"Red"}


# --- Facets and filters read the table as the old definition --------------------------------


def old_count(option_pk: int, products_in: set[int]) -> int:
    """The former facet count: products with the option as a specification, plus products with
    it on an active variant (each counted once per branch)."""
    specs = set(
        ProductAttributeValue.objects.filter(option=option_pk, product__in=products_in)
        .values_list("product", flat=True)
        .distinct()
    )
    on_variants = set(
        Variant.objects.filter(options=option_pk, is_active=True, product__in=products_in)
        .values_list("product", flat=True)
        .distinct()
    )
    return len(specs) + len(on_variants)


def old_match(option_pks: list[int]) -> set[int]:
    specs = ProductAttributeValue.objects.filter(option__in=option_pks).values("product")
    variants = Variant.objects.filter(options__in=option_pks, is_active=True).values("product")
    return set(
        Product.objects.filter(Q(pk__in=specs) | Q(pk__in=variants)).values_list("pk", flat=True)
    )


@pytest.fixture
def random_catalogue():
    """A category with a variant attribute (size) and a specification (material), and products
    with several variants, some off sale, some sharing options, some with none."""
    rng = random.Random(4)
    category = CategoryFactory()
    size = AttributeFactory(category=category, code="size", is_variant=True, is_filterable=True)
    sizes = [
        AttributeOptionFactory(attribute=size, value=v, position=n) for n, v in enumerate("SML")
    ]
    material = AttributeFactory(category=category, code="material", is_filterable=True)
    materials = [AttributeOptionFactory(attribute=material, value=v) for v in ("Wool", "Silk")]
    for n in range(30):
        product = ProductFactory(category=category, price_min=Decimal(n + 1))
        if n % 3:
            ProductAttributeValue.objects.create(
                product=product, attribute=material, option=rng.choice(materials)
            )
        for _ in range(rng.randint(0, 4)):
            variant = VariantFactory(product=product, is_active=rng.random() > 0.3)
            variant.options.set(rng.sample(sizes, rng.randint(0, 2)))
    return category, size, material, sizes, materials


@pytest.mark.parametrize(
    "chosen",
    [{}, {"attr_size": [0]}, {"attr_size": [0, 2]}, {"attr_material": [0], "attr_size": [1]}],
)
def test_facet_counts_and_filters_match_the_old_definition(random_catalogue, chosen):
    category, size, material, sizes, materials = random_catalogue
    by_code = {"attr_size": sizes, "attr_material": materials}
    data = {name: [str(by_code[name][i].pk) for i in picks] for name, picks in chosen.items()}
    scope = Product.objects.filter(category=category, status=ProductStatus.ACTIVE)

    listing = build_listing(data=data, queryset=scope, attributes=[size, material], page_size=100)

    def matching(but: str) -> set[int]:
        found = set(scope.values_list("pk", flat=True))
        for name, pks in data.items():
            if name != but:
                found &= old_match([int(pk) for pk in pks])
        return found

    expected_total = matching("")
    assert {p.pk for p in listing.page.object_list} == expected_total
    assert listing.facets.total == len(expected_total)
    shown = {
        (attribute.code, value.value): value.count
        for attribute, values in listing.facets.attributes
        for value in values
    }
    expected = {}
    for attribute, options in ((size, sizes), (material, materials)):
        within = matching(f"attr_{attribute.code}")
        for option in options:
            n = old_count(option.pk, within)
            if n or str(option.pk) in data.get(f"attr_{attribute.code}", []):
                expected[(attribute.code, str(option.pk))] = n
    assert shown == expected
    assert any(n for (code, _pk), n in shown.items() if code == "size")  # not vacuous


# --- Bulk writers -----------------------------------------------------------------------------


def test_the_migration_backfill_gives_the_definition(random_catalogue):
    migration = importlib.import_module("catalog.migrations.0006_product_option")
    ProductOption.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    assert everything() == defined()
    assert everything()  # not vacuous


@pytest.mark.usefixtures("private_files")
def test_the_demo_and_bulk_seeds_fill_the_table(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(), transaction.atomic():
        accounts_seed.run(options={}, log=lambda line: None)
        onboarding.run(log=lambda line: None)
        catalog_seed.run(options={"demo_per_leaf": 1, "products": 40}, log=lambda line: None)
    bulk = set(Product.objects.filter(slug__startswith="bulk-").values_list("pk", flat=True))
    assert len(bulk) == 40
    assert everything() == defined()
    assert {pk for pk, _option in everything()} & bulk  # the bulk products have rows too
