"""Ranking and selection: one example per rule (properties in test_ranking)."""

import json

import pytest

from rione.evaluation.ranking import (
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
from rione.evaluation.tests.ranking_helpers import D, by_id, candidate, ids_with

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
