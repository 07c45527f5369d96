"""Staff admin for the catalogue: the category tree with its attributes, brands, prohibited words,
the product review queue and the read-only stock ledger.

Products are merchants' content: staff read them here and move them only through the listing
services (approve, reject, remove, each with the moderator check and history); stock is read-only
because it changes only through ``services.inventory``.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.files.storage import default_storage
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.core.admin_display import status_history_html

from ..errors import CatalogError
from ..models import (
    MAX_CATEGORY_DEPTH,
    Attribute,
    AttributeOption,
    Brand,
    Category,
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductStatus,
    ProhibitedWord,
    StockMovement,
    Variant,
)
from ..search import refresh_search_documents_for_brand, refresh_search_documents_for_category
from ..services.listing import (
    approve_product,
    can_moderate_products,
    reject_product,
    remove_product,
)


class ReadOnlyInline(admin.TabularInline):
    """Parts of a product shown on its page to whoever may see the product."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return user.has_perm("catalog.view_product") or user.has_perm("catalog.change_product")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Categories and attributes ----------------------------------------------------------------


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "name",
            "name_zh_hant",
            "name_zh_hans",
            "slug",
            "parent",
            "icon",
            "position",
            "requires_review",
            "is_active",
        ]

    def clean_parent(self) -> Category | None:
        parent = self.cleaned_data.get("parent")
        category = self.instance
        if parent is None:
            return parent
        if category.pk and (parent.pk == category.pk or _is_below(parent, category)):
            raise forms.ValidationError(_("A category cannot sit under itself."))
        if parent.depth + _height(category) > MAX_CATEGORY_DEPTH:
            raise forms.ValidationError(
                _("Categories go %(max)d levels deep at most.") % {"max": MAX_CATEGORY_DEPTH}
            )
        return parent


def _is_below(node: Category, ancestor: Category) -> bool:
    while node.parent_id:
        if node.parent_id == ancestor.pk:
            return True
        node = node.parent  # type: ignore[assignment]
    return False


def _height(category: Category) -> int:
    """Levels in the category's subtree, itself included (1 for a leaf or a new one)."""
    if not category.pk or not category.children.exists():
        return 1
    return 1 + max(_height(child) for child in category.children.all())


class AttributeInline(admin.TabularInline):
    model = Attribute
    fields = [
        "name",
        "name_zh_hant",
        "name_zh_hans",
        "code",
        "kind",
        "unit",
        "is_filterable",
        "is_variant",
        "position",
    ]
    extra = 0
    show_change_link = True  # options are edited on the attribute's own page


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Listed as the tree reads: each top level followed by its sub-categories."""

    form = CategoryForm
    list_display = ["tree_name", "slug", "parent", "depth", "position", "requires_review"]
    list_display_links = ["tree_name"]
    list_editable = ["position", "requires_review"]
    list_filter = ["depth", "requires_review", "is_active"]
    search_fields = ["name", "name_zh_hant", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    list_per_page = 200
    inlines = [AttributeInline]

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        """Pre-order of the three-level tree: by top level, then middle level, then position."""
        none = Value(-1)
        return [
            Coalesce("parent__parent__position", "parent__position", "position").asc(),
            Coalesce("parent__parent_id", "parent_id", "id").asc(),
            Case(
                When(depth=2, then=F("position")),
                When(depth=3, then=F("parent__position")),
                default=none,
                output_field=IntegerField(),
            ).asc(),
            Case(
                When(depth=2, then=F("id")),
                When(depth=3, then=F("parent_id")),
                default=none,
                output_field=IntegerField(),
            ).asc(),
            "position",
            "id",
        ]

    @admin.display(description=_("category"), ordering="name")
    def tree_name(self, obj: Category) -> str:
        return format_html("{}{}", "— " * (obj.depth - 1), obj.display_name)

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "parent" in form.changed_data:
            _redepth_children(obj)
        if change and {"name", "name_zh_hant", "name_zh_hans", "parent"} & set(form.changed_data):
            refresh_search_documents_for_category(category=obj)


def _redepth_children(category: Category) -> None:
    """A moved category's sub-categories take their new depth (save() sets it)."""
    for child in category.children.all():
        child.save(update_fields=["depth"])
        _redepth_children(child)


class AttributeOptionInline(admin.TabularInline):
    model = AttributeOption
    fields = ["value", "position"]
    extra = 1


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "code", "kind", "unit", "is_filterable", "is_variant"]
    list_filter = ["kind", "is_variant", "is_filterable"]
    search_fields = ["name", "name_zh_hant", "name_zh_hans", "code", "category__name"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]
    inlines = [AttributeOptionInline]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: Brand, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            refresh_search_documents_for_brand(brand=obj)


