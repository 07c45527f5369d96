"""Product pictures: verified and re-encoded into three sizes in WebP and JPEG; non-images and
decompression bombs refused before anything is stored; gallery order; the <picture> tag."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from catalog.errors import ImageError
from catalog.models import ProductImage
from catalog.services import images
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def picture(name="photo.png", size=(1600, 1000), format="PNG", mode="RGB"):
    out = BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else 0).save(out, format=format)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{format.lower()}")


def test_an_upload_is_stored_in_three_sizes_in_webp_and_jpeg(media):
    product = ProductFactory()
    image = images.add_image(product=product, file=picture(), alt="Red shirt")
    assert (image.width, image.height) == (1600, 1000)
    assert image.original.name.startswith(f"products/{product.pk}/")
    expected = {"thumb": (200, 125), "card": (480, 300), "zoom": (1200, 750)}
    assert set(image.renditions) == set(expected)
    for name, size in expected.items():
        rendition = image.renditions[name]
        assert (rendition["width"], rendition["height"]) == size
        for kind, format in (("jpeg", "JPEG"), ("webp", "WEBP")):
            path = rendition[kind]
            assert path.startswith(f"products/{product.pk}/")
            with default_storage.open(path) as file, Image.open(file) as stored:
                assert (stored.format, stored.size) == (format, size)


def test_a_small_picture_is_not_enlarged():
    image = images.add_image(product=ProductFactory(), file=picture(size=(300, 150)))
    assert image.renditions["zoom"]["width"] == 300
    assert image.renditions["thumb"]["width"] == 200


def test_html_renamed_to_jpg_is_refused_and_nothing_stored(media):
    page = SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    with pytest.raises(ImageError) as caught:
        images.add_image(product=ProductFactory(), file=page)
    assert caught.value.code == "not_an_image"
    assert "photo.jpg" in caught.value.message
    assert not ProductImage.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_a_pdf_is_refused():
    with pytest.raises(ImageError):
        images.add_image(product=ProductFactory(), file=picture("a.pdf", format="PDF"))


def test_a_decompression_bomb_is_refused(media):
    # 10,000 x 10,000 one-bit pixels: a few kilobytes on disk, 100 megapixels once unpacked.
    bomb = picture("bomb.png", size=(10_000, 10_000), mode="1")
    assert bomb.size < 100_000
    with pytest.raises(ImageError) as caught:
        images.add_image(product=ProductFactory(), file=bomb)
    assert caught.value.code == "decompression_bomb"
    assert not ProductImage.objects.exists()


def test_pillow_bomb_errors_are_refused_too(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # Pillow refuses above twice this
    with pytest.raises(ImageError) as caught:
        images.add_image(product=ProductFactory(), file=picture(size=(100, 100)))
    assert caught.value.code == "decompression_bomb"


def test_a_too_large_file_is_refused(settings):
    settings.PRODUCT_IMAGE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ImageError) as caught:
        images.add_image(product=ProductFactory(), file=picture())
    assert caught.value.code == "image_too_large"


def test_exif_is_stripped():
    out = BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Secret Artist"
    Image.new("RGB", (50, 50), "blue").save(out, format="JPEG", exif=exif.tobytes())
    upload = SimpleUploadedFile("a.jpg", out.getvalue(), content_type="image/jpeg")
    image = images.add_image(product=ProductFactory(), file=upload)
    with default_storage.open(image.renditions["card"]["jpeg"]) as file:
        assert b"Secret Artist" not in file.read()


def test_gallery_order_follows_moves_and_positions():
    product = ProductFactory()
    a, b, c = (images.add_image(product=product, file=picture(size=(20, 20))) for _ in range(3))
    images.move_image(image=c, step=-1)
    assert list(product.images.values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]
    images.reorder_images(product=product, image_ids=[b.pk, a.pk])
    assert list(product.images.values_list("pk", flat=True)) == [b.pk, a.pk, c.pk]


def test_delete_image_removes_its_files(django_capture_on_commit_callbacks):
    image = images.add_image(product=ProductFactory(), file=picture(size=(20, 20)))
    path = image.renditions["card"]["webp"]
    with django_capture_on_commit_callbacks(execute=True):
        images.delete_image(image=image)
    assert not ProductImage.objects.exists()
    assert not default_storage.exists(path)


def test_product_img_renders_a_picture_with_webp_source_and_lazy_jpeg():
    image = images.add_image(product=ProductFactory(), file=picture(), alt="Red <shirt>")
    html = Template('{% load catalog_images %}{% product_img image "card" %}').render(
        Context({"image": image})
    )
    card, zoom = image.renditions["card"], image.renditions["zoom"]
    assert html.startswith("<picture>")
    assert (
        f'<source type="image/webp" srcset="/media/{card["webp"]} 480w, '
        f'/media/{zoom["webp"]} 1200w"'
    ) in html
    assert f'src="/media/{card["jpeg"]}"' in html
    assert 'width="480" height="300"' in html
    assert 'alt="Red &lt;shirt&gt;"' in html
    assert 'loading="lazy"' in html


def test_product_img_of_nothing_renders_nothing():
    html = Template('{% load catalog_images %}{% product_img image "thumb" %}').render(
        Context({"image": None})
    )
    assert html == ""


def test_a_small_picture_lists_each_width_once_in_srcset():
    image = images.add_image(product=ProductFactory(), file=picture(size=(150, 100)))
    srcset = images.image_srcset(image, "thumb")
    assert srcset.jpeg_srcset.count(" 150w") == 1
    assert (srcset.width, srcset.height) == (150, 100)
