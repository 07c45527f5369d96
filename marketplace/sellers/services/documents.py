"""Qualification documents: checking an upload by its content, storing it privately on the
application, and the daily expiry check (warnings, then stopping expired brand authorisations).

Files are judged by their bytes, never by their name or the browser's content type, and images
are re-encoded so their metadata (location, camera, author) never reaches the platform's storage.
Nothing here serves a file: ``views/documents.py`` does, after ``selectors`` checked the reader.
"""

import datetime
import uuid
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DocumentError
from ..events import qualification_expiring
from ..models import (
    ApplicationBrand,
    DocumentType,
    MerchantApplication,
    QualificationDocument,
)
from .brands import revoke_expired_brand_authorisations
from .onboarding import check_can_edit

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
EXPIRY_WARNING_DAYS = 30

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
_SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG"}
_EXTENSION = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
_KEPT_MODES = {"JPEG": ("RGB", "L"), "PNG": ("RGB", "RGBA", "L", "LA")}


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str

    @property
    def extension(self) -> str:
        return _EXTENSION[self.content_type]


def max_upload_bytes() -> int:
    return int(getattr(settings, "QUALIFICATION_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def checked_upload(*, file: UploadedFile) -> CheckedFile:
    """The upload as a clean PDF, JPEG or PNG under the size limit, or ``DocumentError``."""
    limit = max_upload_bytes()
    if file.size is None or file.size > limit:
        raise DocumentError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": _megabytes(limit)},
            code="file_too_large",
        )
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise DocumentError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": _megabytes(limit)},
            code="file_too_large",
        )
    content_type = next((kind for sig, kind in _SIGNATURES if data.startswith(sig)), None)
    if content_type is None:
        raise DocumentError(
            _("Upload a PDF, JPEG or PNG file (judged by its content, not its name)."),
            code="file_type",
        )
    if content_type == PDF:
        if b"%%EOF" not in data[-2048:]:
            raise DocumentError(_("This PDF is incomplete or damaged."), code="file_damaged")
        return CheckedFile(content=data, content_type=PDF)
    return CheckedFile(content=_clean_image(data, content_type), content_type=content_type)


def _clean_image(data: bytes, content_type: str) -> bytes:
    """The picture alone, re-encoded: EXIF, text chunks and comments are left behind."""
    pillow_format = _PILLOW_FORMAT[content_type]
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.format != pillow_format:
                raise DocumentError(_("This image is damaged."), code="file_damaged")
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in _KEPT_MODES[pillow_format]:
                upright = upright.convert("RGB" if pillow_format == "JPEG" else "RGBA")
            pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    except DocumentError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DocumentError(_("This image is damaged."), code="file_damaged") from None
    out = BytesIO()
    pixels.save(out, format=pillow_format, **({"quality": 90} if pillow_format == "JPEG" else {}))
    return out.getvalue()


def _megabytes(size: int) -> str:
    return f"{size / 2**20:g}"


def upload_document(
    *,
    application: MerchantApplication,
    by: Any,
    document_type: str,
    file: UploadedFile,
    number: str = "",
    issuer: str = "",
    expires_on: datetime.date | None = None,
    brand: ApplicationBrand | None = None,
    today: datetime.date | None = None,
) -> QualificationDocument:
    """The checked file is the application's document of that type (and brand), replacing any
    earlier upload of the same slot."""
    check_can_edit(application=application, by=by)
    if document_type not in DocumentType.values:
        raise DocumentError(_("Choose a document type."), code="document_type")
    if brand is not None and brand.application_id != application.pk:
        raise DocumentError(_("This brand is not in your application."), code="brand")
    today = today or timezone.localdate()
    if expires_on is not None and expires_on < today:
        raise DocumentError(_("This document has already expired."), code="expired")
    if document_type == DocumentType.BRAND_AUTHORISATION and expires_on is None:
        raise DocumentError(
            _("Give the date the brand authorisation ends."), code="expiry_required"
        )
    checked = checked_upload(file=file)
    with transaction.atomic():
        replaced = list(
            QualificationDocument.objects.select_for_update().filter(
                application=application, document_type=document_type, brand=brand
            )
        )
        document = QualificationDocument(
            application=application,
            document_type=document_type,
            brand=brand,
            original_name=(file.name or "")[-255:],
            content_type=checked.content_type,
            size=len(checked.content),
            number=number,
            issuer=issuer,
            expires_on=expires_on,
        )
        document.file.save(
            f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(checked.content), save=False
        )
        document.save()
        for old in replaced:
            _delete_with_file(old)
    return document


def remove_document(*, document: QualificationDocument, by: Any) -> None:
    """The document and its file are gone from an application still being edited."""
    check_can_edit(application=document.application, by=by)
    with transaction.atomic():
        _delete_with_file(document)


def _delete_with_file(document: QualificationDocument) -> None:
    name, storage = document.file.name, document.file.storage
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@dataclass(frozen=True)
class ExpiryCheck:
    warned: int
    revoked: int


def check_qualification_expiry(*, today: datetime.date) -> ExpiryCheck:
    """Approved merchants are warned once about each document expiring within 30 days, and brand
    authorisations past their end stop (once). Running it again the same day sends nothing."""
    now = timezone.now()
    horizon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    due = QualificationDocument.objects.filter(
        application__merchant__isnull=False,
        expires_on__gte=today,
        expires_on__lte=horizon,
        expiry_warned_at__isnull=True,
    ).values_list("pk", "expires_on")
    warned = 0
    with transaction.atomic():
        for document_id, expires_on in due:
            claimed = QualificationDocument.objects.filter(
                pk=document_id, expiry_warned_at__isnull=True
            ).update(expiry_warned_at=now)
            if claimed:
                warned += 1
                _send_expiring(document_id=document_id, days_left=(expires_on - today).days)
        revoked = revoke_expired_brand_authorisations(today=today, now=now)
    return ExpiryCheck(warned=warned, revoked=revoked)


def _send_expiring(*, document_id: int, days_left: int) -> None:
    transaction.on_commit(
        lambda: qualification_expiring.send(
            sender=QualificationDocument, document_id=document_id, days_left=days_left
        )
    )
