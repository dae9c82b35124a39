"""Ranking and selection: properties over generated calls, then one example per rule."""

import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cmp_to_key

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rione.evaluation.ranking import (
    REASONS_BY_STATUS,
    Candidate,
    DuplicateCandidate,
    NotSelected,
    Outcome,
    Overflow,
    Reason,
    Rules,
    Status,
    TieBreak,
    TieBreakKind,
    canonical_rows,
    promote_next,
    rank,
)

EXAMPLES = settings(max_examples=150, deadline=None)
D = Decimal
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CATEGORIES = ("ets", "informal_group", "school")
LOTS = (None, 1, 2)
ALL_TIE_BREAKS = (
    TieBreak.criterion(1),
    TieBreak.criterion(2),
    TieBreak.EARLIER_SUBMISSION,
    TieBreak.LOWER_REQUESTED,
    TieBreak.NETWORK_FIRST,
)


def candidate(
    proposal_id,
    *,
    score="50",
    category="ets",
    lot=None,
    requested="10000",
    protocol=None,
    network=False,
    points=None,
    minutes=0,
    admissible=True,
    below=False,
):
    return Candidate(
        proposal_id=proposal_id,
        protocol_number=proposal_id if protocol is None else protocol,
        category=category,
        is_network=network,
        lot_id=lot,
        requested=D(requested),
        score=None if score is None else D(score),
        criterion_points={k: D(v) for k, v in (points or {}).items()},
        submitted_at=T0 + timedelta(minutes=minutes),
        admissible=admissible,
        below_threshold=below,
    )


def by_id(outcomes):
    return {o.proposal_id: o for o in outcomes}


def ids_with(outcomes, status):
    return [o.proposal_id for o in outcomes if o.status is status]


# --- strategies ---------------------------------------------------------------------


@st.composite
def candidates(draw, max_size=30):
    """Candidates with many ties: few scores, few minutes, few criterion points."""
    size = draw(st.integers(0, max_size))
    protocols = draw(st.lists(st.integers(1, 9999), min_size=size, max_size=size, unique=True))
    points = st.dictionaries(st.sampled_from([1, 2]), st.integers(0, 4).map(D), max_size=2)
    return [
        Candidate(
            proposal_id=1000 + n,
            protocol_number=protocol,
            category=draw(st.sampled_from(CATEGORIES)),
            is_network=draw(st.booleans()),
            lot_id=draw(st.sampled_from(LOTS)),
            requested=draw(st.integers(0, 40)) * D(250) + draw(st.sampled_from([D(0), D("0.5")])),
            score=draw(st.integers(-1, 12).map(lambda k: None if k < 0 else D(k) / 2)),
            criterion_points=draw(points),
            submitted_at=T0 + timedelta(minutes=draw(st.integers(0, 3))),
            admissible=draw(st.sampled_from([True, True, True, True, False])),
            below_threshold=draw(st.sampled_from([False, False, False, True])),
        )
        for n, protocol in enumerate(protocols)
    ]


budgets = st.none() | st.integers(0, 40).map(lambda n: n * D(250))
rules_strategy = st.builds(
    Rules,
    cap=st.none() | st.integers(0, 20),
    lot_budgets=st.dictionaries(st.sampled_from(LOTS), budgets),
    overflow=st.sampled_from(Overflow),
    quotas=st.dictionaries(st.sampled_from(CATEGORIES), st.integers(0, 12)),
    reserved=st.dictionaries(st.sampled_from(CATEGORIES), st.integers(0, 8)),
    tie_breaks=st.lists(st.sampled_from(ALL_TIE_BREAKS), unique=True, max_size=5),
)


def eligible(c):
    return c.admissible and c.score is not None and not c.below_threshold


def lot_room(rules, outcomes, cands, lot):
    """What is left in ``lot`` after the selections in ``outcomes``; None when unlimited."""
    budget = rules.lot_budgets.get(lot)
    if budget is None:
        return None
    lots = {c.proposal_id: c.lot_id for c in cands}
    return budget - sum((o.awarded for o in outcomes if lots[o.proposal_id] == lot), D(0))


