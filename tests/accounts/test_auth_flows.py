"""Sign-up, e-mail verification, log-in, two-factor authentication and the login rate limit,
driven through allauth's pages the way a browser would."""

import re
import time
import uuid

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings as django_settings
from django.core import mail

from marketplace.accounts.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase-9"


def current_code(secret: str) -> str:
    """What an authenticator app shows right now for this secret.

    allauth accepts only the current period's code by default, so near the end of a period
    wait for the next one rather than send a code that expires on the way.
    """
    left_in_period = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left_in_period < 2:
        time.sleep(left_in_period)
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def wrong_code(secret: str) -> str:
    right = int(current_code(secret))
    return format_hotp_value((right + 1) % 10**mfa_settings.TOTP_DIGITS)


def is_logged_in(client, user: User) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def failures_allowed(per: str) -> int:
    """How many failed logins settings.ACCOUNT_RATE_LIMITS allows per `ip` or per `key`."""
    rates = django_settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    return int(next(rate for rate in rates if rate.endswith(f"/{per}")).split("/")[0])


# --- Sign-up and e-mail verification -----------------------------------------------------------


def test_mandatory_verification_sign_up_is_confirmed_by_the_emailed_link(web_client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    email = f"{uuid.uuid4().hex}@example.com"

    response = web_client.post(
        "/accounts/signup/", {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email=email)
    assert not EmailAddress.objects.get(user=user).verified
    assert not is_logged_in(web_client, user)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    link = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)
    assert link is not None

    refused = web_client.post("/accounts/login/", {"login": email, "password": NEW_PASSWORD})

    assert refused["Location"] == "/accounts/confirm-email/"
    assert not is_logged_in(web_client, user)

    confirm_page = web_client.get(link.group(1))
    assert confirm_page.status_code == 200
    assert not EmailAddress.objects.get(user=user).verified  # a GET alone confirms nothing

    confirmed = web_client.post(link.group(1))

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert is_logged_in(web_client, user)


def test_a_new_account_starts_in_the_language_it_signed_up_in(web_client):
    email = f"{uuid.uuid4().hex}@example.com"

    web_client.post(
        "/accounts/signup/",
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )

    assert User.objects.get(email=email).language == "zh-hant"


# --- Log-in ------------------------------------------------------------------------------------


def test_a_user_logs_in_with_email_and_password(web_client, user, password):
    response = web_client.post("/accounts/login/", {"login": user.email, "password": password})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_logged_in(web_client, user)


def test_a_wrong_password_is_refused(web_client, lone_user):
    response = web_client.post("/accounts/login/", {"login": lone_user.email, "password": "nope"})

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert not is_logged_in(web_client, lone_user)


def test_a_user_with_totp_passes_the_second_step_with_the_current_code(web_client, user, password):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    first_step = web_client.post("/accounts/login/", {"login": user.email, "password": password})

    assert first_step["Location"] == "/accounts/2fa/authenticate/"
    assert not is_logged_in(web_client, user)
    assert 'name="code"' in web_client.get(first_step["Location"]).content.decode()

    second_step = web_client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})

    assert second_step.status_code == 302
    assert second_step["Location"] == "/"
    assert is_logged_in(web_client, user)


def test_a_wrong_totp_code_keeps_the_user_out(web_client, lone_user, password):
    secret = generate_totp_secret()
    TOTP.activate(lone_user, secret)
    web_client.post("/accounts/login/", {"login": lone_user.email, "password": password})

    response = web_client.post("/accounts/2fa/authenticate/", {"code": wrong_code(secret)})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not is_logged_in(web_client, lone_user)


def test_enabling_totp_asks_for_the_password_again_then_generates_recovery_codes(
    client_as, client_ip, user, password
):
    client = client_as(user)
    client.defaults["REMOTE_ADDR"] = client_ip

    asked = client.get("/accounts/2fa/totp/activate/")

    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    reauthenticated = client.post(asked["Location"], {"password": password})
    assert reauthenticated["Location"] == "/accounts/2fa/totp/activate/"

    activate_page = client.get("/accounts/2fa/totp/activate/")
    assert activate_page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in activate_page.content.decode()  # shown for typing into the app

    activated = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})

    assert activated["Location"] == "/accounts/2fa/recovery-codes/"
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes_page = client.get("/accounts/2fa/recovery-codes/")
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert codes.wrap().get_unused_codes()[0] in codes_page.content.decode()


def test_a_wrong_code_does_not_enable_totp(client_as, client_ip, user, password):
    client = client_as(user)
    client.defaults["REMOTE_ADDR"] = client_ip
    asked = client.get("/accounts/2fa/totp/activate/")
    client.post(asked["Location"], {"password": password})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post("/accounts/2fa/totp/activate/", {"code": wrong_code(secret)})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


# --- Rate limit --------------------------------------------------------------------------------


def test_repeated_failed_logins_for_one_email_are_refused_even_with_the_right_password(
    web_client, lone_user, password
):
    for _attempt in range(failures_allowed("key")):
        failed = web_client.post("/accounts/login/", {"login": lone_user.email, "password": "no"})
        assert "are not correct" in failed.content.decode()

    response = web_client.post("/accounts/login/", {"login": lone_user.email, "password": password})

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not is_logged_in(web_client, lone_user)


def test_repeated_failed_logins_from_one_address_are_refused(web_client, lone_user, password):
    for _attempt in range(failures_allowed("ip")):
        web_client.post(
            "/accounts/login/", {"login": f"{uuid.uuid4().hex}@example.com", "password": "no"}
        )

    response = web_client.post("/accounts/login/", {"login": lone_user.email, "password": password})

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not is_logged_in(web_client, lone_user)
