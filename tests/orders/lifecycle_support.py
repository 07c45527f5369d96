"""Building blocks for life-cycle tests: what checkout would have written besides the order
itself (a second shop's order in the group, flash-sale units, coupon uses), and shop people."""

from django.db.models import F

from catalog.models import MovementReason, StockMovement
from marketplace.sellers.models import MemberRole
from orders.models import (
    Coupon,
    CouponUse,
    FlashSale,
    FlashSaleAllocation,
    Order,
    OrderGroup,
    OrderLine,
)
from tests.orders.factories import placed_order
from tests.sellers.factories import MerchantMemberFactory


def second_order(order: Order, **kwargs) -> Order:
    """Another shop's order in the same group (as checkout splits a cart)."""
    other = placed_order(buyer=order.buyer, status=order.status, **kwargs)
    orphan = other.group_id
    Order.objects.filter(pk=other.pk).update(
        group=order.group, number=f"{order.group.number}-2", payment_deadline=order.payment_deadline
    )
    OrderGroup.objects.filter(pk=orphan).delete()
    other.refresh_from_db()
    return other


def hold_flash_units(order: Order, flash_sale: FlashSale, units: int) -> None:
    """The order's line took ``units`` from the flash sale, as checkout does."""
    OrderLine.objects.filter(order=order).update(flash_sale=flash_sale, flash_units=units)
    FlashSale.objects.filter(pk=flash_sale.pk).update(quantity_left=F("quantity_left") - units)
    allocation, _ = FlashSaleAllocation.objects.get_or_create(
        flash_sale=flash_sale, user=order.buyer
    )
    FlashSaleAllocation.objects.filter(pk=allocation.pk).update(quantity=F("quantity") + units)
    Order.objects.filter(pk=order.pk).update(has_flash_sale=True)


def use_coupon(group: OrderGroup, coupon: Coupon) -> CouponUse:
    """The group used the coupon once, as checkout records it."""
    Coupon.objects.filter(pk=coupon.pk).update(used_count=F("used_count") + 1)
    return CouponUse.objects.create(
        coupon=coupon, user=group.buyer, group=group, amount=coupon.amount or 0
    )


def owner_of(shop):
    return shop.merchant.members.get(role=MemberRole.OWNER).user


def member_of(shop, role: str):
    return MerchantMemberFactory(merchant=shop.merchant, role=role).user


def cancellations_of(order: Order) -> int:
    """How many times the order's stock came back."""
    return StockMovement.objects.filter(
        reference=order.number, reason=MovementReason.CANCELLATION
    ).count()