def fits_now(rules, outcomes, cands, c):
    """Could ``c`` still be selected, in full, after the selections in ``outcomes``?"""
    selected = [o for o in outcomes if o.status is Status.SELECTED]
    category = {x.proposal_id: x.category for x in cands}
    in_category = sum(1 for o in selected if category[o.proposal_id] == c.category)
    room = lot_room(rules, outcomes, cands, c.lot_id)
    return (
        (rules.cap is None or len(selected) < rules.cap)
        and in_category < rules.quotas.get(c.category, len(cands) + 1)
        and (room is None or c.requested <= room)
    )


def reference_compare(tie_breaks):
    """An independent statement of the ranking order, as a comparison."""

    def group(c):
        if not c.admissible:
            return 3
        if c.score is None:
            return 2
        return 1 if c.below_threshold else 0

    def tie(tb, a, b):
        if tb.kind is TieBreakKind.CRITERION:
            pa = a.criterion_points.get(tb.criterion_id)
            pb = b.criterion_points.get(tb.criterion_id)
            if pa == pb:
                return 0
            if pa is None or pb is None:
                return 1 if pa is None else -1
            return -1 if pa > pb else 1
        va, vb = {
            TieBreakKind.EARLIER_SUBMISSION: (a.submitted_at, b.submitted_at),
            TieBreakKind.LOWER_REQUESTED: (a.requested, b.requested),
            TieBreakKind.NETWORK_FIRST: (not a.is_network, not b.is_network),
        }[tb.kind]
        return 0 if va == vb else (-1 if va < vb else 1)

    def compare(a, b):
        if group(a) != group(b):
            return group(a) - group(b)
        if group(a) <= 1:
            if a.score != b.score:
                return -1 if a.score > b.score else 1
            for tb in tie_breaks:
                if result := tie(tb, a, b):
                    return result
        return a.protocol_number - b.protocol_number

    return compare


# --- properties ---------------------------------------------------------------------


@EXAMPLES
@given(candidates(), rules_strategy, st.randoms(use_true_random=False))
def test_the_outcome_is_deterministic_whatever_the_input_order(cands, rules, rnd):
    shuffled = list(cands)
    rnd.shuffle(shuffled)

    assert rank(cands, rules) == rank(cands, rules) == rank(shuffled, rules)
    assert len(rank(cands, rules)) == len(cands)


@EXAMPLES
@given(candidates(), rules_strategy)
def test_the_cap_quotas_and_lot_budgets_are_never_exceeded(cands, rules):
    outcomes = rank(cands, rules)

    selected = [o for o in outcomes if o.status is Status.SELECTED]
    category = {c.proposal_id: c.category for c in cands}
    per_category = Counter(category[o.proposal_id] for o in selected)
    assert rules.cap is None or len(selected) <= rules.cap
    for name, quota in rules.quotas.items():
        assert per_category[name] <= quota
    for lot in LOTS:
        room = lot_room(rules, outcomes, cands, lot)
        assert room is None or room >= 0


@EXAMPLES
@given(candidates(), rules_strategy)
def test_only_eligible_candidates_are_selected_and_with_at_most_their_request(cands, rules):
    outcomes = rank(cands, rules)

    requested = {c.proposal_id: c for c in cands}
    for outcome in outcomes:
        c = requested[outcome.proposal_id]
        if outcome.status is Status.SELECTED:
            assert eligible(c)
            assert 0 <= outcome.awarded <= c.requested
            if outcome.reason is not Reason.SELECTED_PARTIALLY:
                assert outcome.awarded == c.requested
            else:
                assert 0 < outcome.awarded < c.requested
        else:
            assert outcome.awarded == 0


@EXAMPLES
@given(candidates(), rules_strategy)
def test_every_status_has_a_reason_of_its_own(cands, rules):
    outcomes = rank(cands, rules)

    requested = {c.proposal_id: c for c in cands}
    for outcome in outcomes:
        assert outcome.reason in REASONS_BY_STATUS[outcome.status]
        c = requested[outcome.proposal_id]
        if not c.admissible:
            assert outcome.status is Status.NOT_ADMISSIBLE
        elif c.score is None:
            assert (outcome.status, outcome.reason) == (Status.BELOW_THRESHOLD, Reason.NO_SCORE)
        elif c.below_threshold:
            assert (outcome.status, outcome.reason) == (Status.BELOW_THRESHOLD, "below_threshold")


