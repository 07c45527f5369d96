"""The main seller journey: a shopper applies to sell, staff approve the application in the
admin, the new seller decorates the shop and publishes, and a visitor sees the storefront."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from marketplace.sellers.models import DocumentType, MerchantType
from tests.accounts.factories import PASSWORD, UserFactory
from tests.sellers.conftest import private_files  # noqa: F401 (the fixture, used below)
from tests.sellers.factories import DocumentRequirementFactory, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOP_NAME = "Lin's Vintage Finds"
BLOCK_HEADING = "Fresh from the flea market"
BLOCK_TEXT = "Hand-picked enamel teapots, restored and ready to pour."


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def account_menu_link(page: Page, short_name: str, link: str) -> None:
    """Open the header's account menu and follow one of its links."""
    account = page.get_by_role("navigation", name="Account")
    account.get_by_text(short_name, exact=True).click()
    account.get_by_role("link", name=link).click()


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue", exact=True).click()


def apply_to_sell(page: Page) -> None:
    """The wizard, step by step, as an individual (C2C) seller."""
    expect(page.get_by_role("heading", name="Sell on the marketplace")).to_be_visible()
    page.get_by_role("button", name="Start my application").click()

    expect(page.get_by_role("heading", name="Kind of seller")).to_be_visible()
    page.get_by_label("Individual seller (C2C)").check()
    page.get_by_label("Individual", exact=True).check()
    save_and_continue(page)

    expect(page.get_by_role("heading", name="Legal details")).to_be_visible()
    page.get_by_label("Legal name").fill("Lin Mei")
    page.get_by_label("Company registration or ID number").fill("A123456789")
    page.get_by_label("Registered address").fill("8 Dihua Street, Taipei")
    page.get_by_label("Country or region").select_option(label="Taiwan")
    page.get_by_label("Proposed shop name").fill(SHOP_NAME)
    save_and_continue(page)

    expect(page.get_by_role("heading", name="Contact", exact=True)).to_be_visible()
    page.get_by_label("Contact person").fill("Lin Mei")
    page.get_by_label("Contact phone").fill("+886 912 345 678")
    save_and_continue(page)

    expect(page.get_by_role("heading", name="Payout details")).to_be_visible()
    page.get_by_label("Account holder").fill("Lin Mei")
    page.get_by_label("Bank", exact=True).fill("Bank of Taiwan")
    page.get_by_label("Account number / IBAN").fill("TW000012345678")
    save_and_continue(page)

    expect(page.get_by_role("heading", name="Brands", exact=True)).to_be_visible()
    save_and_continue(page)

    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    slot = page.get_by_role("region", name=re.compile("Identity document"))
    slot.get_by_label("File").set_input_files(
        {"name": "identity.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    slot.get_by_label("Document number").fill("A123456789")
    slot.get_by_label("Issued by").fill("Ministry of the Interior")
    slot.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Identity document uploaded.")).to_be_visible()
    expect(page.get_by_role("link", name="identity.pdf")).to_be_visible()
    save_and_continue(page)

    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    expect(page.get_by_text("Before you can submit:")).to_have_count(0)
    page.get_by_role("button", name="Submit the application").click()

    expect(page.get_by_role("heading", name="Your application")).to_be_visible()
    expect(page.get_by_text("Your application has been sent.")).to_be_visible()
    expect(page.get_by_text("Staff are reviewing it")).to_be_visible()


def approve_in_admin(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Merchant applications").click()
    page.get_by_role("link", name=SHOP_NAME).click()
    expect(page.get_by_text("8 Dihua Street, Taipei")).to_be_visible()
    expect(page.get_by_role("link", name="identity.pdf")).to_be_visible()
    page.get_by_role("link", name="Approve", exact=True).click()

    expect(page.get_by_text("Approving creates the merchant")).to_be_visible()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    expect(page.get_by_text("Approved", exact=True).first).to_be_visible()


def decorate_and_publish(page: Page) -> None:
    expect(page.get_by_role("heading", name="Seller dashboard")).to_be_visible()
    page.get_by_role("link", name="Decorate the shop").click()

    expect(page.get_by_role("heading", name="Decorate your storefront")).to_be_visible()
    page.get_by_label("Add a block").select_option(label="Rich text")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Rich text added at the end.")).to_be_visible()
    page.get_by_role("link", name="Edit Rich text 1").click()

    page.get_by_label("Heading").fill(BLOCK_HEADING)
    page.get_by_label("Text", exact=True).fill(f"<p>{BLOCK_TEXT}</p>")
    page.get_by_role("button", name="Save in the draft").click()
    expect(page.get_by_text("Block saved in the draft.")).to_be_visible()
    expect(page.get_by_text("Unpublished changes")).to_be_visible()

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: shoppers now see the new storefront.")).to_be_visible()
    expect(page.get_by_text("Unpublished changes")).to_have_count(0)


def expect_storefront(page: Page) -> None:
    expect(page.get_by_role("heading", name=SHOP_NAME, level=1)).to_be_visible()
    block = page.get_by_role("region", name=BLOCK_HEADING)
    expect(block.get_by_role("heading", name=BLOCK_HEADING)).to_be_visible()
    expect(block).to_contain_text(BLOCK_TEXT)


@pytest.mark.usefixtures("private_files")
def test_apply_get_approved_decorate_and_open_the_storefront(
    page: Page, browser: Browser, browser_context_args, live_server
):
    DocumentRequirementFactory(
        merchant_type=MerchantType.INDIVIDUAL, document_type=DocumentType.IDENTITY_DOCUMENT
    )
    applicant = UserFactory(email="lin@example.com", display_name="Lin Mei")
    staff = UserFactory(email="reviewer@example.com", is_staff=True, is_superuser=True)
    base_url = live_server.url

    # 1. A signed-up shopper applies to sell through the wizard, then logs out.
    log_in(page, base_url, applicant.email)
    account_menu_link(page, "Lin Mei", "Sell on the marketplace")
    apply_to_sell(page)
    page.get_by_role("navigation", name="Account").get_by_text("Lin Mei", exact=True).click()
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in")
    ).to_be_visible()

    # 2. Staff approve the application in the admin, in their own browser.
    staff_context = browser.new_context(**browser_context_args)
    try:
        approve_in_admin(staff_context.new_page(), base_url, staff.email)
    finally:
        staff_context.close()

    # 3. The new seller logs back in and decorates the shop from the seller dashboard.
    log_in(page, base_url, applicant.email)
    account_menu_link(page, "Lin Mei", "Seller dashboard")
    decorate_and_publish(page)
    page.get_by_role("navigation", name="Seller dashboard").get_by_role(
        "link", name="View storefront"
    ).click()
    expect(page).to_have_url(f"{base_url}/s/lins-vintage-finds/")
    expect_storefront(page)

    # 4. An anonymous visitor sees the published storefront too.
    visitor_context = browser.new_context(**browser_context_args)
    try:
        visitor = visitor_context.new_page()
        visitor.goto(f"{base_url}/s/lins-vintage-finds/")
        expect_storefront(visitor)
        account = visitor.get_by_role("navigation", name="Account")
        expect(account.get_by_role("link", name="Log in")).to_be_visible()
    finally:
        visitor_context.close()
