"""Calls: list, create, edit, the detail page with its parts, life cycle, amendments, history."""

from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.core.models import AuditEvent
from rione.core.permissions import access
from rione.programmes import services
from rione.programmes.models import (
    CALL_TRANSITIONS,
    CLOCK_DRIVEN,
    Call,
    CallDocument,
    CallPhase,
    CallStatus,
    ExtraQuestion,
    FaqEntry,
    GrantRule,
    Lot,
    Programme,
    RequiredDocument,
)
from rione.territory.models import City, Site

from ..forms import (
    AmendmentForm,
    CallDocumentForm,
    CallForm,
    ExtraQuestionForm,
    FaqForm,
    GrantRuleForm,
    LotForm,
    PhaseFilterForm,
    RequiredDocumentForm,
)
from .base import city_view, paginate, render_form, require, run_action, run_service, saved
from .dashboard import phase_q
from .history import event_rows

# The parts of a call edited with a small form each: model, form, anchor on the detail page, name.
PARTS: dict[str, tuple[type[Any], type[Any], str, Any]] = {
    "lot": (Lot, LotForm, "lotti", gettext_lazy("lotto")),
    "grantrule": (GrantRule, GrantRuleForm, "regole", gettext_lazy("regola di contributo")),
    "requireddocument": (
        RequiredDocument,
        RequiredDocumentForm,
        "documenti-richiesti",
        gettext_lazy("documento richiesto"),
    ),
    "question": (ExtraQuestion, ExtraQuestionForm, "domande", gettext_lazy("domanda aggiuntiva")),
    "faq": (FaqEntry, FaqForm, "faq", gettext_lazy("domanda frequente")),
    "document": (CallDocument, CallDocumentForm, "allegati", gettext_lazy("documento dell'avviso")),
}

# What the button of each staff-decided transition says.
TRANSITION_LABELS: dict[str, Any] = {
    CallPhase.DRAFT: gettext_lazy("Riporta in bozza"),
    CallPhase.EVALUATION: gettext_lazy("Avvia la valutazione"),
    CallPhase.PROVISIONAL_RANKING: gettext_lazy("Pubblica la graduatoria provvisoria"),
    CallPhase.FINAL_RANKING: gettext_lazy("Pubblica la graduatoria definitiva"),
    CallPhase.ARCHIVED: gettext_lazy("Archivia"),
}


def get_call(
    request: AuthenticatedHttpRequest, city: City, pk: int, perm: str | None = None
) -> Call:
    """The call ``pk`` of ``city`` (404 otherwise), requiring ``perm`` on it (403 otherwise)."""
    call: Call = access(
        request.user,
        Call.objects.filter(city=city).select_related("programme", "stage"),
        perm="programmes.view_call_backoffice",
        pk=pk,
    )
    if perm:
        require(request, perm, call)
    return call


def call_crumbs(city: City, call: Call | None = None) -> list[tuple[str, str]]:
    crumbs = [
        (city.name, reverse("backoffice:city", args=[city.slug])),
        (_("Avvisi"), reverse("backoffice:call_list", args=[city.slug])),
    ]
    if call is not None:
        crumbs.append((call.title, reverse("backoffice:call_detail", args=[city.slug, call.pk])))
    return crumbs


def staff_transitions(call: Call) -> list[dict[str, Any]]:
    """The buttons the transition table allows from the call's phase now (not the clock's moves)."""
    phase = call.phase
    if phase == CallPhase.DRAFT:
        return [{"target": "publish", "label": _("Pubblica l'avviso")}]
    return [
        {"target": target, "label": TRANSITION_LABELS[target]}
        for target in sorted(CALL_TRANSITIONS.get(phase, frozenset()))
        if (phase, target) not in CLOCK_DRIVEN
    ]


@city_view("programmes.view_call_backoffice")
def call_list(request: AuthenticatedHttpRequest, city: City) -> HttpResponse:
    form = PhaseFilterForm(request.GET or None, choices=list(CallPhase.choices))
    calls = Call.objects.filter(city=city).select_related("programme").order_by("-opens_at", "pk")
    if form.is_valid() and form.cleaned_data["fase"]:
        calls = calls.filter(phase_q(form.cleaned_data["fase"], clock.now()))
    return render(
        request,
        "backoffice/call_list.html",
        {
            "city": city,
            "nav": "calls",
            "title": _("Avvisi"),
            "crumbs": [*call_crumbs(city)[:1], (_("Avvisi"), "")],
            "page": paginate(request, calls),
            "filter_form": form,
            "programmes": Programme.objects.filter(city=city).order_by("title")
            if request.user.has_perm("programmes.manage_call", city)
            else [],
        },
    )


