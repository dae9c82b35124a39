"""The public dashboard in a browser: axe-core finds no serious violation, print hides filters."""

import csv
import io

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


def test_public_dashboard_filtered_by_district_then_the_csv_downloaded(page, city, world):
    page.goto(reverse("monitoring:call_public", args=[city.slug, world.call.slug]))
    assert page.get_by_role("status").filter(has_text="Nessun filtro applicato").count() == 1

    page.get_by_role("combobox", name="Municipalità").select_option(label="M1 – Chiaia")
    page.get_by_role("button", name="Applica i filtri").click()

    assert "municipalita=" in page.url
    assert page.get_by_role("status").filter(has_text="Chiaia").count() == 1
    funnel = page.get_by_role("table", name="Proposte per fase")
    assert funnel.get_by_role("row", name="Selezionate").get_by_role("cell").inner_text() == "1"
    assert_accessible(page, context="public dashboard filtered by district")

    in_district = page.locator(".monitoring-actions", has_text="selezionati in Chiaia")
    with page.expect_download() as download:
        in_district.get_by_role("link", name="CSV", exact=True).click()
    saved = download.value.path()
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    district = world.districts["D1"]
    assert download.value.suggested_filename == f"progetti-{world.call.slug}-{district.slug}.csv"
    assert [row["municipalita"] for row in rows] == ["Chiaia"]
    assert [row["quartieri"] for row in rows] == ["San Ferdinando"]
