"""Dashboards of a call and of a programme, for staff and for the public, as pages and PDFs.

Staff pages live in the back office (``monitoring.view_dashboard``: any staff of the city;
other cities 404). Public pages exist for public calls and published programmes only (404
otherwise) and hide small counts of informal groups. Filters come by GET.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rione.backoffice.views.base import city_view, require
from rione.backoffice.views.calls import call_crumbs, get_call
from rione.backoffice.views.proposals import call_tabs_context
from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest, visitor_cached
from rione.core.permissions import access
from rione.monitoring import exports, selectors
from rione.monitoring.figures import SMALL, THRESHOLD, marker
from rione.monitoring.forms import FilterForm, Filters
from rione.portal import selectors as portal_selectors
from rione.portal.views import city_crumbs
from rione.programmes.models import PUBLIC_STATUSES, Call, Programme
from rione.territory.models import City

PERM = "monitoring.view_dashboard"


def _scope(filters: Filters) -> list[tuple[str, str]]:
    """The filters applied, as (label, value) for the page summary and the PDF."""
    scope = []
    if filters.call is not None:
        scope.append((_("Avviso"), str(filters.call)))
    if filters.stage is not None:
        scope.append((_("Fase del programma"), str(filters.stage)))
    if filters.district is not None:
        scope.append((_("Municipalità"), str(filters.district)))
    return scope


def _pdf(
    data: selectors.Indicators, *, title: str, city: City, filters: Filters, name: str
) -> HttpResponse:
    body = exports.pdf_bytes(
        data, title=title, city=city.name, scope=_scope(filters), at=clock.now()
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _context(
    request: HttpRequest,
    data: selectors.Indicators,
    form: FilterForm,
    filters: Filters,
    pdf_url: str,
) -> dict[str, Any]:
    query = request.GET.urlencode()
    return {
        "data": data,
        "form": form,
        "filters": filters,
        "scope": _scope(filters),
        "pdf_url": f"{pdf_url}?{query}" if query else pdf_url,
        "now": clock.now(),
        "threshold": THRESHOLD,
        "small_marker": marker(SMALL),
    }


# Staff: a call


def _is_public(call: Call, city: City) -> bool:
    """What ``Call.objects.public()`` says, from the objects at hand (no query)."""
    return call.status in PUBLIC_STATUSES and call.programme.is_published and city.is_published


def _call_data(
    request: AuthenticatedHttpRequest, city: City, pk: int
) -> tuple[Call, selectors.Indicators, FilterForm, Filters]:
    call = get_call(request, city, pk, PERM)
    form = FilterForm(request.GET, districts=selectors.city_districts(city=city))
    filters = form.filters()
    data = selectors.indicators(city=city, calls=[call], district=filters.district)
    return call, data, form, filters


@require_GET
@city_view()
def call_dashboard(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call, data, form, filters = _call_data(request, city, pk)
    pdf_url = reverse("monitoring:call_pdf", args=[city.slug, call.pk])
    return render(
        request,
        "monitoring/staff.html",
        {
            "city": city,
            "call": call,
            "nav": "calls",
            "tab": "monitoring",
            "title": _("Monitoraggio: %(call)s") % {"call": call.title},
            "crumbs": [*call_crumbs(city, call), (_("Monitoraggio"), "")],
            "public_url": reverse("monitoring:call_public", args=[city.slug, call.slug])
            if _is_public(call, city)
            else "",
            **_context(request, data, form, filters, pdf_url),
            **call_tabs_context(request, call),
        },
    )


@require_GET
@city_view()
def call_pdf(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call, data, _form, filters = _call_data(request, city, pk)
    return _pdf(
        data,
        title=_("Monitoraggio: %(call)s") % {"call": call.title},
        city=city,
        filters=filters,
        name=f"monitoraggio-{call.slug}",
    )


# Staff: a programme


def _programme_data(
    request: AuthenticatedHttpRequest, city: City, pk: int
) -> tuple[Programme, selectors.Indicators, FilterForm, Filters]:
    programme: Programme = access(
        request.user, Programme.objects.filter(city=city), perm="core.view_city_backoffice", pk=pk
    )
    require(request, PERM, programme)
    return (programme, *_programme_indicators(request, city, programme, public=False))


def _programme_indicators(
    request: HttpRequest, city: City, programme: Programme, *, public: bool
) -> tuple[selectors.Indicators, FilterForm, Filters]:
    calls = selectors.programme_calls(programme=programme, public=public)
    form = FilterForm(
        request.GET,
        districts=selectors.city_districts(city=city),
        calls=calls,
        stages=selectors.programme_stages(programme=programme),
    )
    filters = form.filters()
    chosen = [
        call
        for call in calls
        if (filters.call is None or call.pk == filters.call.pk)
        and (filters.stage is None or call.stage_id == filters.stage.pk)
    ]
    data = selectors.indicators(city=city, calls=chosen, district=filters.district, public=public)
    return data, form, filters


@require_GET
@city_view()
def programme_dashboard(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    programme, data, form, filters = _programme_data(request, city, pk)
    pdf_url = reverse("monitoring:programme_pdf", args=[city.slug, programme.pk])
    edit_url = reverse("backoffice:programme_edit", args=[city.slug, programme.pk])
    return render(
        request,
        "monitoring/staff.html",
        {
            "city": city,
            "programme": programme,
            "nav": "programmes",
            "title": _("Monitoraggio: %(programme)s") % {"programme": programme.title},
            "crumbs": [
                (city.name, reverse("backoffice:city", args=[city.slug])),
                (_("Programmi"), reverse("backoffice:programme_list", args=[city.slug])),
                *(
                    [(programme.title, edit_url)]
                    if request.user.has_perm("programmes.manage_programme", programme)
                    else []
                ),
                (_("Monitoraggio"), ""),
            ],
            "public_url": reverse("monitoring:programme_public", args=[city.slug, programme.slug])
            if programme.is_published
            else "",
            **_context(request, data, form, filters, pdf_url),
        },
    )


@require_GET
@city_view()
def programme_pdf(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    programme, data, _form, filters = _programme_data(request, city, pk)
    return _pdf(
        data,
        title=_("Monitoraggio: %(programme)s") % {"programme": programme.title},
        city=city,
        filters=filters,
        name=f"monitoraggio-{programme.slug}",
    )


# Public


def _public_call(
    request: HttpRequest, city_slug: str, call_slug: str
) -> tuple[City, Call, selectors.Indicators, FilterForm, Filters]:
    city = portal_selectors.get_public_city(slug=city_slug)
    call = get_object_or_404(
        portal_selectors.public_calls().filter(city=city).select_related("programme", "stage"),
        slug=call_slug,
    )
    form = FilterForm(request.GET, districts=selectors.city_districts(city=city))
    filters = form.filters()
    data = selectors.indicators(city=city, calls=[call], district=filters.district, public=True)
    return city, call, data, form, filters


@require_GET
@visitor_cached
def call_public(request: HttpRequest, city_slug: str, call_slug: str) -> HttpResponse:
    city, call, data, form, filters = _public_call(request, city_slug, call_slug)
    pdf_url = reverse("monitoring:call_public_pdf", args=[city.slug, call.slug])
    return render(
        request,
        "monitoring/public.html",
        {
            "city": city,
            "call": call,
            "nav": "calls",
            "title": _("Dati e risultati: %(call)s") % {"call": call.title},
            "breadcrumbs": [
                *city_crumbs(city),
                (_("Avvisi"), reverse("portal:call_list", args=[city.slug])),
                (call.title, reverse("portal:call_detail", args=[city.slug, call.slug])),
                (_("Dati e risultati"), None),
            ],
            **_context(request, data, form, filters, pdf_url),
        },
    )


@require_GET
def call_public_pdf(request: HttpRequest, city_slug: str, call_slug: str) -> HttpResponse:
    city, call, data, _form, filters = _public_call(request, city_slug, call_slug)
    return _pdf(
        data,
        title=_("Dati e risultati: %(call)s") % {"call": call.title},
        city=city,
        filters=filters,
        name=f"dati-{call.slug}",
    )


def _public_programme(
    request: HttpRequest, city_slug: str, slug: str
) -> tuple[City, Programme, selectors.Indicators, FilterForm, Filters]:
    city = portal_selectors.get_public_city(slug=city_slug)
    programme = get_object_or_404(portal_selectors.list_public_programmes(city=city), slug=slug)
    return (city, programme, *_programme_indicators(request, city, programme, public=True))


@require_GET
def programme_public(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, programme, data, form, filters = _public_programme(request, city_slug, slug)
    pdf_url = reverse("monitoring:programme_public_pdf", args=[city.slug, programme.slug])
    return render(
        request,
        "monitoring/public.html",
        {
            "city": city,
            "programme": programme,
            "nav": "programmes",
            "title": _("Dati e risultati: %(programme)s") % {"programme": programme.title},
            "breadcrumbs": [
                *city_crumbs(city),
                (programme.title, reverse("portal:programme", args=[city.slug, programme.slug])),
                (_("Dati e risultati"), None),
            ],
            **_context(request, data, form, filters, pdf_url),
        },
    )


@require_GET
def programme_public_pdf(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, programme, data, _form, filters = _public_programme(request, city_slug, slug)
    return _pdf(
        data,
        title=_("Dati e risultati: %(programme)s") % {"programme": programme.title},
        city=city,
        filters=filters,
        name=f"dati-{programme.slug}",
    )


STAFF_CALL = "gestione/<slug:city_slug>/avvisi/<int:pk>/monitoraggio"
STAFF_PROGRAMME = "gestione/<slug:city_slug>/programmi/<int:pk>/monitoraggio"
PUBLIC_CALL = "<slug:city_slug>/bandi/<slug:call_slug>/dati"
PUBLIC_PROGRAMME = "<slug:city_slug>/programmi/<slug:slug>/dati"

urlpatterns: list[URLPattern] = [
    path(STAFF_CALL + "/", call_dashboard, name="call"),
    path(STAFF_CALL + ".pdf", call_pdf, name="call_pdf"),
    path(STAFF_PROGRAMME + "/", programme_dashboard, name="programme"),
    path(STAFF_PROGRAMME + ".pdf", programme_pdf, name="programme_pdf"),
    path(PUBLIC_CALL + "/", call_public, name="call_public"),
    path(PUBLIC_CALL + ".pdf", call_public_pdf, name="call_public_pdf"),
    path(PUBLIC_PROGRAMME + "/", programme_public, name="programme_public"),
    path(PUBLIC_PROGRAMME + ".pdf", programme_public_pdf, name="programme_public_pdf"),
]