@admin.register(ProhibitedWord)
class ProhibitedWordAdmin(admin.ModelAdmin):
    list_display = ["word", "reason", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    search_fields = ["word", "reason"]


# --- Products and the review queue ------------------------------------------------------------


class ReviewQueueFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("waiting", _("Waiting for review"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Product]) -> QuerySet[Product]:
        if self.value() == "waiting":
            return queryset.filter(status=ProductStatus.PENDING_REVIEW)
        return queryset


class VariantInline(ReadOnlyInline):
    model = Variant
    fields = ["sku", "price", "compare_at_price", "stock", "low_stock_threshold", "is_active"]
    readonly_fields = fields


class ProductImageInline(ReadOnlyInline):
    model = ProductImage
    fields = ["preview", "alt", "position"]
    readonly_fields = fields

    @admin.display(description=_("image"))
    def preview(self, obj: ProductImage) -> str:
        path = (obj.renditions.get("thumb") or {}).get("jpeg") or obj.original.name
        if not path:
            return "—"
        return format_html('<img src="{}" alt="" height="64">', default_storage.url(path))


class AttributeValueInline(ReadOnlyInline):
    model = ProductAttributeValue
    fields = ["attribute", "value"]
    readonly_fields = fields

    @admin.display(description=_("value"))
    def value(self, obj: ProductAttributeValue) -> str:
        return str(obj)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason given to the merchant"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    """Read-only for staff, with the moderation actions; "waiting for review" is the queue."""

    list_display = [
        "title",
        "shop",
        "category",
        "brand",
        "status",
        "price_min",
        "stock_total",
        "sales_count",
        "updated_at",
    ]
    list_filter = [
        ReviewQueueFilter,
        "status",
        ("category", admin.RelatedOnlyFieldListFilter),
        ("shop", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "subtitle", "slug", "shop__name", "=variants__sku"]
    list_select_related = ["shop", "category", "brand"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "shop", "category", "brand"]}),
        (_("Status"), {"fields": ["status", "status_reason", "status_history", "published_at"]}),
        (_("Description"), {"fields": ["description", "min_order_quantity"]}),
        (
            _("Figures kept by the platform"),
            {
                "fields": [
                    ("price_min", "price_max", "currency"),
                    ("stock_total", "sales_count"),
                    ("rating_average", "rating_count"),
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]
    inlines = [VariantInline, ProductImageInline, AttributeValueInline]
    actions = ["approve_selected", "reject_selected", "remove_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [
            *(f.name for f in Product._meta.fields if f.name not in ("id", "search_document")),
            "status_history",
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # products are the merchants' own

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # staff change a product only by the moderation actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # removing keeps the row, its orders and its history

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate_products(by=request.user)

    @admin.display(description=_("status history"))
    def status_history(self, obj: Product) -> str:
        return status_history_html(obj)

    @admin.action(description=_("Approve: put on sale"), permissions=["moderate"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        self._apply(request, queryset, lambda p: approve_product(product=p, by=request.user))

    @admin.action(description=_("Reject: back to the merchant's drafts"), permissions=["moderate"])
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[Product]
    ) -> TemplateResponse | None:
        return self._with_reason(
            request, queryset, action="reject_selected", service=reject_product
        )

    @admin.action(description=_("Remove for good"), permissions=["moderate"])
    def remove_selected(
        self, request: HttpRequest, queryset: QuerySet[Product]
    ) -> TemplateResponse | None:
        return self._with_reason(
            request, queryset, action="remove_selected", service=remove_product
        )

    def _with_reason(
        self, request: HttpRequest, queryset: QuerySet[Product], *, action: str, service: Any
    ) -> TemplateResponse | None:
        """First asks for the reason the merchant will read; acts once it comes back filled in."""
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                lambda product: service(product=product, by=request.user, reason=reason),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject products") if action == "reject_selected" else _("Remove products"),
            "products": queryset.select_related("shop"),
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "catalog/admin/product_reason.html", context)

    def _apply(self, request: HttpRequest, queryset: QuerySet[Product], move: Any) -> None:
        done = 0
        for product in queryset.select_related("shop__merchant", "category", "brand"):
            try:
                move(product)
            except CatalogError as error:
                self.message_user(request, f"{product}: {error.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d product changed.", "%(count)d products changed.", done)
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )


# --- The stock ledger -------------------------------------------------------------------------


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    """The ledger, read-only: stock changes only through the inventory service."""

    list_display = ["at", "sku", "product", "quantity", "reason", "stock_after", "reference", "by"]
    list_filter = ["reason", "at"]
    search_fields = ["=variant__sku", "variant__product__title", "reference"]
    list_select_related = ["variant__product", "by"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("SKU code"), ordering="variant__sku")
    def sku(self, obj: StockMovement) -> str:
        return obj.variant.sku

    @admin.display(description=_("product"))
    def product(self, obj: StockMovement) -> str:
        return obj.variant.product.title
