"""Programmes and their stages."""

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rione.core.http import AuthenticatedHttpRequest
from rione.core.models import AuditEvent
from rione.core.permissions import access
from rione.programmes import services
from rione.programmes.models import Programme, Stage
from rione.territory.models import City

from ..forms import ProgrammeForm, StageForm
from .base import city_view, paginate, render_form, require, run_action, run_service, saved
from .history import event_rows


def _programme(request: AuthenticatedHttpRequest, city: City, pk: int, perm: str) -> Programme:
    programme: Programme = access(
        request.user, Programme.objects.filter(city=city), perm="core.view_city_backoffice", pk=pk
    )
    require(request, perm, programme)
    return programme


def _list_crumbs(city: City) -> list[tuple[str, str]]:
    return [
        (city.name, reverse("backoffice:city", args=[city.slug])),
        (_("Programmi"), reverse("backoffice:programme_list", args=[city.slug])),
    ]


@city_view()
def programme_list(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    programmes = (
        Programme.objects.filter(city=city)
        .annotate(n_calls=Count("calls", distinct=True), n_stages=Count("stages", distinct=True))
        .order_by("title", "pk")
    )
    page = paginate(request, programmes)
    return render(
        request,
        "backoffice/programme_list.html",
        {
            "city": city,
            "nav": "programmes",
            "page": page,
            "title": _("Programmi"),
            "crumbs": [*_list_crumbs(city)[:1], (_("Programmi"), "")],
            "can_manage": request.user.has_perm("programmes.manage_programme", city),
            "can_create_call": request.user.has_perm("programmes.manage_call", city),
        },
    )


@city_view("programmes.manage_programme")
def programme_create(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, programme = run_service(
            form,
            lambda: services.create_programme(city=city, by=request.user, values=form.values()),
        )
        if ok:
            return saved(
                request,
                _("Programma creato."),
                "backoffice:programme_edit",
                city.slug,
                programme.pk,
            )
    return render_form(
        request,
        city=city,
        form=form,
        nav="programmes",
        title=_("Nuovo programma"),
        crumbs=[*_list_crumbs(city), (_("Nuovo"), "")],
        cancel_url=reverse("backoffice:programme_list", args=[city.slug]),
    )


@city_view()
def programme_edit(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    programme = _programme(request, city, pk, "programmes.manage_programme")
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        ok, _programme_saved = run_service(
            form,
            lambda: services.update_programme(
                programme=programme,
                by=request.user,
                values=form.values(),
                expected_updated_at=form.expected_updated_at,
            ),
        )
        if ok:
            return saved(
                request, _("Programma salvato."), "backoffice:programme_edit", city.slug, pk
            )
    stages = Stage.objects.filter(programme=programme).order_by("order")
    return render_form(
        request,
        city=city,
        form=form,
        nav="programmes",
        title=programme.title,
        crumbs=[*_list_crumbs(city), (programme.title, "")],
        cancel_url=reverse("backoffice:programme_list", args=[city.slug]),
        template="backoffice/programme_edit.html",
        extra={"programme": programme, "stages": paginate(request, stages)},
    )


@require_POST
@city_view()
def programme_publish(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    programme = _programme(request, city, pk, "programmes.manage_programme")
    run_action(
        request,
        lambda: services.publish_programme(programme=programme, by=request.user),
        _("Il programma è pubblicato sul portale."),
    )
    return redirect("backoffice:programme_edit", city.slug, pk)


@require_POST
@city_view()
def programme_unpublish(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    programme = _programme(request, city, pk, "programmes.manage_programme")
    run_action(
        request,
        lambda: services.unpublish_programme(programme=programme, by=request.user),
        _("Il programma non è più visibile sul portale."),
    )
    return redirect("backoffice:programme_edit", city.slug, pk)


def _stage(request: AuthenticatedHttpRequest, programme: Programme, stage_pk: int) -> Stage:
    stage: Stage = access(
        request.user,
        Stage.objects.filter(programme=programme).select_related("programme"),
        perm="programmes.manage_programme",
        pk=stage_pk,
    )
    return stage


@city_view()
def stage_form(
    request: AuthenticatedHttpRequest, city: City, pk: int, stage_pk: int | None = None
) -> HttpResponse:
    programme = _programme(request, city, pk, "programmes.manage_programme")
    stage = _stage(request, programme, stage_pk) if stage_pk else None
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        if stage is None:
            ok, _s = run_service(
                form,
                lambda: services.create_stage(
                    programme=programme, by=request.user, values=form.values()
                ),
            )
        else:
            ok, _s = run_service(
                form,
                lambda: services.update_stage(stage=stage, by=request.user, values=form.values()),
            )
        if ok:
            return saved(request, _("Fase salvata."), "backoffice:programme_edit", city.slug, pk)
    edit_url = reverse("backoffice:programme_edit", args=[city.slug, pk])
    return render_form(
        request,
        city=city,
        form=form,
        nav="programmes",
        title=_("Nuova fase") if stage is None else str(stage),
        crumbs=[*_list_crumbs(city), (programme.title, edit_url), (_("Fase"), "")],
        cancel_url=edit_url,
    )


@require_POST
@city_view()
def stage_delete(
    request: AuthenticatedHttpRequest, city: City, pk: int, stage_pk: int
) -> HttpResponse:
    programme = _programme(request, city, pk, "programmes.manage_programme")
    stage = _stage(request, programme, stage_pk)
    run_action(
        request,
        lambda: services.delete_stage(stage=stage, by=request.user),
        _("Fase eliminata."),
    )
    return redirect("backoffice:programme_edit", city.slug, pk)


@city_view()
def programme_history(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    programme = _programme(request, city, pk, "core.view_audit")
    events = AuditEvent.objects.filter(stream=programme.audit_stream).order_by("-seq")
    page = paginate(request, events.select_related("actor"))
    return render(
        request,
        "backoffice/programme_history.html",
        {
            "city": city,
            "programme": programme,
            "nav": "programmes",
            "title": _("Storia: %(programme)s") % {"programme": programme.title},
            "crumbs": [*_list_crumbs(city), (programme.title, ""), (_("Storia"), "")],
            "page": page,
            "events": event_rows(page.object_list),
        },
    )
