"""CSV import and export of a shop's products as background jobs (``ProductJob``).

The format has one row per variant; rows with the same ``handle`` (the product's web address)
make one product, whose own columns are read from its first row. An import checks all of a
product's rows before it writes any, and writes each product in its own transaction, so a product
with any bad row is not imported at all while the others are. Every problem is recorded as
(row, column, message) for the downloadable error report. Export writes the same columns, so an
exported file imports back unchanged. Cells that a spreadsheet would run as a formula are written
with a leading quote and read back without it (``marketplace.core.csv``). Files live in private
storage; views hand them out.
"""

import csv
import io
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.csv import escape_row
from marketplace.notifications.outbox import enqueue
from marketplace.sellers.models import Shop

from ...errors import ImportJobError
from ...models import JobKind, JobStatus, ProductJob
from .columns import COLUMNS, REQUIRED
from .exporter import export_products
from .importer import import_products

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "RUN_PRODUCT_JOB",
    "error_report_csv",
    "run_job",
    "start_export",
    "start_import",
]

# The task's registered name: tasks import this module, so it is named rather than imported.
RUN_PRODUCT_JOB = "catalog.tasks.run_product_job"
MAX_BYTES = 5 * 1024 * 1024


def start_import(*, shop: Shop, by: Any, file: UploadedFile) -> ProductJob:
    """A queued import of the uploaded CSV; a worker runs it once this transaction commits."""
    if file.size is not None and file.size > MAX_BYTES:
        raise ImportJobError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": MAX_BYTES // 2**20},
            code="too_large",
        )
    data = file.read(MAX_BYTES + 1)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportJobError(_("Save the file as CSV in UTF-8."), code="encoding") from None
    with transaction.atomic():
        job = ProductJob(shop=shop, kind=JobKind.IMPORT, created_by=by)
        job.source.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
        job.save()
        enqueue(task=RUN_PRODUCT_JOB, queue="reports", job_id=job.pk)
    return job


def start_export(*, shop: Shop, by: Any) -> ProductJob:
    """A queued export of all the shop's products."""
    with transaction.atomic():
        job = ProductJob.objects.create(shop=shop, kind=JobKind.EXPORT, created_by=by)
        enqueue(task=RUN_PRODUCT_JOB, queue="reports", job_id=job.pk)
    return job


def run_job(*, job_id: int) -> ProductJob | None:
    """The queued job runs once; a job already started or finished is left alone."""
    if not ProductJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING
    ):
        return None
    job = ProductJob.objects.select_related("shop__merchant", "created_by").get(pk=job_id)
    try:
        if job.kind == JobKind.IMPORT:
            import_products(job=job)
        else:
            export_products(job=job)
        job.status = JobStatus.FAILED if job.status == JobStatus.FAILED else JobStatus.DONE
        job.finished_at = timezone.now()
        job.save()
    except BaseException:
        # Leave no job spinning forever; the error itself still reaches the worker's log.
        ProductJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, finished_at=timezone.now()
        )
        raise
    return job


def error_report_csv(*, job: ProductJob) -> str:
    """The job's problems as CSV: row, column, message. Messages quote the merchant's cells (a
    SKU, a price), so every cell is escaped against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "column", "message"])
    for error in job.errors:
        writer.writerow(
            escape_row([error.get("row", ""), error.get("column", ""), error.get("message", "")])
        )
    return out.getvalue()
