"""When the setting asks for it, staff use the back office only with TOTP two-factor set up."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse


@pytest.fixture
def mfa_required(settings):
    settings.REQUIRE_STAFF_MFA = True


def test_staff_without_totp_are_sent_to_set_it_up(mfa_required, manager, client_for, city):
    response = client_for(manager).get(reverse("backoffice:city", args=[city.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert "next=" in response["Location"]


def test_staff_with_totp_get_in(mfa_required, manager, client_for, city):
    Authenticator.objects.create(user=manager, type=Authenticator.Type.TOTP, data={})

    response = client_for(manager).get(reverse("backoffice:city", args=[city.slug]))

    assert response.status_code == 200


def test_without_the_setting_totp_is_optional(settings, manager, client_for, city):
    settings.REQUIRE_STAFF_MFA = False

    response = client_for(manager).get(reverse("backoffice:city", args=[city.slug]))

    assert response.status_code == 200