@city_view()
def call_create(request: AuthenticatedHttpRequest, city: City, programme_pk: int) -> HttpResponse:
    programme: Programme = access(
        request.user,
        Programme.objects.filter(city=city),
        perm="core.view_city_backoffice",
        pk=programme_pk,
    )
    require(request, "programmes.manage_call", programme)
    form = CallForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        ok, call = run_service(
            form,
            lambda: services.create_call(
                programme=programme, by=request.user, values=form.values(), m2m=form.m2m()
            ),
        )
        if ok:
            return saved(
                request, _("Avviso creato in bozza."), "backoffice:call_detail", city.slug, call.pk
            )
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=_("Nuovo avviso · %(programme)s") % {"programme": programme.title},
        crumbs=[*call_crumbs(city), (_("Nuovo"), "")],
        cancel_url=reverse("backoffice:call_list", args=[city.slug]),
    )


@city_view()
def call_edit(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, "programmes.manage_call")
    form = CallForm(request.POST or None, instance=call, programme=call.programme)
    public = call.status != CallStatus.DRAFT
    if public:
        form.lock_dates()
    if request.method == "POST" and form.is_valid():
        exclude = ("opens_at", "closes_at") if public else ()
        ok, _call = run_service(
            form,
            lambda: services.update_call(
                call=call,
                by=request.user,
                values=form.values(exclude=exclude),
                m2m=form.m2m(),
                expected_updated_at=form.expected_updated_at,
            ),
        )
        if ok:
            return saved(request, _("Avviso salvato."), "backoffice:call_detail", city.slug, pk)
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=_("Modifica: %(call)s") % {"call": call.title},
        crumbs=[*call_crumbs(city, call), (_("Modifica"), "")],
        cancel_url=reverse("backoffice:call_detail", args=[city.slug, pk]),
    )


@city_view()
def call_detail(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk)
    now = clock.now()
    user = request.user
    can_edit = user.has_perm("programmes.manage_call", call)
    can_publish = user.has_perm("programmes.publish_call", call)
    phase = call.phase_at(now)
    context = {
        "city": city,
        "call": call,
        "nav": "calls",
        "tab": "detail",
        "title": call.title,
        "crumbs": [*call_crumbs(city), (call.title, "")],
        "phase": phase,
        "can_edit": can_edit,
        "can_publish": can_publish,
        "can_amend": user.has_perm("programmes.amend_call", call)
        and phase in {CallPhase.SCHEDULED, CallPhase.OPEN, CallPhase.CLOSED},
        "can_view_history": user.has_perm("core.view_audit", call),
        "transitions": staff_transitions(call) if can_publish else [],
        "problems": services.publication_problems(call, at=now) if phase == CallPhase.DRAFT else [],
        "applicant_types": list(call.eligible_applicant_types.all()),
        "neighbourhoods": list(call.eligible_neighbourhoods.all()),
        "lots": list(
            Lot.objects.filter(call=call).prefetch_related(
                Prefetch("sites", queryset=Site.objects.order_by("name"))
            )
        ),
        "grant_rules": list(GrantRule.objects.filter(call=call)),
        "required_documents": list(RequiredDocument.objects.filter(call=call)),
        "questions": list(ExtraQuestion.objects.filter(call=call)),
        "documents": list(CallDocument.objects.filter(call=call)),
        "faq": list(FaqEntry.objects.filter(call=call)),
        "amendments": list(call.amendments.select_related("created_by").order_by("-number")),
        "preview_url": reverse("portal:call_detail", args=[city.slug, call.slug]) + "?anteprima=1",
    }
    return render(request, "backoffice/call_detail.html", context)


@require_POST
@city_view()
def call_transition(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, "programmes.publish_call")
    target = request.POST.get("target", "")
    if target == "publish":
        run_action(
            request,
            lambda: services.publish_call(call=call, by=request.user),
            _("L'avviso è pubblicato."),
        )
    elif target == CallPhase.DRAFT:
        run_action(
            request,
            lambda: services.unpublish_call(call=call, by=request.user),
            _("L'avviso è tornato in bozza."),
        )
    elif target in TRANSITION_LABELS:
        run_action(
            request,
            lambda: services.advance_call(call=call, target=CallPhase(target), by=request.user),
            _("Lo stato dell'avviso è stato aggiornato."),
        )
    else:
        raise Http404
    return redirect("backoffice:call_detail", city.slug, pk)


@city_view()
def call_history(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, "core.view_audit")
    events = AuditEvent.objects.filter(stream=f"call:{call.pk}").order_by("-seq")
    page = paginate(request, events)
    return render(
        request,
        "backoffice/call_history.html",
        {
            "city": city,
            "call": call,
            "nav": "calls",
            "tab": "history",
            "title": _("Storia: %(call)s") % {"call": call.title},
            "crumbs": [*call_crumbs(city, call), (_("Storia"), "")],
            "page": page,
            "events": event_rows(page.object_list),
            "can_view_history": True,
        },
    )


