"""Public pages served from the cache to visitors without an account (core.http.visitor_cached)."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rione.core.tests.factories import UserFactory
from rione.programmes.models import Call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30


def page(call):
    return reverse("portal:call_detail", args=[call.city.slug, call.slug])


def rename(call, title):
    Call.objects.filter(pk=call.pk).update(title=title)


def test_a_visitor_gets_the_page_from_the_cache_until_it_expires(client, open_call, settings):
    first = client.get(page(open_call))
    rename(open_call, "Titolo cambiato")

    with CaptureQueriesContext(connection) as queries:
        second = client.get(page(open_call))

    assert second.status_code == 200
    assert second.content == first.content
    assert "Titolo cambiato" not in second.content.decode()
    assert len(queries) == 1  # the cache's read
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    assert "Titolo cambiato" in client.get(page(open_call)).content.decode()


def test_the_pages_of_visitors_carry_no_token_and_set_no_cookie(client, open_call):
    for url in (
        reverse("portal:call_list", args=[open_call.city.slug]),
        page(open_call),
        reverse("monitoring:call_public", args=[open_call.city.slug, open_call.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert not response.cookies, url


def test_the_language_switch_needs_no_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert client.get(reverse("portal:home"))["Content-Language"] == "en"


def test_each_language_has_its_own_page(client, open_call, settings):
    italian = client.get(page(open_call))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    english = client.get(page(open_call))

    assert italian["Content-Language"] == "it"
    assert english["Content-Language"] == "en"
    assert b'<html lang="en">' in english.content


def test_a_signed_in_person_never_gets_a_cached_page(client, open_call):
    client.get(page(open_call))  # cached for visitors
    rename(open_call, "Titolo cambiato")
    client.force_login(UserFactory(first_name="Carmela"))

    content = client.get(page(open_call)).content.decode()

    assert "Titolo cambiato" in content
    assert reverse("account_logout") in content  # their own header


def test_a_visitor_with_a_message_waiting_goes_through_the_view(client, open_call):
    client.get(page(open_call))
    rename(open_call, "Titolo cambiato")
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "Sei uscito.")
    response = client.get("/")  # any response to carry the cookie
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value

    content = client.get(page(open_call)).content.decode()

    assert "Titolo cambiato" in content
    assert "Sei uscito." in content


def test_an_error_is_not_cached(client, open_call):
    missing = reverse("portal:call_detail", args=[open_call.city.slug, "non-esiste"])
    assert client.get(missing).status_code == 404
    Call.objects.filter(pk=open_call.pk).update(slug="non-esiste")

    assert client.get(missing).status_code == 200
