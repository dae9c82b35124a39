"""The catalogue of a city's open data: a page and its JSON-LD (DCAT-AP_IT).

Public: 404 for an unknown or unpublished city. Two queries: the city and the datasets.
"""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rione.monitoring import catalogue as catalogues
from rione.monitoring.opendata import LICENCE, LICENCE_URL
from rione.portal import selectors as portal_selectors
from rione.portal.views import city_crumbs

JSONLD = "application/ld+json; charset=utf-8"


@require_GET
def catalogue(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = portal_selectors.get_public_city(slug=city_slug)
    groups = catalogues.city_catalogue(city=city)
    return render(
        request,
        "monitoring/opendata_catalogue.html",
        {
            "city": city,
            "groups": groups,
            "publisher_id": catalogues.publisher_id(city),
            "contact_name": catalogues.contact_name(city),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "licence_uri": catalogues.LICENCE_URI,
            "theme_uri": f"{catalogues.EU}data-theme/",
            "jsonld_url": reverse("monitoring:opendata_catalogue_jsonld", args=[city.slug]),
            "dictionary_url": reverse("monitoring:opendata_dictionary", args=[city.slug]),
            "api_url": reverse("api:openapi-view"),
            "breadcrumbs": [*city_crumbs(city), (_("Dati aperti"), None)],
        },
    )


@require_GET
def catalogue_jsonld(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = portal_selectors.get_public_city(slug=city_slug)
    document = catalogues.catalogue_jsonld(
        city=city,
        groups=catalogues.city_catalogue(city=city),
        absolute=request.build_absolute_uri,
    )
    return HttpResponse(json.dumps(document, ensure_ascii=False, indent=1), content_type=JSONLD)


urlpatterns: list[URLPattern] = [
    path("<slug:city_slug>/dati-aperti/", catalogue, name="opendata_catalogue"),
    path(
        "<slug:city_slug>/dati-aperti/catalogo.jsonld",
        catalogue_jsonld,
        name="opendata_catalogue_jsonld",
    ),
]
