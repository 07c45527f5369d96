"""The merchant's violations, penalties and appeals in the dashboard, and the public rules page.

Every member of the shop can read; only the owner or a manager can appeal. Violations are found
only through selectors scoped to ``request.shop``, so another shop's id gives 404.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from marketplace.core.errors import DomainError

from ..access import MANAGERS, seller_required
from ..models import Appeal, Severity
from ..selectors.rules import (
    SEVERITY_ORDER,
    active_penalties,
    open_violation_count,
    points_in_last_12_months,
    rules_catalogue,
    thresholds,
    violation_for_shop_or_404,
    violations_for_shop,
)
from ..services.documents import max_upload_bytes
from ..services.rules import (
    APPEAL_WINDOW,
    appeal_deadline,
    can_appeal,
    is_appealable,
    submit_appeal,
)

PAGE_SIZE = 20


class AppealForm(forms.Form):
    explanation = forms.CharField(
        label=gettext_lazy("Why is this violation wrong?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
    )
    file = forms.FileField(
        label=gettext_lazy("Supporting file (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG or PNG, at most %(mb)d MB.") % {
            "mb": max_upload_bytes() // 2**20
        }


@seller_required
@require_GET
def violations(request: HttpRequest) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    now = timezone.now()
    page = Paginator(violations_for_shop(shop=shop), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "points": points_in_last_12_months(shop=shop, now=now),
        "open_count": open_violation_count(shop=shop),
        "penalties": active_penalties(shop=shop, now=now),
        "thresholds": thresholds(),
    }
    return render(request, "sellers/rules/violations.html", context)


@seller_required
@require_GET
def violation(request: HttpRequest, pk: int) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    found = violation_for_shop_or_404(shop=shop, pk=pk)
    context = {
        "violation": found,
        "appeal": _appeal_of(found),
        "penalties": found.penalties.select_related("threshold").order_by("starts_at", "pk"),
        "can_appeal": can_appeal(violation=found, by=request.user)  # type: ignore[arg-type]
        and is_appealable(violation=found, now=timezone.now()),
        "appeal_deadline": appeal_deadline(violation=found),
    }
    return render(request, "sellers/rules/violation.html", context)


@seller_required(roles=MANAGERS)
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    found = violation_for_shop_or_404(shop=shop, pk=pk)
    if _appeal_of(found) is not None:
        messages.error(
            request,
            _("This violation has already been appealed. Each violation can be appealed once."),
        )
        return redirect("sellers:violation", pk=found.pk)
    form = AppealForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            submit_appeal(
                violation=found,
                by=request.user,  # type: ignore[arg-type]
                explanation=form.cleaned_data["explanation"],
                file=form.cleaned_data["file"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your appeal has been sent. Staff will decide on it."))
            return redirect("sellers:violation", pk=found.pk)
    context = {
        "violation": found,
        "form": form,
        "appeal_deadline": appeal_deadline(violation=found),
        "appeal_days": APPEAL_WINDOW.days,
    }
    return render(request, "sellers/rules/appeal.html", context)


@seller_required
@require_GET
def violation_file(request: HttpRequest, pk: int, which: str) -> FileResponse:
    """The evidence file staff attached, or the file sent with the appeal (private storage)."""
    shop = request.shop  # type: ignore[attr-defined]
    found = violation_for_shop_or_404(shop=shop, pk=pk)
    appeal_found = _appeal_of(found)
    if which == "evidence":
        file = found.evidence_file
    elif which == "appeal" and appeal_found is not None:
        file = appeal_found.file
    else:
        raise Http404
    if not file:
        raise Http404
    return FileResponse(file.open("rb"), as_attachment=True, filename=file.name.rsplit("/", 1)[-1])


@require_GET
def rules_page(request: HttpRequest) -> HttpResponse:
    """The public catalogue of rules by severity, and the points thresholds."""
    rules = list(rules_catalogue())
    groups = [
        (Severity(severity).label, [rule for rule in rules if rule.severity == severity])
        for severity in SEVERITY_ORDER
    ]
    context = {
        "groups": [(label, members) for label, members in groups if members],
        "thresholds": thresholds(),
    }
    return render(request, "sellers/rules/public.html", context)


def _appeal_of(violation: object) -> Appeal | None:
    try:
        return violation.appeal  # type: ignore[attr-defined,no-any-return]
    except Appeal.DoesNotExist:
        return None
