"""Open data of a public call or a published programme (CSV and JSON, streamed) and the
data dictionary page.

Public: 404 for a call or programme the public may not see; a programme's files hold the
records of its public calls. Licence CC BY 4.0, stated in the dictionary, in a ``Link``
header and in the JSON's metadata. The catalogue pages are in ``views_catalogue``.
"""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rione.monitoring import views_catalogue
from rione.monitoring.opendata import (
    FIELD_NAMES,
    FIELDS,
    LICENCE,
    LICENCE_URL,
    LIST_SEPARATOR,
    project_rows,
)
from rione.monitoring.opendata_filters import ProjectFilters, filtered_project_rows
from rione.portal import selectors as portal_selectors
from rione.portal.views import city_crumbs
from rione.programmes.models import Call, Programme
from rione.territory.models import District


class Echo:
    """A file-like object that hands back what is written, for ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def public_call(city_slug: str, call_slug: str) -> Call:
    city = portal_selectors.get_public_city(slug=city_slug)
    call: Call = get_object_or_404(
        portal_selectors.public_calls().filter(city=city).select_related("city"),
        slug=call_slug,
    )
    return call


def _public_programme(city_slug: str, slug: str) -> Programme:
    city = portal_selectors.get_public_city(slug=city_slug)
    programme: Programme = get_object_or_404(
        portal_selectors.list_public_programmes(city=city).select_related("city"), slug=slug
    )
    return programme


def _programme_rows(programme: Programme) -> Iterator[dict[str, Any]]:
    return project_rows(calls=Call.objects.public().filter(programme=programme))


def _csv_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(Echo(), lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled
    yield writer.writerow(FIELD_NAMES)
    for row in rows:
        yield writer.writerow(
            [
                LIST_SEPARATOR.join(value) if isinstance(value, list) else value
                for value in (row[name] for name in FIELD_NAMES)
            ]
        )


def _json_chunks(rows: Iterator[dict[str, Any]], meta: dict[str, Any]) -> Iterator[str]:
    head = json.dumps(meta, ensure_ascii=False)
    yield head[:-1] + ', "progetti": ['
    separator = ""
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ", "
    yield "]}\n"


def _licence_header(response: StreamingHttpResponse) -> None:
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'


def _csv_response(rows: Iterator[dict[str, Any]], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    _licence_header(response)
    return response


def _json_response(
    request: HttpRequest, rows: Iterator[dict[str, Any]], city_slug: str, meta: dict[str, Any]
) -> StreamingHttpResponse:
    meta = {
        **meta,
        "licenza": LICENCE,
        "url_licenza": LICENCE_URL,
        "dizionario": request.build_absolute_uri(
            reverse("monitoring:opendata_dictionary", args=[city_slug])
        ),
        "catalogo": request.build_absolute_uri(
            reverse("monitoring:opendata_catalogue", args=[city_slug])
        ),
    }
    response = StreamingHttpResponse(
        _json_chunks(rows, meta), content_type="application/json; charset=utf-8"
    )
    _licence_header(response)
    return response


class BadFilter(Exception):
    """A filter of an open-data file that names nothing: the file is refused, with why."""


def _call_rows(request: HttpRequest, call: Call) -> tuple[Iterator[dict[str, Any]], str]:
    """The call's records, narrowed to a municipalità when ``?municipalita=<id>`` names one of
    the city's (as the dashboard's filter does), and the file name that says so.

    An unknown or malformed district is refused (400) rather than ignored: a file that
    silently held more than was asked for would be misread.
    """
    chosen = request.GET.get("municipalita", "")
    if not chosen:
        return project_rows(call=call), f"progetti-{call.slug}"
    district = (
        District.objects.filter(city_id=call.city_id, pk=chosen).first()
        if (chosen.isdigit() and len(chosen) < 19)
        else None
    )
    if district is None:
        raise BadFilter(_("La municipalità indicata non esiste in questa città."))
    filters = ProjectFilters(city=call.city.slug, call=call.pk, district=district.slug)
    return filtered_project_rows(filters), f"progetti-{call.slug}-{district.slug}"


def _refused(error: BadFilter) -> HttpResponse:
    return HttpResponse(str(error.args[0]), status=400, content_type="text/plain; charset=utf-8")


@require_GET
def projects_csv(request: HttpRequest, city_slug: str, call_slug: str) -> HttpResponseBase:
    call = public_call(city_slug, call_slug)
    try:
        rows, name = _call_rows(request, call)
    except BadFilter as error:
        return _refused(error)
    return _csv_response(rows, name)


@require_GET
def projects_json(request: HttpRequest, city_slug: str, call_slug: str) -> HttpResponseBase:
    call = public_call(city_slug, call_slug)
    try:
        rows, _name = _call_rows(request, call)
    except BadFilter as error:
        return _refused(error)
    meta = {"comune": call.city.name, "avviso": call.title}
    return _json_response(request, rows, call.city.slug, meta)


@require_GET
def programme_csv(request: HttpRequest, city_slug: str, slug: str) -> StreamingHttpResponse:
    programme = _public_programme(city_slug, slug)
    return _csv_response(_programme_rows(programme), f"progetti-programma-{programme.slug}")


@require_GET
def programme_json(request: HttpRequest, city_slug: str, slug: str) -> StreamingHttpResponse:
    programme = _public_programme(city_slug, slug)
    meta = {"comune": programme.city.name, "programma": programme.title}
    return _json_response(request, _programme_rows(programme), programme.city.slug, meta)


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
            "catalogue_url": reverse("monitoring:opendata_catalogue", args=[city.slug]),
            "breadcrumbs": [*city_crumbs(city), (_("Dizionario dei dati aperti"), None)],
        },
    )


PUBLIC_CALL = "<slug:city_slug>/bandi/<slug:call_slug>/dati"
PUBLIC_PROGRAMME = "<slug:city_slug>/programmi/<slug:slug>/dati"

urlpatterns: list[URLPattern] = [
    path(PUBLIC_CALL + "/progetti.csv", projects_csv, name="opendata_csv"),
    path(PUBLIC_CALL + "/progetti.json", projects_json, name="opendata_json"),
    path(PUBLIC_PROGRAMME + "/progetti.csv", programme_csv, name="opendata_programme_csv"),
    path(PUBLIC_PROGRAMME + "/progetti.json", programme_json, name="opendata_programme_json"),
    path("<slug:city_slug>/dati-aperti/dizionario/", dictionary, name="opendata_dictionary"),
    *views_catalogue.urlpatterns,
]