@EXAMPLES
@given(candidates(), rules_strategy)
def test_the_order_follows_scores_then_tie_breaks_then_protocol(cands, rules):
    outcomes = rank(cands, rules)

    expected = sorted(cands, key=cmp_to_key(reference_compare(rules.tie_breaks)))
    assert [o.proposal_id for o in outcomes] == [c.proposal_id for c in expected]
    ranked = [o for o in outcomes if o.position is not None]
    assert [o.position for o in ranked] == list(range(1, len(ranked) + 1))
    assert outcomes[: len(ranked)] == tuple(ranked)
    scores = {c.proposal_id: c.score for c in cands}
    ranked_scores = [scores[o.proposal_id] for o in ranked]
    assert ranked_scores == sorted(ranked_scores, reverse=True)


@EXAMPLES
@given(candidates(), rules_strategy)
def test_every_reason_for_not_selecting_still_holds_at_the_end(cands, rules):
    outcomes = rank(cands, rules)

    selected = [o for o in outcomes if o.status is Status.SELECTED]
    category = {c.proposal_id: c.category for c in cands}
    per_category = Counter(category[o.proposal_id] for o in selected)
    for outcome in outcomes:
        if outcome.status is not Status.ELIGIBLE_NOT_SELECTED:
            continue
        c = next(x for x in cands if x.proposal_id == outcome.proposal_id)
        room = lot_room(rules, outcomes, cands, c.lot_id)
        match outcome.reason:
            case Reason.QUOTA_FULL:
                assert per_category[c.category] == rules.quotas[c.category]
                assert outcome.reason_detail == c.category
            case Reason.CAP_REACHED:
                assert len(selected) == rules.cap
            case Reason.LOT_BUDGET_EXHAUSTED:
                assert room == 0
            case Reason.DOES_NOT_FIT_LOT_BUDGET:
                assert rules.overflow is not Overflow.PARTIAL
                assert room is not None and c.requested > room
            case Reason.FUNDING_STOPPED:
                assert rules.overflow is Overflow.STOP
        assert not fits_now(rules, outcomes, cands, c) or rules.overflow is Overflow.STOP


@EXAMPLES
@given(candidates(), rules_strategy)
def test_reserved_shares_are_met_unless_nobody_else_of_the_category_fits(cands, rules):
    outcomes = rank(cands, rules)

    status = {o.proposal_id: o.status for o in outcomes}
    for name, wanted in rules.reserved.items():
        pool = [c for c in cands if c.category == name and eligible(c)]
        chosen = [c for c in pool if status[c.proposal_id] is Status.SELECTED]
        if len(chosen) < wanted:
            waiting = [c for c in pool if status[c.proposal_id] is not Status.SELECTED]
            assert not any(fits_now(rules, outcomes, cands, c) for c in waiting)


@EXAMPLES
@given(candidates(), rules_strategy)
def test_reserved_shares_are_met_when_nothing_binds(cands, rules):
    rules = Rules(reserved=rules.reserved, quotas=rules.quotas, tie_breaks=rules.tie_breaks)

    outcomes = rank(cands, rules)

    status = {o.proposal_id: o.status for o in outcomes}
    for name, wanted in rules.reserved.items():
        pool = [c for c in cands if c.category == name and eligible(c)]
        chosen = [c for c in pool if status[c.proposal_id] is Status.SELECTED]
        quota = rules.quotas.get(name, len(pool))
        assert len(chosen) >= min(wanted, quota, len(pool))


@EXAMPLES
@given(candidates(), rules_strategy, st.data())
def test_promote_next_keeps_every_limit_and_takes_the_first_that_fits(cands, rules, data):
    outcomes = rank(cands, rules)
    selected = ids_with(outcomes, Status.SELECTED)
    if not selected:
        return
    vacated = data.draw(st.sampled_from(selected))

    promoted = promote_next(outcomes, cands, rules, vacated_proposal_id=vacated)

    after = [o for o in outcomes if o.proposal_id != vacated]
    if promoted is not None:
        before = by_id(outcomes)[promoted.proposal_id]
        assert before.status is Status.ELIGIBLE_NOT_SELECTED
        assert promoted.status is Status.SELECTED
        assert promoted.position == before.position
        after = [promoted if o.proposal_id == promoted.proposal_id else o for o in after]
    selected_after = [o for o in after if o.status is Status.SELECTED]
    category = {c.proposal_id: c.category for c in cands}
    per_category = Counter(category[o.proposal_id] for o in selected_after)
    assert rules.cap is None or len(selected_after) <= rules.cap
    assert all(per_category[name] <= quota for name, quota in rules.quotas.items())
    for lot in LOTS:
        room = lot_room(rules, after, cands, lot)
        assert room is None or room >= 0
    if rules.overflow is Overflow.SKIP and not rules.reserved:
        first = first_that_fits(rules, [o for o in outcomes if o.proposal_id != vacated], cands)
        assert (None if promoted is None else promoted.proposal_id) == first


