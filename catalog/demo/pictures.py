"""Demo product pictures drawn with Pillow: an 800x800 coloured card with a shape standing for
the department and the product's initials. Deterministic (the same title gives the same picture)
and quick, so the demo uploads go through ``catalog.services.images.add_image`` like anyone's.
"""

import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

SIZE = 800

# Background and shape colours by colour-option name (others come from the palette).
NAMED = {
    "black": (40, 40, 46),
    "white": (236, 236, 232),
    "navy": (30, 52, 96),
    "red": (200, 16, 46),
    "green": (46, 125, 80),
    "beige": (222, 204, 170),
    "pink": (236, 150, 180),
    "grey": (140, 144, 150),
    "midnight black": (28, 30, 38),
    "glacier white": (228, 236, 240),
    "ocean blue": (24, 96, 170),
    "sunset gold": (214, 160, 70),
    "rose": (214, 90, 120),
    "coral": (240, 120, 90),
    "ruby": (160, 20, 50),
    "nude": (214, 170, 150),
    "berry": (120, 30, 80),
}
PALETTE = [
    (11, 92, 173),
    (200, 16, 46),
    (138, 90, 0),
    (214, 51, 108),
    (46, 125, 80),
    (90, 70, 160),
    (0, 128, 128),
    (180, 100, 30),
]
# Top-level category slug -> shape drawn in the middle.
SHAPES = {
    "electronics": "rounded",
    "fashion": "shirt",
    "home-kitchen": "circle",
    "food-drink": "leaf",
    "beauty": "drop",
    "office-wholesale": "box",
}

_fonts: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}


def initials(*texts: str) -> str:
    """Up to two capital letters from the first text with ASCII words."""
    for text in texts:
        words = [w for w in text.replace("-", " ").split() if w[:1].isascii() and w[:1].isalpha()]
        if words:
            return "".join(word[0] for word in words[:2]).upper()
    return "?"


def picture_file(
    *, name: str, label: str, caption: str, colour: str, shape: str
) -> SimpleUploadedFile:
    """A JPEG upload of the card; ``colour`` is an option name or any text to pick a colour."""
    data = draw_card(label=label, caption=caption, colour=colour, shape=shape)
    return SimpleUploadedFile(f"{name}.jpg", data, content_type="image/jpeg")


def draw_card(*, label: str, caption: str, colour: str, shape: str) -> bytes:
    background = NAMED.get(colour.lower()) or PALETTE[zlib.crc32(colour.encode()) % len(PALETTE)]
    ink = (255, 255, 255) if sum(background) < 480 else (40, 40, 46)
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    lighter = tuple(min(255, c + 36) for c in background)
    _shape(draw, shape, fill=lighter, outline=ink)
    draw.text((SIZE / 2, SIZE / 2), label, font=_font(220), fill=ink, anchor="mm")
    draw.text((SIZE / 2, SIZE - 70), caption, font=_font(40), fill=ink, anchor="mm")
    out = BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _shape(draw: ImageDraw.ImageDraw, shape: str, *, fill: tuple, outline: tuple) -> None:
    box = (160, 160, 640, 640)
    if shape == "circle":
        draw.ellipse(box, fill=fill, outline=outline, width=6)
    elif shape == "shirt":
        points = [(250, 170), (330, 170), (400, 220), (470, 170), (550, 170), (660, 290),
                  (580, 350), (560, 330), (560, 640), (240, 640), (240, 330), (220, 350),
                  (140, 290)]  # fmt: skip
        draw.polygon(points, fill=fill, outline=outline, width=6)
    elif shape == "leaf":
        draw.ellipse((200, 140, 600, 660), fill=fill, outline=outline, width=6)
        draw.line((400, 150, 400, 650), fill=outline, width=6)
    elif shape == "drop":
        draw.polygon([(400, 130), (600, 430), (200, 430)], fill=fill)
        draw.ellipse((200, 300, 600, 660), fill=fill, outline=outline, width=6)
    elif shape == "box":
        draw.rectangle(box, fill=fill, outline=outline, width=6)
        draw.line((160, 300, 640, 300), fill=outline, width=6)
    else:
        draw.rounded_rectangle((230, 120, 570, 680), radius=48, fill=fill, outline=outline, width=6)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if size not in _fonts:
        _fonts[size] = ImageFont.load_default(size=size)
    return _fonts[size]
