"""Reads of proposals for pages, the API and the checks, each in a fixed number of queries."""

import json
import re
from typing import Any

from django.db.models import (
    Count,
    F,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce

from rione.applicants.models import InformalGroup, LegalForm, Organisation, OrganisationMembership
from rione.applications.models import (
    STANDING,
    Answer,
    ApplicantQuestion,
    Attachment,
    BudgetLine,
    Partner,
    Proposal,
    ProposalStatus,
    Receipt,
    ReceiptKind,
    Target,
)
from rione.core.models import User
from rione.programmes.models import Call
from rione.programmes.selectors import with_configuration
from rione.territory.models import Neighbourhood

PROPOSAL_JOINS = ("call__city", "lot", "organisation", "group", "sector")
PROPOSAL_LISTS = (
    "group__members",
    # One city's: its order without the join to the city that the model's ordering starts with.
    Prefetch(
        "neighbourhoods",
        queryset=Neighbourhood.objects.order_by("district__order", "order", "name"),
    ),
    "partners",
    Prefetch("targets", queryset=Target.objects.select_related("target_group")),
    Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("cost_category")),
    "answers",
    # Their document and partner are read by id, against the call's and the proposal's lists.
    Prefetch("attachments", queryset=Attachment.objects.filter(is_current=True)),
)


def proposal_for_review() -> QuerySet[Proposal]:
    """Proposals with the columns the checks, the summary and the canonical content read;
    ``with_lists`` completes each one (its lists and its call's configuration)."""
    return Proposal.objects.select_related(*PROPOSAL_JOINS)


def proposal_for_action() -> QuerySet[Proposal]:
    """Proposals with what the personal area's permission and a redirect read."""
    return Proposal.objects.select_related("call__city", "organisation", "group", "lot")


def with_lists(proposal: Proposal) -> Proposal:
    """``proposal``, read by ``proposal_for_review`` (under a lock, say), with its lists and
    its call's configuration (``programmes.selectors.with_configuration``).

    A list the proposal cannot have is not asked for: answers of a call without questions,
    partners of a proposal that is not a network (the drafts' services delete them when the
    network is unticked and refuse to add them before)."""
    with_configuration(proposal.call)
    absent = {
        name: model.objects.none()
        for name, model, possible in (
            ("answers", Answer, bool(proposal.call.extra_questions.all())),
            ("partners", Partner, proposal.is_network),
        )
        if not possible
    }
    prefetch_related_objects([proposal], *(p for p in PROPOSAL_LISTS if p not in absent))
    proposal.__dict__.setdefault("_prefetched_objects_cache", {}).update(absent)
    return proposal


def get_proposal(*, pk: int) -> Proposal:
    return with_lists(proposal_for_review().get(pk=pk))


