"""The sandbox provider's hosted page, on our own site: the buyer approves, declines, answers a
3-D Secure challenge, or approves a payment that is confirmed later. Like a real provider it then
sends a signed webhook and returns the buyer to our return page with a signed result."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from ..forms import ChallengeForm, SandboxForm
from ..models import Payment
from ..providers import sandbox
from ..selectors import payment_for_sandbox_or_404
from ..services import sandbox_delivery

CHALLENGE_SESSION_KEY = "sandbox_challenge_country"


@login_required
@require_http_methods(["GET", "POST"])
def hosted_page(request: HttpRequest, reference: str) -> HttpResponse:
    payment = payment_for_sandbox_or_404(user=request.user, reference=reference)
    form = SandboxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["choice"]
        country = form.cleaned_data["card_country"] or _delivery_country(payment)
        if choice == sandbox.CHALLENGE:
            request.session[CHALLENGE_SESSION_KEY] = country
            return redirect("payments:sandbox-challenge", reference=reference)
        return _finish(payment, choice=choice, country=country)
    return render(request, "payments/sandbox/hosted.html", {"payment": payment, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def challenge(request: HttpRequest, reference: str) -> HttpResponse:
    payment = payment_for_sandbox_or_404(user=request.user, reference=reference)
    form = ChallengeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        country = request.session.pop(CHALLENGE_SESSION_KEY, "") or _delivery_country(payment)
        passed = form.cleaned_data["code"].strip() == sandbox.CHALLENGE_CODE
        return _finish(
            payment, choice=sandbox.APPROVE if passed else sandbox.CHALLENGE, country=country
        )
    context = {"payment": payment, "form": form, "code": sandbox.CHALLENGE_CODE}
    return render(request, "payments/sandbox/challenge.html", context)


def _finish(payment: Payment, *, choice: str, country: str) -> HttpResponse:
    result = sandbox.decide(payment=payment, choice=choice, card_country=country)
    sandbox_delivery.send_events_for(result=result)
    query = urlencode({"result": sandbox.signed_result(result)})
    return redirect(f"{reverse('payments:return', args=[payment.number])}?{query}")


def _delivery_country(payment: Payment) -> str:
    return payment.group.country if payment.group_id else ""
