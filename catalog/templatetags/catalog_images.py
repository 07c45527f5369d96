"""Product pictures in templates: ``{% load catalog_images %}{% product_img image "card" %}``
renders a <picture> with a WebP source and a JPEG fallback, srcset, width/height, alt text and
lazy loading. Options: ``alt="..."`` (defaults to the picture's own description),
``eager=True`` for the first picture above the fold, ``css="class names"``."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ..models import ProductImage
from ..services.images import image_srcset

register = template.Library()


@register.simple_tag
def product_img(
    image: ProductImage | str | None,
    size: str = "card",
    alt: str | None = None,
    eager: bool = False,
    css: str = "",
) -> SafeString | str:
    if not isinstance(image, ProductImage):  # None, or "" from |first of an empty gallery
        return ""
    picture = image_srcset(image, size)
    if picture is None:
        return ""
    return render_to_string(
        "catalog/images/_picture.html",
        {
            "picture": picture,
            "alt": image.alt if alt is None else alt,
            "eager": eager,
            "css": css,
        },
    )