def proposals_of(*, user: User) -> QuerySet[Proposal]:
    """Every proposal ``user`` may act on: of their organisations and of the groups they lead."""
    organisations = OrganisationMembership.objects.filter(user=user).values("organisation_id")
    # A union of two index lookups: an OR across the two applicant columns reads every proposal.
    mine = (
        Proposal.objects.filter(organisation_id__in=organisations)
        .order_by()
        .values("pk")
        .union(Proposal.objects.filter(group__contact=user).order_by().values("pk"))
    )
    return (
        Proposal.objects.filter(pk__in=mine)
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
            Q(title__icontains=text)
            | Q(organisation__name__icontains=text)
            | Q(group__name__icontains=text)
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


def submitted_versions(*, call: Call, filters: dict[str, Any] | None = None) -> QuerySet[Proposal]:
    """Proposals of ``call`` ever submitted, each annotated with its latest submitted version.

    The version is the latest receipt that is not a withdrawal: ``version_number`` (its
    protocol number), ``version_issued_at`` and ``version_content`` (the canonical content,
    parsed). Lot, kind and text filters read that version, not the working copy an applicant
    may be editing after reopening; ``status`` filters the proposal. Filter values: ``status``
    a ProposalStatus, ``lot`` a Lot, ``kind`` "organisation" | "network" | "group", ``q`` text
    (title or applicant name) or a protocol number.

    A proposal in state ``submitted`` cannot change until it is reopened, so for those the
    filters read the proposal's own columns (the same title, lot and kind as the version) and
    the applicant's name as it is now; only reopened and withdrawn proposals have their
    version's content parsed. That keeps a filtered list of a call with thousands of proposals
    from parsing kilobytes of JSON per proposal.
    """
    filters = filters or {}
    latest = (
        Receipt.objects.filter(proposal=OuterRef("pk"))
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .order_by("-protocol_number")
    )
    queryset = (
        Proposal.objects.filter(call=call)
        .ever_submitted()
        .annotate(
            version_number=Subquery(latest.values("protocol_number")[:1]),
            version_issued_at=Subquery(latest.values("issued_at")[:1]),
            version_content=Cast(Subquery(latest.values("content")[:1]), JSONField()),
        )
        .order_by("submitted_at", "pk")
    )
    locked = Q(status=ProposalStatus.SUBMITTED)

    def either(columns: Q, content: Q) -> Q:
        # Written in this order so that the database never parses a locked proposal's content.
        return (locked & columns) | (~locked & content)

    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    lot = filters.get("lot")
    if lot is not None:
        queryset = queryset.filter(either(Q(lot=lot), Q(version_content__lot__number=lot.number)))
    kind = filters.get("kind")
    if kind == "group":
        queryset = queryset.filter(
            either(Q(group__isnull=False), Q(version_content__applicant__kind="informal_group"))
        )
    elif kind in {"organisation", "network"}:
        network = kind == "network"
        queryset = queryset.filter(
            either(
                Q(organisation__isnull=False, is_network=network),
                Q(
                    version_content__applicant__kind="organisation",
                    version_content__applicant__network=network,
                ),
            )
        )
    text = (filters.get("q") or "").strip()
    if text:
        # The name is read by primary key for each proposal of the call; a join would make
        # the database read every organisation and group of the country.
        queryset = queryset.alias(
            current_applicant_name=Coalesce(
                Subquery(
                    Organisation.objects.filter(pk=OuterRef("organisation_id"))
                    .order_by()
                    .values("name")
                ),
                Subquery(
                    InformalGroup.objects.filter(pk=OuterRef("group_id")).order_by().values("name")
                ),
            )
        )
        matches = either(
            Q(title__icontains=text) | Q(current_applicant_name__icontains=text),
            Q(version_content__idea__title__icontains=text)
            | Q(version_content__applicant__name__icontains=text),
        )
        if re.fullmatch(r"[0-9]{1,9}", text):
            numbered = Receipt.objects.filter(call=call, protocol_number=int(text)).exclude(
                kind=ReceiptKind.WITHDRAWAL
            )
            matches |= Q(pk__in=numbered.values("proposal_id")) & Q(version_number=int(text))
        queryset = queryset.filter(matches)
    return queryset


def submitted_content(*, receipt: Receipt) -> dict[str, Any]:
    """The canonical content of a submission receipt, parsed and labelled (``with_labels``)."""
    return with_labels(json.loads(receipt.content))


def with_labels(content: dict[str, Any]) -> dict[str, Any]:
    """``content`` (schema rione.proposal/1) with display labels next to its codes.

    Adds ``legal_form_label`` to the applicant and ``kind_label`` to each partner, which
    ``applications/_submitted_content.html`` shows instead of the codes. Changes ``content``
    in place and returns it; never pass the dict whose hash a receipt holds.
    """
    applicant = content.get("applicant") or {}
    legal_forms = dict(LegalForm.choices)
    if applicant.get("legal_form") in legal_forms:
        applicant["legal_form_label"] = str(legal_forms[applicant["legal_form"]])
    partner_kinds = dict(Partner.Kind.choices)
    for partner in content.get("partners") or []:
        if partner.get("kind") in partner_kinds:
            partner["kind_label"] = str(partner_kinds[partner["kind"]])
    return content


def submitted_attachment(*, proposal: Proposal, pk: int) -> Attachment | None:
    """Attachment ``pk`` of ``proposal`` if one of its submitted versions lists it, else None."""
    contents = proposal.receipts.exclude(kind=ReceiptKind.WITHDRAWAL).values_list(
        "content", flat=True
    )
    listed = {
        item.get("id") for text in contents for item in json.loads(text).get("attachments") or []
    }
    if pk not in listed:
        return None
    return Attachment.objects.filter(proposal=proposal, pk=pk).first()


def questions_to_answer(*, call: Call) -> QuerySet[ApplicantQuestion]:
    """Questions about ``call`` for staff: unanswered first (oldest first), then latest answers."""
    return (
        ApplicantQuestion.objects.filter(call=call)
        .select_related("answered_by", "faq_entry")
        .order_by(F("answered_at").desc(nulls_first=True), "created_at", "pk")
    )
