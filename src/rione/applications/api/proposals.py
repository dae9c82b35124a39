"""A proposal: start it, list them, read it, save its steps, validate it."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rione.api.schemas import MAX_ID
from rione.applications import selectors, services
from rione.applications.api.auth import caller
from rione.applications.api.lookups import (
    access_proposal,
    applicant_choice,
    budget_input,
    idea_input,
    target_rows,
)
from rione.applications.api.routing import ApplicantRouter
from rione.applications.api.schemas import (
    ERRORS,
    AnswersIn,
    AnswersSectionOut,
    ApplicantIn,
    ApplicantSectionOut,
    BudgetIn,
    BudgetSectionOut,
    IdeaIn,
    IdeaSectionOut,
    PathId,
    ProposalItemOut,
    ProposalOut,
    StartIn,
    TargetsIn,
    TargetsSectionOut,
    ValidationOut,
)
from rione.applications.models import Proposal, Step
from rione.core import clock
from rione.programmes.models import Call

router = ApplicantRouter()


class Pagination(LimitOffsetPagination):
    """The public API's limit/offset pagination (same bounds, same ``items``/``count``)."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_ID)


# Reading a proposal back

Part = Callable[[Proposal, services.Review], dict[str, Any]]


def _section(p: Proposal, review: services.Review, step: Step) -> dict[str, Any]:
    return {
        "revision": services.step_revision(p, step),
        "state": review.state(p, step),
        "problems": review.by_step.get(step, []),
    }


def _applicant(p: Proposal, review: services.Review) -> dict[str, Any]:
    letters = {a.partner_id: a.pk for a in p.attachments.all() if a.partner_id}
    return {
        **_section(p, review, Step.APPLICANT),
        "organisation_id": p.organisation_id,
        "group_id": p.group_id,
        "applicant_name": p.applicant_name,
        "is_network": p.is_network,
        "lot_id": p.lot_id,
        "partners": [
            {**vars(partner), "letter_id": letters.get(partner.pk)} for partner in p.partners.all()
        ],
    }


def _idea(p: Proposal, review: services.Review) -> dict[str, Any]:
    return {
        **_section(p, review, Step.IDEA),
        **{name: getattr(p, name) for name in services.IDEA_FIELDS if name != "sector"},
        "sector_id": p.sector_id,
        "neighbourhood_ids": [n.pk for n in p.neighbourhoods.all()],
    }


def _targets(p: Proposal, review: services.Review) -> dict[str, Any]:
    return {
        **_section(p, review, Step.TARGETS),
        "targets": [
            {
                "target_group_id": t.target_group_id,
                "name": t.target_group.label,
                "participants": t.participants,
            }
            for t in p.targets.all()
        ],
    }


def _budget(p: Proposal, review: services.Review) -> dict[str, Any]:
    summary = services.budget_of(p)
    return {
        **_section(p, review, Step.BUDGET),
        "lines": [
            {**vars(line), "cost_category": line.cost_category.label, "amount": line.amount}
            for line in p.budget_lines.all()
        ],
        "requested_grant": p.requested_grant,
        "total_cost": summary.total_cost,
        "own_contribution": summary.own_contribution,
        "cofinancing_pct": summary.cofinancing_pct,
    }


def _answers(p: Proposal, review: services.Review) -> dict[str, Any]:
    questions = {q.pk: q.text for q in p.call.extra_questions.all()}
    return {
        **_section(p, review, Step.QUESTIONS),
        "answers": [
            {
                "question_id": a.question_id,
                "question": questions.get(a.question_id, ""),
                "value": a.value,
            }
            for a in p.answers.all()
        ],
    }


def _whole(p: Proposal, review: services.Review) -> dict[str, Any]:
    fields = ("id", "call_id", "status", "version", "submitted_at", "withdrawn_at", "updated_at")
    return {
        **{name: getattr(p, name) for name in fields},
        "call_title": p.call.title,
        "closes_at": p.call.closes_at,
        "ready": review.ready,
        "steps": [{"step": s, "label": str(s.label), **_section(p, review, s)} for s in Step],
        "applicant": _applicant(p, review),
        "idea": _idea(p, review),
        "targets": _targets(p, review),
        "budget": _budget(p, review),
        "answers": _answers(p, review),
        "attachments": list(p.attachments.all()),
    }


def _read(proposal_id: int, part: Part) -> dict[str, Any]:
    """One part of the proposal as stored now, with the review of its steps."""
    full = selectors.get_proposal(pk=proposal_id)
    return part(full, services.review_proposal(full))


# Endpoints


