"""The account pages: profile, address book and the language switch. Parse, call a service, answer.

allauth serves sign-up, log-in, passwords, e-mail addresses and two-factor authentication under
``/accounts/``; these pages sit next to them under ``/account/``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from .errors import AccountError
from .forms import AddressForm, ProfileForm
from .models import User
from .selectors import address_for_user_or_404, addresses_for
from .services import (
    create_address,
    delete_address,
    set_default_address,
    set_preferred_language,
    update_address,
    update_profile,
)


class AccountRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


@login_required
def profile(request: AccountRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            user = update_profile(user=request.user, **form.cleaned_data)
        except AccountError as error:
            form.add_error(None, error.message)
        else:
            translation.activate(user.language)  # so that the confirmation reads in it already
            messages.success(request, _("Your profile has been saved."))
            return _remember_language(redirect("accounts:profile"), language=user.language)
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def address_list(request: AccountRequest) -> HttpResponse:
    return render(
        request, "accounts/address_list.html", {"addresses": addresses_for(user=request.user)}
    )


@login_required
def address_create(request: AccountRequest) -> HttpResponse:
    form = AddressForm(request.POST or None)
    if form.is_valid():
        create_address(user=request.user, **form.cleaned_data)
        messages.success(request, _("The address has been added."))
        return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form})


@login_required
def address_edit(request: AccountRequest, pk: int) -> HttpResponse:
    address = address_for_user_or_404(user=request.user, pk=pk)
    form = AddressForm(request.POST or None, instance=address)
    if form.is_valid():
        update_address(address=address, **form.cleaned_data)
        messages.success(request, _("The address has been saved."))
        return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
def address_delete(request: AccountRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (htmx gets the refreshed list back)."""
    address = address_for_user_or_404(user=request.user, pk=pk)
    if request.method != "POST":
        return render(request, "accounts/address_confirm_delete.html", {"address": address})
    delete_address(address=address)
    return _address_book_changed(request, notice=_("The address has been deleted."))


@require_POST
@login_required
def address_set_default(request: AccountRequest, pk: int) -> HttpResponse:
    address = address_for_user_or_404(user=request.user, pk=pk)
    try:
        set_default_address(address=address)
    except AccountError as error:
        messages.error(request, error.message)
        return redirect("accounts:addresses")
    return _address_book_changed(request, notice=_("Your default address has been changed."))


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """As django.views.i18n.set_language; a logged-in user's choice is saved on the account too."""
    next_url = _safe_next_url(request)
    response = HttpResponseRedirect(next_url)
    language = request.POST.get("language", "").strip().lower()
    if language in {code for code, _name in settings.LANGUAGES}:
        if request.user.is_authenticated:
            set_preferred_language(user=request.user, language=language)  # type: ignore[arg-type]
        _remember_language(response, language=language)
    return response


def _address_book_changed(request: AccountRequest, *, notice: str) -> HttpResponse:
    if request.htmx:
        context = {"addresses": addresses_for(user=request.user), "notice": notice}
        return render(request, "accounts/_address_list.html", context)
    messages.success(request, notice)
    return redirect("accounts:addresses")


def _safe_next_url(request: HttpRequest) -> str:
    def is_safe(url: str | None) -> bool:
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    asked = request.POST.get("next") or request.GET.get("next")
    for candidate in (asked, request.META.get("HTTP_REFERER")):
        if candidate and is_safe(candidate):
            return candidate
    return "/"


def _remember_language(response: HttpResponse, *, language: str) -> HttpResponse:
    """The language cookie, set exactly as Django's own set_language view sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
