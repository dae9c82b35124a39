import json
import re

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from rione.api.api import api, on_domain_error
from rione.api.schemas import call_document_path, public_call_path
from rione.core.errors import DomainError, NotAllowed
from rione.programmes.models import CallDocument
from rione.programmes.tests.factories import CallFactory

PATHS = {
    "/api/cities",
    "/api/cities/{slug}",
    "/api/programmes",
    "/api/calls",
    "/api/calls/{call_id}",
    "/api/calls/{call_id}/lots",
    "/api/calls/{call_id}/faq",
    "/api/sites",
    "/api/opendata/projects",
    "/api/opendata/datasets",
}


def test_openapi_json_lists_every_path_as_get_only(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "rione API"
    # The applicant endpoints are tested in rione.applications.tests.test_api.
    public = {p: ops for p, ops in spec["paths"].items() if not p.startswith("/api/applicant/")}
    assert set(public) == PATHS
    assert all(set(operations) == {"get"} for operations in public.values())
    assert "empty list" in spec["info"]["description"]


def test_openapi_declares_amounts_as_strings(client, db):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    budget = schemas["CallOut"]["properties"]["budget"]["anyOf"][0]
    assert budget["type"] == "string"
    assert schemas["GrantRuleOut"]["properties"]["max_grant"]["type"] == "string"


def test_swagger_page_uses_only_local_static_files(client, db):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "https://" not in html
    assert "http://" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert all(asset.startswith("/static/") for asset in assets)
    assert "/static/ninja/swagger-ui-bundle.js" in assets


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [(DomainError(), 409, "domain_error"), (NotAllowed(), 403, "not_allowed")],
)
def test_domain_errors_become_code_and_message_with_their_status(error, status, code):
    request = RequestFactory().get("/api/calls")

    response = on_domain_error(request, error)

    assert response.status_code == status
    assert api.renderer.media_type in response["Content-Type"]
    assert json.loads(response.content) == {"code": code, "message": str(error.message)}


def test_public_paths_match_the_portal_routes_when_they_exist(city):
    call = CallFactory(open=True, programme__city=city, slug="idee")
    document = CallDocument(pk=7, call=call)
    try:
        call_page = reverse("portal:call_detail", args=[city.slug, call.slug])
        document_page = reverse("portal:call_document", args=[document.pk])
    except NoReverseMatch:
        pytest.skip("the portal routes are not there yet")

    assert public_call_path(call) == call_page == "/napoli/bandi/idee/"
    assert call_document_path(document) == document_page == "/documenti/7/"
