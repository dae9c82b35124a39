"""Open data of a public call (CSV and JSON, streamed) and the data dictionary page.

Public: 404 for a call the public may not see. Licence CC BY 4.0, stated in the dictionary,
in a ``Link`` header and in the JSON's metadata.
"""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rione.monitoring.opendata import (
    FIELD_NAMES,
    FIELDS,
    LICENCE,
    LICENCE_URL,
    LIST_SEPARATOR,
    project_rows,
)
from rione.portal import selectors as portal_selectors
from rione.portal.views import city_crumbs
from rione.programmes.models import Call


class Echo:
    """A file-like object that hands back what is written, for ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def _public_call(city_slug: str, call_slug: str) -> Call:
    city = portal_selectors.get_public_city(slug=city_slug)
    call: Call = get_object_or_404(
        portal_selectors.public_calls().filter(city=city).select_related("city"),
        slug=call_slug,
    )
    return call


def _csv_lines(call: Call) -> Iterator[str]:
    writer = csv.writer(Echo(), lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled
    yield writer.writerow(FIELD_NAMES)
    for row in project_rows(call=call):
        yield writer.writerow(
            [
                LIST_SEPARATOR.join(value) if isinstance(value, list) else value
                for value in (row[name] for name in FIELD_NAMES)
            ]
        )


def _json_chunks(call: Call, meta: dict[str, Any]) -> Iterator[str]:
    head = json.dumps(meta, ensure_ascii=False)
    yield head[:-1] + ', "progetti": ['
    separator = ""
    for row in project_rows(call=call):
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ", "
    yield "]}\n"


def _licence_header(response: StreamingHttpResponse) -> None:
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'


@require_GET
def projects_csv(request: HttpRequest, city_slug: str, call_slug: str) -> StreamingHttpResponse:
    call = _public_call(city_slug, call_slug)
    response = StreamingHttpResponse(_csv_lines(call), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="progetti-{call.slug}.csv"'
    _licence_header(response)
    return response


@require_GET
def projects_json(request: HttpRequest, city_slug: str, call_slug: str) -> StreamingHttpResponse:
    call = _public_call(city_slug, call_slug)
    meta = {
        "comune": call.city.name,
        "avviso": call.title,
        "licenza": LICENCE,
        "url_licenza": LICENCE_URL,
        "dizionario": request.build_absolute_uri(
            reverse("monitoring:opendata_dictionary", args=[call.city.slug])
        ),
    }
    response = StreamingHttpResponse(
        _json_chunks(call, meta), content_type="application/json; charset=utf-8"
    )
    _licence_header(response)
    return response


@require_GET
def dictionary(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = portal_selectors.get_public_city(slug=city_slug)
    return render(
        request,
        "monitoring/opendata_dictionary.html",
        {
            "city": city,
            "fields": FIELDS,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "separator": LIST_SEPARATOR,
            "breadcrumbs": [*city_crumbs(city), (_("Dizionario dei dati aperti"), None)],
        },
    )


PUBLIC_CALL = "<slug:city_slug>/bandi/<slug:call_slug>/dati"

urlpatterns: list[URLPattern] = [
    path(PUBLIC_CALL + "/progetti.csv", projects_csv, name="opendata_csv"),
    path(PUBLIC_CALL + "/progetti.json", projects_json, name="opendata_json"),
    path("<slug:city_slug>/dati-aperti/dizionario/", dictionary, name="opendata_dictionary"),
]
