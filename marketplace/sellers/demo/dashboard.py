# ruff: noqa: RUF001 - the Chinese texts use Chinese punctuation on purpose
"""Demo data: every demo shop decorated and published (logo, banner, theme colour, announcement,
service hours, a banner carousel of two slides, an introduction in English and Chinese, category
tabs, featured products and a coupon strip), a manager and a clerk on Demo Outfitters, and the
demo shopper following two shops.

Everything goes through the dashboard services, with pictures drawn by Pillow, so the demo passes
the same checks as a merchant's uploads. Idempotent: a shop that has been published once is left
alone, members are only invited when missing, and following twice changes nothing.
"""

from collections.abc import Callable
from io import BytesIO

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from marketplace.accounts.models import User
from marketplace.core.seeding import DEMO_PASSWORD

from ..models import BlockKind, MemberRole, MerchantMember, Shop
from ..services.decoration import add_block, add_slide, publish_decoration, update_block
from ..services.members import accept_invitation, invite_member
from ..services.shops import follow_shop, update_shop_settings
from .onboarding import SELLERS

# Shop name -> theme colour, announcement, service hours, ships from, tabs, Chinese greeting.
LOOKS = {
    "Demo Outfitters": (
        "#c8102e",
        "Free shipping on orders over NT$1,500 this month.",
        "Mon-Fri 9:00-18:00",
        "Taipei, Taiwan",
        ["New arrivals", "Jackets", "Shoes", "Accessories"],
        "歡迎光臨 Demo Outfitters！我們提供戶外與日常穿搭的好選擇。",
    ),
    "Lin's Handmade": (
        "#8a5a00",
        "Each piece is made by hand: please allow 3 days before shipping.",
        "Every day 10:00-20:00",
        "Tainan, Taiwan",
        ["Ceramics", "Textiles", "Gifts"],
        "歡迎來到林家手作，每件作品都是手工製作的獨一無二。",
    ),
    "Harbour Wholesale": (
        "#0b5cad",
        "Minimum order: 10 cartons. Ask us about volume pricing.",
        "Mon-Sat 8:00-17:00",
        "Kaohsiung, Taiwan",
        ["Green tea", "Oolong", "Black tea", "Gift boxes"],
        "港灣批發：茶葉批發，量大從優，歡迎洽詢。",
    ),
    "Sakura Beauty Official Store": (
        "#d6336c",
        "Authorised Sakura Beauty store: every product is genuine.",
        "Mon-Sun 9:00-21:00",
        "Taichung, Taiwan",
        ["Skincare", "Make-up", "Sets"],
        "櫻花美妝官方授權店，全館正品保證。",
    ),
    "Island Electronics": (
        "#1a7f37",
        "Two-year warranty on every Voltera and Pixelcraft product.",
        "Mon-Fri 9:30-18:30",
        "Hsinchu, Taiwan",
        ["Chargers", "Cameras", "Audio", "Cables"],
        "島嶼電子：正品授權，兩年保固。",
    ),
}
DEFAULT_LOOK = LOOKS["Demo Outfitters"]

TEAM = [
    ("manager@example.com", "Demo Manager", MemberRole.MANAGER),
    ("clerk@example.com", "Demo Clerk", MemberRole.CLERK),
]
SHOPPER = "shopper@example.com"
FOLLOWED = ["Demo Outfitters", "Lin's Handmade"]


def run(*, log: Callable[[str], None]) -> None:
    for seller in SELLERS:
        shop = Shop.objects.filter(merchant__members__user__email=seller.email).first()
        if shop is None:
            continue
        if shop.published_at is not None:
            log(f"dashboard: /s/{shop.slug}/ already decorated")
            continue
        owner = User.objects.get(email=seller.email)
        _decorate(shop, owner=owner)
        log(f"dashboard: /s/{shop.slug}/ decorated and published")
    _seed_team(log=log)
    _seed_follows(log=log)


