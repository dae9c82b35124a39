"""Accounts of applicants: sign-up with e-mail confirmation, login rate limit, optional two-factor."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from rione.core.models import Role, User
from rione.core.tests.factories import StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Quartieri-2026-sicura"


@pytest.fixture(autouse=True)
def _locmem_cache(settings):
    """Rate limits live in the cache: a private one per test."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def test_sign_up_asks_to_confirm_the_address_before_the_personal_area(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = client.post(
        reverse("account_signup"),
        {"email": "volontaria@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="volontaria@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("applicants:home")).status_code == 302  # not signed in yet

    (message,) = mail.outbox
    link = re.search(r"https?://[^\s]+/account/confirm-email/[^\s]+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.post("/" + path)
    assert EmailAddress.objects.get(user=user).verified

    assert (
        client.post(
            reverse("account_login"), {"login": "volontaria@example.org", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get(reverse("applicants:home")).status_code == 200


def test_repeated_failed_logins_are_slowed_down_even_with_the_right_password(client):
    user = UserFactory(email="bersaglio@example.org")
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for _attempt in range(5):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "sbagliata"}
        )
        assert response.status_code == 200
    refused = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert refused.status_code in {200, 429}
    assert "_auth_user_id" not in client.session
    cache.clear()
    allowed = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert allowed.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_two_factor_is_optional_for_applicants_and_offered_in_the_personal_area(
    client_for, settings
):
    settings.REQUIRE_STAFF_MFA = True
    applicant = UserFactory()
    client = client_for(applicant)
    home = client.get(reverse("applicants:home"))
    assert home.status_code == 200
    assert reverse("mfa_index") in home.content.decode()
    assert client.get(reverse("mfa_index")).status_code == 200


def test_two_factor_is_required_for_staff_when_the_setting_says_so(client_for, city, settings):
    settings.REQUIRE_STAFF_MFA = True
    manager = StaffRoleFactory(city=city, role=Role.PROGRAMME_MANAGER).user
    response = client_for(manager).get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response["Location"]
