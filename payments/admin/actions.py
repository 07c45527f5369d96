"""Admin actions that ask staff for something first (a reason, a reference, an amount) on a page
of their own, then call one service per selected row - shared by the payments admin pages."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import DomainError


def ask_then_apply(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form_class: type[forms.Form],
    title: str,
    explanation: str,
    apply: Callable[[Any, dict[str, Any]], Any],
    single: bool = False,
    empty_message: str = "",
) -> TemplateResponse | None:
    """An admin action that first asks for ``form_class`` on its own page, then applies
    ``apply(obj, cleaned_data)`` to each selected row, reporting each refusal. With
    ``empty_message``, an empty selection (after the action's own filter) is said so at once."""
    if empty_message and not queryset.exists():
        modeladmin.message_user(request, empty_message, messages.WARNING)
        return None
    if single and queryset.count() != 1:
        modeladmin.message_user(request, _("Select exactly one row for this."), messages.WARNING)
        return None
    form = form_class(request.POST if "confirm" in request.POST else None)
    if form.is_valid():
        done = 0
        for obj in queryset.order_by("pk"):
            try:
                apply(obj, form.cleaned_data)
            except DomainError as error:
                modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request, _("Done for %(count)d.") % {"count": done}, messages.SUCCESS
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "explanation": explanation,
        "objects": queryset,
        "form": form,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "payments/admin/action_form.html", context)
