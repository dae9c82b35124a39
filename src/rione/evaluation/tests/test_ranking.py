"""Ranking and selection: properties over generated calls (examples in test_ranking_examples)."""

import json
import random
from collections import Counter
from datetime import timedelta
from functools import cmp_to_key

from hypothesis import given, settings
from hypothesis import strategies as st

from rione.evaluation.ranking import (
    REASONS_BY_STATUS,
    Candidate,
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
from rione.evaluation.tests.ranking_helpers import T0, D, by_id, candidate, ids_with

EXAMPLES = settings(max_examples=150, deadline=None)
CATEGORIES = ("ets", "informal_group", "school")
LOTS = (None, 1, 2)
ALL_TIE_BREAKS = (
    TieBreak.criterion(1),
    TieBreak.criterion(2),
    TieBreak.EARLIER_SUBMISSION,
    TieBreak.LOWER_REQUESTED,
    TieBreak.NETWORK_FIRST,
)


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
