"""The seller's delivery pages: a manager creates a template with its regions through the
formset, edits it, makes another the default, deletes one, assigns products in bulk and sets the
delivery settings; bad input shows a clear error and changes nothing; another shop's template is
a 404 and stays as it was; a clerk sees the pages but cannot change them; the dashboard menu and
orders' flat-rate page link the pages; staff see templates and edit duty rates in the admin."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from logistics.models import (
    DutyRate,
    ProductShippingTemplate,
    ServiceLevel,
    ShippingTemplate,
    ShopLogistics,
)
from tests.catalog.factories import ProductFactory
from tests.orders.promotions_support import shop_of

from .factories import ShippingRegionFactory, ShippingTemplateFactory

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.orders.promotions_support"]  # merchant, shop, manager, clerk, ...

D = Decimal
TEMPLATES = "/seller/shipping/templates/"
PRODUCTS = "/seller/shipping/products/"
SETTINGS = "/seller/shipping/settings/"


def regions_data(*rows: dict, initial: int = 0) -> dict:
    data = {
        "regions-TOTAL_FORMS": str(len(rows)),
        "regions-INITIAL_FORMS": str(initial),
        "regions-MIN_NUM_FORMS": "0",
        "regions-MAX_NUM_FORMS": "60",
    }
    for n, row in enumerate(rows):
        filled = {
            "level": "standard",
            "countries": "",
            "provinces": "",
            "is_served": "on",
            "first_units": "1000",
            "first_price": "0",
            "additional_units": "1000",
            "additional_price": "0",
            "free_over_amount": "",
            "free_over_grams": "",
            **row,
        }
        data.update(
            {f"regions-{n}-{field}": value for field, value in filled.items() if value is not None}
        )
    return data


def template_of(shop, **fields):
    template = ShippingTemplateFactory(shop=shop, **fields)
    ShippingRegionFactory(template=template, countries=["TW"])
    return template


def test_the_urls_are_where_the_dashboard_expects_them():
    assert reverse("logistics:seller-shipping-templates") == TEMPLATES
    assert reverse("logistics:seller-shipping-template", args=[3]) == f"{TEMPLATES}3/"
    assert reverse("logistics:seller-shipping-products") == PRODUCTS
    assert reverse("logistics:seller-shipping-settings") == SETTINGS


def test_a_manager_creates_a_template_with_regions_from_the_formset(client_as, manager, shop):
    data = {
        "name": "Parcels",
        "basis": "weight",
        **regions_data(
            {
                "countries": "tw",
                "first_price": "60",
                "additional_units": "500",
                "additional_price": "20",
                "free_over_amount": "1000",
            },
            {"countries": "TW", "provinces": "Kinmen，Penghu、 Lienchiang", "first_price": "120"},
            {"level": "express", "countries": "HK MO", "first_price": "250"},
            {"is_served": None},  # everywhere else: not served
            {"first_price": "999", "DELETE": "on"},  # dropped
        ),
    }

    client = client_as(manager)
    response = client.post(f"{TEMPLATES}new/", data)

    assert response.status_code == 302
    assert response["Location"] == TEMPLATES
    template = ShippingTemplate.objects.get(shop=shop)
    assert (template.name, template.basis, template.is_default) == ("Parcels", "weight", True)
    rows = list(template.regions.order_by("position"))
    assert [(r.level, r.countries, r.provinces, r.is_served) for r in rows] == [
        ("standard", ["TW"], [], True),
        ("standard", ["TW"], ["Kinmen", "Penghu", "Lienchiang"], True),
        ("express", ["HK", "MO"], [], True),
        ("standard", [], [], False),
    ]
    assert (rows[0].first_price, rows[0].additional_units, rows[0].free_over_amount) == (
        D("60"),
        500,
        D("1000"),
    )
    page = client.get(TEMPLATES).content.decode()
    assert "Shipping template Parcels saved." in page
    assert "Kinmen, Penghu, Lienchiang" in page


def test_editing_shows_the_regions_and_saves_the_changes(client_as, manager, shop):
    template = template_of(shop, name="Parcels")
    client = client_as(manager)

    page = client.get(f"{TEMPLATES}{template.pk}/")
    assert page.status_code == 200
    assert page.context["regions"].initial_form_count() == 1
    assert 'value="TW"' in page.content.decode()

    response = client.post(
        f"{TEMPLATES}{template.pk}/",
        {
            "name": "Flat",
            "basis": "flat",
            **regions_data({"countries": "JP", "first_price": "80"}, initial=1),
        },
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.basis) == ("Flat", "flat")
    assert list(template.regions.values_list("countries", "first_price")) == [(["JP"], D("80"))]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"countries": "TW, XX"}, "Unknown country codes: XX."),
        (
            {"countries": "TW, HK", "provinces": "Kinmen"},
            "Provinces or states need exactly one country",
        ),
        ({"first_price": "-5"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_bad_regions_show_a_clear_error_and_change_nothing(client_as, manager, shop, row, message):
    template = template_of(shop, name="Parcels")

    response = client_as(manager).post(
        f"{TEMPLATES}{template.pk}/",
        {"name": "Changed", "basis": "weight", **regions_data(row, initial=1)},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    template.refresh_from_db()
    assert template.name == "Parcels"
    assert list(template.regions.values_list("countries", flat=True)) == [["TW"]]


def test_the_default_moves_and_a_template_is_deleted(client_as, manager, shop):
    first, second = template_of(shop, name="A"), template_of(shop, name="B", is_default=False)
    client = client_as(manager)

    client.post(f"{TEMPLATES}{second.pk}/default/")
    assert list(ShippingTemplate.objects.filter(is_default=True)) == [second]

    response = client.post(f"{TEMPLATES}{second.pk}/delete/")
    assert response.status_code == 302
    assert list(ShippingTemplate.objects.all()) == [first]
    first.refresh_from_db()
    assert first.is_default


def test_products_are_assigned_in_bulk(client_as, manager, shop):
    default, bulky = (
        template_of(shop, name="Default"),
        template_of(shop, name="Bulky", is_default=False),
    )
    sofa, table, mug = (
        ProductFactory(shop=shop, title=title) for title in ("Sofa", "Table", "Mug")
    )
    client = client_as(manager)

    page = client.get(PRODUCTS).content.decode()
    assert all(f'name="products" value="{p.pk}"' in page for p in (sofa, table, mug))
    response = client.post(PRODUCTS, {"products": [sofa.pk, table.pk], "template": bulky.pk})

    assert response.status_code == 302
    assert dict(ProductShippingTemplate.objects.values_list("product_id", "template_id")) == {
        sofa.pk: bulky.pk,
        table.pk: bulky.pk,
    }
    page = client.get(PRODUCTS).content.decode()
    assert "Shipping template set for 2 products." in page
    assert re.search(r"Sofa</label></td>\s*<td>Bulky</td>", page)
    assert default.name in page

    client.post(PRODUCTS, {"products": [table.pk], "template": ""})  # back to the default
    assert list(ProductShippingTemplate.objects.values_list("product_id", flat=True)) == [sofa.pk]


def test_the_delivery_settings_are_saved(client_as, manager, shop):
    response = client_as(manager).post(
        SETTINGS,
        {
            "ships_from_country": "JP",
            "ships_from_region": "Tokyo",
            "handling_hours": "24",
            "offers_eco_packaging": "on",
        },
    )

    assert response.status_code == 302
    row = ShopLogistics.objects.get(shop=shop)
    assert (
        row.ships_from_country,
        row.ships_from_region,
        row.handling_hours,
        row.offers_eco_packaging,
    ) == (
        "JP",
        "Tokyo",
        24,
        True,
    )


def test_bad_delivery_settings_show_an_error_and_change_nothing(client_as, manager, shop):
    response = client_as(manager).post(
        SETTINGS, {"ships_from_country": "TW", "handling_hours": "0"}
    )

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert not ShopLogistics.objects.exists()


# --- Other shops and roles ---------------------------------------------------------------------


def test_another_shops_template_is_not_found_and_unchanged(client_as, merchant, other_merchant):
    theirs = template_of(shop_of(other_merchant), name="Theirs")
    client = client_as(merchant)
    data = {"name": "Mine now", "basis": "flat", **regions_data({"countries": "JP"}, initial=1)}

    assert client.get(f"{TEMPLATES}{theirs.pk}/").status_code == 404
    assert client.post(f"{TEMPLATES}{theirs.pk}/", data).status_code == 404
    assert client.post(f"{TEMPLATES}{theirs.pk}/default/").status_code == 404
    assert client.post(f"{TEMPLATES}{theirs.pk}/delete/").status_code == 404

    theirs.refresh_from_db()
    assert (theirs.name, theirs.basis, theirs.is_default) == ("Theirs", "weight", True)
    assert list(theirs.regions.values_list("countries", flat=True)) == [["TW"]]


def test_another_shops_products_cannot_be_assigned(client_as, merchant, other_merchant, shop):
    mine = template_of(shop)
    theirs = ProductFactory(shop=shop_of(other_merchant))

    response = client_as(merchant).post(PRODUCTS, {"products": [theirs.pk], "template": mine.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ProductShippingTemplate.objects.exists()


def test_the_owner_lists_only_their_templates(client_as, merchant, other_merchant, shop):
    template_of(shop, name="Mine")
    template_of(shop_of(other_merchant), name="Theirs")

    html = client_as(merchant).get(TEMPLATES).content.decode()

    assert "Mine" in html and "Theirs" not in html


def test_a_clerk_sees_the_pages_but_cannot_change_anything(client_as, clerk, shop):
    template = template_of(shop, name="Parcels")
    product = ProductFactory(shop=shop)
    client = client_as(clerk)

    assert "Make default" not in client.get(TEMPLATES).content.decode()
    for url in (f"{TEMPLATES}{template.pk}/", PRODUCTS, SETTINGS):
        response = client.get(url)
        assert response.status_code == 200
        assert "Only the shop's owner or a manager can change this." in response.content.decode()
    edit = client.post(
        f"{TEMPLATES}{template.pk}/",
        {"name": "Clerk's", "basis": "flat", **regions_data({}, initial=1)},
    )
    assert "Only the shop&#x27;s owner or a manager can change this." in edit.content.decode()
    assert client.post(f"{TEMPLATES}{template.pk}/delete/").status_code == 403
    assert (
        client.post(
            f"{TEMPLATES}new/", {"name": "X", "basis": "flat", **regions_data({})}
        ).status_code
        == 200
    )
    client.post(PRODUCTS, {"products": [product.pk], "template": template.pk})
    client.post(SETTINGS, {"ships_from_country": "JP", "handling_hours": "5"})

    template.refresh_from_db()
    assert template.name == "Parcels"
    assert ShippingTemplate.objects.count() == 1
    assert not ProductShippingTemplate.objects.exists()
    assert not ShopLogistics.objects.exists()


def test_a_shopper_without_a_shop_is_sent_to_apply(client_as, user):
    response = client_as(user).get(TEMPLATES)

    assert response.status_code == 302
    assert response["Location"] == reverse("sellers:apply")


# --- Navigation and admin ----------------------------------------------------------------------


def test_the_menu_and_the_flat_rate_page_link_the_delivery_pages(client_as, merchant):
    client = client_as(merchant)

    html = client.get(reverse("sellers:dashboard")).content.decode()
    nav = re.search(r'<nav class="side-nav".*?</nav>', html, re.S).group(0)
    assert re.search(rf'<a href="{TEMPLATES}"[^>]*>Shipping templates</a>', nav)
    flat_rate = client.get("/seller/shipping/").content.decode()
    assert f'<a href="{TEMPLATES}">Shipping templates</a>' in flat_rate

    for url, tab in [
        (TEMPLATES, "Shipping templates"),
        (f"{TEMPLATES}new/", "Shipping templates"),
        (PRODUCTS, "Products' templates"),
        (SETTINGS, "Delivery settings"),
    ]:
        html = client.get(url).content.decode()
        nav = re.search(r'<nav class="side-nav".*?</nav>', html, re.S).group(0)
        assert re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', nav) == [
            "Shipping templates"
        ]
        tabs = re.search(r'<nav class="cluster section-tabs".*?</nav>', html, re.S).group(0)
        assert re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', tabs) == [tab]


def test_staff_read_templates_and_edit_duty_rates_in_the_admin(client_as, staff_user, shop):
    template = template_of(shop, name="Parcels")
    ShippingRegionFactory(template=template, level=ServiceLevel.EXPRESS)
    client = client_as(staff_user)

    page = client.get(f"/admin/logistics/shippingtemplate/{template.pk}/change/")
    assert page.status_code == 200
    assert "Parcels" in page.content.decode()
    assert client.get("/admin/logistics/shippingtemplate/add/").status_code == 403

    response = client.post(
        "/admin/logistics/dutyrate/add/",
        {"country": "JP", "duty_percent": "5", "tax_percent": "10", "de_minimis": "100"},
    )
    assert response.status_code == 302
    assert DutyRate.objects.get().tax_percent == D("10.00")
    refused = client.post(
        "/admin/logistics/dutyrate/add/",
        {"country": "FR", "duty_percent": "150", "tax_percent": "10", "de_minimis": "-1"},
    )
    assert refused.status_code == 200
    assert DutyRate.objects.count() == 1
