"""The indicators of a call or a programme, computed in a fixed number of queries.

What each figure means is written for people in docs/monitoraggio.md (docs/monitoring.md).
In short: a proposal counts with its latest submitted version (the receipt's canonical
content, never the working copy); "submitted" are the proposals with a standing submission;
"admissible" those whose admissibility outcome is admissible; "selected" those selected in
the latest published ranking of their call (final if there is one, else provisional);
"funded" needs grants, which rione does not record yet.

``indicators`` reads: the drafts (one aggregate), one row per submitted proposal (its
receipt's content, parsed once in Python for the handful of fields it needs), the published
rankings and their selected entries, and the city's districts, neighbourhoods, sectors and
target groups. Eight queries at most, whatever the number of proposals; the distributions
are counted in Python from those rows, in Decimal for money.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from rione.applications.content import document, items, part
from rione.applications.models import Proposal, ProposalStatus, Receipt, ReceiptKind
from rione.core.money import ZERO
from rione.evaluation.models import (
    AdmissibilityOutcome,
    EntryStatus,
    RankingEntry,
)
from rione.monitoring.figures import Amount, Tally, protect_rows
from rione.monitoring.figures import Count as Figure
from rione.monitoring.indicators import (
    FunnelStep,
    Indicators,
    MoneyRow,
    Record,
    SelectionSource,
    Territory,
    add,
    breakdowns,
)
from rione.monitoring.models import ApplicantType
from rione.monitoring.opendata import chosen_rankings
from rione.programmes.models import Call, Programme, Stage
from rione.territory.models import City, District, Neighbourhood, Sector, TargetGroup

# --- the scope --------------------------------------------------------------------------


def programme_calls(*, programme: Programme, public: bool) -> list[Call]:
    """The calls of ``programme`` (only the public ones for the public), oldest first. One query."""
    calls = Call.objects.public() if public else Call.objects.all()
    return list(
        calls.filter(programme=programme)
        .select_related("stage")
        .order_by("opens_at", "title", "pk")
    )


def programme_stages(*, programme: Programme) -> list[Stage]:
    return list(Stage.objects.filter(programme=programme).order_by("order", "pk"))


def city_districts(*, city: City) -> list[District]:
    return list(District.objects.filter(city=city).order_by("order", "name", "pk"))


def funded_proposals(*, proposal_ids: Iterable[int]) -> dict[int, Decimal] | None:
    """{proposal id: amount granted} once rione records grants; None until then.

    The funnel and the money table show "not available yet" for None. When the grants
    module arrives, this is the one place to read it (one query).
    """
    return None


# --- reading ------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "", "null") else ZERO
    except InvalidOperation:
        return ZERO


def _text(value: Any) -> str | None:
    """Text as the database read it: JSON null, "" and "null" are None, true is "true"."""
    if value in (None, "", "null"):
        return None
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _lot(call_id: int, lot: dict[str, Any]) -> tuple[int, int, str] | None:
    number: Any = lot.get("number")  # an int, or its text
    return None if _text(number) is None else (call_id, int(number), _text(lot.get("title")) or "")


def _record(pk: int, call_id: int, status: str, outcome: str, content: Any) -> Record:
    """A record from the receipt's ``content``, parsed once (amounts as Decimal, not float)."""
    doc = document(content, exact_amounts=True)
    applicant, lot, idea, budget = (part(doc, k) for k in ("applicant", "lot", "idea", "budget"))
    return Record(
        proposal_id=pk,
        call_id=call_id,
        status=status,
        outcome=outcome,
        kind=ApplicantType.of(applicant).value,
        lot=_lot(call_id, lot),
        sector=_text(idea.get("sector")),
        neighbourhoods=tuple(str(n) for n in items(idea.get("neighbourhoods"))),
        targets=tuple(
            str(t.get("target_group"))
            for t in items(doc.get("targets"))
            if isinstance(t, dict) and t.get("target_group")
        ),
        total_cost=_decimal(budget.get("total_cost")),
        requested=_decimal(budget.get("requested_grant")),
        own_contribution=_decimal(budget.get("own_contribution")),
    )


def _records(call_ids: list[int]) -> list[Record]:
    """One row per ever-submitted proposal of the calls, from its latest submitted version.

    The content is read as text and parsed once in Python: the database would parse it
    once for every field taken out of it.
    """
    newer = Receipt.objects.filter(
        proposal=OuterRef("proposal"), protocol_number__gt=OuterRef("protocol_number")
    ).exclude(kind=ReceiptKind.WITHDRAWAL)
    rows = (
        Receipt.objects.filter(call_id__in=call_ids)
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .filter(~Exists(newer))
        .annotate(
            v_outcome=Coalesce(
                "proposal__admissibility__outcome",
                Value(AdmissibilityOutcome.PENDING.value),
                output_field=CharField(),
            ),
        )
        .order_by("proposal_id")
        .values_list("proposal_id", "call_id", "proposal__status", "v_outcome", "content")
    )
    return [_record(*row) for row in rows]


def _selection(
    calls: Sequence[Call],
) -> tuple[tuple[SelectionSource, ...], dict[int, Decimal]]:
    """The ranking each call's "selected" comes from (the one open data publishes,
    ``opendata.chosen_rankings``), and {proposal id: awarded}. Two queries."""
    rankings = chosen_rankings(calls)
    chosen = {ranking.call_id: ranking for ranking in rankings.values()}
    sources = tuple(
        SelectionSource(
            call_title=call.title,
            kind=chosen[call.pk].kind if call.pk in chosen else "",
            published_at=chosen[call.pk].published_at if call.pk in chosen else None,
        )
        for call in calls
    )
    awarded: dict[int, Decimal] = dict(
        RankingEntry.objects.filter(
            ranking_id__in=list(rankings), status=EntryStatus.SELECTED
        ).values_list("proposal_id", "awarded")
    )
    return sources, awarded


