"""Staff pages of payment attempts, the queue of payments held for finance review, refunds,
provider events and store-credit wallets. Everything is read-only except through actions, and
each action asks what it needs on a page of its own, then calls one service - the same rules
as for buyers and providers.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marketplace.core.admin_display import ReadOnlyAdmin as BaseReadOnlyAdmin
from marketplace.core.admin_display import ReadOnlyInline, status_history_html
from marketplace.core.errors import DomainError

from ..models import (
    HeldPayment,
    Payment,
    PaymentStatus,
    ProviderCode,
    Refund,
    RefundStatus,
    Wallet,
    WalletEntry,
    WebhookEvent,
)
from ..providers.base import Outcome
from ..services import paying, refunds, wallets, webhooks
from .actions import ask_then_apply
from .forms import AdjustForm, FailureForm, ReasonForm, ReceivedForm, ReferenceForm, RefundForm


class ReadOnlyAdmin(BaseReadOnlyAdmin):
    """Read-only, with actions for finance staff (who may change payments)."""

    def has_finance_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm("payments.change_payment"))


def _report(modeladmin: admin.ModelAdmin, request: HttpRequest, done: int) -> None:
    if done:
        modeladmin.message_user(
            request, _("Done for %(count)d.") % {"count": done}, messages.SUCCESS
        )


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["amount", "currency", "status", "order", "to_wallet", "reason", "created_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "buyer",
        "provider",
        "status",
        "needs_review",
        "amount",
        "refunded_amount",
        "currency",
        "group",
        "created_at",
    ]
    list_filter = ["status", "provider", "needs_review", "purpose"]
    search_fields = ["=number", "=provider_reference", "=group__number", "buyer__email"]
    list_select_related = ["buyer", "group"]
    date_hierarchy = "created_at"
    readonly_fields = ["history"]
    inlines = [RefundInline]
    actions = ["confirm_transfer", "refund", "approve_held", "reject_held"]

    @admin.display(description=_("status history"))
    def history(self, obj: Payment) -> str:
        return status_history_html(obj, limit=30)

    @admin.action(description=_("Confirm bank transfer received"), permissions=["finance"])
    def confirm_transfer(self, request: HttpRequest, queryset: QuerySet[Payment]) -> Any:
        def apply(payment: Payment, data: dict[str, Any]) -> None:
            if payment.provider != ProviderCode.BANK_TRANSFER:
                raise DomainError(_("Not a bank transfer."))
            if payment.status not in (PaymentStatus.REQUIRES_ACTION, PaymentStatus.CANCELLED):
                raise DomainError(_("This transfer is not waiting for money."))
            paying.record_outcome(
                payment=payment,
                by=request.user,
                outcome=Outcome(
                    reference=payment.provider_reference,
                    status=PaymentStatus.SUCCEEDED,
                    amount=data["amount"],
                    currency=data["currency"].upper(),
                ),
            )

        return ask_then_apply(
            self,
            request,
            queryset,
            form_class=ReceivedForm,
            title=_("Confirm bank transfer received"),
            explanation=_(
                "Enter what arrived on the platform's account. When it matches the order, the "
                "order is paid; otherwise the payment is held for review."
            ),
            apply=apply,
            single=True,
        )

    @admin.action(description=_("Refund"), permissions=["finance"])
    def refund(self, request: HttpRequest, queryset: QuerySet[Payment]) -> Any:
        return ask_then_apply(
            self,
            request,
            queryset,
            form_class=RefundForm,
            title=_("Refund a payment"),
            explanation=_(
                "The money goes back through the method that took it (store credit if chosen); "
                "never more than is left to refund."
            ),
            apply=lambda payment, data: refunds.refund_payment(
                payment=payment,
                amount=data["amount"],
                by=request.user,
                reason=data["reason"],
                to_wallet=data["to_wallet"],
            ),
            single=True,
        )

    @admin.action(description=_("Approve held payments"), permissions=["finance"])
    def approve_held(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        done = 0
        for payment in queryset.order_by("pk"):
            try:
                paying.approve_held_payment(payment=payment, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{payment}: {error.message}", messages.ERROR)
            else:
                done += 1
        _report(self, request, done)

    @admin.action(description=_("Refuse held payments and refund them"), permissions=["finance"])
    def reject_held(self, request: HttpRequest, queryset: QuerySet[Payment]) -> Any:
        return ask_then_apply(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title=_("Refuse held payments"),
            explanation=_(
                "The orders still waiting for these payments are cancelled and the money goes "
                "back in full."
            ),
            apply=lambda payment, data: paying.reject_held_payment(
                payment=payment, by=request.user, reason=data["reason"]
            ),
        )


@admin.register(HeldPayment)
class HeldPaymentAdmin(PaymentAdmin):
    """The finance queue: money that arrived but does not fit, oldest first."""

    list_display = ["number", "buyer", "provider", "amount", "currency", "review_reason", "group"]
    actions = ["approve_held", "reject_held"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        return (
            super()
            .get_queryset(request)
            .filter(needs_review=True, status=PaymentStatus.SUCCEEDED)
            .order_by("succeeded_at")
        )


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["payment", "order", "amount", "currency", "status", "to_wallet", "created_at"]
    list_filter = ["status", "to_wallet", "payment__provider"]
    search_fields = ["=payment__number", "=order__number", "=provider_reference"]
    list_select_related = ["payment", "order"]
    readonly_fields = ["history"]
    actions = ["mark_sent", "mark_failed", "send_again"]

    @admin.display(description=_("status history"))
    def history(self, obj: Refund) -> str:
        return status_history_html(obj)

    def has_finance_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm("payments.change_refund"))

    @admin.action(description=_("Mark as refunded (sent by finance)"), permissions=["finance"])
    def mark_sent(self, request: HttpRequest, queryset: QuerySet[Refund]) -> Any:
        return ask_then_apply(
            self,
            request,
            queryset.filter(status=RefundStatus.PENDING),
            form_class=ReferenceForm,
            title=_("Mark refunds as sent"),
            explanation=_("For refunds finance sent by hand (bank transfer, cash on delivery)."),
            apply=lambda refund, data: refunds.record_refund_succeeded(
                refund=refund, reference=data["reference"], by=request.user
            ),
        )

    @admin.action(description=_("Mark as failed"), permissions=["finance"])
    def mark_failed(self, request: HttpRequest, queryset: QuerySet[Refund]) -> Any:
        return ask_then_apply(
            self,
            request,
            queryset.filter(status=RefundStatus.PENDING),
            form_class=FailureForm,
            title=_("Mark refunds as failed"),
            explanation=_("The amount may then be refunded again, another way."),
            apply=lambda refund, data: refunds.record_refund_failed(
                refund=refund, message=data["message"], by=request.user
            ),
        )

    @admin.action(description=_("Ask the provider again"), permissions=["finance"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        done = sum(
            1
            for refund in queryset.filter(status=RefundStatus.PENDING)
            if refunds.send_refund(refund=refund).status != RefundStatus.PENDING
        )
        _report(self, request, done)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "provider", "kind", "received_at", "processed_at", "attempts"]
    list_filter = ["provider", "kind", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["=event_id"]
    actions = ["process_again"]

    @admin.action(description=_("Process again"), permissions=["finance"])
    def process_again(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> None:
        done = 0
        for event in queryset.filter(processed_at__isnull=True):
            try:
                done += webhooks.process_webhook_event(event_id=event.pk)
            except DomainError as error:
                self.message_user(request, f"{event}: {error.message}", messages.ERROR)
        _report(self, request, done)


class WalletEntryInline(ReadOnlyInline):
    model = WalletEntry
    fields = ["created_at", "kind", "amount", "balance_after", "payment", "refund", "note", "by"]
    readonly_fields = fields


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ["user", "balance", "currency"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    inlines = [WalletEntryInline]
    actions = ["adjust"]

    def has_finance_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm("payments.change_wallet"))

    @admin.action(description=_("Adjust the balance"), permissions=["finance"])
    def adjust(self, request: HttpRequest, queryset: QuerySet[Wallet]) -> Any:
        return ask_then_apply(
            self,
            request,
            queryset,
            form_class=AdjustForm,
            title=_("Adjust store credit"),
            explanation=_(
                "Every adjustment is kept with its reason; a balance never goes below zero."
            ),
            apply=lambda wallet, data: wallets.adjust_wallet(
                user=wallet.user, amount=data["amount"], by=request.user, note=data["note"]
            ),
            single=True,
        )
