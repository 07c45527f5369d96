"""The seller's product pages, mounted at /seller/products/ in the ``catalog`` namespace."""

from django.urls import path

from ..views.seller import images, inventory, jobs, products, variants

urlpatterns = [
    path("", products.product_list, name="seller-products"),
    path("new/", products.product_create, name="seller-product-create"),
    path(
        "attribute-fields/",
        products.product_attribute_fields,
        name="seller-product-attributes",
    ),
    path("<int:pk>/", products.product_edit, name="seller-product"),
    path("<int:pk>/preview/", products.product_preview, name="seller-product-preview"),
    path("<int:pk>/publish/", products.product_publish, name="seller-product-publish"),
    path("<int:pk>/delist/", products.product_delist, name="seller-product-delist"),
    path("<int:pk>/delete/", products.product_delete, name="seller-product-delete"),
    path("<int:pk>/variants/", variants.variants_page, name="seller-product-variants"),
    path("<int:pk>/variants/build/", variants.variants_build, name="seller-variants-build"),
    path(
        "<int:pk>/variants/<int:variant_pk>/tiers/",
        variants.variant_tiers,
        name="seller-variant-tiers",
    ),
    path("<int:pk>/images/", images.images_page, name="seller-product-images"),
    path("<int:pk>/images/reorder/", images.images_reorder, name="seller-images-reorder"),
    path("<int:pk>/images/<int:image_pk>/move/", images.image_move, name="seller-image-move"),
    path("<int:pk>/images/<int:image_pk>/delete/", images.image_delete, name="seller-image-delete"),
    path("inventory/", inventory.inventory_list, name="seller-inventory"),
    path(
        "inventory/<int:variant_pk>/",
        inventory.inventory_variant,
        name="seller-inventory-variant",
    ),
    path(
        "inventory/<int:variant_pk>/threshold/",
        inventory.inventory_threshold,
        name="seller-inventory-threshold",
    ),
    path("jobs/", jobs.jobs_page, name="seller-jobs"),
    path("jobs/import/", jobs.job_import, name="seller-job-import"),
    path("jobs/export/", jobs.job_export, name="seller-job-export"),
    path("jobs/<int:job_pk>/", jobs.job_detail, name="seller-job"),
    path("jobs/<int:job_pk>/errors.csv", jobs.job_errors, name="seller-job-errors"),
    path("jobs/<int:job_pk>/download/", jobs.job_download, name="seller-job-download"),
]
