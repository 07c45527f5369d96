"""Words the demo catalogue builds product titles, subtitles and descriptions from, in English,
Traditional and Simplified Chinese, and which demo shop sells in which leaf category.

Pure data and string building: no database access, so the small demo and the large benchmark
catalogue (catalog/demo/bulk.py) write the same kind of titles.
"""

import random
from dataclasses import dataclass

Words = tuple[str, str, str]  # English, Traditional, Simplified

# Shop name -> leaf slug -> how many demo products (about 300 in all).
SHOP_LEAVES: dict[str, dict[str, int]] = {
    "Island Electronics": {
        "phones": 18,
        "phone-cases": 16,
        "earphones": 14,
        "laptops": 10,
        "keyboards-mice": 12,
    },
    "Demo Outfitters": {"women-tops": 22, "women-shoes": 16, "men-tops": 22, "men-shoes": 16},
    "Lin's Handmade": {"mugs": 16, "handmade-decor": 14, "bedding": 8, "notebooks": 10},
    "Harbour Wholesale": {
        "green-tea": 10,
        "oolong-tea": 10,
        "black-tea": 8,
        "biscuits": 8,
        "shipping-boxes": 6,
        "gift-boxes": 6,
        "pens": 6,
        "cookware": 6,
    },
    "Sakura Beauty Official Store": {"face-cream": 16, "serums": 14, "lipstick": 16},
}

# Shop name -> (brands it may list, leaves where it lists them).
SHOP_BRANDS: dict[str, tuple[list[str], set[str]]] = {
    "Island Electronics": (["Voltera", "Pixelcraft"], {"phones", "earphones", "laptops"}),
    "Demo Outfitters": (["Demo Outfitters"], {"women-tops", "men-tops", "women-shoes"}),
    "Harbour Wholesale": (["Evergreen Tea"], {"green-tea", "oolong-tea", "black-tea"}),
    "Sakura Beauty Official Store": (["Sakura Beauty"], {"face-cream", "serums", "lipstick"}),
    "Lin's Handmade": ([], set()),
}

MODELS = ["X5", "X7 Pro", "Nova 5G", "Lite 2", "P8", "P9 Ultra", "Air 14", "Max", "Mini", "S3"]


@dataclass(frozen=True)
class LeafWords:
    nouns: list[Words]
    adjectives: list[Words]
    pitch: list[Words]
    base_price: int  # in the default currency
    suffix: str = ""  # "storage", "pack" or ""


_NEW = ("New", "新款", "新款")
_CLASSIC = ("Classic", "經典", "经典")
_HANDMADE = ("Handmade", "手工", "手工")
_ORGANIC = ("Organic", "有機", "有机")
_LIGHT = ("Lightweight", "輕量", "轻量")

