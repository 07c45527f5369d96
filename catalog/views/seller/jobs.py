"""CSV import and export: start a job, watch its progress (htmx polls every second until it is
done), download the export and the error report (row, column, message)."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.core.errors import DomainError
from marketplace.sellers.access import MANAGERS, seller_required

from ...forms import ImportForm
from ...models import JobStatus
from ...selectors_seller import job_for_shop_or_404, jobs_of_shop
from ...services import csv_io


@seller_required
def jobs_page(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    context = {
        "jobs": jobs_of_shop(shop=shop)[:20],
        "form": ImportForm(),
        "columns": csv_io.COLUMNS,
        "required": csv_io.REQUIRED,
    }
    return render(request, "catalog/seller/jobs.html", context)


@seller_required(roles=MANAGERS)
@require_POST
def job_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = csv_io.start_import(
                shop=request.shop,
                by=request.user,
                file=form.cleaned_data["file"],  # type: ignore[attr-defined]
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("catalog:seller-job", job_pk=job.pk)
    shop = request.shop  # type: ignore[attr-defined]
    context = {
        "jobs": jobs_of_shop(shop=shop)[:20],
        "form": form,
        "columns": csv_io.COLUMNS,
        "required": csv_io.REQUIRED,
    }
    return render(request, "catalog/seller/jobs.html", context, status=400)


@seller_required
@require_POST
def job_export(request: HttpRequest) -> HttpResponse:
    job = csv_io.start_export(shop=request.shop, by=request.user)  # type: ignore[attr-defined]
    messages.info(request, _("Export started."))
    return redirect("catalog:seller-job", job_pk=job.pk)


@seller_required
@require_GET
def job_detail(request: HttpRequest, job_pk: int) -> HttpResponse:
    job = job_for_shop_or_404(shop=request.shop, pk=job_pk)  # type: ignore[attr-defined]
    template = "catalog/seller/_job_progress.html" if request.htmx else "catalog/seller/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job, "running": _is_running(job.status)})


def _is_running(status: str) -> bool:
    return status in (JobStatus.QUEUED, JobStatus.RUNNING)


@seller_required
@require_GET
def job_errors(request: HttpRequest, job_pk: int) -> HttpResponse:
    job = job_for_shop_or_404(shop=request.shop, pk=job_pk)  # type: ignore[attr-defined]
    response = HttpResponse(
        csv_io.error_report_csv(job=job), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


@seller_required
@require_GET
def job_download(request: HttpRequest, job_pk: int) -> FileResponse:
    job = job_for_shop_or_404(shop=request.shop, pk=job_pk)  # type: ignore[attr-defined]
    if not job.result:
        raise Http404
    return FileResponse(
        job.result.open("rb"),
        as_attachment=True,
        filename=f"products-{job.shop.slug}-{job.pk}.csv",
        content_type="text/csv",
    )