def first_that_fits(rules, outcomes, cands):
    """The first waiting candidate, in ranking order, that fits in full after ``outcomes``."""
    by_proposal = {c.proposal_id: c for c in cands}
    for outcome in outcomes:
        c = by_proposal[outcome.proposal_id]
        if outcome.status is Status.ELIGIBLE_NOT_SELECTED and fits_now(rules, outcomes, cands, c):
            return c.proposal_id
    return None


# --- examples: overflow policies -----------------------------------------------------

# One lot of 100,000 €; requests in ranking order (scores 90, 80, …).
LOT_CANDIDATES = [
    candidate(1, score="90", lot=7, requested="60000"),
    candidate(2, score="80", lot=7, requested="50000"),
    candidate(3, score="70", lot=7, requested="30000"),
    candidate(4, score="60", lot=7, requested="20000"),
    candidate(5, score="50", lot=7, requested="10000"),
    candidate(6, score="40", lot=7, requested="5000"),
]


def reasons(outcomes):
    return [(o.proposal_id, o.reason, o.awarded) for o in outcomes]


def test_skip_funds_the_next_candidates_that_fit():
    outcomes = rank(LOT_CANDIDATES, Rules(lot_budgets={7: D(100000)}, overflow=Overflow.SKIP))

    assert reasons(outcomes) == [
        (1, Reason.SELECTED, D(60000)),
        (2, Reason.DOES_NOT_FIT_LOT_BUDGET, D(0)),
        (3, Reason.SELECTED, D(30000)),
        (4, Reason.DOES_NOT_FIT_LOT_BUDGET, D(0)),
        (5, Reason.SELECTED, D(10000)),
        (6, Reason.LOT_BUDGET_EXHAUSTED, D(0)),
    ]
    assert outcomes[1].reason_detail == "7"


def test_partial_funds_what_is_left_then_the_lot_is_exhausted():
    outcomes = rank(LOT_CANDIDATES, Rules(lot_budgets={7: D(100000)}, overflow=Overflow.PARTIAL))

    assert reasons(outcomes)[:3] == [
        (1, Reason.SELECTED, D(60000)),
        (2, Reason.SELECTED_PARTIALLY, D(40000)),
        (3, Reason.LOT_BUDGET_EXHAUSTED, D(0)),
    ]
    assert outcomes[1].status is Status.SELECTED
    assert {o.reason for o in outcomes[3:]} == {Reason.LOT_BUDGET_EXHAUSTED}


def test_partial_funds_nobody_when_the_remainder_is_zero():
    cands = [
        candidate(1, score="90", lot=7, requested="100000"),
        candidate(2, score="80", lot=7, requested="5000"),
    ]

    outcomes = rank(cands, Rules(lot_budgets={7: D(100000)}, overflow=Overflow.PARTIAL))

    assert reasons(outcomes)[1] == (2, Reason.LOT_BUDGET_EXHAUSTED, D(0))


def test_stop_ends_funding_in_that_lot_only():
    cands = [*LOT_CANDIDATES, candidate(9, score="10", lot=8, requested="1000")]
    rules = Rules(lot_budgets={7: D(100000), 8: D(1000)}, overflow=Overflow.STOP)

    outcomes = rank(cands, rules)

    assert reasons(outcomes) == [
        (1, Reason.SELECTED, D(60000)),
        (2, Reason.DOES_NOT_FIT_LOT_BUDGET, D(0)),
        (3, Reason.FUNDING_STOPPED, D(0)),
        (4, Reason.FUNDING_STOPPED, D(0)),
        (5, Reason.FUNDING_STOPPED, D(0)),
        (6, Reason.FUNDING_STOPPED, D(0)),
        (9, Reason.SELECTED, D(1000)),
    ]