def _decorate(shop: Shop, *, owner: User) -> None:
    colour, announcement, hours, ships_from, tabs, greeting = LOOKS.get(shop.name, DEFAULT_LOOK)
    update_shop_settings(
        shop=shop,
        by=owner,
        name=shop.name,
        theme_colour=colour,
        introduction=(
            f"<p>Welcome to <strong>{shop.name}</strong>. {announcement}</p><p>{greeting}</p>"
        ),
        announcement=announcement,
        service_hours=hours,
        ships_from=ships_from,
        logo=_picture("logo.png", size=(256, 256), colour=colour, text=_initials(shop.name)),
        banner=_picture("banner.png", size=(1500, 500), colour=colour, text=shop.name),
    )
    carousel = add_block(shop=shop, by=owner, kind=BlockKind.BANNER_CAROUSEL)
    for number, (headline, alt) in enumerate(
        [
            (f"{shop.name}: new season", f"{shop.name}: the new season has arrived"),
            ("Members save 10%", "Members save 10% on their first order"),
        ],
        start=1,
    ):
        add_slide(
            block=carousel,
            by=owner,
            image=_picture(f"slide-{number}.png", size=(1200, 500), colour=colour, text=headline),
            link=f"/s/{shop.slug}/",
            alt_text=alt,
        )
    intro = add_block(shop=shop, by=owner, kind=BlockKind.RICH_TEXT)
    update_block(
        block=intro,
        by=owner,
        title="About us · 關於我們",
        settings={
            "html": (
                f"<p><strong>{shop.name}</strong> ships from {ships_from}. {announcement}</p>"
                f"<p>{greeting}</p>"
                "<ul><li>Fast shipping · 快速出貨</li><li>Friendly service · 親切服務</li></ul>"
            )
        },
    )
    categories = add_block(shop=shop, by=owner, kind=BlockKind.CATEGORY_TABS)
    update_block(block=categories, by=owner, title="Browse the shop", settings={"tabs": tabs})
    featured = add_block(shop=shop, by=owner, kind=BlockKind.FEATURED_PRODUCTS)
    update_block(block=featured, by=owner, title="Featured", settings={"product_ids": []})
    coupons = add_block(shop=shop, by=owner, kind=BlockKind.COUPON_STRIP)
    update_block(block=coupons, by=owner, title="Coupons")
    publish_decoration(shop=shop, by=owner)


def _seed_team(*, log: Callable[[str], None]) -> None:
    shop = Shop.objects.filter(merchant__members__user__email=SELLERS[0].email).first()
    if shop is None:
        return
    owner = User.objects.get(email=SELLERS[0].email)
    for email, name, role in TEAM:
        user = _demo_user(email, name)
        if MerchantMember.objects.filter(user=user).exists():
            continue
        invitation = invite_member(merchant=shop.merchant, by=owner, email=email, role=role)
        accept_invitation(invitation=invitation, user=user)
        log(f"dashboard: {email} is a {role} of {shop.name}")


def _seed_follows(*, log: Callable[[str], None]) -> None:
    shopper = User.objects.filter(email=SHOPPER).first()
    if shopper is None:
        return
    for shop in Shop.objects.filter(name__in=FOLLOWED):
        if follow_shop(shop=shop, user=shopper):
            log(f"dashboard: {SHOPPER} follows {shop.name}")


def _demo_user(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split()[:2] if word[:1].isalnum()).upper() or "S"


def _picture(filename: str, *, size: tuple[int, int], colour: str, text: str) -> SimpleUploadedFile:
    """A PNG in the shop's colour, lighter towards the right, with ``text`` in white."""
    width, height = size
    base = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 4):
        mix = x / width * 0.45
        shade = tuple(int(c + (255 - c) * mix) for c in base)
        draw.rectangle([x, 0, x + 4, height], fill=shade)
    font = ImageFont.load_default(size=max(18, min(height // 4, width // max(len(text), 1) * 2)))
    box = draw.textbbox((0, 0), text, font=font)
    position = ((width - (box[2] - box[0])) / 2, (height - (box[3] - box[1])) / 2)
    draw.text(position, text, fill="white", font=font)
    out = BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(filename, out.getvalue(), content_type="image/png")
