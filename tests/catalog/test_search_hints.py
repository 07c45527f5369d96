"""Around the search box: suggestions (function and htmx endpoint), "did you mean", the search
log, the staff admin for synonyms and the log, the rebuild command and migration 0002."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import call_command
from django.test import RequestFactory

from catalog.models import Brand, Category, Product, ProductStatus, SearchLog, SynonymGroup
from catalog.search import (
    did_you_mean,
    log_search,
    refresh_search_documents_for_brand,
    refresh_search_documents_for_category,
    suggest,
    suggestions,
)

from .factories import BrandFactory, CategoryFactory
from .search_support import product, search_indexes, search_migration  # noqa: F401

pytestmark = pytest.mark.django_db


def request_for(user=None):
    request = RequestFactory().get("/search/", {"q": "x"})
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = user or AnonymousUser()
    return request


# --- Suggestions -------------------------------------------------------------------------------


def test_suggest_offers_titles_for_a_prefix_best_sellers_first():
    product("Apple iPhone 15", sales_count=10)
    product("Apple iPhone 15 Pro", sales_count=99)
    product("Tea cup")
    assert suggest("iph") == ["Apple iPhone 15 Pro", "Apple iPhone 15"]


def test_suggest_matches_chinese_prefix_in_either_script():
    product("防摔手機殼")
    assert suggest("手机") == ["防摔手機殼"]
    assert suggest("手") == ["防摔手機殼"]


def test_suggestions_include_brands_and_categories_and_skip_products_not_on_sale():
    BrandFactory(name="Xiaomi")
    CategoryFactory(name="Phones", name_zh_hant="手機", name_zh_hans="手机")
    product("Xiaomi 14 手机")
    product("Xiaomi draft", status=ProductStatus.DRAFT)
    found = suggestions("xiaomi")
    assert [(item.kind, item.label) for item in found] == [
        ("brand", "Xiaomi"),
        ("product", "Xiaomi 14 手机"),
    ]
    assert [item.kind for item in suggestions("手機")] == ["category", "product"]


def test_suggest_limits_and_ignores_blank_prefixes():
    for number in range(5):
        product(f"Lamp {number}")
    assert len(suggest("lamp", limit=3)) == 3
    assert suggest("   ") == []


def test_suggest_endpoint_returns_a_listbox_fragment(client):
    product("Apple iPhone 15 Pro")
    response = client.get("/search/suggest/", {"q": "iph"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="listbox"' in html
    assert 'role="option"' in html
    assert "Apple iPhone 15 Pro" in html
    assert "?q=Apple%20iPhone%2015%20Pro" in html
    assert "<html" not in html


def test_suggest_endpoint_with_nothing_found_is_an_empty_hidden_listbox(client):
    response = client.get("/search/suggest/", {"q": "zzzz"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="listbox"' in html and "hidden" in html and 'role="option"' not in html


def test_suggest_endpoint_refuses_post(client):
    assert client.post("/search/suggest/", {"q": "iph"}).status_code == 405


# --- Did you mean ------------------------------------------------------------------------------


def test_did_you_mean_corrects_a_typo_from_catalogue_words():
    product("Apple iPhone 15 Pro")
    assert did_you_mean("iphnoe") == "iPhone"
    assert did_you_mean("iphnoe case") == "iPhone case"


def test_did_you_mean_prefers_a_close_successful_logged_query():
    for _ in range(3):
        SearchLog.objects.create(query="bluetooth headphones", results=12)
    SearchLog.objects.create(query="bluetooth headphone", results=0)
    assert did_you_mean("bluetoth headphones") == "bluetooth headphones"


def test_did_you_mean_is_none_when_nothing_sensible_is_near():
    product("Apple iPhone 15 Pro")
    assert did_you_mean("xqzvw") is None
    assert did_you_mean("iphone") is None  # already a catalogue word
    assert did_you_mean("") is None


# --- Search log --------------------------------------------------------------------------------


def test_log_search_records_query_results_and_session_for_visitors():
    request = request_for()
    logged = log_search(query="  手機殼  ", results=0, request=request)
    assert SearchLog.objects.get() == logged
    assert (logged.query, logged.normalized, logged.results) == ("手機殼", "手机 壳", 0)
    assert logged.user is None
    assert logged.session_key == request.session.session_key != ""


def test_log_search_records_the_signed_in_user(user):
    logged = log_search(query="Phones", results=4, request=request_for(user))
    assert (logged.user, logged.normalized, logged.results) == (user, "phon", 4)


def test_log_search_skips_blank_queries():
    assert log_search(query="   ", results=0, request=request_for()) is None
    assert not SearchLog.objects.exists()


# --- Admin -------------------------------------------------------------------------------------


def test_admin_search_log_shows_zero_result_queries_and_is_read_only(client_as, staff_user):
    SearchLog.objects.create(query="unicorn saddle", normalized="unicorn saddl", results=0)
    SearchLog.objects.create(query="tea", normalized="tea", results=9)
    client = client_as(staff_user)
    listing = client.get("/admin/catalog/searchlog/", {"found": "no"})
    html = listing.content.decode()
    assert listing.status_code == 200
    assert 'id="zero-result-queries"' in html and "unicorn saddle" in html
    assert "/admin/catalog/searchlog/add/" not in html
    assert client.get("/admin/catalog/searchlog/add/").status_code == 403


def test_admin_edits_synonym_groups(client_as, staff_user):
    response = client_as(staff_user).post(
        "/admin/catalog/synonymgroup/add/", {"terms": "手機, phone", "is_active": "on"}
    )
    assert response.status_code == 302
    assert SynonymGroup.objects.get().term_list == ["手機", "phone"]


# --- Rebuild command and migration ------------------------------------------------------------


def test_rebuild_search_renormalises_every_product(capsys):
    first = product("手機殼")
    second = product("Phones")
    Product.objects.update(search_document="")
    call_command("rebuild_search", batch_size=1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.search_document.startswith("手机 壳 ")  # then the category's name
    assert second.search_document.startswith("phon ")
    assert "2 products" in capsys.readouterr().out


def test_renamed_brand_and_top_category_reach_their_products_documents():
    top = CategoryFactory(name="Home")
    leaf = CategoryFactory(name="Kettles", parent=CategoryFactory(name="Kitchen", parent=top))
    brand = BrandFactory(name="Acme")
    kettle = product("Kettle", brand=brand, category=leaf)
    Brand.objects.filter(pk=brand.pk).update(name="小米")
    Category.objects.filter(pk=top.pk).update(name_zh_hant="家居生活")
    assert refresh_search_documents_for_brand(brand=brand) == 1
    assert refresh_search_documents_for_category(category=top) == 1
    kettle.refresh_from_db()
    assert {"小米", "家居", "生活"} <= set(kettle.search_document.split())


def test_search_migration_does_nothing_outside_postgresql():
    executed = []
    editor = SimpleNamespace(connection=SimpleNamespace(vendor="sqlite"), execute=executed.append)
    search_migration._run(search_migration.FORWARD)(None, editor)
    assert executed == []
