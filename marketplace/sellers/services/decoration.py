"""Every write of shop decoration: the merchant edits an ordered draft set of blocks (add, edit,
move, delete, carousel slides), then publishes it, which replaces the set shoppers see in one
transaction. A half-done layout is never public.

Every write locks the shop row first, so two editors never interleave positions. Block settings
are cleaned here (rich text through nh3, tabs and product ids normalised), never in templates.
Picture files are shared between a draft slide and its published copy, so a file is deleted only
once no slide row points at it any more.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import ShopError
from ..models import BlockKind, Shop, ShopBlock, ShopBlockImage
from .shops import check_can_manage_shop, clean_image, clean_rich_text, image_content

MAX_BLOCKS = 20
MAX_SLIDES = 8
MAX_TABS = 10
MAX_TAB_LENGTH = 30
MAX_FEATURED_PRODUCTS = 24
SLIDE_SIZE = (2400, 1000)


def _locked_shop(shop: Shop) -> Shop:
    return Shop.objects.select_for_update().get(pk=shop.pk)


def _check_draft(block: ShopBlock) -> None:
    if block.is_published:
        raise ShopError(
            _("Published blocks cannot be edited: change the draft, then publish it."),
            code="published_block",
        )


def _renumber(blocks: Iterable[ShopBlock]) -> None:
    changed = []
    for position, block in enumerate(blocks):
        if block.position != position:
            block.position = position
            changed.append(block)
    ShopBlock.objects.bulk_update(changed, ["position"])


def _draft_blocks(shop: Shop) -> list[ShopBlock]:
    return list(ShopBlock.objects.filter(shop=shop, is_published=False).order_by("position", "pk"))


# --- Blocks ---------------------------------------------------------------------------------


def default_config(kind: str) -> dict[str, Any]:
    return {
        BlockKind.FEATURED_PRODUCTS: {"product_ids": []},
        BlockKind.CATEGORY_TABS: {"tabs": []},
        BlockKind.RICH_TEXT: {"html": ""},
    }.get(kind, {})


def add_block(*, shop: Shop, by: Any, kind: str, title: str = "") -> ShopBlock:
    """A new block of ``kind`` ends the draft layout."""
    check_can_manage_shop(shop=shop, by=by)
    if kind not in BlockKind.values:
        raise ShopError(_("Choose a kind of block."), code="block_kind")
    with transaction.atomic():
        shop = _locked_shop(shop)
        drafts = _draft_blocks(shop)
        if len(drafts) >= MAX_BLOCKS:
            raise ShopError(
                _("A storefront has at most %(count)d blocks.") % {"count": MAX_BLOCKS},
                code="too_many_blocks",
            )
        return ShopBlock.objects.create(
            shop=shop,
            is_published=False,
            kind=kind,
            position=len(drafts),
            title=" ".join(title.split())[:100],
            config=default_config(kind),
        )


def clean_block_config(*, kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The block's settings as stored: only the keys its kind uses, cleaned."""
    if kind == BlockKind.RICH_TEXT:
        return {"html": clean_rich_text(html=str(settings.get("html", "")))}
    if kind == BlockKind.CATEGORY_TABS:
        tabs: list[str] = []
        for raw in settings.get("tabs", []):
            tab = " ".join(str(raw).split())[:MAX_TAB_LENGTH]
            if tab and tab.casefold() not in {t.casefold() for t in tabs}:
                tabs.append(tab)
        if len(tabs) > MAX_TABS:
            raise ShopError(
                _("At most %(count)d tabs.") % {"count": MAX_TABS}, code="too_many_tabs"
            )
        return {"tabs": tabs}
    if kind == BlockKind.FEATURED_PRODUCTS:
        ids: list[int] = []
        for raw in settings.get("product_ids", []):
            try:
                product_id = int(str(raw).strip())
            except ValueError:
                raise ShopError(
                    _("Product numbers are whole numbers, like 42."), code="product_ids"
                ) from None
            if product_id > 0 and product_id not in ids:
                ids.append(product_id)
        if len(ids) > MAX_FEATURED_PRODUCTS:
            raise ShopError(
                _("At most %(count)d featured products.") % {"count": MAX_FEATURED_PRODUCTS},
                code="too_many_products",
            )
        return {"product_ids": ids}
    return {}


def update_block(
    *, block: ShopBlock, by: Any, title: str, settings: dict[str, Any] | None = None
) -> ShopBlock:
    """The draft block has the new heading and settings."""
    check_can_manage_shop(shop=block.shop, by=by)
    _check_draft(block)
    config = clean_block_config(kind=block.kind, settings=settings or {})
    with transaction.atomic():
        _locked_shop(block.shop)
        block.title = " ".join((title or "").split())[:100]
        block.config = config
        block.save(update_fields=["title", "config"])
    return block


