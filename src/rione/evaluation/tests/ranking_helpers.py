"""Candidates for the ranking engine's tests, built in one line each."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from rione.evaluation.ranking import (
    Candidate,
)

D = Decimal
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


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
