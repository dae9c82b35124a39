"""With DEBUG off and the production static storage, pages render and whitenoise serves assets."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from rione.programmes.tests.factories import CallFactory


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.mark.django_db
def test_public_pages_and_their_assets_work_in_production(production_static):
    call = CallFactory(open=True)
    client = Client()

    pages = ["/", f"/{call.city.slug}/", f"/{call.city.slug}/bandi/{call.slug}/", "/cerca/?q=idee"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path

    html = client.get("/").content.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"#]+)"', html)
    assert any(asset.endswith("bootstrap-italia.min.css") for asset in assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset


@pytest.mark.django_db
def test_an_unknown_page_gets_the_project_404(production_static):
    response = Client().get("/questa-pagina-non-esiste/")

    assert response.status_code == 404
    assert "rione" in response.content.decode()
