"""Search matching and ranking on PostgreSQL: both Chinese scripts, English stems, typos,
synonyms, the ranking blend, the index being used, and the portable (SQLite) fallback."""

import pytest
from django.db import connection
from django.utils import timezone

from catalog.models import Product, SynonymGroup
from catalog.search import normalize, query_tokens, search_products
from catalog.search.matching import search_products_simple
from catalog.search.text import stem
from marketplace.sellers.models import PenaltyKind
from marketplace.sellers.services.rules import apply_penalty

from .factories import AttributeFactory, AttributeOptionFactory, BrandFactory, CategoryFactory
from .search_support import product, search_indexes  # noqa: F401

pytestmark = pytest.mark.django_db


def titles(query: str, search=search_products) -> list[str]:
    return list(search(Product.objects.all(), query).values_list("title", flat=True))


# --- Normalisation (the same on SQLite and PostgreSQL) -----------------------------------------


def test_normalize_folds_traditional_chinese_and_taiwan_vocabulary():
    assert normalize("手機殼") == normalize("手机壳") == "手机 壳"
    assert "鼠标" in normalize("無線滑鼠").split()


def test_normalize_segments_chinese_for_search_and_queries_precisely():
    assert normalize("透明保護套").split() == ["透明", "保护", "护套", "保护套"]
    assert query_tokens("透明保護套") == ["透明", "保护套"]


def test_normalize_folds_width_case_and_splits_letters_from_digits():
    full_width_usb_c = "\uff35\uff33\uff22\uff0d\uff23"
    assert normalize(f"{full_width_usb_c} iPhone15") == "usb c iphon 15"


@pytest.mark.parametrize(
    ("words", "stemmed"),
    [
        (["phones", "phone"], "phon"),
        (["batteries", "battery"], "batteri"),
        (["charging", "charged", "charge"], "charg"),
        (["boxes", "box"], "box"),
        (["running", "runs"], "run"),
        (["glasses", "glass"], "glass"),
    ],
)
def test_stem_sends_english_forms_to_one_token(words, stemmed):
    assert {stem(word) for word in words} == {stemmed}


def test_query_tokens_drop_repeats_and_punctuation():
    assert query_tokens("手機, 手机!! Phones") == ["手机", "phon"]


# --- Matching on PostgreSQL --------------------------------------------------------------------


def test_simplified_query_finds_traditional_title_and_back():
    product("Apple 手機")
    product("華為 手机")
    assert sorted(titles("手机")) == ["Apple 手機", "華為 手机"]
    assert sorted(titles("手機")) == ["Apple 手機", "華為 手机"]


def test_phone_case_matches_in_either_script_but_not_other_phone_products():
    product("透明手机壳")
    product("防摔手機殼")
    product("手机支架")
    assert sorted(titles("手機殼")) == ["透明手机壳", "防摔手機殼"]
    assert sorted(titles("手机壳")) == ["透明手机壳", "防摔手機殼"]


def test_english_plural_finds_singular_and_back():
    product("Phone stand")
    product("Spare batteries")
    assert titles("phones") == ["Phone stand"]
    assert titles("battery") == ["Spare batteries"]


def test_typo_finds_the_title_by_trigram_similarity():
    product("Apple iPhone 15 Pro")
    product("Tea cup")
    assert titles("iphnoe") == ["Apple iPhone 15 Pro"]


def test_typo_arm_stays_out_when_the_words_find_something():
    product("Phone stand")
    product("Apple iPhone 15")
    assert titles("phone") == ["Phone stand"]
    assert titles("iphnoe") == ["Apple iPhone 15"]


def test_synonym_group_joins_english_and_both_chinese_scripts():
    SynonymGroup.objects.create(terms="手機, phone，mobile")
    product("华为手机 Mate 60")
    product("Mobile phone charger")
    product("Tea cup")
    assert sorted(titles("phone")) == ["Mobile phone charger", "华为手机 Mate 60"]
    assert sorted(titles("mobile")) == ["Mobile phone charger", "华为手机 Mate 60"]
    assert sorted(titles("手機")) == ["Mobile phone charger", "华为手机 Mate 60"]


