"""What a dashboard shows, and how the proposals are counted into it. No database here.

``selectors.indicators`` reads one ``Record`` per submitted proposal and the city's
``Territory``; the functions below count the records into the funnel, the money table and
the breakdowns (by applicant type, sector, target group, district, neighbourhood, lot).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from rione.applications.models import STANDING
from rione.core.money import ZERO, percent_of
from rione.evaluation.models import AdmissibilityOutcome, RankingKind
from rione.monitoring.charts import BarChart, bar_chart
from rione.monitoring.figures import Amount, Breakdown, Row, Tally
from rione.monitoring.figures import Count as Figure
from rione.monitoring.models import ApplicantType
from rione.programmes.models import Call
from rione.territory.models import District, Sector, TargetGroup

APPLICANT_KINDS: tuple[tuple[str, Any], ...] = tuple(ApplicantType.choices)
# Shown even when nothing falls under them: the three families the programmes address.
MAIN_KINDS = frozenset({"ets", "ets_network", "informal_group"})
NONE_KEY = "-"


@dataclass(frozen=True)
class Record:
    """A submitted proposal as its latest submitted version describes it."""

    proposal_id: int
    call_id: int
    status: str
    outcome: str
    kind: str
    lot: tuple[int, int, str] | None  # (call id, number, title)
    sector: str | None
    neighbourhoods: tuple[str, ...]
    targets: tuple[str, ...]
    total_cost: Decimal
    requested: Decimal
    own_contribution: Decimal
    selected: bool = False
    awarded: Decimal = ZERO

    @property
    def informal(self) -> bool:
        return self.kind == "informal_group"

    @property
    def standing(self) -> bool:
        return self.status in STANDING

    @property
    def admissible(self) -> bool:
        return self.standing and self.outcome == AdmissibilityOutcome.ADMISSIBLE


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: Figure | None  # None: not available yet
    note: str = ""


@dataclass(frozen=True)
class MoneyRow:
    key: str
    label: str
    count: Figure | None
    total_cost: Amount | None = None
    requested: Amount | None = None
    own_contribution: Amount | None = None
    awarded: Amount | None = None
    note: str = ""

    @property
    def cofinancing_pct(self) -> Decimal | None:
        if self.total_cost is None or self.own_contribution is None:
            return None
        if self.total_cost.hidden or not self.total_cost.value:
            return None
        return percent_of(self.own_contribution.value, self.total_cost.value)


@dataclass(frozen=True)
class SelectionSource:
    """Which ranking the "selected" figures of one call come from."""

    call_title: str
    kind: str  # RankingKind value, or "" when no ranking is published
    published_at: datetime | None

    @property
    def label(self) -> str:
        if self.kind == RankingKind.FINAL:
            return _("graduatoria definitiva")
        if self.kind == RankingKind.PROVISIONAL:
            return _("graduatoria provvisoria (può cambiare dopo i ricorsi)")
        return _("nessuna graduatoria pubblicata")


@dataclass(frozen=True)
class Indicators:
    public: bool
    calls: tuple[Call, ...]
    district: District | None
    funnel: tuple[FunnelStep, ...]
    withdrawn: Figure
    money: tuple[MoneyRow, ...]
    budget: Decimal | None
    breakdowns: tuple[Breakdown, ...]
    selection: tuple[SelectionSource, ...]

    @property
    def is_empty(self) -> bool:
        started = self.funnel[0].count
        return started is None or started.value == 0

    @property
    def awarded_share(self) -> Decimal | None:
        """The money awarded as a percentage of the budget (dotazione)."""
        selected = next((row for row in self.money if row.key == "selected"), None)
        if not self.budget or selected is None or selected.awarded is None:
            return None
        if selected.awarded.hidden:
            return None
        return percent_of(selected.awarded.value, self.budget)

    @property
    def funnel_chart(self) -> BarChart:
        return bar_chart(
            slug="funnel",
            title=_("Dalle bozze alla selezione"),
            items=[
                (step.label, step.count.shown, step.count.text)
                for step in self.funnel
                if step.count is not None
            ],
        )


def add(tally: Tally, record: Record) -> None:
    informal = int(record.informal)
    if record.standing:
        tally.submitted += 1
        tally.submitted_informal += informal
        tally.total_cost += record.total_cost
        tally.requested += record.requested
        tally.own_contribution += record.own_contribution
    if record.admissible:
        tally.admissible += 1
        tally.admissible_informal += informal
    if record.selected:
        tally.selected += 1
        tally.selected_informal += informal
        tally.awarded += record.awarded


def _count(
    records: Iterable[Record], keys_of: Callable[[Record], Iterable[str]]
) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for record in records:
        for key in set(keys_of(record)) or {NONE_KEY}:
            add(tallies[key], record)
    return tallies


def _rows(
    tallies: dict[str, Tally],
    known: Sequence[tuple[str, str, bool]],
    none_label: str,
) -> list[Row]:
    """Rows for ``known`` (key, label, shown even if empty), then unknown keys, then "none"."""
    rows = [
        Row.of(key, label, tallies[key]) for key, label, always in known if always or key in tallies
    ]
    listed = {key for key, _label, _always in known}
    rows += [
        Row.of(key, key, tallies[key])
        for key in sorted(tallies)
        if key not in listed and key != NONE_KEY
    ]
    if NONE_KEY in tallies:
        rows.append(Row.of(NONE_KEY, none_label, tallies[NONE_KEY]))
    return rows


@dataclass(frozen=True)
class Territory:
    districts: list[District]
    district_of: dict[str, int]  # neighbourhood name -> district id
    neighbourhoods: list[tuple[str, int]]  # (name, district id) in order
    sectors: list[Sector]
    targets: list[TargetGroup]


def breakdowns(
    records: list[Record], calls: Sequence[Call], territory: Territory
) -> list[Breakdown]:
    kinds = _count(records, lambda r: [r.kind])
    sectors = _count(records, lambda r: [r.sector] if r.sector else [])
    targets = _count(records, lambda r: r.targets)
    districts = _count(
        records,
        lambda r: [
            str(territory.district_of[n]) for n in r.neighbourhoods if n in territory.district_of
        ],
    )
    places = _count(records, lambda r: r.neighbourhoods)
    lots = _count(records, lambda r: [f"{r.lot[0]}:{r.lot[1]}"] if r.lot else [])
    several = _(
        "Una proposta può contare in più righe: la somma delle righe può superare il totale."
    )
    result = [
        Breakdown(
            slug="applicant",
            title=_("Tipologia di proponente"),
            dimension=_("Tipologia"),
            rows=tuple(
                _rows(
                    kinds,
                    [(key, str(label), key in MAIN_KINDS) for key, label in APPLICANT_KINDS],
                    "",
                )
            ),
        ),
        Breakdown(
            slug="sector",
            title=_("Settore"),
            dimension=_("Settore"),
            rows=tuple(
                _rows(
                    sectors,
                    [(s.name, s.label, s.is_active) for s in territory.sectors],
                    _("Settore non indicato"),
                )
            ),
        ),
        Breakdown(
            slug="target",
            title=_("Destinatari"),
            dimension=_("Gruppo destinatario"),
            rows=tuple(
                _rows(
                    targets,
                    [(t.name, t.label, t.is_active) for t in territory.targets],
                    _("Destinatari non indicati"),
                )
            ),
            multiple=True,
            notes=(several,),
        ),
        Breakdown(
            slug="district",
            title=_("Municipalità"),
            dimension=_("Municipalità"),
            rows=tuple(
                _rows(
                    districts,
                    [(str(d.pk), str(d), True) for d in territory.districts],
                    _("Nessun quartiere dell'elenco indicato"),
                )
            ),
            multiple=True,
            notes=(several,),
        ),
        Breakdown(
            slug="neighbourhood",
            title=_("Quartiere"),
            dimension=_("Quartiere"),
            rows=tuple(
                _rows(
                    places,
                    [(name, name, False) for name, _district in territory.neighbourhoods],
                    _("Nessun quartiere indicato"),
                )
            ),
            multiple=True,
            notes=(several,),
        ),
    ]
    if any(record.lot for record in records):
        titles = {
            f"{r.lot[0]}:{r.lot[1]}": (r.lot[2], r.lot[0], r.lot[1]) for r in records if r.lot
        }
        order = {call.pk: index for index, call in enumerate(calls)}
        call_titles = {call.pk: call.title for call in calls}
        known = []
        for key, (title, call_id, number) in sorted(
            titles.items(), key=lambda item: (order.get(item[1][1], 0), item[1][2])
        ):
            label = _("Lotto %(number)s – %(title)s") % {"number": number, "title": title}
            if len(calls) > 1:
                label = f"{call_titles.get(call_id, '')} · {label}"
            known.append((key, label, True))
        result.append(
            Breakdown(
                slug="lot",
                title=_("Lotto"),
                dimension=_("Lotto"),
                rows=tuple(_rows(lots, known, _("Senza lotto"))),
            )
        )
    return result