def test_a_lot_with_budget_none_or_without_a_budget_is_unlimited():
    cands = [
        candidate(1, lot=1, requested="9999999"),
        candidate(2, lot=2, requested="9999999"),
        candidate(3, lot=None, requested="9999999"),
    ]

    outcomes = rank(cands, Rules(lot_budgets={1: None}))

    assert ids_with(outcomes, Status.SELECTED) == [1, 2, 3]


def test_budgets_and_requests_must_be_cents():
    with pytest.raises(ValueError, match="cents"):
        Rules(lot_budgets={1: D("10.001")})
    with pytest.raises(ValueError, match="cents"):
        candidate(1, requested="-1")


# --- examples: tie-breaks ------------------------------------------------------------


def order(cands, *tie_breaks):
    return [o.proposal_id for o in rank(cands, Rules(tie_breaks=tie_breaks))]


def test_a_higher_score_ranks_first_whatever_the_tie_breaks():
    cands = [candidate(1, score="70", minutes=0), candidate(2, score="70.5", minutes=9)]

    assert order(cands, TieBreak.EARLIER_SUBMISSION) == [2, 1]


def test_criterion_tie_break_prefers_more_points_and_puts_missing_points_last():
    cands = [
        candidate(1, points={3: "4"}),
        candidate(2, points={}),
        candidate(3, points={3: "9"}),
    ]

    assert order(cands, TieBreak.criterion(3)) == [3, 1, 2]


def test_earlier_submission_tie_break():
    cands = [candidate(1, minutes=30), candidate(2, minutes=5), candidate(3, minutes=10)]

    assert order(cands, TieBreak.EARLIER_SUBMISSION) == [2, 3, 1]


def test_lower_requested_tie_break():
    cands = [candidate(1, requested="30000"), candidate(2, requested="10000")]

    assert order(cands, TieBreak.LOWER_REQUESTED) == [2, 1]


def test_network_first_tie_break():
    cands = [candidate(1, network=False), candidate(2, network=True)]

    assert order(cands, TieBreak.NETWORK_FIRST) == [2, 1]


def test_tie_breaks_apply_in_turn_and_the_protocol_number_settles_the_rest():
    cands = [
        candidate(1, protocol=40, points={3: "5"}, minutes=1),
        candidate(2, protocol=30, points={3: "5"}, minutes=0),
        candidate(3, protocol=20, points={3: "5"}, minutes=1),
        candidate(4, protocol=10, points={3: "2"}, minutes=0),
    ]

    assert order(cands, TieBreak.criterion(3), TieBreak.EARLIER_SUBMISSION) == [2, 3, 1, 4]
    assert order(cands, TieBreak.EARLIER_SUBMISSION, TieBreak.criterion(3)) == [2, 4, 3, 1]
    assert order(cands) == [4, 3, 2, 1]


def test_the_default_tie_break_is_the_earlier_submission():
    cands = [candidate(1, minutes=9), candidate(2, minutes=0)]

    assert [o.proposal_id for o in rank(cands, Rules())] == [2, 1]


def test_a_criterion_tie_break_needs_a_criterion_and_only_it_does():
    with pytest.raises(ValueError):
        TieBreak(TieBreakKind.CRITERION)
    with pytest.raises(ValueError):
        TieBreak(TieBreakKind.NETWORK_FIRST, criterion_id=1)


# --- examples: groups, cap, quotas, reserved shares --------------------------------


def test_eligible_first_then_below_threshold_then_not_admissible():
    cands = [
        candidate(1, score="95", admissible=False),
        candidate(2, score="90", below=True),
        candidate(3, score=None),
        candidate(4, score="40"),
        candidate(5, score="91", below=True),
        candidate(6, score=None, admissible=False),
    ]

    outcomes = rank(cands, Rules())

    assert [(o.proposal_id, o.position, o.status, o.reason) for o in outcomes] == [
        (4, 1, Status.SELECTED, Reason.SELECTED),
        (5, None, Status.BELOW_THRESHOLD, Reason.BELOW_THRESHOLD),
        (2, None, Status.BELOW_THRESHOLD, Reason.BELOW_THRESHOLD),
        (3, None, Status.BELOW_THRESHOLD, Reason.NO_SCORE),
        (1, None, Status.NOT_ADMISSIBLE, Reason.NOT_ADMISSIBLE),
        (6, None, Status.NOT_ADMISSIBLE, Reason.NOT_ADMISSIBLE),
    ]


