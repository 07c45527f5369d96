"""Staff report pages that live in the admin as entries of their own (no tables of their own).

``DeliveryPerformance`` is a proxy of ``Shipment`` so that the delivery performance report gets
its own line on the admin index and its own view permission (``view_deliveryperformance``);
its admin shows the report instead of a list (``logistics.admin.ops``).
"""

from django.utils.translation import gettext_lazy as _

from .shipping import Shipment


class DeliveryPerformance(Shipment):
    class Meta:
        proxy = True
        verbose_name = _("delivery performance")
        verbose_name_plural = _("delivery performance")
