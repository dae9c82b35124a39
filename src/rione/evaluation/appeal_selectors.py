"""Reads about appeals: the appeals of a ranking for the staff page, and scoring reopened by them.

An upheld appeal may reopen the scoring of its proposal (``services.appeals.reopen_scoring``).
What was reopened lives in the append-only audit event ``appeal.scoring_reopened`` of the
call's stream: the evaluations put back to draft and the commissions whose consensus was
removed. A proposal waits for re-scoring while one of those evaluations is still a draft,
or one of those commissions has not recorded its consensus again.
"""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import JSONField, OuterRef, Prefetch, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from rione.applications.models import STANDING, Attachment, Proposal, Receipt, ReceiptKind
from rione.core.models import AuditEvent
from rione.evaluation.models import (
    Appeal,
    Commission,
    ConsensusScore,
    Evaluation,
    EvaluationStatus,
    Ranking,
)
from rione.programmes.models import Call

SCORING_REOPENED = "appeal.scoring_reopened"


@dataclass(frozen=True)
class AppealRow:
    """One appeal on the staff ranking page."""

    appeal: Appeal
    protocol_number: int | None
    title: str
    attachments: list[Attachment]
    reopened: bool


@dataclass(frozen=True)
class Reopening:
    """What one ``appeal.scoring_reopened`` event reopened."""

    appeal_id: int
    proposal_id: int
    evaluation_ids: frozenset[int]
    commission_ids: frozenset[int]
    at: datetime


def reopenings(*, call_id: int) -> list[Reopening]:
    """Every reopening of scoring in the call after an upheld appeal, oldest first. One query."""
    events = AuditEvent.objects.filter(stream=f"call:{call_id}", action=SCORING_REOPENED).order_by(
        "seq"
    )
    return [_reopening(data, at) for data, at in events.values_list("data", "at")]


def _reopening(data: dict[str, Any], at: datetime) -> Reopening:
    return Reopening(
        appeal_id=int(data["appeal"]),
        proposal_id=int(data["proposal"]),
        evaluation_ids=frozenset(int(e["evaluation"]) for e in data.get("evaluations") or []),
        commission_ids=frozenset(int(c["commission"]) for c in data.get("consensus") or []),
        at=at,
    )


def rescoring_pending(*, call: Call) -> set[int]:
    """Ids of standing proposals of ``call`` whose reopened scoring is not signed again.

    Evaluations deleted since (a member removed) and withdrawn proposals no longer wait.
    Four queries at most, whatever the number of reopenings.
    """
    found = reopenings(call_id=call.pk)
    if not found:
        return set()
    evaluation_ids = set().union(*(r.evaluation_ids for r in found))
    drafts = set(
        Evaluation.objects.filter(
            pk__in=evaluation_ids,
            status=EvaluationStatus.DRAFT,
            proposal__status__in=STANDING,
        ).values_list("proposal_id", flat=True)
    )
    wanted = {(c, r.proposal_id) for r in found for c in r.commission_ids}
    missing: set[int] = set()
    if wanted:
        commissions = set(
            Commission.objects.filter(pk__in={c for c, _p in wanted}).values_list("pk", flat=True)
        )
        recorded = set(
            ConsensusScore.objects.filter(
                commission_id__in=commissions,
                proposal_id__in={p for _c, p in wanted},
            ).values_list("commission_id", "proposal_id")
        )
        standing = set(
            Proposal.objects.filter(
                pk__in={p for _c, p in wanted}, status__in=STANDING
            ).values_list("pk", flat=True)
        )
        missing = {
            p for c, p in wanted if c in commissions and p in standing and (c, p) not in recorded
        }
    return drafts | missing


def appeal_rows(*, ranking: Ranking) -> list[AppealRow]:
    """The appeals against ``ranking``, oldest first: submitted protocol and title, files,
    and whether each reopened the scoring. Three queries (none more when there is none)."""
    latest = (
        Receipt.objects.filter(proposal=OuterRef("proposal_id"))
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .order_by("-protocol_number")
    )
    appeals = list(
        Appeal.objects.filter(ranking=ranking)
        .select_related("decided_by")
        .annotate(
            version_number=Subquery(latest.values("protocol_number")[:1]),
            version_content=Cast(Subquery(latest.values("content")[:1]), JSONField()),
        )
        .annotate(version_title=KT("version_content__idea__title"))
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk"))
        )
        .order_by("filed_at", "pk")
    )
    reopened = {r.appeal_id for r in reopenings(call_id=ranking.call_id)} if appeals else set()
    return [_row(a, reopened) for a in appeals]


def _row(appeal: Any, reopened: AbstractSet[int]) -> AppealRow:
    return AppealRow(
        appeal=appeal,
        protocol_number=appeal.version_number,
        title=appeal.version_title or _("Proposta senza titolo"),
        attachments=list(appeal.attachments.all()),
        reopened=appeal.pk in reopened,
    )