def test_the_cap_stops_selection():
    cands = [candidate(n, score=str(100 - n)) for n in range(1, 6)]

    outcomes = rank(cands, Rules(cap=3))

    assert ids_with(outcomes, Status.SELECTED) == [1, 2, 3]
    assert [(o.reason, o.reason_detail) for o in outcomes[3:]] == [(Reason.CAP_REACHED, "3")] * 2


def test_a_full_quota_skips_to_other_categories_and_is_named_before_the_cap():
    cands = [
        candidate(1, score="90"),
        candidate(2, score="80"),
        candidate(3, score="70", category="informal_group"),
        candidate(4, score="60"),
    ]

    outcomes = rank(cands, Rules(cap=3, quotas={"ets": 2}))

    assert ids_with(outcomes, Status.SELECTED) == [1, 2, 3]
    assert (outcomes[3].reason, outcomes[3].reason_detail) == (Reason.QUOTA_FULL, "ets")


def test_a_reserved_share_goes_to_its_category_before_better_ranked_others():
    cands = [
        candidate(1, score="90"),
        candidate(2, score="80"),
        candidate(3, score="70"),
        candidate(4, score="60", category="informal_group"),
        candidate(5, score="50", category="informal_group"),
    ]

    outcomes = rank(cands, Rules(cap=3, reserved={"informal_group": 1}))

    assert ids_with(outcomes, Status.SELECTED) == [1, 2, 4]
    assert (by_id(outcomes)[4].reason, by_id(outcomes)[4].reason_detail) == (
        Reason.SELECTED_RESERVED_SHARE,
        "informal_group",
    )
    assert by_id(outcomes)[3].reason is Reason.CAP_REACHED
    assert by_id(outcomes)[4].position == 4


def test_a_reserved_share_is_capped_by_its_quota_and_by_who_is_eligible():
    cands = [
        candidate(1, score="90"),
        candidate(2, score="60", category="school"),
        candidate(3, score="50", category="school", below=True),
    ]

    outcomes = rank(cands, Rules(cap=2, reserved={"school": 2}, quotas={"school": 1}))

    assert ids_with(outcomes, Status.SELECTED) == [1, 2]


def test_reserved_shares_are_filled_in_category_order_within_the_cap():
    cands = [
        candidate(1, score="90", category="school"),
        candidate(2, score="80", category="informal_group"),
        candidate(3, score="70", category="ets"),
    ]

    outcomes = rank(cands, Rules(cap=1, reserved={"school": 1, "informal_group": 1}))

    assert ids_with(outcomes, Status.SELECTED) == [2]  # "informal_group" < "school"


def test_phase_one_funds_reserved_shares_in_full_only_and_phase_two_applies_overflow():
    cands = [
        candidate(1, score="90", lot=1, requested="3000"),
        candidate(2, score="80", lot=1, requested="6000", category="school"),
        candidate(3, score="70", lot=1, requested="5000", category="informal_group"),
        candidate(4, score="60", lot=1, requested="4000", category="school"),
    ]
    rules = Rules(
        lot_budgets={1: D(10000)},
        reserved={"school": 1, "informal_group": 1},
        overflow=Overflow.PARTIAL,
    )

    outcomes = rank(cands, rules)

    assert reasons(outcomes) == [
        (1, Reason.SELECTED_PARTIALLY, D(1000)),
        (2, Reason.LOT_BUDGET_EXHAUSTED, D(0)),
        (3, Reason.SELECTED_RESERVED_SHARE, D(5000)),
        (4, Reason.SELECTED_RESERVED_SHARE, D(4000)),
    ]


def test_duplicate_proposals_or_protocol_numbers_are_refused():
    with pytest.raises(DuplicateCandidate):
        rank([candidate(1), candidate(1, protocol=2)], Rules())
    with pytest.raises(DuplicateCandidate):
        rank([candidate(1, protocol=5), candidate(2, protocol=5)], Rules())


def test_no_candidates_no_outcomes():
    assert rank([], Rules(cap=3)) == ()


