"""How much data to generate: the full national size times ``--scale``."""

from dataclasses import asdict, dataclass
from typing import Any

FULL_CITIES = 50
FULL_CALLS = 2_000
FULL_PROPOSALS = 500_000
FULL_EVALUATIONS = 1_500_000


@dataclass(frozen=True)
class Sizes:
    """Targets for one run. Cities, calls and proposals are exact; evaluations are a target.

    The number of evaluations follows from the proposals found admissible in closed calls
    and from each commission's evaluators per proposal, chosen call by call so that the
    running total tracks ``evaluations`` (within a few per cent at any scale but the tiniest).
    """

    scale: float
    cities: int
    calls: int
    proposals: int
    evaluations: int
    districts_per_city: tuple[int, int] = (4, 9)
    neighbourhoods_per_district: tuple[int, int] = (3, 7)
    evaluators_per_city: int = 12
    proposals_per_applicant: float = 2.5
    chunk: int = 10_000

    @classmethod
    def at(cls, scale: float, *, chunk: int = 10_000) -> "Sizes":
        if scale <= 0:
            raise ValueError("--scale must be positive")
        calls = max(4, round(FULL_CALLS * scale))
        proposals = max(calls * 5, round(FULL_PROPOSALS * scale))
        return cls(
            scale=scale,
            cities=max(2, min(calls, round(FULL_CITIES * scale))),
            calls=calls,
            proposals=proposals,
            evaluations=max(1, round(proposals * FULL_EVALUATIONS / FULL_PROPOSALS)),
            chunk=chunk,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
