"""Reads of the evaluation for pages, exports and rankings, each in a fixed number of queries."""

# Commissions and scoring

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import (
    CharField,
    Count,
    JSONField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from rione.applications import selectors as application_selectors
from rione.applications.models import STANDING, Proposal, Receipt, ReceiptKind
from rione.core.models import User
from rione.evaluation import scoring
from rione.evaluation.models import (
    SCORING_ROLES,
    AdmissibilityOutcome,
    AdmissibilityReview,
    Assignment,
    BonusRule,
    ChecklistItem,
    Commission,
    CommissionMember,
    ConflictDeclaration,
    ConsensusScore,
    Criterion,
    Evaluation,
    EvaluationStatus,
    IntegrationRequest,
    Ranking,
    RankingKind,
    Score,
    ScoringMethod,
    SelectionRules,
)
from rione.programmes.models import Call
from rione.territory.models import City


def commissions_of(*, call: Call) -> QuerySet[Commission]:
    """The commissions of ``call`` (one for the whole call, or one per lot)."""
    return (
        Commission.objects.filter(call=call)
        .select_related("call", "lot")
        .order_by("lot__number", "pk")
    )


def version_lot_number(*, proposal: Proposal) -> int | None:
    """The lot number of the latest submitted version of ``proposal`` (None: no lot)."""
    content = (
        Receipt.objects.filter(proposal=proposal)
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .order_by("-protocol_number")
        .values_list("content", flat=True)
        .first()
    )
    lot = json.loads(content).get("lot") if content else None
    return int(lot["number"]) if lot else None


def commission_for(*, proposal: Proposal) -> Commission | None:
    """The commission that evaluates ``proposal``: the call's own, else that of its submitted lot.

    A call has either one commission for the whole call or one per lot (the services refuse
    to mix them), so at most one commission matches. Two queries at most.
    """
    commissions = list(Commission.objects.filter(call_id=proposal.call_id).select_related("lot"))
    whole = next((c for c in commissions if c.lot_id is None), None)
    if whole is not None or not commissions:
        return whole
    number = version_lot_number(proposal=proposal)
    return next((c for c in commissions if c.lot is not None and c.lot.number == number), None)


def evaluated_proposals(*, commission: Commission) -> QuerySet[Proposal]:
    """Standing proposals in ``commission``'s scope, annotated with their latest version.

    Scope: every standing proposal of the call, or of the commission's lot as submitted
    (annotations as in ``applications.selectors.submitted_versions``).
    """
    filters = {"lot": commission.lot} if commission.lot_id else None
    return application_selectors.submitted_versions(call=commission.call, filters=filters).filter(
        status__in=STANDING
    )


def rubric_locked(*, call: Call) -> bool:
    """Whether the rubric of ``call`` is frozen: an evaluation is signed, a consensus recorded
    or a ranking published (frozen even when upheld appeals reopen every evaluation; a ranking
    computed only to look at it, before any signature, leaves the rubric open)."""
    signed = Evaluation.objects.filter(proposal__call=call, status=EvaluationStatus.SIGNED)
    return (
        signed.exists()
        or ConsensusScore.objects.filter(commission__call=call).exists()
        or Ranking.objects.filter(call=call, published_at__isnull=False).exists()
    )


def criteria_of(*, call: Call) -> list[Criterion]:
    """The rubric of ``call`` in reading order: each criterion followed by its sub-criteria.

    Each criterion carries ``depth`` (0 for top level) and ``is_leaf``. One query.
    """
    criteria = list(Criterion.objects.filter(call=call).order_by("order", "pk"))
    children: dict[int | None, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        children[criterion.parent_id].append(criterion)
    ordered: list[Criterion] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for criterion in children.get(parent_id, []):
            criterion.depth = depth  # type: ignore[attr-defined]
            criterion.is_leaf = criterion.pk not in children  # type: ignore[attr-defined]
            ordered.append(criterion)
            walk(criterion.pk, depth + 1)

    walk(None, 0)
    return ordered


def leaves_of(criteria: Iterable[Criterion]) -> list[Criterion]:
    """The criteria that are scored: those without sub-criteria, in the order given."""
    items = list(criteria)
    parents = {c.parent_id for c in items}
    return [c for c in items if c.pk not in parents]


def pure_rubric(criteria: Iterable[Criterion]) -> list[scoring.Criterion]:
    """The rubric as the pure scoring module reads it."""
    return [
        scoring.Criterion(
            id=c.pk,
            max_points=c.max_points,
            weight=c.weight,
            min_points=c.min_points,
            parent_id=c.parent_id,
        )
        for c in criteria
    ]


def parent_sums(criteria: Iterable[Criterion], points: dict[int, Decimal]) -> dict[int, Decimal]:
    """Each criterion with sub-criteria -> the sum of the points given below it."""
    items = list(criteria)
    children: dict[int, list[int]] = defaultdict(list)
    for c in items:
        if c.parent_id is not None:
            children[c.parent_id].append(c.pk)

    def total(pk: int) -> Decimal:
        if pk not in children:
            return points.get(pk, Decimal(0))
        return sum((total(kid) for kid in children[pk]), Decimal(0))

    return {pk: total(pk) for pk in children}


class SeatState(StrEnum):
    """Where one evaluator stands on one assigned proposal."""

    TO_DECLARE = "to_declare"
    TO_SCORE = "to_score"
    DRAFT = "draft"
    SIGNED = "signed"

    @property
    def label(self) -> str:
        return str(SEAT_STATE_LABELS[self])


SEAT_STATE_LABELS = {
    SeatState.TO_DECLARE: _("Dichiarazione da rendere"),
    SeatState.TO_SCORE: _("Da valutare"),
    SeatState.DRAFT: _("In bozza"),
    SeatState.SIGNED: _("Firmata"),
}


def seat_state(*, declared: bool, evaluation_status: str | None) -> SeatState:
    if not declared:
        return SeatState.TO_DECLARE
    if evaluation_status == EvaluationStatus.SIGNED:
        return SeatState.SIGNED
    if evaluation_status == EvaluationStatus.DRAFT:
        return SeatState.DRAFT
    return SeatState.TO_SCORE


def version_title(proposal: Any) -> str:
    """The title of the submitted version (annotated ``version_content``), never the edits."""
    content: dict[str, Any] = getattr(proposal, "version_content", None) or {}
    return str((content.get("idea") or {}).get("title") or _("Proposta senza titolo"))


def version_applicant(proposal: Any) -> str:
    content: dict[str, Any] = getattr(proposal, "version_content", None) or {}
    return str((content.get("applicant") or {}).get("name") or "")


@dataclass(frozen=True)
class EvaluatorCell:
    member: CommissionMember
    state: SeatState


@dataclass(frozen=True)
class ProgressRow:
    """One proposal on the commission's progress page."""

    proposal: Proposal
    title: str
    applicant: str
    evaluators: list[EvaluatorCell]
    conflicted: list[CommissionMember]
    signed: int
    missing: int
    outliers: list[str]
    consensus_recorded: bool


def commission_members(*, commission: Commission) -> list[CommissionMember]:
    return list(
        CommissionMember.objects.filter(commission=commission)
        .select_related("user")
        .order_by("role", "pk")
    )


def progress_rows(
    *,
    commission: Commission,
    proposals: Sequence[Proposal],
    members: Sequence[CommissionMember],
    criteria: Sequence[Criterion],
) -> list[ProgressRow]:
    """Who is assigned, who declared, drafted and signed, and the outliers, per proposal.

    ``proposals`` come from ``evaluated_proposals`` (one page of them). Four queries
    whatever the number of proposals and members.
    """
    ids = [p.pk for p in proposals]
    by_member = {m.pk: m for m in members}
    assigned: dict[int, list[int]] = defaultdict(list)
    for member_id, proposal_id in (
        Assignment.objects.filter(member__commission=commission, proposal_id__in=ids)
        .order_by("member_id")
        .values_list("member_id", "proposal_id")
    ):
        assigned[proposal_id].append(member_id)
    declared: dict[tuple[int, int], bool] = {
        (member_id, proposal_id): has_conflict
        for member_id, proposal_id, has_conflict in ConflictDeclaration.objects.filter(
            member__commission=commission, proposal_id__in=ids
        ).values_list("member_id", "proposal_id", "has_conflict")
    }
    statuses: dict[tuple[int, int], str] = {
        (member_id, proposal_id): status
        for member_id, proposal_id, status in Evaluation.objects.filter(
            member__commission=commission, proposal_id__in=ids
        ).values_list("member_id", "proposal_id", "status")
    }
    scores = signed_scores(proposal_ids=ids, commission=commission)
    consensus_ids = set(
        ConsensusScore.objects.filter(commission=commission, proposal_id__in=ids).values_list(
            "proposal_id", flat=True
        )
    )
    codes = {c.pk: c.code for c in criteria}
    leaves = {c.pk: c for c in leaves_of(criteria)}
    rows = []
    for proposal in proposals:
        cells = [
            EvaluatorCell(
                member=by_member[member_id],
                state=seat_state(
                    declared=(member_id, proposal.pk) in declared,
                    evaluation_status=statuses.get((member_id, proposal.pk)),
                ),
            )
            for member_id in assigned.get(proposal.pk, [])
            if member_id in by_member
        ]
        flagged = outlier_ids(leaves, scores.get(proposal.pk, {}), commission.outlier_gap)
        wanted = commission.evaluators_per_proposal
        rows.append(
            ProgressRow(
                proposal=proposal,
                title=version_title(proposal),
                applicant=version_applicant(proposal),
                evaluators=cells,
                conflicted=[
                    by_member[m]
                    for (m, p), conflict in declared.items()
                    if p == proposal.pk and conflict and m in by_member
                ],
                signed=sum(1 for c in cells if c.state == SeatState.SIGNED),
                missing=max(0, wanted - len(cells)) if wanted else 0,
                outliers=[codes[i] for i in flagged],
                consensus_recorded=proposal.pk in consensus_ids,
            )
        )
    return rows


def outlier_ids(
    leaves: dict[int, Criterion], scores: dict[int, dict[int, Decimal]], gap: Decimal | None
) -> tuple[int, ...]:
    """Leaves whose signed scores differ by more than ``gap`` (the pure module's rule)."""
    if gap is None or len(scores) < 2:
        return ()
    rubric = pure_rubric(leaves.values())
    flat = [c for c in rubric if c.parent_id is None or c.parent_id not in leaves]
    leaf_rubric = [replace(c, parent_id=None, weight=scoring.ONE) for c in flat]
    try:
        result = scoring.aggregate(leaf_rubric, scores, outlier_gap=gap)
    except (scoring.InvalidRubric, scoring.InvalidScores, scoring.ScoreOutOfRange):
        return ()
    return result.outliers


def signed_scores(
    *, proposal_ids: Sequence[int] | QuerySet[Any], commission: Commission | None = None
) -> dict[int, dict[int, dict[int, Decimal]]]:
    """{proposal id: {member id: {criterion id: points}}} of signed evaluations. One query.

    ``proposal_ids`` is a list of ids or a queryset of them (``.values("pk")``), which the
    database then reads as a subquery instead of thousands of parameters.
    """
    queryset = Score.objects.filter(
        evaluation__proposal_id__in=proposal_ids, evaluation__status=EvaluationStatus.SIGNED
    )
    if commission is not None:
        queryset = queryset.filter(evaluation__member__commission=commission)
    found: dict[int, dict[int, dict[int, Decimal]]] = {}
    for proposal_id, member_id, criterion_id, points in queryset.values_list(
        "evaluation__proposal_id", "evaluation__member_id", "criterion_id", "points"
    ):
        by_member = found.get(proposal_id)
        if by_member is None:
            by_member = found[proposal_id] = {}
        given = by_member.get(member_id)
        if given is None:
            given = by_member[member_id] = {}
        given[criterion_id] = points
    return found


@dataclass(frozen=True)
class MyAssignment:
    """One proposal assigned to the user, on "Le mie valutazioni"."""

    assignment: Assignment
    title: str
    applicant: str
    protocol_number: int | None
    state: SeatState


def my_assignments(*, user: User, city: City) -> QuerySet[Assignment]:
    """The user's assignments on standing proposals of ``city``'s calls, newest call first.

    Annotated with the latest submitted version (``version_number``, ``version_content``),
    the declaration (``declared``, None when not yet declared) and the evaluation's status.
    Conflicted proposals are absent: declaring a conflict removes the assignment.
    """
    latest = (
        Receipt.objects.filter(proposal=OuterRef("proposal_id"))
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .order_by("-protocol_number")
    )
    declaration = ConflictDeclaration.objects.filter(
        member=OuterRef("member_id"), proposal=OuterRef("proposal_id")
    )
    evaluation = Evaluation.objects.filter(
        member=OuterRef("member_id"), proposal=OuterRef("proposal_id")
    )
    return (
        Assignment.objects.filter(
            member__user=user,
            member__role__in=SCORING_ROLES,
            member__commission__call__city=city,
            proposal__status__in=STANDING,
        )
        .select_related("proposal", "member__commission__call")
        .annotate(
            version_number=Subquery(latest.values("protocol_number")[:1]),
            version_content=Cast(Subquery(latest.values("content")[:1]), JSONField()),
            declared=Subquery(declaration.values("has_conflict")[:1]),
            evaluation_status=Subquery(evaluation.values("status")[:1]),
        )
        .order_by("-member__commission__call__closes_at", "member__commission__call_id", "pk")
    )


def my_assignment_rows(assignments: Iterable[Any]) -> list[MyAssignment]:
    return [
        MyAssignment(
            assignment=a,
            title=version_title(a),
            applicant=version_applicant(a),
            protocol_number=a.version_number,
            state=seat_state(
                declared=a.declared is not None, evaluation_status=a.evaluation_status
            ),
        )
        for a in assignments
    ]


def proposal_results(*, call: Call) -> dict[int, scoring.Aggregate]:
    """The aggregate scores of every standing proposal of ``call``, with bonus and flags.

    Only signed evaluations count. Each proposal is aggregated with its commission's
    method (mean, or the chair's consensus scores) and outlier gap, the call's bonus rules
    (network: the proposal's ``is_network``; priority neighbourhood: one of its
    neighbourhoods ``is_target_area``) and the selection rules' overall minimum.
    ``complete`` is also False while an assigned member has not signed (mean) or before the
    consensus covers every criterion. Nine queries whatever the number of proposals.
    Raises scoring.InvalidRubric when the rubric breaks the pure module's rules.

    The rubric is validated once for the whole call; the proposals' ids reach the other
    queries as a subquery, and the submitted content is read only when a commission per lot
    needs each proposal's lot.
    """
    criteria = list(Criterion.objects.filter(call=call).order_by("order", "pk"))
    rubric = pure_rubric(criteria)
    scoring.validate_rubric(rubric)
    bonus_rules = [
        scoring.BonusRule(kind=scoring.BonusKind(kind), points=points)
        for kind, points in BonusRule.objects.filter(call=call).values_list("kind", "points")
    ]
    overall_min = (
        SelectionRules.objects.filter(call=call).values_list("overall_min", flat=True).first()
    )
    commissions = list(commissions_of(call=call))
    whole = next((c for c in commissions if c.lot_id is None), None)
    by_lot = {c.lot.number: c for c in commissions if c.lot is not None}
    standing = application_selectors.submitted_versions(call=call).filter(status__in=STANDING)
    proposals: list[tuple[int, bool, Any]]
    if whole is not None or not by_lot:
        # The lot of the submitted version picks no commission: no content to read.
        proposals = [(pk, net, None) for pk, net in standing.values_list("pk", "is_network")]
    else:
        # version_content: submitted_versions' annotation, unknown to the type checker.
        rows = standing.values_list("pk", "is_network", "version_content")  # type: ignore[misc]
        proposals = list(rows)
    ids = standing.values("pk")
    priority = set(
        Proposal.neighbourhoods.through.objects.filter(
            proposal_id__in=ids, neighbourhood__is_target_area=True
        ).values_list("proposal_id", flat=True)
    )
    scores = signed_scores(proposal_ids=ids)
    assigned: dict[int, set[int]] = defaultdict(set)
    for member_id, proposal_id in Assignment.objects.filter(proposal_id__in=ids).values_list(
        "member_id", "proposal_id"
    ):
        assigned[proposal_id].add(member_id)
    consensus: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for commission_id, proposal_id, criterion_id, points in ConsensusScore.objects.filter(
        proposal_id__in=ids
    ).values_list("commission_id", "proposal_id", "criterion_id", "points"):
        consensus[(commission_id, proposal_id)][criterion_id] = points
    results: dict[int, scoring.Aggregate] = {}
    for pk, is_network, content in proposals:
        lot = (content or {}).get("lot")
        commission = whole or (by_lot.get(int(lot["number"])) if lot else None)
        method = scoring.ScoringMethod(commission.method if commission else ScoringMethod.MEAN)
        given = scores.get(pk, {})
        agreed = consensus.get((commission.pk, pk), {}) if commission is not None else {}
        result = scoring.aggregate(
            rubric,
            given,
            method=method,
            consensus=agreed if method is scoring.ScoringMethod.CONSENSUS else None,
            bonus=scoring.bonus_for(
                bonus_rules, is_network=is_network, in_priority_neighbourhood=pk in priority
            ),
            overall_min=overall_min,
            outlier_gap=commission.outlier_gap if commission else None,
            validated=True,
        )
        if method is scoring.ScoringMethod.MEAN:
            everyone_signed = bool(assigned[pk]) and assigned[pk] <= given.keys()
            if result.complete and not everyone_signed:
                result = replace(result, complete=False)
        results[pk] = result
    return results


# Admissibility

# Outcomes that are a decision on the proposal (not "pending", not "integration requested").
DECIDED_OUTCOMES = frozenset({AdmissibilityOutcome.ADMISSIBLE, AdmissibilityOutcome.NOT_ADMISSIBLE})


@dataclass(frozen=True)
class GrantRange:
    min_grant: Decimal
    max_grant: Decimal
    min_cofinancing_pct: Decimal


@dataclass(frozen=True)
class CallRequirements:
    """What the automatic admissibility checks compare a submitted version with."""

    closes_at: datetime | None
    # (category, runts_section) of each eligible applicant type; empty: every type.
    applicant_types: tuple[tuple[str, str], ...]
    # Names of the eligible neighbourhoods (the canonical content records names); empty: all.
    neighbourhoods: frozenset[str]
    grant_rules: dict[str, GrantRange]
    # (pk, title) of each mandatory required document.
    mandatory_documents: tuple[tuple[int, str], ...]
    lot_budgets: dict[int, Decimal | None] = field(default_factory=dict)
    call_budget: Decimal | None = None


def call_requirements(*, call: Call) -> CallRequirements:
    """The rules of ``call`` the automatic admissibility checks need. Five queries."""
    return CallRequirements(
        closes_at=call.closes_at,
        applicant_types=tuple(
            call.eligible_applicant_types.values_list("category", "runts_section")
        ),
        neighbourhoods=frozenset(call.eligible_neighbourhoods.values_list("name", flat=True)),
        grant_rules={
            rule.category: GrantRange(rule.min_grant, rule.max_grant, rule.min_cofinancing_pct)
            for rule in call.grant_rules.all()
        },
        mandatory_documents=tuple(
            call.required_documents.filter(is_mandatory=True)
            .order_by("order", "pk")
            .values_list("pk", "title")
        ),
        lot_budgets=dict(call.lots.values_list("number", "budget")),
        call_budget=call.budget,
    )


def latest_submission(*, proposal: Proposal) -> Receipt | None:
    """The receipt of the latest submitted version (never a withdrawal), or None."""
    return (
        Receipt.objects.filter(proposal=proposal)
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .order_by("-protocol_number")
        .first()
    )


def supplied_documents(*, proposal_ids: Iterable[int]) -> dict[int, set[int]]:
    """{proposal id: required documents sent in answer to an integration request}. One query."""
    found: dict[int, set[int]] = {}
    rows = IntegrationRequest.objects.filter(
        proposal_id__in=list(proposal_ids),
        attachment__isnull=False,
        attachment__required_document__isnull=False,
    ).values_list("proposal_id", "attachment__required_document_id")
    for proposal_id, document_id in rows:
        found.setdefault(proposal_id, set()).add(document_id)
    return found


def _outcome() -> Coalesce:
    """A proposal's admissibility outcome, "pending" while it has no review."""
    return Coalesce(
        "admissibility__outcome",
        Value(AdmissibilityOutcome.PENDING.value),
        output_field=CharField(),
    )


def admissibility_list(*, call: Call, outcome: str = "") -> QuerySet[Proposal]:
    """Proposals of ``call`` with a standing submission, for the admissibility review.

    Each is annotated with its latest submitted version (``version_number``,
    ``version_issued_at``, ``version_content`` parsed) and ``admissibility_outcome``
    ("pending" while no review exists), and comes with its integration requests
    (and their attachments). ``outcome`` filters by that outcome.
    """
    latest = (
        Receipt.objects.filter(proposal=OuterRef("pk"))
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .order_by("-protocol_number")
    )
    queryset = (
        Proposal.objects.filter(call=call, status__in=STANDING)
        .annotate(
            admissibility_outcome=_outcome(),
            version_number=Subquery(latest.values("protocol_number")[:1]),
            version_issued_at=Subquery(latest.values("issued_at")[:1]),
            version_content=Cast(Subquery(latest.values("content")[:1]), JSONField()),
        )
        .prefetch_related(
            Prefetch(
                "integration_requests",
                queryset=IntegrationRequest.objects.select_related("attachment").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("version_number", "pk")
    )
    if outcome:
        queryset = queryset.filter(admissibility_outcome=outcome)
    return queryset


def outcome_counts(*, call: Call) -> dict[str, int]:
    """{outcome: proposals with a standing submission}, every outcome present. One query."""
    rows = (
        Proposal.objects.filter(call=call, status__in=STANDING)
        .annotate(admissibility_outcome=_outcome())
        .values("admissibility_outcome")
        .annotate(n=Count("pk"))
        .values_list("admissibility_outcome", "n")
    )
    counts = dict.fromkeys(AdmissibilityOutcome.values, 0)
    counts.update(dict(rows))
    return counts


def review_of(*, proposal: Proposal) -> AdmissibilityReview | None:
    return (
        AdmissibilityReview.objects.filter(proposal=proposal).select_related("decided_by").first()
    )


def checklist_of(*, call: Call) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(call=call).order_by("order", "pk")


def checklist_frozen(*, call: Call) -> bool:
    """True once an outcome (admissible or not) has been decided for a proposal of ``call``."""
    return AdmissibilityReview.objects.filter(
        proposal__call=call, outcome__in=DECIDED_OUTCOMES
    ).exists()


def integration_requests_of(*, proposal: Proposal) -> QuerySet[IntegrationRequest]:
    return (
        IntegrationRequest.objects.filter(proposal=proposal)
        .select_related("required_document", "attachment", "requested_by", "answered_by")
        .order_by("created_at", "pk")
    )


def open_integration_requests(*, proposal: Proposal, at: datetime) -> QuerySet[IntegrationRequest]:
    """Requests still waiting for an answer whose deadline has not passed at ``at``."""
    return IntegrationRequest.objects.filter(
        proposal=proposal, answered_at__isnull=True, due_at__gt=at
    )


@dataclass(frozen=True)
class ApplicantRequest:
    """One integration request as the applicant sees it."""

    request: IntegrationRequest
    is_answered: bool
    is_overdue: bool


@dataclass(frozen=True)
class ApplicantAdmissibility:
    """What an applicant sees of the admissibility of one proposal."""

    outcome: str
    outcome_label: str
    reason: str
    decided_at: datetime | None
    requests: list[ApplicantRequest]

    @property
    def is_decided(self) -> bool:
        return self.outcome in DECIDED_OUTCOMES

    @property
    def open_requests(self) -> list[ApplicantRequest]:
        return [r for r in self.requests if not r.is_answered and not r.is_overdue]


def applicant_admissibility(
    *, proposals: Sequence[Proposal], at: datetime
) -> dict[int, ApplicantAdmissibility]:
    """{proposal id: what its applicant sees} for proposals with a review. Two queries.

    Proposals still "pending" (no decision, no request) are left out: there is nothing
    to tell their applicants yet. The reason is shown once an outcome is decided.
    """
    ids = [p.pk for p in proposals]
    reviews = AdmissibilityReview.objects.filter(proposal_id__in=ids).exclude(
        outcome=AdmissibilityOutcome.PENDING
    )
    requests: dict[int, list[ApplicantRequest]] = {}
    for request in (
        IntegrationRequest.objects.filter(proposal_id__in=ids)
        .select_related("required_document", "attachment")
        .order_by("created_at", "pk")
    ):
        answered = request.answered_at is not None
        requests.setdefault(request.proposal_id, []).append(
            ApplicantRequest(
                request=request,
                is_answered=answered,
                is_overdue=not answered and request.due_at <= at,
            )
        )
    result: dict[int, ApplicantAdmissibility] = {}
    for review in reviews:
        decided = review.outcome in DECIDED_OUTCOMES
        result[review.proposal_id] = ApplicantAdmissibility(
            outcome=review.outcome,
            outcome_label=str(review.get_outcome_display()),
            reason=review.reason if decided else "",
            decided_at=review.decided_at if decided else None,
            requests=requests.get(review.proposal_id, []),
        )
    return result


def published_final(*, call: Call) -> Ranking | None:
    """The call's final ranking, once published: from then on only scorrimento changes it."""
    return (
        Ranking.objects.filter(call=call, kind=RankingKind.FINAL, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )
