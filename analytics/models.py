"""Discovery data: which products each shopper looked at (``ProductView``), and the products
shoppers look at or buy together (``ProductAssociation``), recomputed nightly from the views and
the paid orders.

A view belongs to a signed-in user, or to an anonymous visitor known by ``session_key`` - a
random key kept inside the shopper's session, not Django's session key, so that it survives the
key rotation at login and the visitor's views can be handed to the account. Rows are facts only:
``analytics.services.discovery`` writes them, ``analytics.selectors`` reads them.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Product


class ProductView(models.Model):
    """A shopper looked at a product page (looking again within a short window adds nothing)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    session_key = models.CharField(_("visitor"), max_length=40, blank=True)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    viewed_at = models.DateTimeField(_("viewed"), default=timezone.now)

    class Meta:
        verbose_name = _("product view")
        verbose_name_plural = _("product views")
        ordering = ["-viewed_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-viewed_at"], name="analytics_view_user"),
            models.Index(fields=["session_key", "-viewed_at"], name="analytics_view_session"),
            models.Index(fields=["viewed_at"], name="analytics_view_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(session_key=""),
                name="analytics_view_has_visitor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.viewed_at:%Y-%m-%d %H:%M}"


class AssociationKind(models.TextChoices):
    VIEWED = "viewed", _("Also viewed")
    BOUGHT = "bought", _("Also bought")


class ProductAssociation(models.Model):
    """``other`` is among the products most often looked at (``viewed``) or bought in the same
    checkout (``bought``) by the shoppers who looked at or bought ``product``; ``score`` counts
    those shoppers. Rebuilt by ``analytics.services.discovery.compute_product_associations``."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    other = models.ForeignKey(
        Product, verbose_name=_("associated product"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AssociationKind)
    score = models.PositiveIntegerField(_("shoppers in common"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("product association")
        verbose_name_plural = _("product associations")
        ordering = ["product", "kind", "-score", "other"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "kind", "other"], name="analytics_association_once"
            ),
            models.CheckConstraint(
                condition=~Q(product=F("other")), name="analytics_association_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} -> {self.other_id} ({self.kind}, {self.score})"
