"""Staff views of users and their address books.

Users log in by e-mail and have no username or first/last name, so Django's UserAdmin is adapted.
Address changes, deletions and the default flag go through the services, so staff keep the same
rule as shoppers: a user with addresses has exactly one default. Owners add their own addresses.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Address, User
from .services import ADDRESS_FIELDS, delete_address, set_default_address, update_address


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


class UserChangeAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class AddressInline(admin.TabularInline):
    model = Address
    fields = ["recipient", "phone", "country", "city", "street", "postcode", "is_default"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "language", "currency")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "language", "currency"]
    search_fields = ["email", "display_name"]
    ordering = ["-date_joined"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [AddressInline]

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list[Any]:
        return self.inlines if obj is not None else []  # a new user has no addresses yet


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["recipient", "user", "country", "city", "postcode", "is_default", "updated_at"]
    list_filter = ["is_default", "country"]
    list_select_related = ["user"]
    search_fields = [
        "recipient",
        "phone",
        "city",
        "street",
        "postcode",
        "user__email",
        "user__display_name",
    ]
    fields = ["user", *ADDRESS_FIELDS, "is_default", "created_at", "updated_at"]
    readonly_fields = ["user", "is_default", "created_at", "updated_at"]
    actions = ["make_default"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Address, form: Any, change: bool) -> None:
        update_address(address=obj, **{name: form.cleaned_data[name] for name in ADDRESS_FIELDS})

    def delete_model(self, request: HttpRequest, obj: Address) -> None:
        delete_address(address=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Address]) -> None:
        for address in queryset:
            delete_address(address=address)

    @admin.action(description=_("Make the default address of its owner"), permissions=["change"])
    def make_default(self, request: HttpRequest, queryset: QuerySet[Address]) -> None:
        for address in queryset:
            set_default_address(address=address)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d address is now its owner's default.",
                "%(count)d addresses are now their owners' default.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