def move_block(*, block: ShopBlock, by: Any, direction: str) -> ShopBlock:
    """The draft block swaps places with its neighbour above (``up``) or below (``down``)."""
    check_can_manage_shop(shop=block.shop, by=by)
    _check_draft(block)
    if direction not in ("up", "down"):
        raise ShopError(_("Move a block up or down."), code="direction")
    with transaction.atomic():
        blocks = _draft_blocks(_locked_shop(block.shop))
        index = next((i for i, b in enumerate(blocks) if b.pk == block.pk), None)
        if index is None:  # deleted in another tab meanwhile
            raise ShopError(_("This block no longer exists."), code="block_gone")
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(blocks):
            blocks[index], blocks[other] = blocks[other], blocks[index]
        _renumber(blocks)
    block.position = next(b.position for b in blocks if b.pk == block.pk)
    return block


def delete_block(*, block: ShopBlock, by: Any) -> None:
    """The draft block and its slides are gone; the others close up."""
    check_can_manage_shop(shop=block.shop, by=by)
    _check_draft(block)
    with transaction.atomic():
        shop = _locked_shop(block.shop)
        names = list(block.images.values_list("image", flat=True))
        block.delete()
        _renumber(_draft_blocks(shop))
        _delete_unused_files_on_commit(names)


# --- Carousel slides ------------------------------------------------------------------------


def _clean_link(link: str) -> str:
    link = (link or "").strip()
    if not link:
        return ""
    if link.startswith("/") and not link.startswith("//"):
        return link[:300]
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        raise ShopError(
            _("A link is a page of this site (starting with /) or a web address."), code="link"
        ) from None
    return link[:300]


def add_slide(
    *, block: ShopBlock, by: Any, image: UploadedFile, link: str = "", alt_text: str = ""
) -> ShopBlockImage:
    """The picture, cleaned and scaled, is the last slide of the draft carousel."""
    check_can_manage_shop(shop=block.shop, by=by)
    _check_draft(block)
    if block.kind != BlockKind.BANNER_CAROUSEL:
        raise ShopError(_("Only a banner carousel has slides."), code="not_carousel")
    link = _clean_link(link)
    picture = clean_image(file=image, max_size=SLIDE_SIZE)
    with transaction.atomic():
        _locked_shop(block.shop)
        count = block.images.count()
        if count >= MAX_SLIDES:
            raise ShopError(
                _("A carousel has at most %(count)d slides.") % {"count": MAX_SLIDES},
                code="too_many_slides",
            )
        slide = ShopBlockImage(
            block=block, link=link, alt_text=" ".join(alt_text.split())[:150], position=count
        )
        content = image_content(image=picture)
        slide.image.save(content.name, content, save=False)
        slide.save()
    return slide


def delete_slide(*, slide: ShopBlockImage, by: Any) -> None:
    """The slide is gone from the draft carousel (its file too, once nothing uses it)."""
    block = slide.block
    check_can_manage_shop(shop=block.shop, by=by)
    _check_draft(block)
    with transaction.atomic():
        _locked_shop(block.shop)
        name = slide.image.name
        slide.delete()
        for position, other in enumerate(block.images.order_by("position", "pk")):
            if other.position != position:
                ShopBlockImage.objects.filter(pk=other.pk).update(position=position)
        _delete_unused_files_on_commit([name])


def _delete_unused_files_on_commit(names: Iterable[str]) -> None:
    names = [name for name in names if name]
    if not names:
        return
    storage = ShopBlockImage._meta.get_field("image").storage  # type: ignore[attr-defined]

    def delete() -> None:
        used = set(ShopBlockImage.objects.filter(image__in=names).values_list("image", flat=True))
        for name in set(names) - used:
            storage.delete(name)

    transaction.on_commit(delete)


# --- Publishing -----------------------------------------------------------------------------


def publish_decoration(*, shop: Shop, by: Any, now: datetime | None = None) -> Shop:
    """Shoppers see exactly the draft layout: the published set is replaced by a copy of the
    drafts (slides included) in one transaction."""
    check_can_manage_shop(shop=shop, by=by)
    now = now or timezone.now()
    with transaction.atomic():
        shop = _locked_shop(shop)
        published = ShopBlock.objects.filter(shop=shop, is_published=True)
        old_names = list(
            ShopBlockImage.objects.filter(block__in=published).values_list("image", flat=True)
        )
        published.delete()
        drafts = ShopBlock.objects.filter(shop=shop, is_published=False).prefetch_related("images")
        for draft in drafts.order_by("position", "pk"):
            copy = ShopBlock.objects.create(
                shop=shop,
                is_published=True,
                kind=draft.kind,
                position=draft.position,
                title=draft.title,
                config=draft.config,
            )
            ShopBlockImage.objects.bulk_create(
                ShopBlockImage(
                    block=copy,
                    image=slide.image.name,
                    link=slide.link,
                    alt_text=slide.alt_text,
                    position=slide.position,
                )
                for slide in draft.images.all()
            )
        shop.published_at = now
        shop.save(update_fields=["published_at"])
        _delete_unused_files_on_commit(old_names)
    return shop
