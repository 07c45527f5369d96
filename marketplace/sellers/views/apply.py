"""The application wizard at /seller/apply/: start or resume, one page per step, review and
submit, and the status page while staff review. Views parse and call services; the rules live
in ``services/onboarding.py``.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..errors import SellerError
from ..forms.onboarding import STEP_FORMS, BrandForm, DocumentForm
from ..models import ApplicationStatus, DocumentType, MerchantApplication
from ..selectors.onboarding import (
    STEP_SLUGS,
    STEPS,
    Step,
    application_history,
    application_problems,
    completed_steps,
    document_slots,
    extra_documents,
    first_incomplete_step,
    is_merchant_member,
    latest_application_for,
    open_application_for,
    step_for,
)
from ..services.documents import max_upload_bytes, remove_document, upload_document
from ..services.onboarding import (
    add_application_brand,
    remove_application_brand,
    save_application_details,
    start_application,
    submit_application,
)


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    """Start a new application, resume a draft, or see where a submitted one stands."""
    if is_merchant_member(user=request.user):
        return redirect("sellers:dashboard")
    if request.method == "POST":
        try:
            application = start_application(applicant=request.user)
        except SellerError as error:
            messages.error(request, error.message)
            return redirect("sellers:apply")
        return redirect(
            "sellers:apply-step", step=first_incomplete_step(application=application).slug
        )
    application = latest_application_for(user=request.user)
    if application is not None and application.status == ApplicationStatus.DRAFT:
        return redirect(
            "sellers:apply-step", step=first_incomplete_step(application=application).slug
        )
    context: dict[str, Any] = {"application": application}
    if application is not None:
        context["history"] = application_history(application=application)
    if application is None or application.status == ApplicationStatus.REJECTED:
        return render(request, "sellers/apply/start.html", context)
    context["steps"] = _progress(application, current=None)
    return render(request, "sellers/apply/status.html", context)


@login_required
def apply_step(request: HttpRequest, step: str) -> HttpResponse:
    """One step of the wizard; POST saves it to the application."""
    if step not in STEP_SLUGS:
        raise Http404
    application = open_application_for(user=request.user)
    if application is None or not application.is_editable:
        return redirect("sellers:apply")
    current = step_for(step)
    handler = {"brands": _brands_step, "documents": _documents_step, "review": _review_step}.get(
        step, _details_step
    )
    return handler(request, application, current)


def _details_step(
    request: HttpRequest, application: MerchantApplication, step: Step
) -> HttpResponse:
    form_class = STEP_FORMS[step.slug]
    later = "later" in request.POST
    form = form_class(request.POST or None, instance=application, partial=later)
    if request.method == "POST" and form.is_valid():
        try:
            save_application_details(
                application=application, by=request.user, details=form.cleaned_data
            )
        except SellerError as error:
            form.add_error(None, error.message)
        else:
            return _after_save(request, step, later=later)
    return _render_step(request, application, step, {"form": form})


def _brands_step(
    request: HttpRequest, application: MerchantApplication, step: Step
) -> HttpResponse:
    form = BrandForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                brand = application.brands.filter(pk=_int(request.POST["remove"])).first()
                if brand is not None:
                    remove_application_brand(brand=brand, by=request.user)
                    messages.success(request, _("Brand removed."))
                return redirect("sellers:apply-step", step=step.slug)
            if "add" in request.POST and form.is_valid():
                add_application_brand(application=application, by=request.user, **form.cleaned_data)
                messages.success(request, _("Brand added."))
                return redirect("sellers:apply-step", step=step.slug)
            if "add" not in request.POST:
                return _after_save(request, step, later="later" in request.POST)
        except SellerError as error:
            form.add_error(None, error.message)
    return _render_step(
        request, application, step, {"form": form, "brands": application.brands.order_by("name")}
    )


def _documents_step(
    request: HttpRequest, application: MerchantApplication, step: Step
) -> HttpResponse:
    slots = document_slots(application=application)
    target = request.POST.get("upload", "")
    forms = {
        slot.key: DocumentForm(
            request.POST if target == slot.key else None,
            request.FILES if target == slot.key else None,
            prefix=slot.key,
            expiry_required=slot.document_type == DocumentType.BRAND_AUTHORISATION,
        )
        for slot in slots
    }
    if request.method == "POST":
        if "remove" in request.POST:
            document = application.documents.filter(pk=_int(request.POST["remove"])).first()
            if document is not None:
                _try(
                    request,
                    lambda: remove_document(document=document, by=request.user),
                    _("Document removed."),
                )
            return redirect("sellers:apply-step", step=step.slug)
        slot = next((slot for slot in slots if slot.key == target), None)
        if slot is None:
            return _after_save(request, step, later="later" in request.POST)
        form = forms[slot.key]
        if form.is_valid():
            try:
                upload_document(
                    application=application,
                    by=request.user,
                    document_type=slot.document_type,
                    brand=slot.brand,
                    **form.cleaned_data,
                )
            except SellerError as error:
                form.add_error("file", error.message)
            else:
                messages.success(request, _("%(document)s uploaded.") % {"document": slot.label})
                return redirect("sellers:apply-step", step=step.slug)
    context = {
        "slots": [(slot, forms[slot.key]) for slot in slots],
        "extra_documents": extra_documents(application=application, slots=slots),
        "max_upload_mb": f"{max_upload_bytes() / 2**20:g}",
    }
    return _render_step(request, application, step, context)


def _review_step(
    request: HttpRequest, application: MerchantApplication, step: Step
) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            submit_application(application=application, by=request.user)
        except SellerError as refused:
            error = refused.message
        else:
            messages.success(
                request, _("Your application has been sent. We will let you know the outcome.")
            )
            return redirect("sellers:apply")
    context = {
        "error": error,
        "problems": application_problems(application=application),
        "slots": document_slots(application=application),
        "brands": application.brands.order_by("name"),
    }
    return _render_step(request, application, step, context)


def _render_step(
    request: HttpRequest, application: MerchantApplication, step: Step, context: dict[str, Any]
) -> HttpResponse:
    index = STEP_SLUGS.index(step.slug)
    context = {
        **context,
        "application": application,
        "step": step,
        "steps": _progress(application, current=step.slug),
        "step_number": index + 1,
        "step_count": len(STEPS),
        "previous_step": STEPS[index - 1] if index else None,
    }
    return render(request, f"sellers/apply/step_{_template_for(step.slug)}.html", context)


def _template_for(slug: str) -> str:
    return "details" if slug in STEP_FORMS else slug


def _progress(application: MerchantApplication, *, current: str | None) -> list[dict[str, Any]]:
    done = completed_steps(application=application)
    return [
        {
            "step": step,
            "number": n,
            "is_done": step.slug in done,
            "is_current": step.slug == current,
        }
        for n, step in enumerate(STEPS, start=1)
    ]


def _after_save(request: HttpRequest, step: Step, *, later: bool) -> HttpResponse:
    if later:
        messages.success(
            request, _("Saved. Come back to “Sell on the marketplace” any time to continue.")
        )
        return redirect("core:home")
    next_step = STEPS[min(STEP_SLUGS.index(step.slug) + 1, len(STEPS) - 1)]
    return redirect("sellers:apply-step", step=next_step.slug)


def _try(request: HttpRequest, action: Any, success: str) -> None:
    try:
        action()
    except SellerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0
