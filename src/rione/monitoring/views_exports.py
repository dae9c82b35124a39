"""Open data of a public call as an XLSX file, built in the background.

``progetti.xlsx`` asks for the file (reusing the one of the same data when it exists)
and redirects to a public page that shows the progress and, when the file is ready,
the download link. The file and its page are public only while the call is: 404 for
a call the public may not see, for a staff export, or for another city's file.
"""

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rione.core.exports import dataset, download_response
from rione.core.models import Export, ExportKind
from rione.core.services_exports import request_export
from rione.monitoring.opendata import LICENCE
from rione.monitoring.views_opendata import public_call
from rione.portal import selectors as portal_selectors
from rione.portal.views import city_crumbs
from rione.programmes.models import Call
from rione.territory.models import City


def _public_export(city_slug: str, token: UUID) -> tuple[City, Export, Call]:
    city = portal_selectors.get_public_city(slug=city_slug)
    export = Export.objects.filter(
        city=city, token=token, public=True, kind=ExportKind.OPEN_DATA_PROJECTS
    ).first()
    if export is None:
        raise Http404
    call = dataset(export.kind).target(city, export.params)
    if not isinstance(call, Call):
        raise Http404
    return city, export, call


@require_GET
def projects_xlsx(request: HttpRequest, city_slug: str, call_slug: str) -> HttpResponse:
    call = public_call(city_slug, call_slug)
    export = request_export(
        kind=ExportKind.OPEN_DATA_PROJECTS,
        params={"call": call.pk, "lang": get_language()},
        city=call.city,
        public=True,
        by=None,
    )
    return redirect("monitoring:opendata_file", call.city.slug, export.token)


@require_GET
def export_file(request: HttpRequest, city_slug: str, token: UUID) -> HttpResponse:
    city, export, call = _public_export(city_slug, token)
    return render(
        request,
        "monitoring/export_file.html",
        {
            "city": city,
            "call": call,
            "export": export,
            "licence": LICENCE,
            "refresh_url": request.path,
            "download_url": reverse("monitoring:opendata_file_download", args=[city.slug, token]),
            "retry_url": reverse("monitoring:opendata_xlsx", args=[city.slug, call.slug]),
            "breadcrumbs": [
                *city_crumbs(city),
                (call.title, reverse("portal:call_detail", args=[city.slug, call.slug])),
                (_("File dei dati aperti"), None),
            ],
        },
    )


@require_GET
def export_file_download(request: HttpRequest, city_slug: str, token: UUID) -> FileResponse:
    _city, export, _call = _public_export(city_slug, token)
    return download_response(export, cache_control="public, max-age=300")


PUBLIC_CALL = "<slug:city_slug>/bandi/<slug:call_slug>/dati"
PUBLIC_FILE = "<slug:city_slug>/dati-aperti/file/<uuid:token>/"

urlpatterns: list[URLPattern] = [
    path(PUBLIC_CALL + "/progetti.xlsx", projects_xlsx, name="opendata_xlsx"),
    path(PUBLIC_FILE, export_file, name="opendata_file"),
    path(PUBLIC_FILE + "scarica", export_file_download, name="opendata_file_download"),
]