def test_inactive_synonym_group_is_ignored():
    SynonymGroup.objects.create(terms="手機, phone", is_active=False)
    product("华为手机")
    assert titles("phone") == []


def test_document_holds_brand_category_names_in_three_languages_and_attribute_values():
    parent = CategoryFactory(name="Electronics", name_zh_hant="電子產品", name_zh_hans="电子产品")
    category = CategoryFactory(parent=parent, name="Accessories", name_zh_hant="手機配件")
    colour = AttributeOptionFactory(attribute=AttributeFactory(category=category), value="紅色")
    made = product("Case X", brand=BrandFactory(name="Anker"), category=category)
    made.attribute_values.create(attribute=colour.attribute, option=colour)
    from catalog.search import refresh_search_document

    refresh_search_document(product=made)
    for query in ("anker", "配件", "電子產品", "electronics", "红色", "accessory"):
        assert titles(query) == ["Case X"], query


def test_sold_out_product_sinks_below_products_in_stock():
    product("Bluetooth speaker", stock_total=0, sales_count=5000, rating_average=5)
    product("Bluetooth speaker mini", stock_total=3)
    ranked = search_products(Product.objects.all(), "bluetooth speaker")
    assert [item.title for item in ranked] == ["Bluetooth speaker mini", "Bluetooth speaker"]
    assert ranked[0].relevance >= 1 > ranked[1].relevance


def test_sales_and_rating_raise_the_rank():
    product("Green tea", sales_count=1)
    product("Green tea gift box", sales_count=900, rating_average=4.8)
    assert titles("green tea") == ["Green tea gift box", "Green tea"]


def test_lower_exposure_penalty_lowers_the_shop_products_rank():
    penalised = product("Rice cooker", sales_count=50)
    product("Rice cooker", sales_count=50)
    before = titles("rice cooker")
    apply_penalty(
        shop=penalised.shop, kind=PenaltyKind.LOWER_EXPOSURE, days=7, by=None, now=timezone.now()
    )
    ranked = list(search_products(Product.objects.all(), "rice cooker"))
    assert len(before) == 2
    assert ranked[-1].pk == penalised.pk
    assert ranked[0].relevance > ranked[-1].relevance


def test_blank_query_finds_nothing():
    product("Tea cup")
    assert titles("  ") == []
    assert titles("!!!") == []


def test_search_keeps_the_callers_scope():
    kept = product("Tea cup")
    product("Tea cup")
    scoped = search_products(Product.objects.filter(shop=kept.shop), "tea")
    assert [item.pk for item in scoped] == [kept.pk]


def test_text_match_uses_the_gin_index_of_the_migration():
    product("手机壳")
    with connection.cursor() as cursor:
        # Only bitmap scans stay cheap: the plan must find an index that matches the condition.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
    plan = search_products(Product.objects.all(), "手機殼").explain()
    assert "catalog_product_search_gin" in plan, plan
    typo_plan = search_products(Product.objects.all(), "iphnoe").explain()
    assert "catalog_product_search_gin" in typo_plan
    assert "catalog_product_title_trgm" in typo_plan


# --- The portable fallback (what SQLite runs), exercised here on PostgreSQL ----------------------


def test_simple_fallback_finds_by_chinese_in_both_scripts_and_by_english_stems():
    product("透明手机壳")
    product("Phone stand")
    product("Tea cup")
    assert titles("手機殼", search=search_products_simple) == ["透明手机壳"]
    assert titles("phones", search=search_products_simple) == ["Phone stand"]


def test_simple_fallback_uses_synonyms_and_ranks_sold_out_last():
    SynonymGroup.objects.create(terms="手機, phone")
    product("华为手机", stock_total=0, sales_count=100)
    product("Phone stand")
    assert titles("phone", search=search_products_simple) == ["Phone stand", "华为手机"]