# --- examples: scorrimento -----------------------------------------------------------


def test_promote_next_gives_the_returned_money_to_the_next_that_fits():
    rules = Rules(lot_budgets={7: D(100000)})
    outcomes = rank(LOT_CANDIDATES, rules)

    promoted = promote_next(outcomes, LOT_CANDIDATES, rules, vacated_proposal_id=1)
    after_another = promote_next(outcomes, LOT_CANDIDATES, rules, vacated_proposal_id=3)

    assert promoted == Outcome(2, 2, Status.SELECTED, Reason.SELECTED, D(50000), "")
    assert after_another.proposal_id == 4  # 2 asks 50,000 of the 30,000 returned


def test_promote_next_respects_quotas():
    cands = [
        candidate(1, score="90"),
        candidate(2, score="80", category="informal_group"),
        candidate(3, score="70"),
        candidate(4, score="60", category="informal_group"),
    ]
    rules = Rules(cap=2, quotas={"ets": 1, "informal_group": 1})
    outcomes = rank(cands, rules)

    promoted = promote_next(outcomes, cands, rules, vacated_proposal_id=2)

    assert (promoted.proposal_id, promoted.position) == (4, 4)


def test_promote_next_respects_budgets_of_other_lots():
    cands = [
        candidate(1, score="90", lot=1, requested="5000"),
        candidate(2, score="80", lot=2, requested="5000"),
        candidate(3, score="70", lot=2, requested="5000"),
        candidate(4, score="60", lot=1, requested="9000"),
        candidate(5, score="50", lot=1, requested="4000"),
    ]
    rules = Rules(cap=2, lot_budgets={1: D(5000), 2: D(5000)})
    outcomes = rank(cands, rules)
    assert ids_with(outcomes, Status.SELECTED) == [1, 2]

    promoted = promote_next(outcomes, cands, rules, vacated_proposal_id=1)

    assert promoted.proposal_id == 5  # 3 has no money in lot 2; 4 asks too much


def test_promote_next_returns_none_when_nobody_fits():
    cands = [
        candidate(1, score="90", lot=1, requested="5000"),
        candidate(2, score="80", lot=1, requested="6000"),
        candidate(3, score="70", below=True),
    ]
    rules = Rules(lot_budgets={1: D(5000)})
    outcomes = rank(cands, rules)

    assert promote_next(outcomes, cands, rules, vacated_proposal_id=1) is None


def test_promote_next_under_stop_reopens_the_lot_for_the_one_that_stopped_it():
    rules = Rules(lot_budgets={7: D(100000)}, overflow=Overflow.STOP)
    outcomes = rank(LOT_CANDIDATES, rules)

    promoted = promote_next(outcomes, LOT_CANDIDATES, rules, vacated_proposal_id=1)

    assert (promoted.proposal_id, promoted.awarded) == (2, D(50000))


def test_promote_next_under_partial_funds_the_next_in_part():
    cands = [
        candidate(1, score="90", lot=7, requested="60000"),
        candidate(2, score="80", lot=7, requested="50000"),
        candidate(3, score="70", lot=7, requested="70000"),
    ]
    rules = Rules(lot_budgets={7: D(100000)}, overflow=Overflow.PARTIAL)
    outcomes = rank(cands, rules)
    assert reasons(outcomes)[1:] == [
        (2, Reason.SELECTED_PARTIALLY, D(40000)),
        (3, Reason.LOT_BUDGET_EXHAUSTED, D(0)),
    ]

    promoted = promote_next(outcomes, cands, rules, vacated_proposal_id=1)

    assert (promoted.proposal_id, promoted.reason, promoted.awarded) == (
        3,
        Reason.SELECTED_PARTIALLY,
        D(60000),
    )


def test_promote_next_keeps_a_reserved_share():
    cands = [
        candidate(1, score="90"),
        candidate(2, score="80"),
        candidate(3, score="70", category="school"),
        candidate(4, score="60", category="school"),
    ]
    rules = Rules(cap=2, reserved={"school": 1})
    outcomes = rank(cands, rules)
    assert ids_with(outcomes, Status.SELECTED) == [1, 3]

    promoted = promote_next(outcomes, cands, rules, vacated_proposal_id=3)

    assert (promoted.proposal_id, promoted.reason) == (4, Reason.SELECTED_RESERVED_SHARE)


