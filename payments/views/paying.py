"""The buyer's payment pages: choose a method, come back from a provider, see the result; and
the store-credit wallet with its top-ups."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import providers
from ..errors import PaymentError
from ..forms import MethodForm, TopUpForm
from ..models import Payment, PaymentPurpose, PaymentStatus
from ..selectors import (
    attempts_of,
    due_for,
    group_for_buyer_or_404,
    payable_orders,
    payment_for_buyer_or_404,
    payments_of_buyer,
    wallet_entries_of,
)
from ..services import paying, wallets


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, number: str) -> HttpResponse:
    group = group_for_buyer_or_404(user=request.user, number=number)
    methods = paying.methods_for(group=group)
    form = MethodForm(request.POST or None, methods=methods)
    if request.method == "POST" and form.is_valid():
        try:
            payment = paying.start_payment(
                group=group, by=request.user, provider=form.cleaned_data["method"], request=request
            )
        except PaymentError as error:
            form.add_error(None, error.message)
        else:
            return _next_step(payment)
    context = {
        "group": group,
        "orders": payable_orders(group=group),
        "due": due_for(group=group),
        "form": form,
        "attempts": attempts_of(group=group)[:5],
        "balance": wallets.balance_of(user=request.user),
    }
    return render(request, "payments/pay.html", context)


@login_required
def payment_return(request: HttpRequest, number: str) -> HttpResponse:
    """The buyer is back from the provider's page: record what it says, then show the result."""
    payment = payment_for_buyer_or_404(user=request.user, number=number)
    outcome = providers.get(payment.provider).handle_return(
        payment=payment, params=request.GET.dict()
    )
    if outcome is not None:
        payment = paying.record_outcome(payment=payment, outcome=outcome)
    return redirect("payments:result", number=payment.number)


@login_required
def result(request: HttpRequest, number: str) -> HttpResponse:
    payment = payment_for_buyer_or_404(user=request.user, number=number)
    context = {"payment": payment, "group": payment.group}
    if payment.status == PaymentStatus.SUCCEEDED:
        template = "payments/success.html"
    elif payment.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED):
        template = "payments/failure.html"
    else:
        template = "payments/waiting.html"
    response = render(request, template, context)
    if template == "payments/waiting.html":
        response["Refresh"] = "5"  # until the provider's webhook decides
    return response


@login_required
@require_http_methods(["GET", "POST"])
def wallet(request: HttpRequest) -> HttpResponse:
    methods = paying.top_up_methods()
    form = TopUpForm(request.POST or None, methods=methods)
    if request.method == "POST" and form.is_valid():
        try:
            payment = paying.start_top_up(
                by=request.user,
                amount=form.cleaned_data["amount"],
                provider=form.cleaned_data["method"],
                request=request,
            )
        except PaymentError as error:
            form.add_error(None, error.message)
        else:
            return _next_step(payment)
    context = {
        "wallet": wallets.wallet_of(user=request.user),
        "entries": wallet_entries_of(user=request.user),
        "form": form,
    }
    return render(request, "payments/wallet.html", context)


def _next_step(payment: Payment) -> HttpResponse:
    redirect_url = payment.provider_data.get("redirect_url")
    if payment.status == PaymentStatus.REQUIRES_ACTION and redirect_url:
        return redirect(redirect_url)
    if payment.status == PaymentStatus.SUCCEEDED and payment.purpose == PaymentPurpose.TOP_UP:
        return redirect("payments:wallet")
    return redirect("payments:result", number=payment.number)


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """The buyer's payments and refunds, 20 a page."""
    page = Paginator(payments_of_buyer(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "payments/history.html", {"page": page})
