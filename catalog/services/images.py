"""Product pictures: each upload is judged by its content, re-encoded from its pixels with Pillow
(no EXIF, no hidden payload) and stored as three sizes in WebP and JPEG under
``products/<product id>/<image id>/``; the gallery order; and ``image_srcset`` for templates.

A file that is not a JPEG, PNG, WebP or GIF picture (an HTML page renamed .jpg, say), one that is
too large, and a decompression bomb (a small file that unpacks to a huge bitmap) are refused with
``ImageError`` before anything is stored. This module never trusts a file name or content type.
"""

import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import ImageError
from ..models import Product, ProductImage

# name -> longest side in pixels
SIZES = {"thumb": 200, "card": 480, "zoom": 1200}
ORIGINAL_MAX_SIDE = 2400
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000
MAX_IMAGES_PER_PRODUCT = 20


def max_image_bytes() -> int:
    return int(getattr(settings, "PRODUCT_IMAGE_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def _read_pixels(file: UploadedFile) -> Image.Image:
    """The upload's pixels as an RGB image, upright; or ``ImageError``."""
    limit = max_image_bytes()
    too_large = ImageError(
        _("The picture is too large: at most %(mb)s MB.") % {"mb": f"{limit / 2**20:g}"},
        code="image_too_large",
    )
    if file.size is not None and file.size > limit:
        raise too_large
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    not_a_picture = ImageError(
        _("“%(name)s” is not a picture: upload a JPEG, PNG, WebP or GIF image.")
        % {"name": getattr(file, "name", "") or _("The file")},
        code="not_an_image",
    )
    bomb = ImageError(
        _("“%(name)s” has too many pixels (at most %(mp)s megapixels).")
        % {"name": getattr(file, "name", ""), "mp": MAX_SOURCE_PIXELS // 1_000_000},
        code="decompression_bomb",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_a_picture
                width, height = probe.size
                if width * height > MAX_SOURCE_PIXELS:
                    raise bomb
                probe.verify()
            with Image.open(BytesIO(data)) as image:
                image.seek(0)
                upright = ImageOps.exif_transpose(image)
                if upright.mode in ("RGBA", "LA", "PA", "P") or "transparency" in upright.info:
                    rgba = upright.convert("RGBA")
                    flat = Image.new("RGB", rgba.size, (255, 255, 255))
                    flat.paste(rgba, mask=rgba.getchannel("A"))
                    return flat
                return upright.convert("RGB")
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_a_picture from None


@dataclass(frozen=True)
class Encoded:
    width: int
    height: int
    jpeg: bytes
    webp: bytes


def _encode(pixels: Image.Image, longest_side: int, *, webp: bool = True) -> Encoded:
    picture = pixels.copy()
    picture.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    jpeg_out, webp_out = BytesIO(), BytesIO()
    picture.save(jpeg_out, format="JPEG", quality=85, optimize=True, progressive=True)
    if webp:
        picture.save(webp_out, format="WEBP", quality=80, method=4)
    return Encoded(picture.width, picture.height, jpeg_out.getvalue(), webp_out.getvalue())


def add_image(*, product: Product, file: UploadedFile, alt: str = "") -> ProductImage:
    """The picture joins the end of the product's gallery, in every size and both formats."""
    if product.images.count() >= MAX_IMAGES_PER_PRODUCT:
        raise ImageError(
            _("A product has at most %(max)s pictures.") % {"max": MAX_IMAGES_PER_PRODUCT},
            code="too_many_images",
        )
    pixels = _read_pixels(file)
    folder = f"products/{product.pk}/{uuid.uuid4().hex}"
    original = _encode(pixels, ORIGINAL_MAX_SIDE, webp=False)  # only the JPEG is kept
    stored = [default_storage.save(f"{folder}/original.jpg", ContentFile(original.jpeg))]
    renditions: dict[str, dict[str, Any]] = {}
    for name, side in SIZES.items():
        encoded = _encode(pixels, side)
        jpeg = default_storage.save(f"{folder}/{name}.jpg", ContentFile(encoded.jpeg))
        webp = default_storage.save(f"{folder}/{name}.webp", ContentFile(encoded.webp))
        stored += [jpeg, webp]
        renditions[name] = {
            "width": encoded.width,
            "height": encoded.height,
            "jpeg": jpeg,
            "webp": webp,
        }
    try:
        with transaction.atomic():
            top = product.images.aggregate(top=Max("position"))["top"]
            image = ProductImage(
                product=product,
                width=original.width,
                height=original.height,
                renditions=renditions,
                alt=alt.strip()[:200],
                position=0 if top is None else top + 1,
            )
            image.original.name = stored[0]
            image.save()
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return image


def stored_files(image: ProductImage) -> list[str]:
    """Every storage path of the picture: the original and each rendition."""
    renditions = (image.renditions or {}).values()
    paths = [r.get(kind) for r in renditions for kind in ("jpeg", "webp")]
    return [name for name in [image.original.name, *paths] if name]


def delete_files_on_commit(names: Sequence[str]) -> None:
    """The files go once the rows that pointed at them are gone for good."""
    names = list(names)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def delete_image(*, image: ProductImage) -> None:
    """The picture and all its files are gone (files once the row is)."""
    names = stored_files(image)
    with transaction.atomic():
        image.delete()
        delete_files_on_commit(names)


def reorder_images(*, product: Product, image_ids: Sequence[int]) -> None:
    """The gallery follows ``image_ids``; pictures left out keep their order after them."""
    images = list(product.images.all())
    by_id = {image.pk: image for image in images}
    order = [by_id[pk] for pk in dict.fromkeys(image_ids) if pk in by_id]
    order += [image for image in images if image not in order]
    with transaction.atomic():
        for position, image in enumerate(order):
            if image.position != position:
                image.position = position
                image.save(update_fields=["position"])


def move_image(*, image: ProductImage, step: int) -> None:
    """The picture moves ``step`` places (-1 earlier, +1 later) in its gallery."""
    ids = list(image.product.images.values_list("pk", flat=True))
    index = ids.index(image.pk)
    target = min(max(index + step, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    reorder_images(product=image.product, image_ids=ids)


def set_alt_text(*, image: ProductImage, alt: str) -> None:
    image.alt = alt.strip()[:200]
    image.save(update_fields=["alt"])


# --- For templates --------------------------------------------------------------------------


@dataclass(frozen=True)
class Srcset:
    src: str
    width: int
    height: int
    jpeg_srcset: str
    webp_srcset: str
    sizes: str


def image_srcset(image: ProductImage, size: str = "card") -> Srcset | None:
    """What a <picture> needs to show ``image`` at ``size`` and larger renditions on dense
    screens; None if the picture has no renditions."""
    renditions = image.renditions or {}
    if size not in SIZES:
        raise ValueError(f"Unknown image size {size!r}; choose one of {sorted(SIZES)}.")
    chosen = renditions.get(size)
    if not chosen:
        return None
    # The chosen size and the larger ones, one per width (a small upload has equal renditions).
    ladder, widths = [chosen], {chosen["width"]}
    for name in SIZES:
        rendition = renditions.get(name)
        if rendition and rendition["width"] not in widths and rendition["width"] > chosen["width"]:
            ladder.append(rendition)
            widths.add(rendition["width"])

    def srcset(kind: str) -> str:
        return ", ".join(f"{default_storage.url(r[kind])} {r['width']}w" for r in ladder)

    return Srcset(
        src=default_storage.url(chosen["jpeg"]),
        width=chosen["width"],
        height=chosen["height"],
        jpeg_srcset=srcset("jpeg"),
        webp_srcset=srcset("webp"),
        sizes=f"(max-width: {chosen['width']}px) 100vw, {chosen['width']}px",
    )