def _drafts(call_ids: list[int], district: District | None) -> Figure:
    """Proposals never submitted. Drafts have no submitted version: the district is the draft's."""
    drafts = Proposal.objects.filter(call_id__in=call_ids, status=ProposalStatus.DRAFT)
    if district is not None:
        drafts = drafts.filter(neighbourhoods__district=district)
    found = drafts.aggregate(
        n=Count("pk", distinct=True),
        informal=Count("pk", filter=Q(group__isnull=False), distinct=True),
    )
    return Figure(found["n"] or 0, found["informal"] or 0)


def _territory(city_id: int) -> Territory:
    districts = list(District.objects.filter(city_id=city_id).order_by("order", "name", "pk"))
    neighbourhoods = list(
        Neighbourhood.objects.filter(city_id=city_id)
        .order_by("district__order", "district__name", "order", "name", "pk")
        .values_list("name", "district_id")
    )
    district_of: dict[str, int] = {}
    for name, district_id in neighbourhoods:
        district_of.setdefault(name, district_id)
    return Territory(
        districts=districts,
        district_of=district_of,
        neighbourhoods=neighbourhoods,
        sectors=list(Sector.objects.filter(city_id=city_id).order_by("order", "name", "pk")),
        targets=list(TargetGroup.objects.filter(city_id=city_id).order_by("order", "name", "pk")),
    )


# --- the indicators --------------------------------------------------------------------------


def indicators(
    *, city: City, calls: Sequence[Call], district: District | None = None, public: bool = False
) -> Indicators:
    """The indicators of ``calls`` (one call, or a programme's), optionally in one district.

    ``public`` hides counts from 1 to 2 that include an informal group (and a complement),
    see ``figures``. The calls must belong to ``city``; the caller picks the public ones for
    the public. At most eight queries, whatever the number of proposals.
    """
    call_ids = [call.pk for call in calls]
    drafts = _drafts(call_ids, district)
    sources, awarded = _selection(calls)
    territory = _territory(city.pk)
    records = [
        replace(
            record,
            selected=record.proposal_id in awarded,
            awarded=awarded.get(record.proposal_id, ZERO),
        )
        for record in _records(call_ids)
    ]
    if district is not None:
        records = [
            r
            for r in records
            if any(territory.district_of.get(n) == district.pk for n in r.neighbourhoods)
        ]
    funded = funded_proposals(proposal_ids=[r.proposal_id for r in records])
    total = Tally()
    for record in records:
        add(total, record)
    withdrawn = [r for r in records if r.status == ProposalStatus.WITHDRAWN]
    started = Figure(
        drafts.value + len(records),
        drafts.informal + sum(1 for r in records if r.informal),
    )
    submitted = Figure(total.submitted, total.submitted_informal)
    admissible = Figure(total.admissible, total.admissible_informal)
    selected = Figure(total.selected, total.selected_informal)
    withdrawn_count = Figure(len(withdrawn), sum(1 for r in withdrawn if r.informal))
    admissible_tally = Tally()
    selected_tally = Tally()
    for record in records:
        if record.admissible:
            add(admissible_tally, record)
        if record.selected:
            selected_tally.total_cost += record.total_cost
            selected_tally.requested += record.requested
            selected_tally.own_contribution += record.own_contribution
    if public:
        started, submitted, admissible, selected, withdrawn_count = (
            figure.protected()
            for figure in (started, submitted, admissible, selected, withdrawn_count)
        )
    not_yet = _("Non ancora disponibile: i contributi concessi si registrano con le convenzioni.")
    funded_count = None if funded is None else Figure(len(funded))
    funnel = (
        FunnelStep("started", _("Domande avviate"), started),
        FunnelStep("submitted", _("Presentate"), submitted),
        FunnelStep("admissible", _("Ammissibili"), admissible),
        FunnelStep("selected", _("Selezionate"), selected),
        FunnelStep("funded", _("Finanziate"), funded_count, "" if funded_count else not_yet),
    )

    def money(key: str, label: str, count: Figure, tally: Tally, with_award: bool) -> MoneyRow:
        return MoneyRow(
            key=key,
            label=label,
            count=count,
            total_cost=Amount(tally.total_cost).following(count),
            requested=Amount(tally.requested).following(count),
            own_contribution=Amount(tally.own_contribution).following(count),
            awarded=Amount(total.awarded).following(count) if with_award else None,
        )

    money_rows = (
        money("submitted", _("Presentate"), submitted, total, False),
        money("admissible", _("Ammissibili"), admissible, admissible_tally, False),
        money("selected", _("Selezionate"), selected, selected_tally, True),
        MoneyRow("funded", _("Finanziate"), funded_count, note="" if funded_count else not_yet),
    )
    tables = breakdowns(records, calls, territory)
    if public:
        tables = [replace(b, rows=protect_rows(b.rows)) for b in tables]
    budgets = [call.budget for call in calls if call.budget is not None]
    return Indicators(
        public=public,
        calls=tuple(calls),
        district=district,
        funnel=funnel,
        withdrawn=withdrawn_count,
        money=money_rows,
        budget=sum(budgets, ZERO) if budgets else None,
        breakdowns=tuple(tables),
        selection=sources,
    )


def call_indicators(
    *, call: Call, district: District | None = None, public: bool = False
) -> Indicators:
    return indicators(city=call.city, calls=[call], district=district, public=public)