LEAF_WORDS: dict[str, LeafWords] = {
    "phones": LeafWords(
        [("smartphone", "手機", "手机"), ("5G phone", "5G 手機", "5G 手机")],
        [("", "", "")],
        [
            (
                "6.5-inch OLED display, all-day battery",
                "6.5 吋 OLED 螢幕，續航一整天",
                "6.5 英寸 OLED 屏幕，续航一整天",
            ),
            ("Triple camera with night mode", "三鏡頭夜拍", "三镜头夜拍"),
        ],
        12900,
        "storage",
    ),
    "phone-cases": LeafWords(
        [("phone case", "手機殼", "手机壳"), ("magnetic case", "磁吸手機殼", "磁吸手机壳")],
        [
            ("Shockproof", "防摔", "防摔"),
            ("Slim", "超薄", "超薄"),
            _CLASSIC,
            ("Transparent", "透明", "透明"),
        ],
        [
            ("Raised edges protect the camera", "鏡頭加高保護", "镜头加高保护"),
            ("Drop-tested to 2 metres", "兩米防摔測試", "两米防摔测试"),
        ],
        390,
    ),
    "earphones": LeafWords(
        [
            ("Bluetooth earphones", "藍牙耳機", "蓝牙耳机"),
            ("wireless earbuds", "無線耳機", "无线耳机"),
        ],
        [("Noise-cancelling", "降噪", "降噪"), ("Sport", "運動", "运动"), _NEW],
        [
            (
                "Active noise cancelling, 30 hours with the case",
                "主動降噪，連充電盒 30 小時",
                "主动降噪，连充电盒 30 小时",
            )
        ],
        1990,
    ),
    "laptops": LeafWords(
        [("laptop", "筆記型電腦", "笔记本电脑"), ("ultrabook", "輕薄筆電", "轻薄笔电")],
        [("", "", "")],
        [
            (
                "14-inch 2.8K screen, 1.2 kg",
                "14 吋 2.8K 螢幕，僅 1.2 公斤",
                "14 英寸 2.8K 屏幕，仅 1.2 公斤",
            )
        ],
        32900,
        "storage",
    ),
    "keyboards-mice": LeafWords(
        [
            ("mechanical keyboard", "機械鍵盤", "机械键盘"),
            ("wireless mouse", "無線滑鼠", "无线鼠标"),
        ],
        [
            ("Quiet", "靜音", "静音"),
            ("Ergonomic", "人體工學", "人体工学"),
            ("Compact", "精巧", "精巧"),
        ],
        [
            (
                "Bluetooth and 2.4 GHz, USB-C charging",
                "藍牙與 2.4G 雙模，USB-C 充電",
                "蓝牙与 2.4G 双模，USB-C 充电",
            )
        ],
        990,
    ),
    "women-tops": LeafWords(
        [
            ("T-shirt", "T恤", "T恤"),
            ("blouse", "襯衫", "衬衫"),
            ("knit sweater", "針織毛衣", "针织毛衣"),
            ("hoodie", "連帽上衣", "连帽上衣"),
        ],
        [
            _CLASSIC,
            ("Cotton", "純棉", "纯棉"),
            ("Oversized", "寬鬆", "宽松"),
            ("Linen", "亞麻", "亚麻"),
        ],
        [
            ("Soft, breathable and easy to wash", "柔軟透氣，好洗好穿", "柔软透气，好洗好穿"),
            ("Relaxed fit for every day", "日常百搭寬鬆版型", "日常百搭宽松版型"),
        ],
        590,
    ),
    "women-shoes": LeafWords(
        [
            ("sneakers", "休閒鞋", "休闲鞋"),
            ("ballet flats", "平底鞋", "平底鞋"),
            ("ankle boots", "短靴", "短靴"),
        ],
        [_LIGHT, _CLASSIC, ("Waterproof", "防水", "防水")],
        [("Cushioned insole for all-day comfort", "氣墊鞋墊，久走不累", "气垫鞋垫，久走不累")],
        1680,
    ),
    "men-tops": LeafWords(
        [
            ("polo shirt", "POLO衫", "POLO衫"),
            ("oxford shirt", "牛津襯衫", "牛津衬衫"),
            ("T-shirt", "T恤", "T恤"),
            ("down jacket", "羽絨外套", "羽绒外套"),
        ],
        [
            _CLASSIC,
            ("Cotton", "純棉", "纯棉"),
            ("Slim-fit", "修身", "修身"),
            ("Outdoor", "戶外", "户外"),
        ],
        [("Pre-shrunk cotton that keeps its shape", "預縮棉不變形", "预缩棉不变形")],
        690,
    ),
    "men-shoes": LeafWords(
        [
            ("running shoes", "慢跑鞋", "跑步鞋"),
            ("loafers", "樂福鞋", "乐福鞋"),
            ("hiking boots", "登山靴", "登山靴"),
        ],
        [_LIGHT, _CLASSIC, ("Trail", "越野", "越野")],
        [("Grippy rubber sole", "防滑橡膠大底", "防滑橡胶大底")],
        1880,
    ),
    "mugs": LeafWords(
        [
            ("ceramic mug", "陶瓷馬克杯", "陶瓷马克杯"),
            ("tea cup", "茶杯", "茶杯"),
            ("coffee cup", "咖啡杯", "咖啡杯"),
        ],
        [_HANDMADE, ("Glazed", "釉彩", "釉彩"), ("Speckled", "粗陶", "粗陶")],
        [
            ("Thrown and glazed by hand in Tainan", "台南手工拉坯上釉", "台南手工拉坯上釉"),
            ("Every piece is one of a kind", "每一件都獨一無二", "每一件都独一无二"),
        ],
        480,
    ),
    "handmade-decor": LeafWords(
        [
            ("vase", "花器", "花器"),
            ("coaster set", "杯墊組", "杯垫组"),
            ("incense holder", "香座", "香座"),
        ],
        [_HANDMADE, ("Minimalist", "極簡", "极简"), ("Rustic", "質樸", "质朴")],
        [("Made in small batches", "小量手作", "小量手作")],
        350,
    ),
    "bedding": LeafWords(
        [("bed sheet set", "床包組", "床笠套装"), ("duvet cover", "被套", "被套")],
        [("Washed linen", "水洗亞麻", "水洗亚麻"), ("Organic cotton", "有機棉", "有机棉")],
        [("Softer with every wash", "越洗越柔軟", "越洗越柔软")],
        1280,
    ),
    "notebooks": LeafWords(
        [("notebook", "筆記本", "笔记本"), ("sketchbook", "素描本", "素描本")],
        [_HANDMADE, ("Thread-bound", "線裝", "线装"), ("Dotted", "點格", "点格")],
        [("Hand-bound, lies flat when open", "手工裝訂，可完全攤平", "手工装订，可完全摊平")],
        260,
    ),
    "green-tea": LeafWords(
        [("green tea", "綠茶", "绿茶"), ("jasmine green tea", "茉莉綠茶", "茉莉绿茶")],
        [_ORGANIC, ("High-mountain", "高山", "高山"), ("Spring", "春摘", "春摘")],
        [("Picked and rolled by hand", "手採手揉", "手采手揉")],
        320,
        "pack",
    ),
    "oolong-tea": LeafWords(
        [("oolong tea", "烏龍茶", "乌龙茶"), ("Dong Ding oolong", "凍頂烏龍", "冻顶乌龙")],
        [_ORGANIC, ("High-mountain", "高山", "高山"), ("Roasted", "炭焙", "炭焙")],
        [("Sweet finish, brews five times", "回甘耐泡五回", "回甘耐泡五回")],
        450,
        "pack",
    ),
    "black-tea": LeafWords(
        [("black tea", "紅茶", "红茶"), ("Ruby black tea", "紅玉紅茶", "红玉红茶")],
        [_ORGANIC, ("Sun Moon Lake", "日月潭", "日月潭")],
        [("Natural cinnamon and mint notes", "天然肉桂薄荷香", "天然肉桂薄荷香")],
        380,
        "pack",
    ),
    "biscuits": LeafWords(
        [("pineapple cake", "鳳梨酥", "凤梨酥"), ("butter cookies", "奶油餅乾", "奶油饼干")],
        [_HANDMADE, ("Gift box", "禮盒裝", "礼盒装")],
        [("Baked fresh every morning", "每日新鮮烘焙", "每日新鲜烘焙")],
        260,
        "pack",
    ),
    "shipping-boxes": LeafWords(
        [("shipping box", "紙箱", "纸箱"), ("mailer box", "飛機盒", "飞机盒")],
        [("Double-wall", "雙層", "双层"), ("Recycled", "再生", "再生")],
        [("Sold by the bundle of 25", "每捆 25 個", "每捆 25 个")],
        180,
    ),
    "gift-boxes": LeafWords(
        [("tea gift box", "茶葉禮盒", "茶叶礼盒"), ("gift box", "禮盒", "礼盒")],
        [("Lunar New Year", "新春", "新春"), ("Premium", "精裝", "精装")],
        [("Fits two 150 g tins", "可放兩罐 150 克茶葉", "可放两罐 150 克茶叶")],
        220,
    ),
    "pens": LeafWords(
        [("gel pen", "中性筆", "中性笔"), ("ballpoint pen", "原子筆", "圆珠笔")],
        [("Office", "辦公", "办公"), ("Quick-dry", "速乾", "速干")],
        [("Box of 12", "一盒 12 支", "一盒 12 支")],
        120,
    ),
    "cookware": LeafWords(
        [
            ("frying pan", "平底鍋", "平底锅"),
            ("stock pot", "湯鍋", "汤锅"),
            ("wok", "炒鍋", "炒锅"),
        ],
        [("Non-stick", "不沾", "不粘"), ("Commercial", "商用", "商用")],
        [("Induction-ready base", "電磁爐可用", "电磁炉可用")],
        890,
    ),
    "face-cream": LeafWords(
        [("moisturising cream", "保濕霜", "保湿霜"), ("night cream", "晚霜", "晚霜")],
        [
            ("Sakura", "櫻花", "樱花"),
            ("Hydrating", "水潤", "水润"),
            ("Sensitive-skin", "敏感肌", "敏感肌"),
        ],
        [("Fragrance-free, tested on sensitive skin", "無香料，敏感肌測試", "无香料，敏感肌测试")],
        980,
    ),
    "serums": LeafWords(
        [
            ("vitamin C serum", "維他命C精華", "维他命C精华"),
            ("hyaluronic serum", "玻尿酸精華液", "玻尿酸精华液"),
        ],
        [("Brightening", "亮白", "亮白"), ("Repair", "修護", "修护")],
        [("Lightweight and absorbs fast", "質地輕盈好吸收", "质地轻盈好吸收")],
        1280,
    ),
    "lipstick": LeafWords(
        [("matte lipstick", "霧面口紅", "雾面口红"), ("lip tint", "唇釉", "唇釉")],
        [("Sakura", "櫻花", "樱花"), ("Long-wear", "持久", "持久")],
        [("Eight hours without touch-ups", "持色八小時", "持色八小时")],
        650,
    ),
}

