"""The buyers' notice of a peak period, for product pages and checkout:

``{% load logistics_peak %}{% peak_notice %}`` renders "Deliveries take up to N extra days
during 11.11" while a peak period is on, and nothing otherwise. No query while the peak
periods are cached (``services.peak.peak_for_buyers``).
"""

from typing import Any

from django import template
from django.utils import timezone

from ..services.peak import peak_for_buyers

register = template.Library()


@register.inclusion_tag("logistics/_peak_notice.html")
def peak_notice() -> dict[str, Any]:
    return {"peak": peak_for_buyers(now=timezone.now())}
