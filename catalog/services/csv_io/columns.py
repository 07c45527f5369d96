"""The CSV layout shared by import and export: one row per variant, in these columns."""

COLUMNS = [
    "handle", "title", "subtitle", "category", "brand", "description", "min_order_quantity",
    "attributes", "options", "sku", "price", "compare_at_price", "stock", "low_stock_threshold",
    "weight_grams", "barcode", "active", "price_tiers",
]  # fmt: skip
REQUIRED = ["handle", "title", "category", "sku", "price"]