LEAVES = list(LEAF_WORDS)
STORAGE = [64, 128, 256, 512]
PACK_GRAMS = [100, 150, 250, 300, 500]


@dataclass(frozen=True)
class Texts:
    title: str
    subtitle: str
    description: str
    language: int  # 0 English, 1 Traditional, 2 Simplified
    storage: int | None
    grams: int | None


def product_texts(leaf: str, index: int, *, brand: str, shop: str, rng: random.Random) -> Texts:
    """Title, subtitle and description of the ``index``-th product of a leaf, in one of the three
    languages (English, Traditional and Simplified in turn, starting with a different one in
    neighbouring leaves, so even one product per leaf shows all three)."""
    words = LEAF_WORDS[leaf]
    language = (index + LEAVES.index(leaf)) % 3
    noun = words.nouns[index % len(words.nouns)][language]
    adjective = words.adjectives[(index // len(words.nouns)) % len(words.adjectives)][language]
    storage = rng.choice(STORAGE) if words.suffix == "storage" else None
    grams = rng.choice(PACK_GRAMS) if words.suffix == "pack" else None
    parts = [brand] if brand else []
    if words.suffix == "storage":
        parts.append(MODELS[index % len(MODELS)])
    if language == 0:
        parts.append(f"{adjective} {noun}".strip())
    else:
        parts.append(f"{adjective}{noun}")
    if storage:
        parts.append(f"{storage}GB")
    if grams:
        parts.append(f"{grams}g")
    title = " ".join(parts)
    title = title[0].upper() + title[1:]
    pitch = words.pitch[index % len(words.pitch)]
    subtitle = pitch[language]
    description = _description(title, pitch, shop=shop, language=language)
    return Texts(title, subtitle, description, language, storage, grams)


_ABOUT = (
    "<p>{title} from {shop}. {pitch}.</p><ul><li>Ships within 2 working days</li>"
    "<li>7-day returns</li></ul>",
    "<p>{title}，由 {shop} 出貨。{pitch}。</p>"
    "<ul><li>兩個工作天內出貨</li><li>七天鑑賞期</li></ul>",
    "<p>{title}，由 {shop} 发货。{pitch}。</p>"
    "<ul><li>两个工作日内发货</li><li>七天无理由退货</li></ul>",
)


def _description(title: str, pitch: Words, *, shop: str, language: int) -> str:
    main = _ABOUT[language].format(title=title, shop=shop, pitch=pitch[language])
    if language == 0:
        return main
    return main + f'<p lang="en">{pitch[0]}.</p>'
