"""Reads for the ranking pages: the selection rules in words, whether they are locked, the
tie-break choices of a call's rubric, and what applicants see of the ranking of their
proposals.

Tie-breaks are stored (``SelectionRules.tie_breaks``) as codes ("earlier_submission") or
``{"kind": "criterion", "criterion_id": N}``; forms and pages use one string per choice,
``"criterion:N"`` for a criterion.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rione.applications.models import Proposal
from rione.core import clock
from rione.core.permissions import AnyUser
from rione.evaluation.models import (
    Criterion,
    EntryStatus,
    Overflow,
    Participation,
    Ranking,
    RankingEntry,
    RankingKind,
    SelectionRules,
)
from rione.evaluation.ranking import Reason
from rione.evaluation.services.rankings import RANKED_CATEGORIES
from rione.programmes.models import Call
from rione.territory.models import ApplicantCategory

CRITERION_PREFIX = "criterion:"
DEFAULT_TIE_BREAK = "earlier_submission"
TIE_BREAK_LABELS: Mapping[str, Any] = {
    "earlier_submission": gettext_lazy("Presentata prima (ricevuta di protocollo precedente)"),
    "lower_requested": gettext_lazy("Contributo richiesto più basso"),
    "network_first": gettext_lazy("Prima le proposte presentate da una rete"),
}


# Tie-breaks


def top_criteria(*, call: Call) -> list[Criterion]:
    """The top-level criteria of the call's rubric, in rubric order. One query."""
    return list(Criterion.objects.filter(call=call, parent__isnull=True).order_by("order", "pk"))


def tie_break_code(item: Any) -> str:
    """The form's value for a stored tie-break."""
    if isinstance(item, Mapping):
        return f"{CRITERION_PREFIX}{item.get('criterion_id')}"
    return str(item)


def tie_break_item(code: str) -> str | dict[str, Any]:
    """The stored tie-break for a form's value (the inverse of :func:`tie_break_code`)."""
    if code.startswith(CRITERION_PREFIX):
        return {"kind": "criterion", "criterion_id": int(code.removeprefix(CRITERION_PREFIX))}
    return code


def _criterion_label(criterion: Criterion) -> str:
    return _("Punteggio più alto nel criterio %(code)s · %(title)s") % {
        "code": criterion.code,
        "title": criterion.title,
    }


def tie_break_choices(criteria: Iterable[Criterion]) -> list[tuple[str, str]]:
    """(value, label) of every tie-break a call can use: the fixed ones, then its criteria."""
    return [(code, str(label)) for code, label in TIE_BREAK_LABELS.items()] + [
        (f"{CRITERION_PREFIX}{c.pk}", _criterion_label(c)) for c in criteria
    ]


def tie_break_label(code: str, criteria: Mapping[int, Criterion]) -> str:
    """The words for one tie-break; a criterion no longer in the rubric says so."""
    if code in TIE_BREAK_LABELS:
        return str(TIE_BREAK_LABELS[code])
    if code.startswith(CRITERION_PREFIX):
        number = code.removeprefix(CRITERION_PREFIX)
        criterion = criteria.get(int(number)) if number.isdigit() else None
        if criterion is not None:
            return _criterion_label(criterion)
        return _("Un criterio non più presente nella griglia di valutazione")
    return code


# Selection rules


def rules_locked(*, call: Call) -> bool:
    """The final ranking is published: the rules no longer change. One query."""
    return Ranking.objects.filter(
        call=call, kind=RankingKind.FINAL, published_at__isnull=False
    ).exists()


def unscored(*, ranking: Ranking | None) -> int:
    """Admissible proposals a ranking not yet published puts last for lack of a complete
    score (none once it is published). One query."""
    if ranking is None or ranking.published_at is not None:
        return 0
    return ranking.entries.filter(reason=Reason.NO_SCORE).count()


def rule_categories(rules: SelectionRules) -> list[str]:
    """The categories a rules form shows: those rankings give, plus any the rules name."""
    named = set(rules.quotas or {}) | set(rules.reserved or {})
    extra = [c for c in ApplicantCategory.values if c in named and c not in RANKED_CATEGORIES]
    return [str(c) for c in RANKED_CATEGORIES] + extra


