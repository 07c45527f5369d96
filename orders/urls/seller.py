"""The seller dashboard's order and promotion pages, under /seller/."""

from django.urls import path

from ..views import seller_orders
from ..views import seller_promotions as promo

urlpatterns = [
    # Orders: list, detail, note, ship, mark delivered
    path("orders/", seller_orders.order_list, name="seller-orders"),
    path("orders/<str:number>/", seller_orders.order_detail, name="seller-order"),
    path("orders/<str:number>/note/", seller_orders.order_note, name="seller-order-note"),
    path("orders/<str:number>/ship/", seller_orders.order_ship, name="seller-order-ship"),
    path("orders/<str:number>/deliver/", seller_orders.order_deliver, name="seller-order-deliver"),
    # Promotions, coupons, flash sales and delivery prices
    path("promotions/", promo.promotion_list, name="seller-promotions"),
    path("promotions/new/", promo.promotion_create, name="seller-promotion-create"),
    path("promotions/<int:pk>/", promo.promotion_edit, name="seller-promotion"),
    path("promotions/<int:pk>/end/", promo.promotion_end, name="seller-promotion-end"),
    path("coupons/", promo.coupon_list, name="seller-coupons"),
    path("coupons/new/", promo.coupon_create, name="seller-coupon-create"),
    path("coupons/<int:pk>/", promo.coupon_edit, name="seller-coupon"),
    path("coupons/<int:pk>/end/", promo.coupon_end, name="seller-coupon-end"),
    path("flash-sales/", promo.flash_sale_list, name="seller-flash-sales"),
    path("flash-sales/new/", promo.flash_sale_create, name="seller-flash-sale-create"),
    path("flash-sales/<int:pk>/", promo.flash_sale_edit, name="seller-flash-sale"),
    path("flash-sales/<int:pk>/end/", promo.flash_sale_end, name="seller-flash-sale-end"),
    path("shipping/", promo.shipping, name="seller-shipping"),
]
