"""Ranking scored proposals and deciding which are funded: pure, no database.

Order. Candidates are sorted once, by a total and deterministic key:

1. admissible, scored, not below threshold (the *eligible*, given 1-based positions);
2. admissible and scored but below threshold;
3. admissible without a score (reason ``no_score``);
4. not admissible.

Groups 1 and 2 are ordered by score descending, then by ``Rules.tie_breaks`` in turn;
every group ends with the protocol number ascending, which is unique, so input order
never matters. Groups 3 and 4 are ordered by protocol number only.

Selection walks the eligible candidates in that order, keeping a ledger of the number
selected (``cap``), the number per category (``quotas``, a maximum) and the money spent per
lot (``lot_budgets``; a lot missing from the mapping, or with budget None, is unlimited).

* Phase 1, reserved shares: for each category in ``reserved``, in sorted category order,
  walk the ranking and select candidates of that category whose full request fits the
  cap, the category's quota and the lot's remaining budget, until the reserved number is
  reached. The overflow policy does not apply here; whoever does not fit waits for phase 2.
* Phase 2, the rest: walk the whole ranking; each candidate not yet selected is checked,
  in this order, against its category's quota (``quota_full``), the cap (``cap_reached``),
  a lot whose funding stopped (``funding_stopped``) and the lot's remaining budget. When
  the request does not fit, ``overflow`` decides: SKIP goes on to the next candidate
  (``lot_budget_exhausted`` when nothing is left, else ``does_not_fit_lot_budget``);
  PARTIAL awards what is left of the lot, if more than zero (``selected_partially``);
  STOP gives the same reasons as SKIP and stops funding in that lot for everyone after.

Each phase is one O(n) pass over the sorted list. Scorrimento (:func:`promote_next`)
replays the same two phases, from the ledger of the remaining selections, for one pick.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import ClassVar

from rione.core.money import ZERO, round_money
from rione.evaluation.scoring import round_score

KeyPart = Decimal | datetime | int
SortKey = tuple[int, Decimal, tuple[KeyPart, ...], int]
Row = dict[str, str | int | bool | None]

LAST = Decimal("Infinity")


class Overflow(StrEnum):
    SKIP = "skip"
    PARTIAL = "partial"
    STOP = "stop"


class Status(StrEnum):
    SELECTED = "selected"
    ELIGIBLE_NOT_SELECTED = "eligible_not_selected"
    BELOW_THRESHOLD = "below_threshold"
    NOT_ADMISSIBLE = "not_admissible"


class Reason(StrEnum):
    SELECTED = "selected"
    SELECTED_PARTIALLY = "selected_partially"
    SELECTED_RESERVED_SHARE = "selected_reserved_share"
    CAP_REACHED = "cap_reached"
    QUOTA_FULL = "quota_full"
    LOT_BUDGET_EXHAUSTED = "lot_budget_exhausted"
    DOES_NOT_FIT_LOT_BUDGET = "does_not_fit_lot_budget"
    FUNDING_STOPPED = "funding_stopped"
    BELOW_THRESHOLD = "below_threshold"
    NOT_ADMISSIBLE = "not_admissible"
    NO_SCORE = "no_score"


REASONS_BY_STATUS: Mapping[Status, frozenset[Reason]] = {
    Status.SELECTED: frozenset(
        {Reason.SELECTED, Reason.SELECTED_PARTIALLY, Reason.SELECTED_RESERVED_SHARE}
    ),
    Status.ELIGIBLE_NOT_SELECTED: frozenset(
        {
            Reason.CAP_REACHED,
            Reason.QUOTA_FULL,
            Reason.LOT_BUDGET_EXHAUSTED,
            Reason.DOES_NOT_FIT_LOT_BUDGET,
            Reason.FUNDING_STOPPED,
        }
    ),
    Status.BELOW_THRESHOLD: frozenset({Reason.BELOW_THRESHOLD, Reason.NO_SCORE}),
    Status.NOT_ADMISSIBLE: frozenset({Reason.NOT_ADMISSIBLE}),
}


class TieBreakKind(StrEnum):
    CRITERION = "criterion"  # more points in one criterion first; missing points last
    EARLIER_SUBMISSION = "earlier_submission"
    LOWER_REQUESTED = "lower_requested"
    NETWORK_FIRST = "network_first"


class DuplicateCandidate(ValueError):
    """Two candidates share a proposal id or a protocol number."""

    code = "duplicate_candidate"


class NotSelected(ValueError):
    """promote_next was told that a proposal renounced, but it was not selected."""

    code = "not_selected"


@dataclass(frozen=True)
class TieBreak:
    """One rule that orders candidates with equal scores."""

    kind: TieBreakKind
    criterion_id: int | None = None

    EARLIER_SUBMISSION: ClassVar["TieBreak"]
    LOWER_REQUESTED: ClassVar["TieBreak"]
    NETWORK_FIRST: ClassVar["TieBreak"]

    def __post_init__(self) -> None:
        if (self.kind is TieBreakKind.CRITERION) != (self.criterion_id is not None):
            raise ValueError("a criterion_id goes with, and only with, kind 'criterion'")

    @classmethod
    def criterion(cls, criterion_id: int) -> "TieBreak":
        """More points in criterion ``criterion_id`` rank first."""
        return cls(TieBreakKind.CRITERION, criterion_id)

    def key(self, candidate: "Candidate") -> KeyPart:
        """The part of the sort key this rule contributes; smaller ranks first."""
        if self.kind is TieBreakKind.CRITERION:
            assert self.criterion_id is not None
            points = candidate.criterion_points.get(self.criterion_id)
            return LAST if points is None else -points
        if self.kind is TieBreakKind.EARLIER_SUBMISSION:
            return candidate.submitted_at
        if self.kind is TieBreakKind.LOWER_REQUESTED:
            return candidate.requested
        return 0 if candidate.is_network else 1


TieBreak.EARLIER_SUBMISSION = TieBreak(TieBreakKind.EARLIER_SUBMISSION)
TieBreak.LOWER_REQUESTED = TieBreak(TieBreakKind.LOWER_REQUESTED)
TieBreak.NETWORK_FIRST = TieBreak(TieBreakKind.NETWORK_FIRST)


@dataclass(frozen=True)
class Candidate:
    """A proposal as the ranking sees it. ``requested`` is money: non-negative, in cents."""

    proposal_id: int
    protocol_number: int
    category: str
    is_network: bool
    lot_id: int | None
    requested: Decimal
    score: Decimal | None
    criterion_points: Mapping[int, Decimal]
    submitted_at: datetime
    admissible: bool
    below_threshold: bool

    def __post_init__(self) -> None:
        if not self.requested >= 0 or self.requested != round_money(self.requested):
            raise ValueError(f"proposal {self.proposal_id}: requested must be cents, ≥ 0")


@dataclass(frozen=True)
class Rules:
    """The call's funding rules. ``quotas`` are maxima and ``reserved`` minima per category."""

    cap: int | None = None
    lot_budgets: Mapping[int | None, Decimal | None] = field(default_factory=dict)
    overflow: Overflow = Overflow.SKIP
    quotas: Mapping[str, int] = field(default_factory=dict)
    reserved: Mapping[str, int] = field(default_factory=dict)
    tie_breaks: Sequence[TieBreak] = (TieBreak.EARLIER_SUBMISSION,)

    def __post_init__(self) -> None:
        counts = [*self.quotas.values(), *self.reserved.values()]
        if (self.cap is not None and self.cap < 0) or any(n < 0 for n in counts):
            raise ValueError("cap, quotas and reserved shares must not be negative")
        for budget in self.lot_budgets.values():
            if budget is not None and (not budget >= 0 or budget != round_money(budget)):
                raise ValueError("lot budgets must be cents, ≥ 0")


