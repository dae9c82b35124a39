"""Proposals of a call as staff see them (their latest submitted version), and applicant questions.

Staff never see drafts, nor what an applicant is editing in a reopened proposal: every page
reads the content frozen in the latest submission receipt.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rione.applications import exports, selectors, services
from rione.applications.models import (
    ApplicantQuestion,
    Proposal,
    ProposalStatus,
    ReceiptKind,
)
from rione.core.errors import DomainError
from rione.core.exports import csv_lines
from rione.core.http import AuthenticatedHttpRequest
from rione.core.models import ExportKind, ExportStatus
from rione.core.permissions import access
from rione.core.services_exports import record_csv_export, request_export
from rione.programmes.models import Call, Lot
from rione.territory.models import City

from ..forms import AnswerQuestionForm, ProposalFilterForm
from .base import city_view, paginate, render_form, run_service, saved, staff_download
from .calls import call_crumbs, get_call

# What staff can filter on: every status but the draft, which they never see.
STAFF_STATUSES = [
    (value, label) for value, label in ProposalStatus.choices if value != ProposalStatus.DRAFT
]

KIND_LABELS = dict(ProposalFilterForm.KINDS)


@dataclass(frozen=True)
class ProposalRow:
    """One line of the proposals table, read from the latest submitted version."""

    pk: int
    status: str
    status_label: str
    protocol_number: int | None
    submitted_at: datetime | None
    title: str
    applicant: str
    kind: str
    lot: str
    requested_grant: str | None
    attachments: int


def proposal_row(proposal: Any) -> ProposalRow:
    """``proposal`` comes from ``selectors.submitted_versions`` (annotated with its version)."""
    content: dict[str, Any] = proposal.version_content or {}
    applicant = content.get("applicant") or {}
    if applicant.get("kind") == "informal_group":
        kind = "group"
    else:
        kind = "network" if applicant.get("network") else "organisation"
    lot = content.get("lot")
    return ProposalRow(
        pk=proposal.pk,
        status=proposal.status,
        status_label=proposal.get_status_display(),
        protocol_number=proposal.version_number,
        submitted_at=proposal.version_issued_at,
        title=(content.get("idea") or {}).get("title") or _("Proposta senza titolo"),
        applicant=applicant.get("name", ""),
        kind=str(KIND_LABELS[kind]),
        lot=f"{lot['number']}. {lot['title']}" if lot else "",
        requested_grant=(content.get("budget") or {}).get("requested_grant"),
        attachments=len(content.get("attachments") or []),
    )


def call_tabs_context(request: AuthenticatedHttpRequest, call: Call) -> dict[str, Any]:
    """What ``_call_tabs.html`` needs beyond the call (it asks the proposal perms itself)."""
    return {"can_view_history": request.user.has_perm("core.view_audit", call)}


def access_submitted_proposal(
    request: AuthenticatedHttpRequest, call: Call, proposal_pk: int
) -> Proposal:
    """A submitted proposal of ``call`` that the user may read; 404 for drafts and others."""
    proposal: Proposal = access(
        request.user,
        Proposal.objects.filter(call=call).ever_submitted().select_related("call"),
        perm="applications.view_proposal",
        pk=proposal_pk,
    )
    return proposal


def filter_form(call: Call, data: Any) -> ProposalFilterForm:
    """The list's filters, read from ``data`` (the query string, or an export form's POST)."""
    lots = list(Lot.objects.filter(call=call).order_by("number"))
    return ProposalFilterForm(data or None, statuses=STAFF_STATUSES, lots=lots)


FILTER_NAMES = ("testo", "stato", "tipo", "lotto")


def filter_values(data: Any) -> list[tuple[str, str]]:
    """The filters in ``data`` that have a value: for the export links and forms."""
    return [(name, data[name]) for name in FILTER_NAMES if data.get(name)]


@city_view()
def proposal_list(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, "applications.list_proposals")
    form = filter_form(call, request.GET)
    page = paginate(request, selectors.submitted_versions(call=call, filters=form.filters()))
    export_filters = filter_values(request.GET) if form.is_bound and form.is_valid() else []
    return render(
        request,
        "backoffice/proposals/list.html",
        {
            "city": city,
            "call": call,
            "nav": "calls",
            "tab": "proposals",
            "title": _("Proposte: %(call)s") % {"call": call.title},
            "crumbs": [*call_crumbs(city, call), (_("Proposte"), "")],
            "page": page,
            "rows": [proposal_row(p) for p in page.object_list],
            "filter_form": form,
            "filtered": bool(request.GET.keys() - {"pagina"}),
            "can_export": request.user.has_perm("applications.export_proposals", call),
            "export_filters": export_filters,
            "export_query": urlencode(export_filters),
            **call_tabs_context(request, call),
        },
    )


# city_view is typed for HttpResponse; a StreamingHttpResponse is not one.
@city_view("applications.export_proposals")  # type: ignore[arg-type]
@require_GET
def proposal_export_csv(
    request: AuthenticatedHttpRequest, city: City, pk: int
) -> StreamingHttpResponse:
    """The proposals of the list (same filters) as CSV, streamed row by row; audited."""
    call = get_call(request, city, pk, "applications.export_proposals")
    filters = filter_form(call, request.GET).filters()
    record_csv_export(
        kind=ExportKind.PROPOSALS,
        city=city,
        params=exports.export_params(call, filters),
        by=request.user,
    )
    rows = exports.proposal_rows(selectors.submitted_versions(call=call, filters=filters))
    response = StreamingHttpResponse(
        csv_lines(exports.columns(), rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="proposte-{call.slug}.csv"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@city_view("applications.export_proposals")
@require_POST
def proposal_export_xlsx(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    """Ask for the XLSX of the list (same filters), built in the background; audited."""
    call = get_call(request, city, pk, "applications.export_proposals")
    filters = filter_form(call, request.POST).filters()
    params = {**exports.export_params(call, filters), "lang": get_language()}
    try:
        export = request_export(
            kind=ExportKind.PROPOSALS, params=params, city=city, public=False, by=request.user
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("backoffice:proposal_list", city.slug, call.pk)
    export.refresh_from_db(fields=["status"])  # built already when tasks run immediately
    messages.success(
        request,
        _("Il file XLSX è pronto.")
        if export.status == ExportStatus.DONE
        else _("Il file XLSX è in preparazione: questa pagina mostra l'avanzamento."),
    )
    return redirect("backoffice:export_progress", city.slug, export.token)


@city_view()
def proposal_detail(
    request: AuthenticatedHttpRequest, city: City, pk: int, proposal_pk: int
) -> HttpResponse:
    call = get_call(request, city, pk, "applications.list_proposals")
    proposal = access_submitted_proposal(request, call, proposal_pk)
    receipts = list(selectors.receipts_of(proposal=proposal))
    version = next((r for r in receipts if r.kind != ReceiptKind.WITHDRAWAL), None)
    content = selectors.submitted_content(receipt=version) if version else None
    attachment_urls = {
        item["id"]: reverse(
            "backoffice:proposal_attachment", args=[city.slug, call.pk, proposal.pk, item["id"]]
        )
        for item in (content or {}).get("attachments", [])
    }
    title = (content or {}).get("idea", {}).get("title") or str(proposal)
    return render(
        request,
        "backoffice/proposals/detail.html",
        {
            "city": city,
            "call": call,
            "proposal": proposal,
            "nav": "calls",
            "title": title,
            "crumbs": [
                *call_crumbs(city, call),
                (_("Proposte"), reverse("backoffice:proposal_list", args=[city.slug, call.pk])),
                (title, ""),
            ],
            "version": version,
            "content": content,
            "attachment_urls": attachment_urls,
            "receipts": receipts,
        },
    )


# city_view is typed for HttpResponse; a FileResponse streams (StreamingHttpResponse).
@city_view()  # type: ignore[arg-type]
def proposal_attachment(
    request: AuthenticatedHttpRequest, city: City, pk: int, proposal_pk: int, attachment_pk: int
) -> FileResponse:
    call = get_call(request, city, pk, "applications.list_proposals")
    proposal = access_submitted_proposal(request, call, proposal_pk)
    attachment = selectors.submitted_attachment(proposal=proposal, pk=attachment_pk)
    return staff_download(attachment, proposal=proposal, by=request.user)


@city_view()
def applicant_question_list(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, "applications.answer_question")
    page = paginate(request, selectors.questions_to_answer(call=call))
    return render(
        request,
        "backoffice/proposals/question_list.html",
        {
            "city": city,
            "call": call,
            "nav": "calls",
            "tab": "questions",
            "title": _("Quesiti: %(call)s") % {"call": call.title},
            "crumbs": [*call_crumbs(city, call), (_("Quesiti"), "")],
            "page": page,
            **call_tabs_context(request, call),
        },
    )


@city_view()
def applicant_question_answer(
    request: AuthenticatedHttpRequest, city: City, pk: int, question_pk: int
) -> HttpResponse:
    call = get_call(request, city, pk, "applications.answer_question")
    question: ApplicantQuestion = access(
        request.user,
        ApplicantQuestion.objects.filter(call=call).select_related("call", "faq_entry"),
        perm="applications.answer_question",
        pk=question_pk,
    )
    in_faq = question.faq_entry_id is not None
    form = AnswerQuestionForm(
        request.POST or None, initial={"answer": question.answer}, in_faq=in_faq
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _answered = run_service(
            form,
            lambda: services.answer_question(
                question=question,
                by=request.user,
                answer=data["answer"],
                publish_as_faq=bool(data.get("publish_as_faq")),
            ),
        )
        if ok:
            message = (
                _("Risposta inviata e pubblicata nelle FAQ dell'avviso.")
                if data.get("publish_as_faq")
                else _("Risposta inviata.")
            )
            return saved(request, message, "backoffice:applicant_question_list", city.slug, call.pk)
    questions_url = reverse("backoffice:applicant_question_list", args=[city.slug, call.pk])
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=_("Modifica la risposta") if question.answered_at else _("Rispondi al quesito"),
        crumbs=[*call_crumbs(city, call), (_("Quesiti"), questions_url), (_("Risposta"), "")],
        cancel_url=questions_url,
        submit_label=_("Invia la risposta"),
        extra={"question": question, "in_faq": in_faq},
        template="backoffice/proposals/question_answer.html",
    )
