"""Rankings: staff compute and publish them and decide appeals; the public reads and downloads them;
applicants file an appeal from the personal area.

Staff pages: managers of the call's city (other staff 403, other cities 404). Public pages:
the latest published ranking of a public call (404 before). The appeal page answers 404
to anyone who is not one of the proposal's applicants.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rione.applications.models import Proposal
from rione.backoffice.views.base import city_view, render_form, run_action, run_service, saved
from rione.backoffice.views.calls import call_crumbs, get_call
from rione.backoffice.views.proposals import call_tabs_context
from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.core.permissions import access
from rione.evaluation import exports, services
from rione.evaluation.forms import (
    AppealDecisionForm,
    AppealForm,
    FinalRankingForm,
    RevokeForm,
    SelectionRulesForm,
)
from rione.evaluation.models import Appeal, Ranking, RankingEntry, RankingKind
from rione.evaluation.services.rankings import RULE_FIELDS, latest_provisional, rules_of
from rione.portal import selectors as portal_selectors
from rione.portal.views import city_crumbs
from rione.programmes.models import Call
from rione.territory.models import City

PERM = "evaluation.manage_ranking"


def _back(city: City, call: Call) -> HttpResponse:
    return redirect("evaluation:ranking", city.slug, call.pk)


@city_view()
def ranking_rules(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    current = rules_of(call)
    initial = {name: getattr(current, name) for name in RULE_FIELDS}
    form = SelectionRulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _rules = run_service(
            form,
            lambda: services.save_selection_rules(call=call, by=request.user, values=form.values()),
        )
        if ok:
            return saved(
                request, _("Regole di selezione salvate."), "evaluation:ranking", city.slug, call.pk
            )
    back = reverse("evaluation:ranking", args=[city.slug, call.pk])
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=_("Regole di selezione"),
        crumbs=[*call_crumbs(city, call), (_("Graduatoria"), back), (_("Regole"), "")],
        cancel_url=back,
    )


def _latest(call: Call) -> Ranking | None:
    return Ranking.objects.filter(call=call).order_by("-computed_at", "-pk").first()


@city_view()
def ranking(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    """The latest computed ranking with its entries, the appeals and the publication forms."""
    call = get_call(request, city, pk, PERM)
    latest = _latest(call)
    provisional = latest_provisional(call)
    appeals = (
        list(
            Appeal.objects.filter(ranking=provisional)
            .select_related("decided_by")
            .order_by("filed_at", "pk")
        )
        if provisional
        else []
    )
    rows = exports.rows_of(latest) if latest else []
    protocols = {row.proposal_id: row for row in rows}
    return render(
        request,
        "evaluation/ranking_detail.html",
        {
            "city": city,
            "call": call,
            "nav": "calls",
            "tab": "ranking",
            "title": _("Graduatoria: %(call)s") % {"call": call.title},
            "crumbs": [*call_crumbs(city, call), (_("Graduatoria"), "")],
            "ranking": latest,
            "rows": rows,
            "provisional": provisional,
            "appeals": [(a, protocols.get(a.proposal_id)) for a in appeals],
            "rules": rules_of(call),
            "final_form": FinalRankingForm(),
            "decision_form": AppealDecisionForm(),
            "revoke_form": RevokeForm(),
            "now": clock.now(),
            "is_final": latest is not None and latest.kind == RankingKind.FINAL,
            **call_tabs_context(request, call),
        },
    )


@require_POST
@city_view()
def ranking_compute(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    run_action(
        request,
        lambda: services.compute_ranking(call=call, by=request.user),
        _("Graduatoria calcolata. Controllala prima di pubblicarla."),
    )
    return _back(city, call)


@require_POST
@city_view()
def ranking_publish(
    request: AuthenticatedHttpRequest, city: City, pk: int, ranking_pk: int
) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    found = get_object_or_404(Ranking, call=call, pk=ranking_pk)
    run_action(
        request,
        lambda: services.publish_provisional(ranking=found, by=request.user),
        _("Graduatoria provvisoria pubblicata: si apre il termine per i ricorsi."),
    )
    return _back(city, call)


@require_POST
@city_view()
def ranking_final(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    form = FinalRankingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(city, call)
    run_action(
        request,
        lambda: services.publish_final(
            call=call,
            by=request.user,
            act_number=form.cleaned_data["act_number"],
            act_date=form.cleaned_data["act_date"],
        ),
        _("Graduatoria definitiva pubblicata."),
    )
    return _back(city, call)


@require_POST
@city_view()
def appeal_decide(
    request: AuthenticatedHttpRequest, city: City, pk: int, appeal_pk: int
) -> HttpResponse:
    call = get_call(request, city, pk, "evaluation.decide_appeal")
    appeal = get_object_or_404(Appeal, ranking__call=call, pk=appeal_pk)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli l'esito e scrivi la decisione motivata."))
        return _back(city, call)
    run_action(
        request,
        lambda: services.decide_appeal(
            appeal=appeal,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            decision=form.cleaned_data["decision"],
        ),
        _("Decisione registrata e comunicata al proponente."),
    )
    return _back(city, call)


def _entry(call: Call, entry_pk: int) -> RankingEntry:
    return get_object_or_404(RankingEntry, ranking__call=call, pk=entry_pk)


@require_POST
@city_view()
def entry_renounce(
    request: AuthenticatedHttpRequest, city: City, pk: int, entry_pk: int
) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    entry = _entry(call, entry_pk)
    run_action(
        request,
        lambda: services.renounce(entry=entry, by=request.user),
        _("Rinuncia registrata; la graduatoria è scorsa secondo le regole."),
    )
    return _back(city, call)


@require_POST
@city_view()
def entry_revoke(
    request: AuthenticatedHttpRequest, city: City, pk: int, entry_pk: int
) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    entry = _entry(call, entry_pk)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(
        request,
        lambda: services.revoke(entry=entry, by=request.user, reason=reason),
        _("Revoca registrata; la graduatoria è scorsa secondo le regole."),
    )
    return _back(city, call)


# Public


def _published(city_slug: str, call_slug: str) -> tuple[City, Call, Ranking]:
    city = portal_selectors.get_public_city(slug=city_slug)
    call = portal_selectors.get_public_call(city=city, slug=call_slug, at=clock.now())
    found = (
        Ranking.objects.filter(call=call, published_at__isnull=False)
        .select_related("call__city")
        .order_by("-published_at", "-pk")
        .first()
    )
    if found is None:
        raise Http404
    return city, call, found


@require_GET
def ranking_public(request: HttpRequest, city_slug: str, call_slug: str) -> HttpResponse:
    city, call, found = _published(city_slug, call_slug)
    return render(
        request,
        "evaluation/ranking_public.html",
        {
            "city": city,
            "nav": "calls",
            "call": call,
            "ranking": found,
            "rows": exports.rows_of(found),
            "breadcrumbs": [
                *city_crumbs(city),
                (call.title, reverse("portal:call_detail", args=[city.slug, call.slug])),
                (_("Graduatoria"), None),
            ],
        },
    )


def _filename(call: Call, found: Ranking, ext: str) -> str:
    return f"graduatoria-{found.kind}-{call.slug}.{ext}"


@require_GET
def ranking_csv(request: HttpRequest, city_slug: str, call_slug: str) -> StreamingHttpResponse:
    _city, call, found = _published(city_slug, call_slug)
    response = StreamingHttpResponse(
        exports.csv_lines(exports.rows_of(found)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(call, found, "csv")}"'
    return response


@require_GET
def ranking_xlsx(request: HttpRequest, city_slug: str, call_slug: str) -> HttpResponse:
    _city, call, found = _published(city_slug, call_slug)
    response = HttpResponse(
        exports.xlsx_bytes(found, exports.rows_of(found)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(call, found, "xlsx")}"'
    return response


@require_GET
def ranking_pdf(request: HttpRequest, city_slug: str, call_slug: str) -> HttpResponse:
    _city, call, found = _published(city_slug, call_slug)
    response = HttpResponse(
        exports.pdf_bytes(found, exports.rows_of(found)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(call, found, "pdf")}"'
    return response


# Applicant


@login_required
def appeal_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The applicant files an appeal against the published provisional ranking."""
    proposal: Proposal = access(
        request.user,
        Proposal.objects.select_related("call__city"),
        perm="applications.open_in_personal_area",
        pk=pk,
    )
    provisional = latest_provisional(proposal.call)
    existing = (
        Appeal.objects.filter(ranking=provisional, proposal=proposal).first()
        if provisional
        else None
    )
    form = AppealForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and provisional is not None and form.is_valid():
        ok, _appeal = run_service(
            form,
            lambda: services.file_appeal(
                ranking=provisional,
                proposal=proposal,
                by=request.user,
                text=form.cleaned_data["text"],
            ),
        )
        if ok:
            messages.success(
                request, _("Ricorso presentato. La città ti comunicherà la decisione.")
            )
            return redirect("evaluation:appeal_file", proposal.pk)
    now = clock.now()
    window_open = bool(
        provisional is not None
        and provisional.appeals_close_at is not None
        and now < provisional.appeals_close_at
    )
    list_url = reverse("applications:list")
    context: dict[str, Any] = {
        "title": _("Ricorso sulla graduatoria provvisoria"),
        "proposal": proposal,
        "ranking": provisional,
        "appeal": existing,
        "window_open": window_open,
        "can_file": window_open
        and existing is None
        and request.user.has_perm("applications.submit_proposal", proposal),
        "form": form,
        "cancel_url": list_url,
        "crumbs": [
            (_("Area personale"), reverse("applicants:home")),
            (_("Le mie domande"), list_url),
            (str(proposal), None),
            (_("Ricorso"), None),
        ],
    }
    return render(request, "evaluation/ranking_appeal.html", context)