@dataclass(frozen=True)
class Outcome:
    """Where a proposal ended up and why; ``awarded`` is zero unless selected."""

    proposal_id: int
    position: int | None
    status: Status
    reason: Reason
    awarded: Decimal = ZERO
    reason_detail: str = ""


def rank(candidates: Iterable[Candidate], rules: Rules) -> tuple[Outcome, ...]:
    """Rank the candidates and select those to fund, as the module docstring describes.

    Returns one outcome per candidate, in ranking order. Raises DuplicateCandidate.
    """
    ordered = _ordered(candidates, rules)
    eligible = [c for c in ordered if _group(c) == 0]
    positions = {c.proposal_id: n for n, c in enumerate(eligible, start=1)}
    ledger = _Ledger(rules)
    decided = _reserve(eligible, ledger, positions, limit=None)
    for candidate in eligible:
        if candidate.proposal_id not in decided:
            decided[candidate.proposal_id] = _step(candidate, ledger, positions)
    return tuple(decided.get(c.proposal_id) or _unranked(c) for c in ordered)


def promote_next(
    outcomes: Iterable[Outcome],
    candidates: Iterable[Candidate],
    rules: Rules,
    *,
    vacated_proposal_id: int,
) -> Outcome | None:
    """Scorrimento: the next candidate selected after ``vacated_proposal_id`` renounces.

    The renouncer's award returns to its lot and its place to the cap and its quota; then
    phase 1 (reserved shares still short) and phase 2 pick the first waiting
    (ELIGIBLE_NOT_SELECTED) candidate, in ranking order, that the same rules allow.
    ``outcomes`` must reflect earlier promotions; leave earlier renouncers out of it
    (candidates without an outcome are ignored). A partial award is never topped up.
    Returns the promoted candidate's new outcome, or None when nobody fits.
    Raises NotSelected when the vacated proposal is not SELECTED in ``outcomes``.
    """
    by_id = {outcome.proposal_id: outcome for outcome in outcomes}
    vacated = by_id.get(vacated_proposal_id)
    if vacated is None or vacated.status is not Status.SELECTED:
        raise NotSelected(f"proposal {vacated_proposal_id} is not selected")
    ordered = _ordered(candidates, rules)
    ledger = _Ledger(rules)
    for candidate in ordered:
        kept = by_id.get(candidate.proposal_id)
        if kept is not None and kept.status is Status.SELECTED and kept is not vacated:
            ledger.take(candidate, kept.awarded)
    waiting = [c for c in ordered if _status_in(by_id, c) is Status.ELIGIBLE_NOT_SELECTED]
    positions = {c.proposal_id: by_id[c.proposal_id].position for c in waiting}
    reserved = _reserve(waiting, ledger, positions, limit=1)
    if reserved:
        return next(iter(reserved.values()))
    for candidate in waiting:
        outcome = _step(candidate, ledger, positions)
        if outcome.status is Status.SELECTED:
            return outcome
    return None