def test_promote_next_can_be_repeated_leaving_out_earlier_renouncers():
    cands = [candidate(n, score=str(100 - n)) for n in range(1, 5)]
    rules = Rules(cap=2)
    outcomes = list(rank(cands, rules))

    first = promote_next(outcomes, cands, rules, vacated_proposal_id=1)
    outcomes = [first if o.proposal_id == first.proposal_id else o for o in outcomes[1:]]
    second = promote_next(outcomes, cands, rules, vacated_proposal_id=2)

    assert (first.proposal_id, second.proposal_id) == (3, 4)


def test_promote_next_refuses_a_proposal_that_was_not_selected():
    cands = [candidate(1), candidate(2)]
    outcomes = rank(cands, Rules(cap=1))

    with pytest.raises(NotSelected):
        promote_next(outcomes, cands, Rules(cap=1), vacated_proposal_id=2)
    with pytest.raises(NotSelected):
        promote_next(outcomes, cands, Rules(cap=1), vacated_proposal_id=99)


# --- canonical rows ------------------------------------------------------------------


def test_canonical_rows_are_json_ready_with_amounts_and_scores_as_strings():
    cands = [
        candidate(1, score="87.5", requested="1234.5", lot=3, network=True),
        candidate(2, score=None, requested="100"),
    ]
    outcomes = rank(cands, Rules())

    rows = canonical_rows(outcomes, cands)

    assert rows[0] == {
        "position": 1,
        "proposal_id": 1,
        "protocol_number": 1,
        "category": "ets",
        "is_network": True,
        "lot_id": 3,
        "submitted_at": "2025-03-03T09:00:00+00:00",
        "requested": "1234.50",
        "score": "87.50",
        "status": "selected",
        "reason": "selected",
        "reason_detail": "",
        "awarded": "1234.50",
    }
    assert (rows[1]["score"], rows[1]["awarded"], rows[1]["reason"]) == (None, "0.00", "no_score")
    assert type(rows[0]["status"]) is str
    json.dumps(rows)


@EXAMPLES
@given(candidates(), rules_strategy, st.randoms(use_true_random=False))
def test_canonical_rows_do_not_depend_on_input_order(cands, rules, rnd):
    shuffled = list(cands)
    rnd.shuffle(shuffled)

    rows = canonical_rows(rank(cands, rules), cands)
    again = canonical_rows(rank(shuffled, rules), shuffled)

    assert json.dumps(rows) == json.dumps(again)


# --- scale ---------------------------------------------------------------------------


def test_ten_thousand_candidates_are_ranked_correctly():
    rnd = random.Random(20250303)
    cands = [
        candidate(
            n,
            protocol=n * 7 % 10007,
            score=str(D(rnd.randrange(0, 10001)) / 100),
            category=rnd.choice(CATEGORIES),
            lot=rnd.choice(LOTS),
            requested=str(rnd.randrange(1000, 60001)),
            minutes=rnd.randrange(0, 600),
            admissible=rnd.random() < 0.95,
            below=rnd.random() < 0.1,
        )
        for n in range(1, 10_001)
    ]
    rules = Rules(
        cap=2000,
        lot_budgets={1: D(20_000_000), 2: D(15_000_000), None: None},
        overflow=Overflow.PARTIAL,
        quotas={"ets": 500},
        reserved={"school": 300},
        tie_breaks=(TieBreak.EARLIER_SUBMISSION, TieBreak.LOWER_REQUESTED),
    )

    outcomes = rank(cands, rules)

    expected = sorted(cands, key=cmp_to_key(reference_compare(rules.tie_breaks)))
    assert [o.proposal_id for o in outcomes] == [c.proposal_id for c in expected]
    selected = [o for o in outcomes if o.status is Status.SELECTED]
    category = {c.proposal_id: c.category for c in cands}
    counts = Counter(category[o.proposal_id] for o in selected)
    assert len(selected) == 2000
    assert counts["ets"] == 500
    assert counts["school"] >= 300
    assert lot_room(rules, outcomes, cands, 1) == 0
    assert lot_room(rules, outcomes, cands, 2) == 0
    assert all(o.reason in REASONS_BY_STATUS[o.status] for o in outcomes)
