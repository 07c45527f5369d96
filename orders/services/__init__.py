"""Every write of carts, promotions and orders, split by sub-domain:

- ``quotes``: loads the engine's inputs from the database and prices a cart (no writes).
- ``cart``: adding, changing, saving for later and merging carts.
- ``promotions``: promotions, coupons (and claiming them), flash sales, delivery prices.
- ``checkout``: placing an order group, all or nothing.
- ``lifecycle``: paying, shipping, delivering, completing and cancelling orders, and the timeouts.
"""
