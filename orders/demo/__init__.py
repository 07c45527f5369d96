"""Demo data of orders, run by ``orders.seed``: offers on the demo shops (``offers``), then the
demo shopper's coupon wallet, cart and orders (``shopping``), both over the shops and SKUs of
``shops``. Everything goes through ``orders.services`` so the demo obeys the merchants' rules."""
