"""Rankings: staff compute and publish them; the public reads and downloads them.

Staff pages: managers of the call's city (other staff 403, other cities 404). Public pages:
the latest published ranking of a public call (404 before). Appeals (the applicant's page,
the staff decision, their files) are in ``views.appeals``; the staff ranking page shows
them. Ranking tables show 50 rows a page (``?pagina=``), optionally one outcome
(``?esito=``); downloads keep every row. A selected applicant renounces from the personal
area (404 to anyone who may not commit the applicant).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rione.applications.models import Proposal
from rione.backoffice.views.base import city_view, render_form, run_action, run_service, saved
from rione.backoffice.views.calls import call_crumbs, get_call
from rione.backoffice.views.proposals import call_tabs_context
from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.core.permissions import access
from rione.evaluation import exports, ranking_selectors, services
from rione.evaluation.forms import (
    FinalRankingForm,
    RankingFilterForm,
    RenounceForm,
    RevokeForm,
    SelectionRulesForm,
)
from rione.evaluation.models import EntryStatus, Ranking, RankingEntry, RankingKind
from rione.evaluation.services.rankings import latest_provisional, rules_of
from rione.evaluation.views.appeals import appeals_context
from rione.portal import selectors as portal_selectors
from rione.portal.views import city_crumbs
from rione.programmes.models import Call
from rione.territory.models import City

PERM = "evaluation.manage_ranking"
RANKING_PAGE_SIZE = 50


def _back(city: City, call: Call) -> HttpResponse:
    return redirect("evaluation:ranking", city.slug, call.pk)


@city_view()
def ranking_rules(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    """The selection rules as a form; read-only, with the reason, once the final is published."""
    call = get_call(request, city, pk, PERM)
    current = rules_of(call)
    criteria = ranking_selectors.top_criteria(call=call)
    locked = ranking_selectors.rules_locked(call=call)
    form = SelectionRulesForm(
        None if locked else (request.POST or None),
        rules=current,
        criteria=criteria,
        cap=call.cap_selected,
    )
    if locked and request.method == "POST":
        messages.error(request, str(services.RulesLocked.message))
    if not locked and request.method == "POST" and form.is_valid():
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
        template="evaluation/ranking_rules.html",
        extra={
            "call": call,
            "locked": locked,
            "summary": ranking_selectors.describe_rules(
                call=call, rules=current, criteria=criteria, locked=locked
            ),
        },
    )


def _latest(call: Call) -> Ranking | None:
    return Ranking.objects.filter(call=call).order_by("-computed_at", "-pk").first()


def _page(request: HttpRequest, ranking: Ranking, status: str) -> Page:
    """The page asked for in ``?pagina=`` of the entries (with outcome ``status``). Two queries.

    Its ``object_list`` goes to ``exports.rows_from``; downloads keep every row.
    """
    entries = exports.entries_of(ranking, status=status)
    return Paginator(entries, RANKING_PAGE_SIZE).get_page(request.GET.get("pagina"))


@city_view()
def ranking(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    """The latest computed ranking with its entries, the appeals and the publication forms."""
    call = get_call(request, city, pk, PERM)
    latest = _latest(call)
    provisional = latest_provisional(call)
    filters = RankingFilterForm(request.GET)
    page = _page(request, latest, filters.status()) if latest else None
    current = rules_of(call)
    locked = ranking_selectors.rules_locked(call=call)
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
            "unscored": ranking_selectors.unscored(ranking=latest),
            "rows": exports.rows_from(page.object_list) if page else [],
            "page": page,
            "filters": filters,
            "provisional": provisional,
            "rules": current,
            "rules_summary": ranking_selectors.describe_rules(
                call=call,
                rules=current,
                criteria=ranking_selectors.top_criteria(call=call),
                locked=locked,
            ),
            "final_form": FinalRankingForm(),
            "revoke_form": RevokeForm(),
            "now": clock.now(),
            "is_final": latest is not None and latest.kind == RankingKind.FINAL,
            **appeals_context(call, provisional),
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
    filters = RankingFilterForm(request.GET)
    page = _page(request, found, filters.status())
    return render(
        request,
        "evaluation/ranking_public.html",
        {
            "city": city,
            "nav": "calls",
            "call": call,
            "ranking": found,
            "rows": exports.rows_from(page.object_list),
            "page_obj": page,
            "filters": filters,
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
@require_http_methods(["GET", "POST"])
def ranking_renounce(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The applicant renounces a selected place in the final ranking, after a confirmation.

    404 to anyone who may not commit the applicant (`applications.submit_proposal`) and
    while the proposal is in no published final ranking. A repeated request gets the
    service's message (EntryVacated) and promotes no one.
    """
    proposal: Proposal = access(
        request.user,
        Proposal.objects.select_related("call__city"),
        perm="applications.submit_proposal",
        pk=pk,
    )
    entry = ranking_selectors.final_entry(proposal=proposal)
    if entry is None:
        raise Http404
    form = RenounceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_action(
            request,
            lambda: services.renounce(entry=entry, by=request.user),
            _(
                "Rinuncia registrata. Il posto passa alla proposta idonea successiva in "
                "graduatoria."
            ),
        )
        if done:
            return redirect("applications:list")
        return redirect("evaluation:ranking_renounce", proposal.pk)
    list_url = reverse("applications:list")
    call = proposal.call
    context: dict[str, Any] = {
        "title": _("Rinuncia al contributo"),
        "proposal": proposal,
        "entry": entry,
        "ranking": entry.ranking,
        "status_label": EntryStatus(entry.status).label,
        "can_renounce": entry.status == EntryStatus.SELECTED,
        "public_url": reverse("evaluation:ranking_public", args=[call.city.slug, call.slug]),
        "form": form,
        "cancel_url": list_url,
        "crumbs": [
            (_("Area personale"), reverse("applicants:home")),
            (_("Le mie domande"), list_url),
            (str(proposal), None),
            (_("Rinuncia"), None),
        ],
    }
    return render(request, "evaluation/ranking_renounce.html", context)


STAFF = "gestione/<slug:city_slug>/avvisi/<int:pk>/graduatoria/"
PUBLIC = "<slug:city_slug>/bandi/<slug:call_slug>/graduatoria"

urlpatterns: list[URLPattern] = [
    path(STAFF, ranking, name="ranking"),
    path(STAFF + "regole/", ranking_rules, name="ranking_rules"),
    path(STAFF + "calcola/", ranking_compute, name="ranking_compute"),
    path(STAFF + "<int:ranking_pk>/pubblica/", ranking_publish, name="ranking_publish"),
    path(STAFF + "definitiva/", ranking_final, name="ranking_final"),
    path(STAFF + "posizioni/<int:entry_pk>/rinuncia/", entry_renounce, name="entry_renounce"),
    path(STAFF + "posizioni/<int:entry_pk>/revoca/", entry_revoke, name="entry_revoke"),
    path(PUBLIC + "/", ranking_public, name="ranking_public"),
    path(PUBLIC + ".csv", ranking_csv, name="ranking_csv"),
    path(PUBLIC + ".xlsx", ranking_xlsx, name="ranking_xlsx"),
    path(PUBLIC + ".pdf", ranking_pdf, name="ranking_pdf"),
    path("area-personale/domande/<int:pk>/rinuncia/", ranking_renounce, name="ranking_renounce"),
]
