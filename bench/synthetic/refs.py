"""What the generator keeps about a call while it fills it, shared by its modules."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from rione.evaluation import scoring
from rione.evaluation.selectors import GrantRange
from rione.programmes.models import CallStatus

EVALUATED = frozenset(
    {CallStatus.EVALUATION, CallStatus.PROVISIONAL_RANKING, CallStatus.FINAL_RANKING}
)
RANKED = frozenset({CallStatus.PROVISIONAL_RANKING, CallStatus.FINAL_RANKING})


@dataclass
class CallRefs:
    id: int
    city_id: int
    title: str
    slug: str
    status: str
    opens_at: datetime
    closes_at: datetime
    budget: Decimal
    cap: int | None
    lots: list[tuple[int, int, str, Decimal]] = field(default_factory=list)
    grant_rules: dict[str, GrantRange] = field(default_factory=dict)
    documents: list[tuple[int, str, str, bool]] = field(default_factory=list)
    rubric: list[scoring.Criterion] = field(default_factory=list)
    leaves: list[scoring.Criterion] = field(default_factory=list)
    bonus: list[scoring.BonusRule] = field(default_factory=list)
    overall_min: Decimal | None = None
    tie_breaks: list[Any] = field(default_factory=list)
    overflow: str = "skip"


def stamp(at: datetime) -> dict[str, datetime]:
    return {"created_at": at, "updated_at": at}
