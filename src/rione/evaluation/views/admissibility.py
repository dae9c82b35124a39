"""Admissibility: staff review the proposals of a closed call, decide and ask for integrations.

Staff pages live under the call in the back office (managers of the call's city; other
staff 403, other cities 404).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rione.applications import selectors as application_selectors
from rione.applications.models import STANDING, Proposal
from rione.backoffice.views.base import (
    city_view,
    paginate,
    render_form,
    run_action,
    run_service,
    saved,
)
from rione.backoffice.views.calls import call_crumbs, get_call
from rione.backoffice.views.proposals import call_tabs_context
from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.core.permissions import access
from rione.evaluation import selectors, services
from rione.evaluation.forms import (
    AdmissibilityFilterForm,
    ChecklistItemForm,
    DecisionForm,
    IntegrationRequestForm,
)
from rione.evaluation.models import (
    ADMISSIBILITY_TRANSITIONS,
    AdmissibilityOutcome,
    ChecklistItem,
)
from rione.programmes.models import Call
from rione.territory.models import City

PERM = "evaluation.manage_admissibility"
# The outcome a staff member may still open the integration form from.
CAN_REQUEST_INTEGRATION = frozenset(
    {AdmissibilityOutcome.PENDING, AdmissibilityOutcome.INTEGRATION_REQUESTED}
)
OUTCOME_LABELS = dict(AdmissibilityOutcome.choices)


def admissibility_crumbs(city: City, call: Call, *more: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        *call_crumbs(city, call),
        (_("Ammissibilità"), reverse("evaluation:admissibility_list", args=[city.slug, call.pk])),
        *more,
    ]


@dataclass(frozen=True)
class CheckRow:
    code: str
    label: str
    passed: bool
    note: str


def check_rows(checks: dict[str, bool | str]) -> list[CheckRow]:
    return [
        CheckRow(code, str(label), bool(checks.get(code)), str(checks.get(f"{code}_note") or ""))
        for code, label in services.CHECK_LABELS.items()
    ]


@dataclass(frozen=True)
class AdmissibilityRow:
    """One line of the admissibility table, read from the latest submitted version."""

    pk: int
    protocol_number: int | None
    title: str
    applicant: str
    outcome: str
    outcome_label: str
    failed_checks: list[str]
    open_requests: int
    answered_requests: int
    overdue_requests: int


def admissibility_row(
    proposal: Any, rules: selectors.CallRequirements, now: datetime
) -> AdmissibilityRow:
    """``proposal`` comes from ``selectors.admissibility_list`` (annotated, requests prefetched)."""
    content: dict[str, Any] = proposal.version_content or {}
    requests = list(proposal.integration_requests.all())
    supplied = {
        r.attachment.required_document_id
        for r in requests
        if r.attachment is not None and r.attachment.required_document_id is not None
    }
    checks = services.judge_version(
        content=content, issued_at=proposal.version_issued_at, rules=rules, supplied=supplied
    )
    answered = [r for r in requests if r.answered_at is not None]
    overdue = [r for r in requests if r.answered_at is None and r.due_at <= now]
    return AdmissibilityRow(
        pk=proposal.pk,
        protocol_number=proposal.version_number,
        title=(content.get("idea") or {}).get("title") or _("Proposta senza titolo"),
        applicant=(content.get("applicant") or {}).get("name", ""),
        outcome=proposal.admissibility_outcome,
        outcome_label=str(OUTCOME_LABELS.get(proposal.admissibility_outcome, "")),
        failed_checks=[row.label for row in check_rows(checks) if not row.passed],
        open_requests=len(requests) - len(answered) - len(overdue),
        answered_requests=len(answered),
        overdue_requests=len(overdue),
    )


@city_view()
def admissibility_list(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    form = AdmissibilityFilterForm(request.GET or None)
    page = paginate(request, selectors.admissibility_list(call=call, outcome=form.outcome()))
    rules = selectors.call_requirements(call=call)
    now = clock.now()
    counts = selectors.outcome_counts(call=call)
    return render(
        request,
        "evaluation/admissibility_list.html",
        {
            "city": city,
            "call": call,
            "nav": "calls",
            "tab": "admissibility",
            "title": _("Ammissibilità: %(call)s") % {"call": call.title},
            "crumbs": [*call_crumbs(city, call), (_("Ammissibilità"), "")],
            "page": page,
            "rows": [admissibility_row(p, rules, now) for p in page.object_list],
            "filter_form": form,
            "filtered": bool(request.GET.keys() - {"pagina"}),
            "counts": [
                (value, label, counts[value]) for value, label in AdmissibilityOutcome.choices
            ],
            "total": sum(counts.values()),
            "call_closed": call.phase_at(now) not in services.BEFORE_CLOSING,
            "checklist_size": selectors.checklist_of(call=call).count(),
            **call_tabs_context(request, call),
        },
    )


# Checklist


@city_view()
def checklist(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    return render(
        request,
        "evaluation/admissibility_checklist.html",
        {
            "city": city,
            "call": call,
            "nav": "calls",
            "tab": "admissibility",
            "title": _("Verifiche manuali: %(call)s") % {"call": call.title},
            "crumbs": admissibility_crumbs(city, call, (_("Verifiche manuali"), "")),
            "items": list(selectors.checklist_of(call=call)),
            "frozen": selectors.checklist_frozen(call=call),
            **call_tabs_context(request, call),
        },
    )


def _item(call: Call, item_pk: int) -> ChecklistItem:
    return get_object_or_404(ChecklistItem.objects.select_related("call"), call=call, pk=item_pk)


def _checklist_form(
    request: AuthenticatedHttpRequest, city: City, call: Call, item: ChecklistItem | None
) -> HttpResponse:
    initial = {"text": item.text, "order": item.order} if item else {"order": 0}
    form = ChecklistItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {"text": form.cleaned_data["text"], "order": form.cleaned_data["order"] or 0}
        ok, _saved = run_service(
            form,
            lambda: (
                services.update_checklist_item(item=item, by=request.user, values=values)
                if item is not None
                else services.create_checklist_item(call=call, by=request.user, values=values)
            ),
        )
        if ok:
            return saved(
                request, _("Verifica salvata."), "evaluation:checklist", city.slug, call.pk
            )
    back = reverse("evaluation:checklist", args=[city.slug, call.pk])
    return render_form(
        request,
        city=city,
        form=form,
        nav="calls",
        title=_("Modifica la verifica") if item else _("Nuova verifica"),
        crumbs=admissibility_crumbs(
            city,
            call,
            (_("Verifiche manuali"), back),
            (_("Modifica") if item else _("Nuova"), ""),
        ),
        cancel_url=back,
    )


@city_view()
def checklist_item_create(request: AuthenticatedHttpRequest, city: City, pk: int) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    return _checklist_form(request, city, call, None)


@city_view()
def checklist_item_edit(
    request: AuthenticatedHttpRequest, city: City, pk: int, item_pk: int
) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    return _checklist_form(request, city, call, _item(call, item_pk))


@require_POST
@city_view()
def checklist_item_delete(
    request: AuthenticatedHttpRequest, city: City, pk: int, item_pk: int
) -> HttpResponse:
    call = get_call(request, city, pk, PERM)
    item = _item(call, item_pk)
    run_action(
        request,
        lambda: services.delete_checklist_item(item=item, by=request.user),
        _("Verifica eliminata."),
    )
    return redirect("evaluation:checklist", city.slug, call.pk)


# One proposal


def proposal_under_review(
    request: AuthenticatedHttpRequest, call: Call, proposal_pk: int
) -> Proposal:
    """A proposal of ``call`` with a standing submission; 404 for drafts, withdrawn and others."""
    proposal: Proposal = access(
        request.user,
        Proposal.objects.filter(call=call, status__in=STANDING).select_related(
            "call", "created_by"
        ),
        perm=PERM,
        pk=proposal_pk,
    )
    return proposal


def _decision_form(
    request: AuthenticatedHttpRequest, call: Call, outcome: str, manual: dict[str, Any]
) -> DecisionForm:
    allowed = ADMISSIBILITY_TRANSITIONS.get(outcome, frozenset()) & selectors.DECIDED_OUTCOMES
    initial = {"passed": [pk for pk, value in manual.items() if (value or {}).get("passed")]}
    return DecisionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        outcomes=[value for value in AdmissibilityOutcome.values if value in allowed],
        items=selectors.checklist_of(call=call),
    )


def _integration_form(request: AuthenticatedHttpRequest, call: Call) -> IntegrationRequestForm:
    return IntegrationRequestForm(
        request.POST if request.method == "POST" else None,
        documents=call.required_documents.order_by("order", "pk"),
    )


def _review_page(
    request: AuthenticatedHttpRequest,
    city: City,
    call: Call,
    proposal: Proposal,
    *,
    decision_form: DecisionForm | None = None,
    integration_form: IntegrationRequestForm | None = None,
) -> HttpResponse:
    review = selectors.review_of(proposal=proposal)
    outcome = review.outcome if review else AdmissibilityOutcome.PENDING
    now = clock.now()
    receipt = selectors.latest_submission(proposal=proposal)
    content = application_selectors.submitted_content(receipt=receipt) if receipt else {}
    requests = list(selectors.integration_requests_of(proposal=proposal))
    open_requests = [r for r in requests if r.answered_at is None and r.due_at > now]
    title = (content.get("idea") or {}).get("title") or str(proposal)
    decision_form = decision_form or _decision_form(
        request, call, outcome, review.manual if review else {}
    )
    return render(
        request,
        "evaluation/admissibility_review.html",
        {
            "city": city,
            "call": call,
            "proposal": proposal,
            "nav": "calls",
            "tab": "admissibility",
            "title": title,
            "crumbs": admissibility_crumbs(city, call, (title, "")),
            "receipt": receipt,
            "content": content,
            "review": review,
            "outcome": outcome,
            "outcome_label": OUTCOME_LABELS[outcome],
            "checks": check_rows(services.automatic_checks(proposal=proposal)) if receipt else [],
            "requests": requests,
            "open_requests": open_requests,
            "call_closed": call.phase_at(now) not in services.BEFORE_CLOSING,
            "decision_form": decision_form,
            "can_decide": bool(decision_form.outcomes),
            "integration_form": integration_form or _integration_form(request, call),
            "can_request_integration": outcome in CAN_REQUEST_INTEGRATION,
        },
    )


@city_view()
def admissibility_review(
    request: AuthenticatedHttpRequest, city: City, pk: int, proposal_pk: int
) -> HttpResponse:
    """The review page; a POST decides the outcome."""
    call = get_call(request, city, pk, PERM)
    proposal = proposal_under_review(request, call, proposal_pk)
    if request.method != "POST":
        return _review_page(request, city, call, proposal)
    review = selectors.review_of(proposal=proposal)
    outcome = review.outcome if review else AdmissibilityOutcome.PENDING
    form = _decision_form(request, call, outcome, {})
    if form.is_valid():
        data = form.cleaned_data
        ok, _review = run_service(
            form,
            lambda: services.decide_admissibility(
                proposal=proposal,
                by=request.user,
                outcome=data["outcome"],
                reason=data["reason"],
                manual=form.manual(),
            ),
        )
        if ok:
            return saved(
                request,
                _("Esito registrato e comunicato al proponente."),
                "evaluation:admissibility_review",
                city.slug,
                call.pk,
                proposal.pk,
            )
    return _review_page(request, city, call, proposal, decision_form=form)


@city_view()
def integration_request(
    request: AuthenticatedHttpRequest, city: City, pk: int, proposal_pk: int
) -> HttpResponse:
    """A POST asks the applicant for an integration; a GET shows the review page."""
    call = get_call(request, city, pk, PERM)
    proposal = proposal_under_review(request, call, proposal_pk)
    if request.method != "POST":
        return _review_page(request, city, call, proposal)
    form = _integration_form(request, call)
    if form.is_valid():
        data = form.cleaned_data
        ok, _request = run_service(
            form,
            lambda: services.request_integration(
                proposal=proposal,
                by=request.user,
                message=data["message"],
                due_at=data["due_at"],
                required_document=data["required_document"],
            ),
        )
        if ok:
            return saved(
                request,
                _("Richiesta di integrazione inviata al proponente."),
                "evaluation:admissibility_review",
                city.slug,
                call.pk,
                proposal.pk,
            )
    return _review_page(request, city, call, proposal, integration_form=form)


STAFF = "gestione/<slug:city_slug>/avvisi/<int:pk>/ammissibilita/"
ONE = STAFF + "proposte/<int:proposal_pk>/"

urlpatterns: list[URLPattern] = [
    path(STAFF, admissibility_list, name="admissibility_list"),
    path(STAFF + "verifiche/", checklist, name="checklist"),
    path(STAFF + "verifiche/nuova/", checklist_item_create, name="checklist_item_create"),
    path(STAFF + "verifiche/<int:item_pk>/", checklist_item_edit, name="checklist_item_edit"),
    path(
        STAFF + "verifiche/<int:item_pk>/elimina/",
        checklist_item_delete,
        name="checklist_item_delete",
    ),
    path(ONE, admissibility_review, name="admissibility_review"),
    path(ONE + "integrazione/", integration_request, name="integration_request"),
]