def canonical_rows(outcomes: Iterable[Outcome], candidates: Iterable[Candidate]) -> list[Row]:
    """One JSON-ready row per outcome, in the outcomes' order, with fixed keys.

    Amounts and scores are strings with two decimals ("1234.50"); enums are their codes.
    """
    by_id = {candidate.proposal_id: candidate for candidate in candidates}
    return [_row(outcome, by_id[outcome.proposal_id]) for outcome in outcomes]


class _Ledger:
    """What has been selected so far: how many, how many per category, spent per lot."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.selected = 0
        self.per_category: Counter[str] = Counter()
        self.spent: defaultdict[int | None, Decimal] = defaultdict(lambda: ZERO)
        self.stopped: set[int | None] = set()

    def room(self, lot_id: int | None) -> Decimal | None:
        """What is left in the lot; None when the lot is unlimited."""
        budget = self.rules.lot_budgets.get(lot_id)
        return None if budget is None else budget - self.spent[lot_id]

    def fits(self, candidate: Candidate) -> bool:
        room = self.room(candidate.lot_id)
        return room is None or candidate.requested <= room

    def blocker(self, candidate: Candidate) -> tuple[Reason, str] | None:
        """Why the candidate cannot be selected whatever its request, or None."""
        quota = self.rules.quotas.get(candidate.category)
        if quota is not None and self.per_category[candidate.category] >= quota:
            return Reason.QUOTA_FULL, candidate.category
        cap = self.rules.cap
        if cap is not None and self.selected >= cap:
            return Reason.CAP_REACHED, str(cap)
        if candidate.lot_id in self.stopped:
            return Reason.FUNDING_STOPPED, _lot_label(candidate.lot_id)
        return None

    def take(self, candidate: Candidate, amount: Decimal) -> None:
        self.selected += 1
        self.per_category[candidate.category] += 1
        self.spent[candidate.lot_id] += amount


def _reserve(
    ranked: Sequence[Candidate],
    ledger: _Ledger,
    positions: Mapping[int, int | None],
    *,
    limit: int | None,
) -> dict[int, Outcome]:
    """Phase 1: fill the reserved shares, full requests only; at most ``limit`` picks."""
    by_category: defaultdict[str, list[Candidate]] = defaultdict(list)
    for candidate in ranked:
        by_category[candidate.category].append(candidate)
    picked: dict[int, Outcome] = {}
    for category in sorted(ledger.rules.reserved):
        wanted = ledger.rules.reserved[category]
        for candidate in by_category[category]:
            if ledger.per_category[category] >= wanted or len(picked) == limit:
                break
            if ledger.blocker(candidate) is None and ledger.fits(candidate):
                picked[candidate.proposal_id] = _select(
                    candidate, ledger, positions, Reason.SELECTED_RESERVED_SHARE, category
                )
    return picked


def _step(candidate: Candidate, ledger: _Ledger, positions: Mapping[int, int | None]) -> Outcome:
    """Phase 2 for one candidate: select it, in full or in part, or say why not."""
    position = positions[candidate.proposal_id]
    blocked = ledger.blocker(candidate)
    if blocked is not None:
        return _waiting(candidate, position, *blocked)
    if ledger.fits(candidate):
        return _select(candidate, ledger, positions, Reason.SELECTED, "")
    return _overflow(candidate, ledger, positions)


def _overflow(
    candidate: Candidate, ledger: _Ledger, positions: Mapping[int, int | None]
) -> Outcome:
    """The request does not fit the lot's remainder: apply the overflow policy."""
    lot = candidate.lot_id
    room = ledger.room(lot)
    assert room is not None
    if ledger.rules.overflow is Overflow.PARTIAL and room > 0:
        return _select(
            candidate, ledger, positions, Reason.SELECTED_PARTIALLY, _lot_label(lot), room
        )
    if ledger.rules.overflow is Overflow.STOP:
        ledger.stopped.add(lot)
    reason = Reason.LOT_BUDGET_EXHAUSTED if room <= 0 else Reason.DOES_NOT_FIT_LOT_BUDGET
    return _waiting(candidate, positions[candidate.proposal_id], reason, _lot_label(lot))


