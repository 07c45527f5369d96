"""Tables of logistics: carriers and their service levels, shipments with packages, items,
tracking events and carriers' webhook events, customs declarations, duty rates, peak periods,
shops' delivery settings (``shipping``); the delivery performance report's admin entry
(``reports``). Shipping templates live in ``templates``.

One-row facts only; every write goes through ``logistics.services``.
"""

from .reports import DeliveryPerformance
from .shipping import (
    Carrier,
    CarrierEvent,
    CarrierService,
    CustomsDeclaration,
    CustomsItem,
    DutyRate,
    Incoterm,
    LateDispatch,
    PeakPeriod,
    ServiceLevel,
    Shipment,
    ShipmentItem,
    ShipmentPackage,
    ShipmentStatus,
    ShopLogistics,
    TrackingEvent,
)
from .templates import PricingBasis, ProductShippingTemplate, ShippingRegion, ShippingTemplate

__all__ = [
    "Carrier",
    "CarrierEvent",
    "CarrierService",
    "CustomsDeclaration",
    "CustomsItem",
    "DeliveryPerformance",
    "DutyRate",
    "Incoterm",
    "LateDispatch",
    "PeakPeriod",
    "PricingBasis",
    "ProductShippingTemplate",
    "ServiceLevel",
    "Shipment",
    "ShipmentItem",
    "ShipmentPackage",
    "ShipmentStatus",
    "ShippingRegion",
    "ShippingTemplate",
    "ShopLogistics",
    "TrackingEvent",
]
