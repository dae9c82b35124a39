"""The city's own details, its sites, districts and neighbourhoods, and its taxonomies."""

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from rione.core.http import AuthenticatedHttpRequest
from rione.core.permissions import access
from rione.territory import services
from rione.territory.models import (
    ApplicantType,
    City,
    CostCategory,
    District,
    Neighbourhood,
    Sector,
    Site,
    TargetGroup,
)

from ..forms import CityForm, DistrictForm, NeighbourhoodForm, SiteForm, term_form_class
from .base import city_view, paginate, render_form, require, run_action, run_service, saved

TAXONOMIES: dict[str, tuple[type[Any], Any]] = {
    "settori": (Sector, gettext_lazy("Settori")),
    "destinatari": (TargetGroup, gettext_lazy("Gruppi destinatari")),
    "proponenti": (ApplicantType, gettext_lazy("Tipologie di proponente")),
    "categorie-di-costo": (CostCategory, gettext_lazy("Categorie di costo")),
}


def _home(city: City) -> tuple[str, str]:
    return (city.name, reverse("backoffice:city", args=[city.slug]))


def list_page(
    request: AuthenticatedHttpRequest, city: City, *, nav: str, title: str, page: Any, **extra: Any
) -> HttpResponse:
    context = {
        "city": city,
        "nav": nav,
        "title": title,
        "page": page,
        "crumbs": [_home(city), (title, "")],
        **extra,
    }
    return render(request, "backoffice/list.html", context)


def action(label: str, url: str, *, danger: bool = False) -> dict[str, Any]:
    return {"label": label, "url": url, "danger": danger}


# The city


