"""The Napoli iQ stage-1 outcome: 60 proposals go on to co-design, 40 ETS and 20 informal groups.

101 admissible proposals (66 ETS, some of them leading a network, and 35 informal
groups) are ranked by distinct scores; the call admits at most 60, of which at most 40
ETS and 20 informal groups. A network is ranked under its lead's category (ETS).
"""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from rione.evaluation.ranking import Candidate, Reason, Rules, Status, rank

OPENED = datetime(2024, 10, 1, 9, 0, tzinfo=UTC)
RULES = Rules(cap=60, quotas={"ets": 40, "informal_group": 20})


def iq_candidates() -> list[Candidate]:
    """101 candidates; categories interleaved by a seeded shuffle; scores 95.00 down by 0.55."""
    categories = ["ets"] * 66 + ["informal_group"] * 35
    random.Random(2024).shuffle(categories)
    submitted = list(range(101))
    random.Random(7).shuffle(submitted)
    return [
        Candidate(
            proposal_id=500 + n,
            protocol_number=24_000 + submitted[n],
            category=category,
            is_network=category == "ets" and n % 3 == 0,
            lot_id=None,
            requested=Decimal("0.00"),  # stage 1 awards a place in co-design, not money
            score=Decimal("95.00") - Decimal("0.55") * n,
            criterion_points={},
            submitted_at=OPENED + timedelta(hours=submitted[n]),
            admissible=True,
            below_threshold=False,
        )
        for n, category in enumerate(categories)
    ]


@pytest.fixture
def candidates() -> list[Candidate]:
    return iq_candidates()


def best_of(candidates: list[Candidate], category: str) -> list[Candidate]:
    ranked = sorted(candidates, key=lambda c: c.score or 0, reverse=True)
    return [c for c in ranked if c.category == category]


def test_the_call_as_described(candidates):
    assert len(candidates) == 101
    assert len({c.score for c in candidates}) == 101
    assert sum(c.category == "ets" for c in candidates) == 66
    assert sum(c.category == "informal_group" for c in candidates) == 35
    assert 0 < sum(c.is_network for c in candidates) < 66


def test_sixty_are_selected_forty_ets_and_twenty_informal_groups(candidates):
    outcomes = rank(candidates, RULES)

    selected = {o.proposal_id for o in outcomes if o.status is Status.SELECTED}
    assert len(selected) == 60
    assert selected == {
        c.proposal_id
        for c in best_of(candidates, "ets")[:40] + best_of(candidates, "informal_group")[:20]
    }


def test_the_forty_first_ets_waits_because_the_ets_quota_is_full(candidates):
    outcomes = {o.proposal_id: o for o in rank(candidates, RULES)}

    forty_first = outcomes[best_of(candidates, "ets")[40].proposal_id]
    assert (forty_first.status, forty_first.reason, forty_first.reason_detail) == (
        Status.ELIGIBLE_NOT_SELECTED,
        Reason.QUOTA_FULL,
        "ets",
    )
    twenty_first = outcomes[best_of(candidates, "informal_group")[20].proposal_id]
    assert (twenty_first.reason, twenty_first.reason_detail) == (
        Reason.QUOTA_FULL,
        "informal_group",
    )


def test_everyone_is_ranked_and_the_forty_one_left_out_are_eligible(candidates):
    outcomes = rank(candidates, RULES)

    assert [o.position for o in outcomes] == list(range(1, 102))
    assert [o.proposal_id for o in outcomes] == [500 + n for n in range(101)]
    waiting = [o for o in outcomes if o.status is not Status.SELECTED]
    assert len(waiting) == 41
    assert {(o.status, o.reason) for o in waiting} == {
        (Status.ELIGIBLE_NOT_SELECTED, Reason.QUOTA_FULL)
    }


def test_networks_count_under_the_ets_quota(candidates):
    outcomes = {o.proposal_id: o for o in rank(candidates, RULES)}

    selected_networks = [
        c for c in candidates if c.is_network and outcomes[c.proposal_id].status is Status.SELECTED
    ]
    assert selected_networks
    assert {c.category for c in selected_networks} == {"ets"}
