"""Every string of the site exists in Traditional and Simplified Chinese, with its placeholders."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALES = ("zh_Hant", "zh_Hans")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def catalogue(locale: str) -> polib.POFile:
    return polib.pofile(str(Path(settings.BASE_DIR) / "locale" / locale / "LC_MESSAGES/django.po"))


@pytest.mark.parametrize("locale", LOCALES)
def test_the_catalogue_is_complete(locale):
    po = catalogue(locale)

    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_their_placeholders(locale):
    for entry in catalogue(locale):
        source = entry.msgid_plural or entry.msgid
        translated = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(source)), (
            entry.msgid
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "cart"), [("zh-hant", "購物車"), ("zh-hans", "购物车")])
def test_the_compiled_catalogue_serves_the_pages(client, language, cart):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'lang="{language}"' in html
    assert cart in html
