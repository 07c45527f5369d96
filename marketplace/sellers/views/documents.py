"""Qualification documents: the private download, and the merchant's qualifications page.

Files are handed out only here, and only to readers ``selectors.onboarding`` allows; everyone
else gets 404, the same answer as for a document that does not exist.
"""

import datetime

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..access import seller_required
from ..models import QualificationDocument
from ..selectors.onboarding import (
    brands_of_merchant,
    document_for_reader_or_404,
    documents_of_merchant,
)
from ..services.documents import EXPIRY_WARNING_DAYS, PDF

_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@require_GET
def document(request: HttpRequest, pk: int) -> FileResponse:
    """The file itself: PDFs as a download, images shown in the browser."""
    found: QualificationDocument = document_for_reader_or_404(pk=pk, user=request.user)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=found.content_type == PDF,
        filename=f"{found.document_type}-{found.pk}.{_EXTENSIONS.get(found.content_type, 'bin')}",
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@seller_required
def qualifications(request: HttpRequest) -> HttpResponse:
    """The merchant's documents and brands, with what expires when."""
    today = timezone.localdate()
    context = {
        "documents": documents_of_merchant(merchant=request.merchant),  # type: ignore[attr-defined]
        "brands": brands_of_merchant(merchant=request.merchant),  # type: ignore[attr-defined]
        "today": today,
        "soon": today + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
    }
    return render(request, "sellers/apply/qualifications.html", context)
