"""The numbers of a dashboard and how the public versions hide small counts.

Pure functions and values, no database. A ``Count`` knows how many of the proposals it
counts come from informal groups; in the public version a count from 1 to 2 that includes
an informal group is shown as "<3" (primary suppression). When a column of a breakdown has
exactly one such cell, the smallest other non-zero cell of that column is hidden too
("n.d.", secondary suppression), so that the hidden value cannot be worked out by
subtracting the others from the total. Amounts follow the count they belong to: the money
requested hides with the proposals submitted, the money awarded with those selected.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from rione.core.money import ZERO, format_eur
from rione.monitoring.charts import BarChart, bar_chart

# Public counts below this value are hidden when they could identify an informal group.
THRESHOLD = 3
SMALL = "small"
COMPLEMENT = "complement"


def marker(hidden: str) -> str:
    """What a hidden cell shows instead of its value."""
    return f"<{THRESHOLD}" if hidden == SMALL else _("n.d.")


@dataclass(frozen=True)
class Count:
    """A number of proposals; ``informal`` of them come from informal groups."""

    value: int
    informal: int = 0
    hidden: str = ""

    @property
    def shown(self) -> int | None:
        return None if self.hidden else self.value

    @property
    def text(self) -> str:
        return marker(self.hidden) if self.hidden else str(self.value)

    def __str__(self) -> str:
        return self.text

    def protected(self) -> "Count":
        """This count as the public sees it when it stands alone (no complement to hide)."""
        if 0 < self.value < THRESHOLD and self.informal > 0:
            return replace(self, hidden=SMALL)
        return self


@dataclass(frozen=True)
class Amount:
    """A sum of money in euro, hidden together with the count it belongs to."""

    value: Decimal = ZERO
    hidden: str = ""

    @property
    def shown(self) -> Decimal | None:
        return None if self.hidden else self.value

    @property
    def text(self) -> str:
        return marker(self.hidden) if self.hidden else format_eur(self.value)

    def __str__(self) -> str:
        return self.text

    def following(self, count: Count) -> "Amount":
        return replace(self, hidden=count.hidden)


@dataclass
class Tally:
    """Running totals of one row while the proposals are counted."""

    submitted: int = 0
    submitted_informal: int = 0
    admissible: int = 0
    admissible_informal: int = 0
    selected: int = 0
    selected_informal: int = 0
    total_cost: Decimal = ZERO
    requested: Decimal = ZERO
    own_contribution: Decimal = ZERO
    awarded: Decimal = ZERO


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: proposals submitted, admissible and selected, and money."""

    key: str
    label: str
    submitted: Count
    admissible: Count
    selected: Count
    requested: Amount
    awarded: Amount

    @classmethod
    def of(cls, key: str, label: str, tally: Tally) -> "Row":
        return cls(
            key=key,
            label=label,
            submitted=Count(tally.submitted, tally.submitted_informal),
            admissible=Count(tally.admissible, tally.admissible_informal),
            selected=Count(tally.selected, tally.selected_informal),
            requested=Amount(tally.requested),
            awarded=Amount(tally.awarded),
        )


COUNT_COLUMNS = ("submitted", "admissible", "selected")


@dataclass(frozen=True)
class Breakdown:
    """A distribution of proposals over the values of one dimension."""

    slug: str
    title: str
    dimension: str
    rows: tuple[Row, ...]
    # A proposal may count under several rows (target groups, neighbourhoods, districts).
    multiple: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_hidden(self) -> bool:
        return any(getattr(row, c).hidden for row in self.rows for c in COUNT_COLUMNS)

    @property
    def is_empty(self) -> bool:
        return not any(row.submitted.value or row.selected.value for row in self.rows)

    @property
    def chart(self) -> BarChart:
        """The proposals submitted in each row, as a bar chart."""
        return bar_chart(
            slug=self.slug,
            title=_("%(title)s: proposte presentate") % {"title": self.title},
            items=[(row.label, row.submitted.shown, row.submitted.text) for row in self.rows],
        )


def protect_rows(rows: Sequence[Row]) -> tuple[Row, ...]:
    """The public version of ``rows``: small counts of informal groups hidden, with complements."""
    columns: dict[str, list[Count]] = {}
    for column in COUNT_COLUMNS:
        cells = [getattr(row, column).protected() for row in rows]
        hidden = [i for i, cell in enumerate(cells) if cell.hidden]
        if len(hidden) == 1:
            candidates = [i for i, cell in enumerate(cells) if not cell.hidden and cell.value > 0]
            if candidates:
                smallest = min(candidates, key=lambda i: cells[i].value)
                cells[smallest] = replace(cells[smallest], hidden=COMPLEMENT)
        columns[column] = cells
    protected = []
    for i, row in enumerate(rows):
        submitted, admissible, selected = (columns[c][i] for c in COUNT_COLUMNS)
        protected.append(
            replace(
                row,
                submitted=submitted,
                admissible=admissible,
                selected=selected,
                requested=row.requested.following(submitted),
                awarded=row.awarded.following(selected),
            )
        )
    return tuple(protected)