STAFF = "gestione/<slug:city_slug>/avvisi/<int:pk>/graduatoria/"
PUBLIC = "<slug:city_slug>/bandi/<slug:call_slug>/graduatoria"

urlpatterns: list[URLPattern] = [
    path(STAFF, ranking, name="ranking"),
    path(STAFF + "regole/", ranking_rules, name="ranking_rules"),
    path(STAFF + "calcola/", ranking_compute, name="ranking_compute"),
    path(STAFF + "<int:ranking_pk>/pubblica/", ranking_publish, name="ranking_publish"),
    path(STAFF + "definitiva/", ranking_final, name="ranking_final"),
    path(STAFF + "ricorsi/<int:appeal_pk>/", appeal_decide, name="appeal_decide"),
    path(STAFF + "posizioni/<int:entry_pk>/rinuncia/", entry_renounce, name="entry_renounce"),
    path(STAFF + "posizioni/<int:entry_pk>/revoca/", entry_revoke, name="entry_revoke"),
    path(PUBLIC + "/", ranking_public, name="ranking_public"),
    path(PUBLIC + ".csv", ranking_csv, name="ranking_csv"),
    path(PUBLIC + ".xlsx", ranking_xlsx, name="ranking_xlsx"),
    path(PUBLIC + ".pdf", ranking_pdf, name="ranking_pdf"),
    path("area-personale/domande/<int:pk>/ricorso/", appeal_file, name="appeal_file"),
]
