"""A newcomer signs up, logs in, and switches the site to Traditional Chinese."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_log_in_and_switch_to_traditional_chinese(page: Page, live_server):
    email = "newcomer@example.com"
    password = "a-long-and-unusual-passphrase-9"

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label(re.compile("Password \\(again\\)")).fill(password)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("newcomer")

    page.get_by_role("navigation", name="Account").get_by_text("newcomer").click()
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("newcomer")

    page.locator("summary[aria-label=Language]").click()
    page.get_by_role("button", name="繁體中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(page.get_by_role("button", name="搜尋")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("購物車"))).to_be_visible()

    # The choice is remembered on the account: a fresh browser context logs in and sees Chinese.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