@router.get("/proposals", response={200: list[ProposalItemOut], **ERRORS}, summary="My proposals")
@paginate(Pagination)
def list_proposals(request: HttpRequest) -> QuerySet[Proposal]:
    """Proposals of the organisations you act for and of the groups you are contact of."""
    return selectors.proposals_of(user=caller(request))


@router.post(
    "/calls/{call_id}/proposals",
    response={201: ProposalOut, **ERRORS},
    summary="Start a proposal",
)
def start_proposal(
    request: HttpRequest, call_id: PathId, payload: StartIn
) -> Status[dict[str, Any]]:
    """Open a draft for an open call, in the name of an organisation or a group."""
    call = get_object_or_404(Call.objects.public(), pk=call_id)
    user = caller(request)
    proposal = services.start_proposal(call=call, by=user, **applicant_choice(user, payload))
    return Status(201, _read(proposal.pk, _whole))


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS}, summary="A proposal")
def get_proposal(request: HttpRequest, proposal_id: PathId) -> dict[str, Any]:
    """Every section with its revision, state and problems."""
    return _read(access_proposal(request, pk=proposal_id).pk, _whole)


@router.put(
    "/proposals/{proposal_id}/applicant",
    response={200: ApplicantSectionOut, **ERRORS},
    summary="Save the applicant step",
)
def put_applicant(
    request: HttpRequest, proposal_id: PathId, payload: ApplicantIn
) -> dict[str, Any]:
    """Who applies, whether as a network, and the lot. Leaving the network drops the partners."""
    proposal, user = access_proposal(request, pk=proposal_id), caller(request)
    services.save_applicant_step(
        proposal=proposal, by=user, revision=payload.revision, **applicant_choice(user, payload)
    )
    return _read(proposal.pk, _applicant)


@router.put(
    "/proposals/{proposal_id}/idea",
    response={200: IdeaSectionOut, **ERRORS},
    summary="Save the idea",
)
def put_idea(request: HttpRequest, proposal_id: PathId, payload: IdeaIn) -> dict[str, Any]:
    """Replace the idea: omitted texts become empty. Neighbourhoods must be admitted by the call."""
    proposal = access_proposal(request, pk=proposal_id)
    services.save_idea_step(
        proposal=proposal, by=caller(request), revision=payload.revision, **idea_input(payload)
    )
    return _read(proposal.pk, _idea)


@router.put(
    "/proposals/{proposal_id}/targets",
    response={200: TargetsSectionOut, **ERRORS},
    summary="Save the target groups",
)
def put_targets(request: HttpRequest, proposal_id: PathId, payload: TargetsIn) -> dict[str, Any]:
    """Replace the target groups and their estimated participants."""
    proposal = access_proposal(request, pk=proposal_id)
    services.save_targets_step(
        proposal=proposal, by=caller(request), rows=target_rows(payload), revision=payload.revision
    )
    return _read(proposal.pk, _targets)


@router.put(
    "/proposals/{proposal_id}/budget",
    response={200: BudgetSectionOut, **ERRORS},
    summary="Save the budget",
)
def put_budget(request: HttpRequest, proposal_id: PathId, payload: BudgetIn) -> dict[str, Any]:
    """Replace the cost lines and the requested grant (decimal strings). Totals are computed."""
    proposal = access_proposal(request, pk=proposal_id)
    services.save_budget_step(
        proposal=proposal, by=caller(request), revision=payload.revision, **budget_input(payload)
    )
    return _read(proposal.pk, _budget)


@router.put(
    "/proposals/{proposal_id}/answers",
    response={200: AnswersSectionOut, **ERRORS},
    summary="Save the answers to the call's questions",
)
def put_answers(request: HttpRequest, proposal_id: PathId, payload: AnswersIn) -> dict[str, Any]:
    """Answers by question id; the questions not listed keep their answer."""
    proposal = access_proposal(request, pk=proposal_id)
    answers = {row.question_id: row.value for row in payload.answers}
    services.save_answers_step(
        proposal=proposal, by=caller(request), answers=answers, revision=payload.revision
    )
    return _read(proposal.pk, _answers)


@router.get(
    "/proposals/{proposal_id}/validate",
    response={200: ValidationOut, **ERRORS},
    summary="What still stops the submission",
)
def validate_proposal(request: HttpRequest, proposal_id: PathId) -> dict[str, Any]:
    """The same checks as the summary page and the submission, without submitting."""
    full = selectors.get_proposal(pk=access_proposal(request, pk=proposal_id).pk)
    review = services.review_proposal(full)
    eligibility = services.eligibility_problems(full, at=clock.now())
    return {
        "ready": review.ready and not eligibility,
        "steps": review.by_step,
        "eligibility": eligibility,
    }