def _part(request: AuthenticatedHttpRequest, call: Call, kind: str, part_pk: int) -> Any:
    model = PARTS[kind][0]
    return access(
        request.user,
        model.objects.filter(call=call).select_related("call"),
        perm="programmes.manage_call",
        pk=part_pk,
    )


@city_view()
def part_form(
    request: AuthenticatedHttpRequest, city: City, pk: int, kind: str, part_pk: int | None = None
) -> HttpResponse:
    call = get_call(request, city, pk, "programmes.manage_call")
    _model, form_class, anchor, name = PARTS[kind]
    part = _part(request, call, kind, part_pk) if part_pk else None
    extra_kwargs = {"city": city} if kind == "lot" else {}
    form = form_class(request.POST or None, instance=part, **extra_kwargs)
    if request.method == "POST" and form.is_valid():
        values, by = form.values(), request.user
        if kind == "lot":
            action = (
                (lambda: services.create_lot(call=call, by=by, values=values, m2m=form.m2m()))
                if part is None
                else (lambda: services.update_lot(lot=part, by=by, values=values, m2m=form.m2m()))
            )
        elif part is None:
            action = lambda: services.create_call_part(  # noqa: E731
                model=_model, call=call, by=by, values=values
            )
        else:
            action = lambda: services.update_call_part(part=part, by=by, values=values)  # noqa: E731
        ok, _saved = run_service(form, action)
        if ok:
            messages_text = _("Salvato: %(name)s.") % {"name": name}
            response = saved(request, messages_text, "backoffice:call_detail", city.slug, pk)
            response["Location"] += f"#{anchor}"
            return response
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=(_("Nuovo elemento: %(name)s") if part is None else _("Modifica: %(name)s"))
        % {"name": name},
        crumbs=[*call_crumbs(city, call), (str(name).capitalize(), "")],
        cancel_url=reverse("backoffice:call_detail", args=[city.slug, pk]) + f"#{anchor}",
    )


@require_POST
@city_view()
def part_delete(
    request: AuthenticatedHttpRequest, city: City, pk: int, kind: str, part_pk: int
) -> HttpResponse:
    call = get_call(request, city, pk, "programmes.manage_call")
    part = _part(request, call, kind, part_pk)
    run_action(
        request,
        lambda: services.delete_call_part(part=part, by=request.user),
        _("Eliminato: %(name)s.") % {"name": PARTS[kind][3]},
    )
    return redirect(reverse("backoffice:call_detail", args=[city.slug, pk]) + f"#{PARTS[kind][2]}")


@require_POST
@city_view()
def faq_publish(
    request: AuthenticatedHttpRequest, city: City, pk: int, part_pk: int
) -> HttpResponse:
    call = get_call(request, city, pk, "programmes.manage_call")
    entry = _part(request, call, "faq", part_pk)
    run_action(
        request,
        lambda: services.publish_faq(entry=entry, by=request.user),
        _("La domanda frequente è pubblicata."),
    )
    return redirect(reverse("backoffice:call_detail", args=[city.slug, pk]) + "#faq")


@city_view()
def document_create(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, "programmes.manage_call")
    form = CallDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ok, _document = run_service(
            form,
            lambda: services.attach_call_document(
                call=call,
                by=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            ),
        )
        if ok:
            response = saved(
                request, _("Documento caricato."), "backoffice:call_detail", city.slug, pk
            )
            response["Location"] += "#allegati"
            return response
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=_("Carica un documento dell'avviso"),
        crumbs=[*call_crumbs(city, call), (_("Documento"), "")],
        cancel_url=reverse("backoffice:call_detail", args=[city.slug, pk]) + "#allegati",
        multipart=True,
        submit_label=_("Carica"),
    )


@city_view()
def amendment_create(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, "programmes.amend_call")
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _amendment = run_service(
            form,
            lambda: services.amend_call(
                call=call,
                by=request.user,
                kind=data["kind"],
                text=data["text"],
                new_closes_at=data["new_closes_at"],
            ),
        )
        if ok:
            response = saved(
                request, _("Modifica pubblicata."), "backoffice:call_detail", city.slug, pk
            )
            response["Location"] += "#modifiche"
            return response
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=_("Proroga o rettifica dell'avviso"),
        crumbs=[*call_crumbs(city, call), (_("Proroga o rettifica"), "")],
        cancel_url=reverse("backoffice:call_detail", args=[city.slug, pk]) + "#modifiche",
        submit_label=_("Pubblica la modifica"),
        intro=_("La scadenza attuale è %(closes)s (ora italiana).")
        % {
            "closes": call.closes_at.astimezone(clock.ROME).strftime("%d/%m/%Y %H:%M")
            if call.closes_at
            else "—"
        },
    )
