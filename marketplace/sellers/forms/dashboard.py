"""Forms of the seller dashboard (shop settings, payout, members, decoration). They only parse
input; the services in ``services/shops.py``, ``services/members.py`` and
``services/decoration.py`` check it and write."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import BlockKind, MemberRole, ShopBlock

ROLE_CHOICES = [
    (MemberRole.MANAGER, MemberRole.MANAGER.label),
    (MemberRole.CLERK, MemberRole.CLERK.label),
]
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


def image_input() -> forms.FileInput:
    return forms.FileInput(attrs={"accept": IMAGE_ACCEPT})


class ShopSettingsForm(forms.Form):
    name = forms.CharField(label=_("Shop name"), max_length=80)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=image_input(),
        help_text=_("Square works best; JPEG, PNG or WebP, at most 5 MB."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    banner = forms.FileField(
        label=_("Banner"),
        required=False,
        widget=image_input(),
        help_text=_("A wide picture (about 3:1) across the top of your storefront."),
    )
    remove_banner = forms.BooleanField(label=_("Remove the banner"), required=False)
    theme_colour = forms.RegexField(
        label=_("Theme colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        error_messages={"invalid": _("Use a colour like #c8102e.")},
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Basic HTML is kept: paragraphs, bold, italics, lists and links."),
    )
    announcement = forms.CharField(label=_("Announcement"), required=False, max_length=300)
    service_hours = forms.CharField(
        label=_("Service hours"),
        required=False,
        max_length=100,
        help_text=_("For example: Mon-Fri 9:00-18:00"),
    )
    ships_from = forms.CharField(label=_("Ships from"), required=False, max_length=100)
    accepts_cash_on_delivery = forms.BooleanField(
        label=_("Accept cash on delivery"),
        required=False,
        help_text=_("Buyers may pay the courier when the parcel arrives."),
    )


class PayoutForm(forms.Form):
    account_name = forms.CharField(label=_("Account holder"), max_length=100)
    bank_name = forms.CharField(label=_("Bank"), max_length=100)
    account_number = forms.CharField(label=_("Account number / IBAN"), max_length=64)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial=MemberRole.CLERK)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)


class AddBlockForm(forms.Form):
    kind = forms.ChoiceField(label=_("Block"), choices=BlockKind.choices)


class BlockForm(forms.Form):
    """The heading of a block, plus the settings its kind has."""

    title = forms.CharField(label=_("Heading"), required=False, max_length=100)

    def __init__(self, *args: Any, block: ShopBlock, **kwargs: Any) -> None:
        config = block.config or {}
        initial = {"title": block.title}
        super().__init__(*args, initial=initial, **kwargs)
        self.kind = block.kind
        if block.kind == BlockKind.RICH_TEXT:
            self.fields["html"] = forms.CharField(
                label=_("Text"),
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 12}),
                help_text=_("Basic HTML is kept: paragraphs, headings, bold, lists and links."),
            )
            self.initial["html"] = config.get("html", "")
        elif block.kind == BlockKind.CATEGORY_TABS:
            self.fields["tabs"] = forms.CharField(
                label=_("Tabs"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=_("One tab name per line, at most 10."),
            )
            self.initial["tabs"] = "\n".join(config.get("tabs", []))
        elif block.kind == BlockKind.FEATURED_PRODUCTS:
            self.fields["product_ids"] = forms.CharField(
                label=_("Product numbers"),
                required=False,
                help_text=_("Numbers of your products, separated by commas, at most 24."),
            )
            self.initial["product_ids"] = ", ".join(str(i) for i in config.get("product_ids", []))

    def settings(self) -> dict[str, Any]:
        """The kind's settings as the decoration service takes them."""
        data = self.cleaned_data
        if self.kind == BlockKind.RICH_TEXT:
            return {"html": data.get("html", "")}
        if self.kind == BlockKind.CATEGORY_TABS:
            return {"tabs": [line for line in data.get("tabs", "").splitlines() if line.strip()]}
        if self.kind == BlockKind.FEATURED_PRODUCTS:
            raw = data.get("product_ids", "").replace("\uff0c", ",")  # a Chinese comma too
            return {"product_ids": [part for part in raw.split(",") if part.strip()]}
        return {}


class SlideForm(forms.Form):
    image = forms.FileField(
        label=_("Picture"), widget=image_input(), help_text=_("JPEG, PNG or WebP, at most 5 MB.")
    )
    alt_text = forms.CharField(
        label=_("Description"),
        max_length=150,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    link = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=300,
        help_text=_("Where a click leads: a page of this site (/...) or a web address."),
    )
