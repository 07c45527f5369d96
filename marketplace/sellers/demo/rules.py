"""Demo data: the rule catalogue, the points thresholds, and one shop with a violation under
appeal. Idempotent: rules and thresholds are upserted by code and points, and the violation is
only made when no demo shop has one yet.

``seed_demo`` runs every seed inside one transaction, so this cannot call the durable entry
points of ``services/rules.py``; it uses the same helpers they use (``apply_penalty``,
``apply_threshold_penalties``, ``transition``), which gives the same rows.
"""

from collections.abc import Callable

from marketplace.accounts.models import User
from marketplace.core.states import transition

from ..models import (
    Appeal,
    PenaltyKind,
    PenaltyThreshold,
    Rule,
    SellerKind,
    Severity,
    Shop,
    Violation,
    ViolationStatus,
)
from ..services.rules import apply_penalty, apply_threshold_penalties
from ..states import VIOLATION

RULES = [
    (
        "COUNTERFEIT",
        "Counterfeit or infringing goods",
        "Selling fakes, replicas or goods that infringe a trademark, copyright or design.",
        Severity.CRITICAL,
        48,
    ),
    (
        "PROHIBITED",
        "Prohibited or restricted items",
        "Listing items the law or the platform forbids (weapons, drugs, wildlife products, "
        "recalled goods) or restricted items without the required licence.",
        Severity.CRITICAL,
        36,
    ),
    (
        "BRUSHING",
        "Fake reviews and order brushing (刷單)",
        "Placing or buying fake orders, paying for reviews or trading reviews to inflate sales "
        "and ratings.",
        Severity.SERIOUS,
        24,
    ),
    (
        "FALSE-AD",
        "False advertising",
        "Descriptions, photos or claims (origin, materials, certificates, effects) that do not "
        "match the goods delivered.",
        Severity.SERIOUS,
        12,
    ),
    (
        "GOUGING",
        "Price gouging",
        "Raising prices excessively during shortages or emergencies, or inflating the original "
        "price to fake a discount.",
        Severity.SERIOUS,
        12,
    ),
    (
        "HARASSMENT",
        "Harassing buyers",
        "Threatening, insulting or pestering buyers, or pressuring them to change a review.",
        Severity.SERIOUS,
        12,
    ),
    (
        "OFF-PLATFORM",
        "Off-platform transactions",
        "Steering buyers to pay or trade outside the platform, or sharing contact details to "
        "do so.",
        Severity.SERIOUS,
        12,
    ),
    (
        "DECORATION",
        "Misleading shop decoration",
        "Banners, badges or shop texts that claim official status, awards or promotions the shop "
        "does not have.",
        Severity.MINOR,
        4,
    ),
    (
        "AFTER-SALES",
        "Ignoring after-sales requests",
        "Leaving refund, return or repair requests unanswered past the response deadline.",
        Severity.MINOR,
        4,
    ),
    (
        "LATE-DISPATCH",
        "Late dispatch",
        "Shipping an order after the promised dispatch time without the buyer's agreement.",
        Severity.MINOR,
        2,
    ),
]

THRESHOLDS = [
    (12, PenaltyKind.WARNING, None),
    (24, PenaltyKind.LOWER_EXPOSURE, 7),
    (36, PenaltyKind.SUSPEND, 7),
    (48, PenaltyKind.CLOSE, None),
]

# The onboarding demo's C2C seller (Lin's Handmade); merchant@example.com's own shop stays clean.
PREFERRED_OWNER_EMAIL = "lin@example.com"
PREFERRED_SLUG = "lins-handmade"
PRIMARY_MERCHANT_EMAIL = "merchant@example.com"


DEMO_DESCRIPTION = (
    "The listing “100% silk scarf” says pure mulberry silk; a test purchase was 65% polyester."
)
DEMO_EVIDENCE = (
    "Test purchase order placed by the quality team on the 3rd; lab report QA-2291 (fibre "
    "analysis: 65% polyester, 35% silk). Listing screenshots kept in the case file."
)
DEMO_APPEAL = (
    "The supplier changed the fabric without telling us. We have corrected the listing, "
    "refunded the buyers of that batch and attached the supplier's new certificate."
)


def run(*, log: Callable[[str], None]) -> None:
    for code, title, description, severity, points in RULES:
        Rule.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "description": description,
                "severity": severity,
                "points": points,
            },
        )
    for points, penalty, days in THRESHOLDS:
        PenaltyThreshold.objects.update_or_create(
            points=points, defaults={"penalty": penalty, "duration_days": days}
        )
    log(f"rules: {len(RULES)} rules, {len(THRESHOLDS)} penalty thresholds")

    if Violation.objects.filter(description__startswith=DEMO_DESCRIPTION[:40]).exists():
        return
    shop = _demo_shop()
    staff = User.objects.filter(is_superuser=True).order_by("pk").first()
    if shop is None or staff is None:
        log("rules: no shop or staff user yet, no demo violation")
        return
    _violation_under_appeal(shop=shop, staff=staff)
    log(f"rules: violation under appeal for shop {shop.slug}")


def _demo_shop() -> Shop | None:
    shops = Shop.objects.select_related("merchant")
    found = (
        shops.filter(merchant__members__user__email=PREFERRED_OWNER_EMAIL).first()
        or shops.filter(slug=PREFERRED_SLUG).first()
    )
    if found is not None:
        return found
    others = shops.exclude(merchant__members__user__email=PRIMARY_MERCHANT_EMAIL)
    return (
        others.filter(kind=SellerKind.INDIVIDUAL).order_by("pk").first()
        or others.order_by("pk").first()
        or shops.order_by("pk").first()
    )


def _violation_under_appeal(*, shop: Shop, staff: User) -> None:
    rule = Rule.objects.get(code="FALSE-AD")
    violation = Violation.objects.create(
        shop=shop,
        rule=rule,
        points=rule.points,
        description=DEMO_DESCRIPTION,
        evidence=DEMO_EVIDENCE,
        penalty=PenaltyKind.WARNING,
        recorded_by=staff,
    )
    now = violation.created_at
    apply_penalty(
        shop=shop, kind=PenaltyKind.WARNING, days=None, violation=violation, by=staff, now=now
    )
    apply_threshold_penalties(shop=shop, violation=violation, by=staff, now=now)
    owner = shop.merchant.members.filter(role="owner").select_related("user").first()
    transition(violation, to=ViolationStatus.APPEALED, allowed=VIOLATION, by=owner and owner.user)
    Appeal.objects.create(
        violation=violation, explanation=DEMO_APPEAL, submitted_by=owner.user if owner else None
    )