@city_view("territory.change_city")
def city_details(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    form = CityForm(request.POST or None, instance=city)
    if request.method == "POST" and form.is_valid():
        ok, _c = run_service(
            form,
            lambda: services.update_city(
                city=city,
                by=request.user,
                values=form.values(),
                expected_updated_at=form.expected_updated_at,
            ),
        )
        if ok:
            return saved(
                request,
                _("Dati dell'amministrazione salvati."),
                "backoffice:city_details",
                city.slug,
            )
    return render_form(
        request,
        city=city,
        form=form,
        nav="city_details",
        title=_("Dati dell'amministrazione"),
        intro=_(
            "Compaiono nelle pagine pubbliche della città, nei verbali e nelle ricevute, e "
            "identificano l'ente come editore dei dati aperti."
        ),
        crumbs=[_home(city), (_("Dati dell'amministrazione"), "")],
        cancel_url=reverse("backoffice:city", args=[city.slug]),
    )


# Sites


@city_view("territory.view_territory")
def site_list(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    page = paginate(
        request,
        Site.objects.filter(city=city).select_related("neighbourhood").order_by("name", "pk"),
    )
    can = request.user.has_perm("territory.manage_sites", city)
    rows = [
        {
            "cells": [site.name, site.address, site.neighbourhood or "—"],
            "url": reverse("backoffice:site_edit", args=[city.slug, site.pk]) if can else "",
            "actions": [
                action(
                    _("Elimina"),
                    reverse("backoffice:site_delete", args=[city.slug, site.pk]),
                    danger=True,
                )
            ]
            if can
            else [],
        }
        for site in page
    ]
    return list_page(
        request,
        city,
        nav="sites",
        title=_("Sedi"),
        page=page,
        rows=rows,
        headers=[_("Nome"), _("Indirizzo"), _("Quartiere")],
        create_url=reverse("backoffice:site_create", args=[city.slug]) if can else "",
        create_label=_("Nuova sede"),
    )


@city_view("territory.manage_sites")
def site_form(request: AuthenticatedHttpRequest, city: City, pk: int | None = None) -> HttpResponse:
    site = (
        access(request.user, Site.objects.filter(city=city), perm="territory.manage_sites", pk=pk)
        if pk
        else None
    )
    form = SiteForm(request.POST or None, instance=site, city=city)
    if request.method == "POST" and form.is_valid():
        if site is None:
            ok, _s = run_service(
                form, lambda: services.create_site(city=city, by=request.user, values=form.values())
            )
        else:
            ok, _s = run_service(
                form,
                lambda: services.update_site(
                    site=site,
                    by=request.user,
                    values=form.values(),
                    expected_updated_at=form.expected_updated_at,
                ),
            )
        if ok:
            return saved(request, _("Sede salvata."), "backoffice:site_list", city.slug)
    list_url = reverse("backoffice:site_list", args=[city.slug])
    return render_form(
        request,
        city=city,
        form=form,
        nav="sites",
        title=_("Nuova sede") if site is None else site.name,
        crumbs=[_home(city), (_("Sedi"), list_url), (_("Sede"), "")],
        cancel_url=list_url,
    )


@require_POST
@city_view("territory.manage_sites")
def site_delete(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    site = access(
        request.user, Site.objects.filter(city=city), perm="territory.manage_sites", pk=pk
    )
    run_action(
        request, lambda: services.delete_site(site=site, by=request.user), _("Sede eliminata.")
    )
    return redirect("backoffice:site_list", city.slug)


# Districts and neighbourhoods


@city_view("territory.manage_areas")
def district_list(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    page = paginate(request, District.objects.filter(city=city).order_by("order", "name", "pk"))
    rows = [
        {
            "cells": [d.code or "—", d.name],
            "url": reverse("backoffice:district_edit", args=[city.slug, d.pk]),
            "actions": [
                action(
                    _("Elimina"),
                    reverse("backoffice:district_delete", args=[city.slug, d.pk]),
                    danger=True,
                )
            ],
        }
        for d in page
    ]
    return list_page(
        request,
        city,
        nav="districts",
        title=_("Municipalità"),
        page=page,
        rows=rows,
        headers=[_("Sigla"), _("Nome")],
        create_url=reverse("backoffice:district_create", args=[city.slug]),
        create_label=_("Nuova municipalità"),
    )


@city_view("territory.manage_areas")
def district_form(
    request: AuthenticatedHttpRequest, city: City, pk: int | None = None
) -> HttpResponse:
    district = (
        access(
            request.user, District.objects.filter(city=city), perm="territory.manage_areas", pk=pk
        )
        if pk
        else None
    )
    form = DistrictForm(request.POST or None, instance=district)
    if request.method == "POST" and form.is_valid():
        if district is None:
            ok, _d = run_service(
                form,
                lambda: services.create_district(city=city, by=request.user, values=form.values()),
            )
        else:
            ok, _d = run_service(
                form,
                lambda: services.update_district(
                    district=district, by=request.user, values=form.values()
                ),
            )
        if ok:
            return saved(request, _("Municipalità salvata."), "backoffice:district_list", city.slug)
    list_url = reverse("backoffice:district_list", args=[city.slug])
    return render_form(
        request,
        city=city,
        form=form,
        nav="districts",
        title=_("Nuova municipalità") if district is None else str(district),
        crumbs=[_home(city), (_("Municipalità"), list_url), (_("Modifica"), "")],
        cancel_url=list_url,
    )


@require_POST
@city_view("territory.manage_areas")
def district_delete(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    district = access(
        request.user, District.objects.filter(city=city), perm="territory.manage_areas", pk=pk
    )
    run_action(
        request,
        lambda: services.delete_district(district=district, by=request.user),
        _("Municipalità eliminata."),
    )
    return redirect("backoffice:district_list", city.slug)


@city_view("territory.manage_areas")
def neighbourhood_list(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    page = paginate(
        request,
        Neighbourhood.objects.filter(city=city)
        .select_related("district")
        .order_by("district__order", "order", "name", "pk"),
    )
    rows = [
        {
            "cells": [n.name, n.district, _("sì") if n.is_target_area else _("no")],
            "url": reverse("backoffice:neighbourhood_edit", args=[city.slug, n.pk]),
            "actions": [
                action(
                    _("Elimina"),
                    reverse("backoffice:neighbourhood_delete", args=[city.slug, n.pk]),
                    danger=True,
                )
            ],
        }
        for n in page
    ]
    return list_page(
        request,
        city,
        nav="neighbourhoods",
        title=_("Quartieri"),
        page=page,
        rows=rows,
        headers=[_("Nome"), pgettext("una sola", "Municipalità"), _("Area bersaglio")],
        create_url=reverse("backoffice:neighbourhood_create", args=[city.slug]),
        create_label=_("Nuovo quartiere"),
    )


@city_view("territory.manage_areas")
def neighbourhood_form(
    request: AuthenticatedHttpRequest, city: City, pk: int | None = None
) -> HttpResponse:
    item = (
        access(
            request.user,
            Neighbourhood.objects.filter(city=city),
            perm="territory.manage_areas",
            pk=pk,
        )
        if pk
        else None
    )
    form = NeighbourhoodForm(request.POST or None, instance=item, city=city)
    if request.method == "POST" and form.is_valid():
        if item is None:
            ok, _n = run_service(
                form,
                lambda: services.create_neighbourhood(
                    city=city, by=request.user, values=form.values()
                ),
            )
        else:
            ok, _n = run_service(
                form,
                lambda: services.update_neighbourhood(
                    neighbourhood=item, by=request.user, values=form.values()
                ),
            )
        if ok:
            return saved(
                request, _("Quartiere salvato."), "backoffice:neighbourhood_list", city.slug
            )
    list_url = reverse("backoffice:neighbourhood_list", args=[city.slug])
    return render_form(
        request,
        city=city,
        form=form,
        nav="neighbourhoods",
        title=_("Nuovo quartiere") if item is None else item.name,
        crumbs=[_home(city), (_("Quartieri"), list_url), (_("Modifica"), "")],
        cancel_url=list_url,
    )


@require_POST
@city_view("territory.manage_areas")
def neighbourhood_delete(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    item = access(
        request.user, Neighbourhood.objects.filter(city=city), perm="territory.manage_areas", pk=pk
    )
    run_action(
        request,
        lambda: services.delete_neighbourhood(neighbourhood=item, by=request.user),
        _("Quartiere eliminato."),
    )
    return redirect("backoffice:neighbourhood_list", city.slug)


# Taxonomies


def _taxonomy(taxonomy: str) -> tuple[type[Any], Any]:
    if taxonomy not in TAXONOMIES:
        raise Http404
    return TAXONOMIES[taxonomy]


@city_view("territory.manage_taxonomies")
def taxonomy_index(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    rows = [
        {
            "cells": [label, model.objects.filter(city=city).count()],
            "url": reverse("backoffice:term_list", args=[city.slug, key]),
            "actions": [],
        }
        for key, (model, label) in TAXONOMIES.items()
    ]
    return list_page(
        request,
        city,
        nav="taxonomies",
        title=_("Tassonomie"),
        page=paginate(request, rows),
        rows=rows,
        headers=[_("Tassonomia"), _("Voci")],
    )


@city_view("territory.manage_taxonomies")
def term_list(request: AuthenticatedHttpRequest, city: City, taxonomy: str) -> HttpResponse:
    model, label = _taxonomy(taxonomy)
    page = paginate(request, model.objects.filter(city=city).order_by("order", "name", "pk"))
    rows = [
        {
            "cells": [t.name, t.name_en or "—", _("sì") if t.is_active else _("no")],
            "url": reverse("backoffice:term_edit", args=[city.slug, taxonomy, t.pk]),
            "actions": [],
        }
        for t in page
    ]
    index_url = reverse("backoffice:taxonomy_index", args=[city.slug])
    return list_page(
        request,
        city,
        nav="taxonomies",
        title=str(label),
        page=page,
        rows=rows,
        headers=[_("Nome"), _("Nome in inglese"), _("In uso")],
        create_url=reverse("backoffice:term_create", args=[city.slug, taxonomy]),
        create_label=_("Nuova voce"),
        crumbs=[_home(city), (_("Tassonomie"), index_url), (str(label), "")],
    )


@city_view("territory.manage_taxonomies")
def term_form(
    request: AuthenticatedHttpRequest, city: City, taxonomy: str, pk: int | None = None
) -> HttpResponse:
    model, label = _taxonomy(taxonomy)
    term = (
        access(
            request.user, model.objects.filter(city=city), perm="territory.manage_taxonomies", pk=pk
        )
        if pk
        else None
    )
    form = term_form_class(model)(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        if term is None:
            ok, _t = run_service(
                form,
                lambda: services.create_term(
                    model=model, city=city, by=request.user, values=form.values()
                ),
            )
        else:
            ok, _t = run_service(
                form,
                lambda: services.update_term(term=term, by=request.user, values=form.values()),
            )
        if ok:
            return saved(request, _("Voce salvata."), "backoffice:term_list", city.slug, taxonomy)
    list_url = reverse("backoffice:term_list", args=[city.slug, taxonomy])
    require(request, "territory.manage_taxonomies", city)
    return render_form(
        request,
        city=city,
        form=form,
        nav="taxonomies",
        title=_("Nuova voce") if term is None else term.name,
        crumbs=[
            _home(city),
            (_("Tassonomie"), reverse("backoffice:taxonomy_index", args=[city.slug])),
            (str(label), list_url),
            (_("Voce"), ""),
        ],
        cancel_url=list_url,
    )
