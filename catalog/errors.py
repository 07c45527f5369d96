"""Errors of the catalogue: a translatable message for people and a stable code for code.

Views and admin actions turn them into form errors or messages; nothing here is raised for a
programming mistake (those stay ``ValueError``/``TypeError``).
"""

from marketplace.core.errors import DomainError


class CatalogError(DomainError):
    default_code = "catalog_error"


class ProductError(CatalogError):
    """A product, variant or price tier change that is not allowed or not valid."""

    default_code = "product_error"


class ImageError(CatalogError):
    """An upload that is not an acceptable picture (not an image, too large, a bomb)."""

    default_code = "image_error"


class ImportJobError(CatalogError):
    """A CSV import or export that cannot start or run."""

    default_code = "job_error"


class InventoryError(CatalogError):
    """A stock change that makes no sense (zero or negative quantity, unknown reason)."""

    default_code = "inventory_error"


class OutOfStock(InventoryError):
    """Fewer units left than asked for; nothing was taken."""

    default_code = "out_of_stock"


class ListingError(CatalogError):
    """A product may not make this move: a listing rule or the product's state refuses it."""

    default_code = "listing_refused"
