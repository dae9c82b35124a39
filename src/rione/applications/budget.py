"""The arithmetic of a proposal's budget: line amounts, totals, own contribution, co-financing.

Pure functions on Decimal. The total cost is the sum of the lines, each rounded to the
cent; the own contribution (co-financing) is what the grant does not cover, and its
share of the total cost must reach the call's minimum.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rione.core.money import ZERO, percent_of, round_money


def line_amount(quantity: Decimal, unit_cost: Decimal) -> Decimal:
    return round_money(quantity * unit_cost)


@dataclass(frozen=True)
class BudgetSummary:
    total_cost: Decimal
    requested_grant: Decimal
    own_contribution: Decimal
    cofinancing_pct: Decimal

    @classmethod
    def of(
        cls, lines: Iterable[tuple[Decimal, Decimal]], requested_grant: Decimal | None
    ) -> "BudgetSummary":
        total = sum((line_amount(q, u) for q, u in lines), ZERO)
        grant = round_money(requested_grant or ZERO)
        own = total - grant
        return cls(
            total_cost=total,
            requested_grant=grant,
            own_contribution=own,
            cofinancing_pct=percent_of(own, total) if own > 0 else ZERO,
        )

    def cofinancing_reaches(self, minimum_pct: Decimal) -> bool:
        """Exact comparison (no rounding): own × 100 ≥ minimum × total."""
        return self.own_contribution * 100 >= minimum_pct * self.total_cost

    def minimum_own_contribution(self, minimum_pct: Decimal) -> Decimal:
        """The smallest own contribution, to the cent, that reaches ``minimum_pct``."""
        exact = minimum_pct * self.total_cost / 100
        rounded = round_money(exact)
        return rounded if rounded >= exact else rounded + Decimal("0.01")