def _select(
    candidate: Candidate,
    ledger: _Ledger,
    positions: Mapping[int, int | None],
    reason: Reason,
    detail: str,
    amount: Decimal | None = None,
) -> Outcome:
    awarded = round_money(candidate.requested if amount is None else amount)
    ledger.take(candidate, awarded)
    position = positions[candidate.proposal_id]
    return Outcome(candidate.proposal_id, position, Status.SELECTED, reason, awarded, detail)


def _waiting(candidate: Candidate, position: int | None, reason: Reason, detail: str) -> Outcome:
    status = Status.ELIGIBLE_NOT_SELECTED
    return Outcome(candidate.proposal_id, position, status, reason, ZERO, detail)


def _unranked(candidate: Candidate) -> Outcome:
    """The outcome of a candidate outside the eligible group."""
    group = _group(candidate)
    if group == 3:
        return Outcome(candidate.proposal_id, None, Status.NOT_ADMISSIBLE, Reason.NOT_ADMISSIBLE)
    reason = Reason.NO_SCORE if group == 2 else Reason.BELOW_THRESHOLD
    return Outcome(candidate.proposal_id, None, Status.BELOW_THRESHOLD, reason)


def _group(candidate: Candidate) -> int:
    """0 eligible, 1 below threshold, 2 without a score, 3 not admissible."""
    if not candidate.admissible:
        return 3
    if candidate.score is None:
        return 2
    return 1 if candidate.below_threshold else 0


def _sort_key(candidate: Candidate, tie_breaks: Sequence[TieBreak]) -> SortKey:
    group = _group(candidate)
    if candidate.score is None or group > 1:
        return group, ZERO, (), candidate.protocol_number
    parts = tuple(tie_break.key(candidate) for tie_break in tie_breaks)
    return group, -candidate.score, parts, candidate.protocol_number


def _ordered(candidates: Iterable[Candidate], rules: Rules) -> list[Candidate]:
    """All candidates in ranking order; raises DuplicateCandidate."""
    listed = list(candidates)
    ids = {c.proposal_id for c in listed}
    protocols = {c.protocol_number for c in listed}
    if len(ids) != len(listed) or len(protocols) != len(listed):
        raise DuplicateCandidate("proposal ids and protocol numbers must be unique")
    return sorted(listed, key=partial(_sort_key, tie_breaks=tuple(rules.tie_breaks)))


def _status_in(by_id: Mapping[int, Outcome], candidate: Candidate) -> Status | None:
    outcome = by_id.get(candidate.proposal_id)
    return None if outcome is None else outcome.status


def _lot_label(lot_id: int | None) -> str:
    return "" if lot_id is None else str(lot_id)


def _money(value: Decimal) -> str:
    return f"{round_money(value):f}"


def _row(outcome: Outcome, candidate: Candidate) -> Row:
    score = candidate.score
    return {
        "position": outcome.position,
        "proposal_id": outcome.proposal_id,
        "protocol_number": candidate.protocol_number,
        "category": candidate.category,
        "is_network": candidate.is_network,
        "lot_id": candidate.lot_id,
        "submitted_at": candidate.submitted_at.isoformat(),
        "requested": _money(candidate.requested),
        "score": None if score is None else f"{round_score(score):f}",
        "status": outcome.status.value,
        "reason": outcome.reason.value,
        "reason_detail": outcome.reason_detail,
        "awarded": _money(outcome.awarded),
    }
