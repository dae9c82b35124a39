"""Files exported by staff (XLSX built in the background): progress, download, retry.

An export belongs to a city and is about an object (a call); staff of that city who hold
the dataset's permission on that object may follow it and download it, whoever asked for
it (a request for the same data reuses the same file). Other cities get 404, staff
without the permission 403. Every download is audited.
"""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.db.models import Model
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rione.applications.models import ProposalStatus
from rione.core.errors import DomainError
from rione.core.exports import dataset, download_response
from rione.core.http import AuthenticatedHttpRequest
from rione.core.models import Export, ExportKind
from rione.core.services_exports import record_export_download, request_export
from rione.programmes.models import Call, Lot
from rione.territory.models import City

from ..forms import ProposalFilterForm
from .base import city_view, require
from .calls import call_crumbs


def access_export(
    request: AuthenticatedHttpRequest, city: City, token: UUID
) -> tuple[Export, Model]:
    """A staff export of ``city`` and its target; 404 if missing, 403 without permission."""
    export = Export.objects.filter(city=city, token=token, public=False).first()
    if export is None:
        raise Http404
    source = dataset(export.kind)
    target = source.target(city, export.params)
    if target is None or source.perm is None:
        raise Http404
    require(request, source.perm, target)
    return export, target


def _proposal_filters(call: Call, params: dict[str, Any]) -> list[tuple[str, str]]:
    """The list filters an export of proposals was asked with, as (label, value)."""
    shown: list[tuple[str, str]] = []
    if params.get("q"):
        shown.append((_("cerca"), params["q"]))
    if params.get("status"):
        shown.append((_("stato"), str(dict(ProposalStatus.choices).get(params["status"], ""))))
    if params.get("kind"):
        shown.append((_("proponente"), str(dict(ProposalFilterForm.KINDS).get(params["kind"], ""))))
    if params.get("lot"):
        lot = Lot.objects.filter(call=call, pk=params["lot"]).first()
        shown.append((_("lotto"), str(lot) if lot else ""))
    return shown


def _list_query(params: dict[str, Any]) -> str:
    names = {"q": "testo", "status": "stato", "kind": "tipo", "lot": "lotto"}
    pairs = [(name, params[key]) for key, name in names.items() if params.get(key)]
    return f"?{urlencode(pairs)}" if pairs else ""


@city_view()
def export_progress(request: AuthenticatedHttpRequest, city: City, token: UUID) -> HttpResponse:
    export, target = access_export(request, city, token)
    crumbs: list[tuple[str, str]] = []
    filters: list[tuple[str, str]] = []
    back_url = ""
    if export.kind == ExportKind.PROPOSALS and isinstance(target, Call):
        back_url = reverse("backoffice:proposal_list", args=[city.slug, target.pk])
        back_url += _list_query(export.params)
        crumbs = [*call_crumbs(city, target), (_("Proposte"), back_url)]
        filters = _proposal_filters(target, export.params)
    title = _("Esportazione in XLSX")
    return render(
        request,
        "backoffice/exports/progress.html",
        {
            "city": city,
            "nav": "calls",
            "title": title,
            "crumbs": [*crumbs, (title, "")],
            "export": export,
            "target": target,
            "filters": filters,
            "back_url": back_url,
            "refresh_url": request.path,
            "download_url": reverse("backoffice:export_download", args=[city.slug, token]),
            "retry_url": reverse("backoffice:export_retry", args=[city.slug, token]),
            "retry_post": True,
        },
    )


# city_view is typed for HttpResponse; a FileResponse streams (StreamingHttpResponse).
@city_view()  # type: ignore[arg-type]
def export_download(request: AuthenticatedHttpRequest, city: City, token: UUID) -> FileResponse:
    export, _target = access_export(request, city, token)
    response = download_response(export, cache_control="private, no-store")
    record_export_download(export=export, by=request.user)
    return response


@city_view()
@require_POST
def export_retry(request: AuthenticatedHttpRequest, city: City, token: UUID) -> HttpResponse:
    """Ask again for the same data (a failed file is never reused: a new one is built)."""
    export, _target = access_export(request, city, token)
    try:
        again = request_export(
            kind=export.kind, params=export.params, city=city, public=False, by=request.user
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("backoffice:export_progress", city.slug, token)
    messages.success(request, _("Il file è di nuovo in preparazione."))
    return redirect("backoffice:export_progress", city.slug, again.token)
