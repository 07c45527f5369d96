"""The buyer's Stripe page: Stripe's Payment Element for one attempt, and where Stripe sends the
buyer back (the same address with ``?payment_intent=pi_...``).

The card form is Stripe's own frame, loaded from js.stripe.com as PCI requires: no card number
reaches this server. A success Stripe reports on return is recorded at once (as its webhook
would record it; the webhook then changes nothing); anything else is only shown, and left to
the webhooks.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from orders.models import GroupStatus

from ..errors import ProviderError
from ..models import PaymentStatus, ProviderCode
from ..providers.stripe import StripeProvider
from ..selectors import payment_for_buyer_or_404
from ..services import paying

# Our languages in the Payment Element's locales.
STRIPE_LOCALES = {"en": "en", "zh-hans": "zh", "zh-hant": "zh-TW"}
# Stripe's answers on return after which the buyer may try again on the same intent.
PAYABLE = (PaymentStatus.CREATED, PaymentStatus.REQUIRES_ACTION, PaymentStatus.FAILED)


@login_required
@require_GET
def pay(request: HttpRequest, number: str) -> HttpResponse:
    payment = payment_for_buyer_or_404(
        user=request.user, number=number, provider=ProviderCode.STRIPE
    )
    outcome, error = None, ""
    if "payment_intent" in request.GET and payment.status != PaymentStatus.SUCCEEDED:
        try:
            outcome = StripeProvider().handle_return(payment=payment, params=request.GET.dict())
        except ProviderError as failure:
            error = failure.message
    if outcome is not None and outcome.status == PaymentStatus.SUCCEEDED:
        # Stripe says it is paid: record it now (the webhook that follows changes nothing).
        paying.record_outcome(payment=payment, outcome=outcome)
        return redirect("payments:result", number=payment.number)
    status = outcome.status if outcome else payment.status
    can_pay = (
        payment.status in (PaymentStatus.CREATED, PaymentStatus.REQUIRES_ACTION)
        and status in PAYABLE
        and (payment.group is None or payment.group.status == GroupStatus.PENDING_PAYMENT)
        and bool(payment.provider_data.get("client_secret"))
    )
    return render(
        request,
        "payments/stripe_pay.html",
        {
            "payment": payment,
            "status": status,
            "outcome": outcome,
            "error": error,
            "can_pay": can_pay,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "client_secret": payment.provider_data.get("client_secret", "") if can_pay else "",
            "return_url": request.build_absolute_uri(
                reverse("payments:stripe-pay", kwargs={"number": payment.number})
            ),
            "stripe_locale": STRIPE_LOCALES.get(get_language() or "", "auto"),
        },
    )
