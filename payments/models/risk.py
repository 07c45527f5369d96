"""Risk control: the rules staff tune, the decision thresholds and each attempt's assessment.

A ``RiskRule`` is one of a fixed set of checks implemented in ``payments.services.risk`` (its
``code``); staff change its weight, its parameters and whether it counts. ``RiskPolicy`` is the
single row holding the scores at which an attempt is held for review or blocked. A
``RiskAssessment`` records what the rules found about one payment attempt: the score, the
decision and the reasons. Nothing here computes a score.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .paying import Payment

MAX_WEIGHT = 1000


class RiskRuleCode(models.TextChoices):
    VELOCITY_USER = "velocity_user", _("Many attempts by one buyer")
    VELOCITY_SESSION = "velocity_session", _("Many attempts from one browser session")
    VELOCITY_IP = "velocity_ip", _("Many attempts from one IP address")
    NEW_ACCOUNT_HIGH_AMOUNT = "new_account_high_amount", _("New account paying a high amount")
    CARD_COUNTRY_MISMATCH = (
        "card_country_mismatch",
        _("Card issued in another country than the delivery address"),
    )
    REPEATED_FAILURES = "repeated_failures", _("Repeated failed payments")
    SHARED_ADDRESS = "shared_address", _("Many accounts at one delivery address")


# The parameters each rule reads; the others must stay empty.
RULE_PARAMETERS: dict[str, tuple[str, ...]] = {
    RiskRuleCode.VELOCITY_USER: ("window_minutes", "count_limit"),
    RiskRuleCode.VELOCITY_SESSION: ("window_minutes", "count_limit"),
    RiskRuleCode.VELOCITY_IP: ("window_minutes", "count_limit"),
    RiskRuleCode.NEW_ACCOUNT_HIGH_AMOUNT: ("account_age_days", "amount_threshold"),
    RiskRuleCode.CARD_COUNTRY_MISMATCH: (),
    RiskRuleCode.REPEATED_FAILURES: ("window_minutes", "count_limit"),
    RiskRuleCode.SHARED_ADDRESS: ("window_minutes", "count_limit"),
}
PARAMETER_FIELDS = ("window_minutes", "count_limit", "amount_threshold", "account_age_days")


class RiskRule(models.Model):
    """One implemented check, with the weight it adds to the score when it fires."""

    code = models.CharField(_("rule"), max_length=40, choices=RiskRuleCode, unique=True)
    label = models.CharField(_("label"), max_length=100)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        validators=[MaxValueValidator(MAX_WEIGHT)],
        help_text=_("Added to the score when the rule fires."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    window_minutes = models.PositiveIntegerField(
        _("window (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How far back the rule counts."),
    )
    count_limit = models.PositiveIntegerField(
        _("limit"),
        null=True,
        blank=True,
        help_text=_("The rule fires when the count in the window is above this."),
    )
    amount_threshold = models.DecimalField(
        _("amount threshold"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("In the base currency: the rule fires at this amount or more."),
    )
    account_age_days = models.PositiveIntegerField(
        _("new account (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("An account younger than this many days counts as new."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label or self.get_code_display()

    def clean(self) -> None:
        needed = RULE_PARAMETERS.get(self.code, ())
        errors = {}
        for name in PARAMETER_FIELDS:
            value = getattr(self, name)
            if name in needed and value is None:
                errors[name] = _("This rule needs this setting.")
            elif name not in needed and value is not None:
                errors[name] = _("This rule does not use this setting: leave it empty.")
        if errors:
            raise ValidationError(errors)


class RiskPolicy(models.Model):
    """The single row of thresholds: a score at ``review_at`` or more holds the payment for
    finance staff, at ``block_at`` or more the attempt is refused."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    review_at = models.PositiveIntegerField(
        _("review from score"), validators=[MinValueValidator(1)]
    )
    block_at = models.PositiveIntegerField(_("block from score"), validators=[MinValueValidator(1)])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("risk thresholds")
        verbose_name_plural = _("risk thresholds")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="payments_risk_policy_single_row"),
            models.CheckConstraint(
                condition=Q(review_at__gt=0) & Q(block_at__gt=models.F("review_at")),
                name="payments_risk_policy_order",
                violation_error_message=_(
                    "The blocking score must be higher than the review score."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Risk thresholds"))


class RiskStage(models.TextChoices):
    START = "start", _("At payment start")
    SUCCESS = "success", _("When the money arrived")


class RiskDecision(models.TextChoices):
    ALLOW = "allow", _("Allow")
    REVIEW = "review", _("Hold for review")
    BLOCK = "block", pgettext_lazy("risk decision", "Block")


class RiskAssessment(models.Model):
    """What the rules found about one payment attempt.

    ``reasons`` lists every rule that fired as ``{"rule": code, "weight": n, "detail": text}``,
    with the weight it had then. ``address_key`` is a hash of the normalised delivery address, so
    that many accounts at one address can be counted with an index and without copying it.
    """

    payment = models.OneToOneField(
        Payment,
        on_delete=models.CASCADE,
        related_name="risk_assessment",
        verbose_name=_("payment"),
    )
    stage = models.CharField(_("last stage"), max_length=10, choices=RiskStage)
    score = models.PositiveIntegerField(_("score"))
    decision = models.CharField(_("decision"), max_length=10, choices=RiskDecision)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    address_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("assessed"), default=timezone.now)
    updated_at = models.DateTimeField(_("last assessed"), default=timezone.now)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["address_key", "created_at"]),
            models.Index(fields=["decision", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.payment} {self.decision} ({self.score})"