def category_label(category: str) -> str:
    labels = dict(ApplicantCategory.choices)
    return str(labels.get(category, category))


@dataclass(frozen=True)
class CategoryLimit:
    category: str
    label: str
    maximum: int | None
    reserved: int | None


@dataclass(frozen=True)
class RulesSummary:
    """The selection rules of a call in words, for the staff ranking and rules pages."""

    saved: bool
    locked: bool
    cap: int | None
    overall_min: Decimal | None
    overflow: str
    limits: list[CategoryLimit]
    tie_breaks: list[str]
    default_tie_break: bool
    appeal_days: int
    participation: str


def describe_rules(
    *, call: Call, rules: SelectionRules, criteria: Sequence[Criterion], locked: bool
) -> RulesSummary:
    """``rules`` of ``call`` in words. No query (``criteria`` are the top-level ones)."""
    quotas = rules.quotas or {}
    reserved = rules.reserved or {}
    by_id = {c.pk: c for c in criteria}
    codes = [tie_break_code(item) for item in rules.tie_breaks or []]
    return RulesSummary(
        saved=rules.pk is not None,
        locked=locked,
        cap=call.cap_selected,
        overall_min=rules.overall_min,
        overflow=str(dict(Overflow.choices).get(rules.overflow, rules.overflow)),
        limits=[
            CategoryLimit(
                category=category,
                label=category_label(category),
                maximum=quotas.get(category),
                reserved=reserved.get(category),
            )
            for category in rule_categories(rules)
            if category in quotas or category in reserved
        ],
        tie_breaks=[tie_break_label(code, by_id) for code in codes]
        or [str(TIE_BREAK_LABELS[DEFAULT_TIE_BREAK])],
        default_tie_break=not codes,
        appeal_days=rules.appeal_days,
        participation=str(
            dict(Participation.choices).get(
                rules.earlier_call_participation, rules.earlier_call_participation
            )
        ),
    )


# Applicants


@dataclass(frozen=True)
class ApplicantRanking:
    """Where one proposal stands in the latest published ranking of its call."""

    entry: RankingEntry
    is_final: bool
    status_label: str
    can_renounce: bool
    # A provisional ranking still open to appeals: the applicant's list links the appeal page.
    appeals_open: bool = False


def _latest_published(call_ref: Any) -> Any:
    return (
        Ranking.objects.filter(call=call_ref, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .values("pk")[:1]
    )


def applicant_rankings(
    *, proposals: Sequence[Proposal], user: AnyUser
) -> dict[int, ApplicantRanking]:
    """{proposal id: its place in the latest published ranking of its call}. One query.

    Proposals in no published ranking are left out. ``can_renounce`` (a selected entry of a
    final ranking, and ``user`` may commit the applicant) asks the permission only of those
    selected entries, each at most once per request.
    """
    by_pk = {p.pk: p for p in proposals}
    entries = (
        RankingEntry.objects.filter(proposal_id__in=list(by_pk))
        .annotate(latest_id=Subquery(_latest_published(OuterRef("ranking__call_id"))))
        .filter(ranking_id=F("latest_id"))
        .select_related("ranking")
    )
    statuses = dict(EntryStatus.choices)
    now = clock.now()
    result: dict[int, ApplicantRanking] = {}
    for entry in entries:
        is_final = entry.ranking.kind == RankingKind.FINAL
        closes = entry.ranking.appeals_close_at
        can_renounce = (
            is_final
            and entry.status == EntryStatus.SELECTED
            and user.has_perm("applications.submit_proposal", by_pk[entry.proposal_id])
        )
        result[entry.proposal_id] = ApplicantRanking(
            entry=entry,
            is_final=is_final,
            status_label=str(statuses.get(entry.status, entry.status)),
            can_renounce=can_renounce,
            appeals_open=not is_final and closes is not None and now < closes,
        )
    return result


def final_entry(*, proposal: Proposal) -> RankingEntry | None:
    """The proposal's entry in the latest published final ranking of its call. One query."""
    return (
        RankingEntry.objects.filter(
            proposal=proposal,
            ranking__call_id=proposal.call_id,
            ranking__kind=RankingKind.FINAL,
            ranking__published_at__isnull=False,
        )
        .select_related("ranking")
        .order_by("-ranking__published_at", "-ranking_id")
        .first()
    )
