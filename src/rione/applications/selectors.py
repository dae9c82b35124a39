"""Reads of proposals for pages, the API and the checks, each in a fixed number of queries."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from rione.applicants.models import OrganisationMembership
from rione.applications.models import (
    STANDING,
    ApplicantQuestion,
    Attachment,
    BudgetLine,
    Proposal,
    ProposalStatus,
    Receipt,
    Target,
)
from rione.core.models import User
from rione.programmes.models import Call, Lot


def proposal_for_review() -> QuerySet[Proposal]:
    """Proposals with everything the checks, the summary and the canonical content read."""
    return Proposal.objects.select_related(
        "call__city",
        "call__restricted_to_call",
        "lot",
        "organisation",
        "group__contact",
        "sector",
        "created_by",
    ).prefetch_related(
        "call__eligible_applicant_types",
        "call__eligible_neighbourhoods",
        Prefetch("call__lots", queryset=Lot.objects.order_by("number")),
        "call__grant_rules",
        "call__required_documents",
        "call__extra_questions",
        "group__members",
        "neighbourhoods",
        "partners",
        Prefetch("targets", queryset=Target.objects.select_related("target_group")),
        Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("cost_category")),
        "answers",
        Prefetch(
            "attachments",
            queryset=Attachment.objects.filter(is_current=True).select_related(
                "required_document", "partner"
            ),
        ),
    )


def get_proposal(*, pk: int) -> Proposal:
    return proposal_for_review().get(pk=pk)


def proposals_of(*, user: User) -> QuerySet[Proposal]:
    """Every proposal ``user`` may act on: of their organisations and of the groups they lead."""
    organisations = OrganisationMembership.objects.filter(user=user).values("organisation_id")
    return (
        Proposal.objects.filter(Q(organisation_id__in=organisations) | Q(group__contact=user))
        .select_related("call__city", "organisation", "group", "lot")
        .prefetch_related(
            Prefetch("receipts", queryset=Receipt.objects.order_by("-protocol_number"))
        )
        .order_by("-updated_at", "-pk")
    )


def submitted_proposals(*, call: Call, filters: dict[str, Any] | None = None) -> QuerySet[Proposal]:
    """Proposals of a call that were ever submitted (staff never see drafts)."""
    filters = filters or {}
    queryset = (
        Proposal.objects.filter(call=call)
        .exclude(status=ProposalStatus.DRAFT)
        .select_related("organisation", "group", "lot", "sector")
        .annotate(attachment_count=Count("attachments", filter=Q(attachments__is_current=True)))
        .order_by("submitted_at", "pk")
    )
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("lot"):
        queryset = queryset.filter(lot_id=filters["lot"])
    if filters.get("kind") == "group":
        queryset = queryset.filter(group__isnull=False)
    elif filters.get("kind") == "network":
        queryset = queryset.filter(is_network=True)
    elif filters.get("kind") == "organisation":
        queryset = queryset.filter(organisation__isnull=False, is_network=False)
    if filters.get("q"):
        text = filters["q"]
        queryset = queryset.filter(
            Q(title__icontains=text) | Q(organisation__name__icontains=text) | Q(group__name__icontains=text)
        )
    return queryset


def standing_count(*, call: Call) -> int:
    return Proposal.objects.filter(call=call, status__in=STANDING).count()


def latest_receipt(*, proposal: Proposal) -> Receipt | None:
    return proposal.receipts.order_by("-protocol_number").first()


def receipts_of(*, proposal: Proposal) -> QuerySet[Receipt]:
    return proposal.receipts.select_related("issued_by").order_by("-protocol_number")


def find_receipt(*, call: Call, protocol_number: int) -> Receipt | None:
    return (
        Receipt.objects.select_related("call", "proposal")
        .filter(call=call, protocol_number=protocol_number)
        .first()
    )


def questions_of_call(*, call: Call) -> QuerySet[ApplicantQuestion]:
    return ApplicantQuestion.objects.filter(call=call).select_related("asked_by", "faq_entry")


def questions_of(*, user: User) -> QuerySet[ApplicantQuestion]:
    return ApplicantQuestion.objects.filter(asked_by=user).select_related("call__city")
