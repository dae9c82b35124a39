"""Appeals: the applicant files one (reasons and files) from the personal area; staff decide it
from the ranking page, optionally reopening the scoring, and download its files.

Staff pages: managers of the call's city (other staff 403, other cities 404); every
download of an appeal's file is audited. The applicant page answers 404 to anyone who is
not one of the proposal's applicants; applicants download their own files through the
proposal's attachment link (``applications:attachment``).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rione.applications.models import Proposal
from rione.backoffice.views.base import city_view, run_action, run_service, staff_download
from rione.backoffice.views.calls import get_call
from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.core.permissions import access
from rione.evaluation import appeal_selectors, services
from rione.evaluation.forms import AppealDecisionForm, AppealForm
from rione.evaluation.models import Appeal, Ranking
from rione.evaluation.services.rankings import latest_provisional
from rione.programmes.models import Call
from rione.territory.models import City

DECIDE = "evaluation.decide_appeal"


def appeals_context(call: Call, provisional: Ranking | None) -> dict[str, Any]:
    """What the appeals section of the staff ranking page shows (a fixed number of queries)."""
    return {
        "appeals": appeal_selectors.appeal_rows(ranking=provisional) if provisional else [],
        "rescoring_pending": len(appeal_selectors.rescoring_pending(call=call)),
        "decision_form": AppealDecisionForm(),
    }


def _back(city: City, call: Call) -> HttpResponse:
    return redirect("evaluation:ranking", city.slug, call.pk)


@require_POST
@city_view()
def appeal_decide(
    request: AuthenticatedHttpRequest, city: City, pk: int, appeal_pk: int
) -> HttpResponse:
    """Record the decision (and, when asked, reopen the scoring)."""
    call = get_call(request, city, pk, DECIDE)
    appeal = get_object_or_404(Appeal, ranking__call=call, pk=appeal_pk)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli l'esito e scrivi la decisione motivata."))
        return _back(city, call)
    reopen = bool(form.cleaned_data["reopen"])
    run_action(
        request,
        lambda: services.decide_appeal(
            appeal=appeal,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            decision=form.cleaned_data["decision"],
            reopen=reopen,
        ),
        _(
            "Decisione registrata e comunicata al proponente. La valutazione della proposta è "
            "riaperta: i valutatori sono stati avvisati per e-mail."
        )
        if reopen
        else _("Decisione registrata e comunicata al proponente."),
    )
    return _back(city, call)


# city_view is typed for HttpResponse; a FileResponse streams (StreamingHttpResponse).
@require_GET
@city_view()  # type: ignore[arg-type]
def appeal_attachment(
    request: AuthenticatedHttpRequest, city: City, pk: int, appeal_pk: int, attachment_pk: int
) -> FileResponse:
    """A file sent with an appeal, for the call's managers; the download is audited."""
    call = get_call(request, city, pk, DECIDE)
    appeal = get_object_or_404(
        Appeal.objects.select_related("proposal"), ranking__call=call, pk=appeal_pk
    )
    attachment = appeal.attachments.filter(pk=attachment_pk).first()
    return staff_download(attachment, proposal=appeal.proposal, by=request.user)


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
        Appeal.objects.filter(ranking=provisional, proposal=proposal)
        .prefetch_related("attachments")
        .first()
        if provisional
        else None
    )
    posted = request.method == "POST"
    form = AppealForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        max_files=services.MAX_APPEAL_FILES,
    )
    if posted and provisional is not None and form.is_valid():
        ok, _appeal = run_service(
            form,
            lambda: services.file_appeal(
                ranking=provisional,
                proposal=proposal,
                by=request.user,
                text=form.cleaned_data["text"],
                uploads=form.cleaned_data["documents"],
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
        "max_files": services.MAX_APPEAL_FILES,
        "cancel_url": list_url,
        "crumbs": [
            (_("Area personale"), reverse("applicants:home")),
            (_("Le mie domande"), list_url),
            (str(proposal), None),
            (_("Ricorso"), None),
        ],
    }
    return render(request, "evaluation/ranking_appeal.html", context)


STAFF = "gestione/<slug:city_slug>/avvisi/<int:pk>/graduatoria/ricorsi/<int:appeal_pk>/"

urlpatterns: list[URLPattern] = [
    path(STAFF, appeal_decide, name="appeal_decide"),
    path(STAFF + "allegati/<int:attachment_pk>/", appeal_attachment, name="appeal_attachment"),
    path("area-personale/domande/<int:pk>/ricorso/", appeal_file, name="appeal_file"),
]
