import pytest
from django.urls import reverse

from rione.core.tests.factories import UserFactory


@pytest.mark.django_db
def test_the_browser_language_alone_does_not_switch_to_english(client):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "it"
    assert b'<html lang="it">' in response.content


@pytest.mark.django_db
def test_the_switch_in_the_header_sets_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("portal:home"))

    assert response["Content-Language"] == "en"
    assert b'<html lang="en">' in response.content


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_italian(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    assert client.get(reverse("portal:home"))["Content-Language"] == "it"


@pytest.mark.django_db
def test_a_signed_in_person_gets_the_language_of_their_profile(client):
    client.force_login(UserFactory(language="en"))

    assert client.get(reverse("portal:home"))["Content-Language"] == "en"
