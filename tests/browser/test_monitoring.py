"""The public dashboard in a browser: axe-core finds no serious violation, print hides filters."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.browser.conftest import assert_accessible

FAST = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(city):
    from rione.monitoring.tests.givens import known_call

    with override_settings(PASSWORD_HASHERS=FAST):
        return known_call(city)


def test_public_dashboard_is_accessible_and_prints_without_filters(page, city, world, tmp_path):
    url = reverse("monitoring:call_public", args=[city.slug, world.call.slug])

    page.goto(url)

    assert page.get_by_role("img", name="Tipologia di proponente: proposte presentate").count() == 1
    assert_accessible(page, context="public dashboard")
    page.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, context="public dashboard on a phone")
    page.emulate_media(media="print")
    assert page.locator(".monitoring-filters").is_hidden()
    assert page.locator("table caption").first.is_visible()
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
