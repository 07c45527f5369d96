"""Demo data: the three-level category tree with names in English, Traditional and Simplified
Chinese, icons and the attributes of every leaf; brands (the demo merchants' own and a few
generic ones); prohibited words and synonym groups for search.

Idempotent: rows are found by slug / code / name and only created when missing, so staff edits
to existing rows survive another run.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.text import slugify

from ..models import (
    Attribute,
    AttributeKind,
    AttributeOption,
    Brand,
    Category,
    ProhibitedWord,
    SynonymGroup,
)

CHOICE, NUMBER, TEXT = AttributeKind.CHOICE, AttributeKind.NUMBER, AttributeKind.TEXT

# code: English, Traditional, Simplified, kind, unit, filterable, makes variants
ATTRIBUTES = {
    "colour": ("Colour", "顏色", "颜色", CHOICE, "", True, True),
    "size": ("Size", "尺寸", "尺寸", CHOICE, "", True, True),
    "material": ("Material", "材質", "材质", CHOICE, "", True, False),
    "capacity": ("Capacity", "容量", "容量", NUMBER, "ml", True, False),
    "storage": ("Storage", "儲存空間", "存储空间", NUMBER, "GB", True, False),
    "battery": ("Battery life", "續航時間", "续航时间", NUMBER, "h", True, False),
    "origin": ("Origin", "產地", "产地", CHOICE, "", True, False),
    "weight": ("Net weight", "淨重", "净重", NUMBER, "g", True, False),
    "care": ("Care", "保養方式", "保养方式", TEXT, "", False, False),
}

COLOURS = ["Black", "White", "Navy", "Red", "Green", "Beige", "Pink", "Grey"]
PHONE_COLOURS = ["Midnight Black", "Glacier White", "Ocean Blue", "Sunset Gold"]
CLOTHES = ["S", "M", "L", "XL"]
SHOES = ["36", "37", "38", "39", "40", "41", "42", "43", "44"]
PACKS = ["100 g", "250 g", "500 g", "1 kg"]
BOTTLES = ["30 ml", "50 ml", "100 ml"]
BOXES = ["20 x 15 x 10 cm", "30 x 20 x 15 cm", "40 x 30 x 25 cm"]
BEDS = ["Single", "Double", "Queen", "King"]
POTS = ["18 cm", "24 cm", "28 cm"]
FABRICS = ["Cotton", "Linen", "Polyester", "Wool", "Denim"]
SHOE_STUFF = ["Leather", "Canvas", "Mesh", "Suede"]
CASE_STUFF = ["Silicone", "TPU", "Leather", "Polycarbonate"]
POTTERY = ["Ceramic", "Stoneware", "Porcelain", "Glass", "Wood"]
METALS = ["Stainless steel", "Cast iron", "Aluminium"]
PAPER = ["Recycled paper", "Kraft paper", "Cardboard"]
ORIGINS = ["Alishan", "Nantou", "Pinglin", "Hualien", "Taitung"]
SKIN = ["Japan", "Taiwan", "Korea"]


@dataclass
class Node:
    slug: str
    name: str
    zh_hant: str
    zh_hans: str
    icon: str = ""
    requires_review: bool = False
    attributes: dict[str, list[str] | None] = field(default_factory=dict)
    children: list["Node"] = field(default_factory=list)


def _leaf(slug: str, name: str, hant: str, hans: str, **attributes: list[str] | None) -> Node:
    return Node(slug, name, hant, hans, attributes=attributes)


TREE = [
    Node("electronics", "Electronics", "電子產品", "电子产品", icon="bell", children=[
        Node("phones-accessories", "Phones & accessories", "手機與配件", "手机与配件", children=[
            _leaf("phones", "Phones", "手機", "手机", colour=PHONE_COLOURS, storage=None),
            _leaf("phone-cases", "Phone cases", "手機殼", "手机壳", colour=COLOURS,
                  material=CASE_STUFF),
            _leaf("earphones", "Bluetooth earphones", "藍牙耳機", "蓝牙耳机", colour=COLOURS[:3],
                  battery=None),
        ]),
        Node("computers", "Computers", "電腦與周邊", "电脑与周边", children=[
            _leaf("laptops", "Laptops", "筆記型電腦", "笔记本电脑", colour=PHONE_COLOURS,
                  storage=None),
            _leaf("keyboards-mice", "Keyboards & mice", "鍵盤滑鼠", "键盘鼠标",
                  colour=COLOURS[:3], battery=None),
        ]),
    ]),
    Node("fashion", "Fashion", "服飾", "服饰", icon="bag", children=[
        Node("women", "Women", "女裝", "女装", children=[
            _leaf("women-tops", "Women's tops", "女裝上衣", "女装上衣", colour=COLOURS,
                  size=CLOTHES, material=FABRICS, care=None),
            _leaf("women-shoes", "Women's shoes", "女鞋", "女鞋", colour=COLOURS, size=SHOES[:6],
                  material=SHOE_STUFF),
        ]),
        Node("men", "Men", "男裝", "男装", children=[
            _leaf("men-tops", "Men's tops", "男裝上衣", "男装上衣", colour=COLOURS,
                  size=CLOTHES, material=FABRICS, care=None),
            _leaf("men-shoes", "Men's shoes", "男鞋", "男鞋", colour=COLOURS, size=SHOES[3:],
                  material=SHOE_STUFF),
        ]),
    ]),
    Node("home-kitchen", "Home & kitchen", "居家廚房", "居家厨房", icon="store", children=[
        Node("kitchen", "Kitchen", "廚房用品", "厨房用品", children=[
            _leaf("mugs", "Mugs & cups", "馬克杯與杯子", "马克杯与杯子", colour=COLOURS,
                  material=POTTERY, capacity=None),
            _leaf("cookware", "Cookware", "鍋具", "锅具", size=POTS, material=METALS,
                  capacity=None),
        ]),
        Node("home-textiles", "Home textiles & decor", "家紡與擺飾", "家纺与摆饰", children=[
            _leaf("bedding", "Bedding", "床包寢具", "床包寝具", colour=COLOURS, size=BEDS,
                  material=FABRICS),
            _leaf("handmade-decor", "Handmade decor", "手作擺飾", "手作摆饰", colour=COLOURS,
                  material=POTTERY),
        ]),
    ]),
    Node("food-drink", "Food & drink", "食品飲料", "食品饮料", icon="cart",
         requires_review=True, children=[
        Node("tea", "Tea", "茶葉", "茶叶", children=[
            _leaf("green-tea", "Green tea", "綠茶", "绿茶", size=PACKS, origin=ORIGINS),
            _leaf("oolong-tea", "Oolong tea", "烏龍茶", "乌龙茶", size=PACKS, origin=ORIGINS),
            _leaf("black-tea", "Black tea", "紅茶", "红茶", size=PACKS, origin=ORIGINS),
        ]),
        Node("snacks", "Snacks", "零食", "零食", children=[
            _leaf("biscuits", "Biscuits & pastries", "餅乾糕點", "饼干糕点", size=PACKS[:3],
                  weight=None),
        ]),
    ]),
    Node("beauty", "Beauty", "美妝保養", "美妆保养", icon="user", requires_review=True,
         children=[
        Node("skincare", "Skincare", "保養", "保养", children=[
            _leaf("face-cream", "Face cream", "面霜", "面霜", size=BOTTLES, origin=SKIN,
                  capacity=None),
            _leaf("serums", "Serums", "精華液", "精华液", size=BOTTLES, origin=SKIN,
                  capacity=None),
        ]),
        Node("makeup", "Make-up", "彩妝", "彩妆", children=[
            _leaf("lipstick", "Lipstick", "口紅", "口红", colour=["Rose", "Coral", "Ruby", "Nude",
                  "Berry"], origin=SKIN),
        ]),
    ]),
    Node("office-wholesale", "Office & wholesale", "辦公與批發", "办公与批发", icon="inbox",
         children=[
        Node("office", "Office supplies", "辦公用品", "办公用品", children=[
            _leaf("notebooks", "Notebooks & paper", "筆記本與紙品", "笔记本与纸品",
                  colour=COLOURS, material=PAPER),
            _leaf("pens", "Pens", "筆", "笔", colour=COLOURS[:4]),
        ]),
        Node("packaging", "Packaging", "包材", "包材", children=[
            _leaf("shipping-boxes", "Shipping boxes", "紙箱", "纸箱", size=BOXES,
                  material=PAPER),
            _leaf("gift-boxes", "Gift boxes", "禮盒", "礼盒", colour=COLOURS[:4],
                  material=PAPER),
        ]),
    ]),
]  # fmt: skip

# The demo merchants' brands (see marketplace/sellers/demo/onboarding.py) and generic ones.
BRANDS = [
    "Demo Outfitters",
    "Evergreen Tea",
    "Sakura Beauty",
    "Voltera",
    "Pixelcraft",
    "Nike",
    "Harbour Basics",
    "Nordic Home",
    "PaperLeaf",
    "Urban Loom",
]

PROHIBITED = [
    ("replica", "Replicas and counterfeit goods may not be sold."),
    ("counterfeit", "Replicas and counterfeit goods may not be sold."),
    ("高仿", "Replicas and counterfeit goods may not be sold."),
    ("A貨", "Replicas and counterfeit goods may not be sold."),
    ("firearm", "Weapons and their parts may not be sold."),
    ("槍枝", "Weapons and their parts may not be sold."),
    ("減肥藥", "Medicines need a licence and may not be sold in the marketplace."),
]

SYNONYMS = [
    "手機, 手机, phone, mobile, smartphone",
    "耳機, 耳机, earphones, headphones, earbuds",
    "手機殼, 手机壳, phone case, case",
    "筆電, 笔电, 筆記型電腦, 笔记本电脑, laptop, notebook",
    "馬克杯, 马克杯, mug, cup",
    "烏龍, 乌龙, oolong",
    "口紅, 口红, lipstick",
]


def run(*, log: Callable[[str], None]) -> None:
    created = sum(_seed_node(node, parent=None, position=i) for i, node in enumerate(TREE))
    log(f"catalogue: {created} categories added")
    added = sum(_brand(name)[1] for name in BRANDS)
    log(f"catalogue: {added} brands added")
    for word, reason in PROHIBITED:
        if not ProhibitedWord.objects.filter(word__iexact=word).exists():
            ProhibitedWord.objects.create(word=word, reason=reason)
    for terms in SYNONYMS:
        SynonymGroup.objects.get_or_create(terms=terms)


def leaves() -> list[Node]:
    """Every leaf of the tree, in tree order."""
    found: list[Node] = []

    def walk(node: Node) -> None:
        if node.children:
            for child in node.children:
                walk(child)
        else:
            found.append(node)

    for node in TREE:
        walk(node)
    return found


def brand_named(name: str) -> Brand:
    return _brand(name)[0]


def _brand(name: str) -> tuple[Brand, bool]:
    brand = Brand.objects.filter(name__iexact=name).first()
    if brand is not None:
        return brand, False
    return Brand.objects.create(name=name, slug=slugify(name)), True


def _seed_node(node: Node, *, parent: Category | None, position: int, review: bool = False) -> int:
    review = review or node.requires_review
    category, created = Category.objects.get_or_create(
        slug=node.slug,
        defaults={
            "name": node.name,
            "name_zh_hant": node.zh_hant,
            "name_zh_hans": node.zh_hans,
            "parent": parent,
            "icon": node.icon,
            "position": position,
            "requires_review": review,
        },
    )
    for index, (code, values) in enumerate(node.attributes.items()):
        name, hant, hans, kind, unit, filterable, variant = ATTRIBUTES[code]
        attribute, _ = Attribute.objects.get_or_create(
            category=category,
            code=code,
            defaults={
                "name": name,
                "name_zh_hant": hant,
                "name_zh_hans": hans,
                "kind": kind,
                "unit": unit,
                "is_filterable": filterable,
                "is_variant": variant,
                "position": index,
            },
        )
        for option_position, value in enumerate(values or []):
            AttributeOption.objects.get_or_create(
                attribute=attribute, value=value, defaults={"position": option_position}
            )
    children = node.children
    return int(created) + sum(
        _seed_node(child, parent=category, position=i, review=review)
        for i, child in enumerate(children)
    )
