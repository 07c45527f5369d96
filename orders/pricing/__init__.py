"""The promotions engine: the one place a price is computed.

``price_cart()`` is pure: it takes plain values (the lines with their catalogue prices, the buyer,
the moment, the offers in force, the coupons the buyer holds or typed, and each shop's delivery
price) and returns every line's price and discount, each shop's subtotal, delivery and discounts,
the platform's discounts and the total, with a sentence explaining each discount. It reads no
database and writes nothing; ``orders.services.quotes`` loads its inputs. Cart pages, checkout and
order placement all call it, so what the buyer saw is what the order records.

Rules (see docs/glossary.md for the Chinese terms):
- A line's base unit price is the flash-sale price when a flash sale is running for it and the
  buyer still has flash units left (units beyond that pay the normal price), else the B2B tier
  price for the line's quantity, else the variant price.
- Item promotions (percentage off, amount off, member price, buy N get M) lower line prices;
  a line gets at most one item promotion: the best one for the buyer. Flash-sale units get none.
- Order-level shop promotions and coupons: at most one spend-threshold (滿減) promotion, one
  free-shipping promotion and one shop coupon per shop order; at most one platform coupon and
  one platform spend-threshold promotion per order group. Where several could apply the engine
  picks the combination best for the buyer and explains it.
- A platform discount spanning several shops is allocated to the shops in proportion to their
  subtotals after shop discounts, to the cent (largest remainder).
- Rounding: HALF_UP at the line, then sums; a discount never exceeds what it discounts; totals
  are never negative; the result is deterministic (ties broken by id).

How each rule reads, precisely:
- B2B tiers: the highest tier the line's quantity reaches (never above the variant price). The
  flash price is used only when it is below that price.
- Item promotions count only the line's non-flash units. Percentage off and member price take
  ``percent`` off (member price: only for a buyer whose level is the rule's ``member_level``, or
  any level when the rule names none); amount off takes ``amount`` off each unit, at most its
  price; buy N get M makes M units free for every full N + M units of the line.
- Order-level thresholds (滿減 tiers, free-shipping ``threshold``, coupon ``min_spend``) are
  measured on what the items the rule covers (its scope) cost after item promotions.
- 滿減: the highest tier reached gives its discount; a repeating rule gives it again for every
  full multiple of that tier's threshold (滿300減30 repeating: 60 off at 600; with tiers 300/30
  and 500/60, 650 gives 60 and 1000 gives 120).
- Coupons: amount off, or percent off capped at ``max_discount``, never more than the covered
  items. Shop 滿減 and coupon apply in that order, together never more than the shop's items
  after item promotions; free shipping takes the whole delivery price off.
- The best combination is found by trying every pair (or none) of one 滿減 and one coupon, per
  shop and again for the platform: the largest saving wins; on a tie fewer offers (a coupon
  stays in the wallet), then the lowest ids. Offers left out are explained.
- Platform discounts are shared out in proportion to each shop's items after shop discounts
  (only the items the rule covers count; the platform 滿減 first, the coupon from what is left).
- Funding: the rule's ``funded_by`` (empty: the rule's owner, the shop or the platform); shared
  gives the platform ``round(amount x share%)`` HALF_UP and the shop the rest. Flash-sale prices
  are the line's price, not a discount record.
- A typed coupon that cannot be used is listed in ``unusable_coupons`` with the reason; claimed
  coupons that do not fit the cart stay quietly in the wallet.
"""

from .engine import price_cart
from .values import (
    Buyer,
    CouponRule,
    Discount,
    FlashOffer,
    LineInput,
    LinePrice,
    PromotionRule,
    Quote,
    ShopPrice,
)

__all__ = [
    "Buyer",
    "CouponRule",
    "Discount",
    "FlashOffer",
    "LineInput",
    "LinePrice",
    "PromotionRule",
    "Quote",
    "ShopPrice",
    "price_cart",
]
