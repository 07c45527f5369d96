"""The seller's product pages under /seller/products/ (see ``catalog.urls.seller``).

Roles: every member (owner, manager, clerk) lists, creates and edits products, their variants,
prices, pictures and stock, previews them and exports CSV. Only the owner and managers publish,
delist, relist and delete products and run CSV imports, which change many products at once.
Objects are fetched only through ``catalog.selectors_seller`` scoped to ``request.shop``, so
another shop's ids give 404.
"""
