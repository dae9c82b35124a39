"""The open-data records of every public call, filtered in the database, a page at a time.

The scope is the public calls (``Call.objects.public()``: published programmes of
published cities, never drafts) narrowed by city, programme and call. The other filters
work on the receipt's JSON content, the very text each record is read from, so a record
found by ``sector=...`` always shows that sector, even if the proposal's working copy was
changed later (a proposal reopened for changes) or the term was renamed after the
submission. The lookups used are portable across SQLite and PostgreSQL:

- a scalar (``sector``, the applicant's ``kind``, ``legal_form`` and ``network``) with
  Django's JSON key lookups (``doc__idea__sector=...``), which encode the value as JSON on
  both databases;
- a list of names (``neighbourhoods``, the ``target_group`` of ``targets``) is the JSON
  text of the list (``["Arenella", "Vomero"]``), matched with ``LIKE`` on the name written
  as a JSON string, quotes included: ``"Arenella"``. Inside a JSON string a quote is always
  escaped, so the quoted name matches a whole element, never a part of one. Each target is
  ``{"participants": 10, "target_group": "Giovani"}``; ``target_group`` sorts after
  ``participants`` (the canonical content sorts its keys, and PostgreSQL's ``jsonb`` orders
  keys of equal length the same way), so the name is matched as ``"Giovani"}``.

Slugs name terms per city: a slug is resolved into the names it has in the published
cities (one small query per term filter), and each name is matched within its city's
calls. An unknown slug resolves to nothing and the result is empty.

A page is four queries: the chosen rankings of the scope, the count, the rows of the page
(found by a subquery that reads no field) and the neighbourhoods of their cities.
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Q, QuerySet

from rione.applicants.models import ETS_FORMS
from rione.applications.models import Receipt
from rione.core.db import time_limited
from rione.monitoring.opendata import (
    ROW,
    STATUSES,
    Rankings,
    Records,
    chosen_rankings,
    district_names,
    selected_in,
    selected_receipts,
    stream_records,
    with_record_fields,
)
from rione.programmes.models import Call
from rione.territory.models import City, Neighbourhood, Sector, TargetGroup

_ETS = Q(doc__applicant__legal_form__in=sorted(ETS_FORMS))
_ORGANISATION = Q(doc__applicant__kind="organisation")
_NETWORK = Q(doc__applicant__network=True)

# The applicant types of the dashboard (monitoring.indicators.APPLICANT_KINDS), in SQL.
# Only organisations have a legal form, so an ETS form implies an organisation.
APPLICANT_TYPES: dict[str, Q] = {
    "ets": _ETS & ~_NETWORK,
    "ets_network": _ETS & _NETWORK,
    "informal_group": Q(doc__applicant__kind="informal_group"),
    "other": _ORGANISATION & ~_ETS & ~_NETWORK,
    "other_network": _ORGANISATION & ~_ETS & _NETWORK,
}


@dataclass(frozen=True)
class ProjectFilters:
    """Already validated: ``applicant_type`` is a key of APPLICANT_TYPES, ``status`` of STATUSES."""

    city: str | None = None
    programme: int | None = None
    call: int | None = None
    district: str | None = None
    neighbourhood: str | None = None
    sector: str | None = None
    target_group: str | None = None
    applicant_type: str | None = None
    status: str | None = None


def public_scope(filters: ProjectFilters) -> QuerySet[Call]:
    """The public calls the filters name (all of them without filters). No query."""
    calls = Call.objects.public()
    if filters.city is not None:
        calls = calls.filter(city__slug=filters.city)
    if filters.programme is not None:
        calls = calls.filter(programme_id=filters.programme)
    if filters.call is not None:
        calls = calls.filter(pk=filters.call)
    return calls


def _quoted(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


def _by_name(pairs: Any) -> dict[str, list[int]]:
    """{name: [city ids]} out of (name, city id) rows. Runs the query."""
    found: dict[str, list[int]] = defaultdict(list)
    for name, city_id in pairs:
        found[name].append(city_id)
    return found


def _any_of(names: dict[str, list[int]], lookup: str, value: Callable[[str], str]) -> Q | None:
    """OR of (call in one of the cities AND ``lookup`` = value(name)); None when no name."""
    match: Q | None = None
    for name, city_ids in names.items():
        term = Q(call__city_id__in=city_ids, **{lookup: value(name)})
        match = term if match is None else match | term
    return match


def _target(name: str) -> str:
    return _quoted(name) + "}"


# Each term filter: its field in ProjectFilters, the model of the terms, the lookup that
# resolves the slug into names, the lookup a record's content matches a name by, and the
# name as that lookup wants it.
TermFilter = tuple[str, type[Neighbourhood | Sector | TargetGroup], str, str, Callable[[str], str]]
TERM_FILTERS: tuple[TermFilter, ...] = (
    ("district", Neighbourhood, "district__slug", "v_neighbourhoods__contains", _quoted),
    ("neighbourhood", Neighbourhood, "slug", "v_neighbourhoods__contains", _quoted),
    ("sector", Sector, "slug", "doc__idea__sector", str),
    ("target_group", TargetGroup, "slug", "v_targets__contains", _target),
)


def filtered_receipts(filters: ProjectFilters, rankings: Rankings) -> QuerySet[Receipt]:
    """``selected_receipts`` of the public scope, narrowed by every filter given.

    ``rankings`` are the chosen rankings of the scope. One query per term filter (district,
    neighbourhood, sector, target group) to resolve its slug; the result is lazy.
    """
    rows = selected_receipts(public_scope(filters), rankings)
    cities = City.objects.filter(is_published=True)
    if filters.city is not None:
        cities = cities.filter(slug=filters.city)
    terms: list[Q | None] = []
    for name, model, slug_lookup, lookup, value in TERM_FILTERS:
        slug = getattr(filters, name)
        if slug is not None:
            found = model.objects.filter(city__in=cities, **{slug_lookup: slug})
            terms.append(_any_of(_by_name(found.values_list("name", "city_id")), lookup, value))
    for match in terms:
        if match is None:
            return rows.none()
        rows = rows.filter(match)
    if filters.applicant_type is not None:
        rows = rows.filter(APPLICANT_TYPES[filters.applicant_type])
    if filters.status is not None:
        kind = STATUSES[filters.status]
        rows = rows.filter(Exists(selected_in(pk for pk, r in rankings.items() if r.kind == kind)))
    return rows


# A public page of records may not keep the database busy longer than this: filters on
# the receipts' content across the whole country read every selected project's document.
QUERY_LIMIT_MS = 5000


class ProjectPage:
    """The filtered records as a sliceable sequence, for limit/offset pagination.

    ``count()`` is one query; a slice is one query for the rows (those of the page, found
    by a subquery) and one for the neighbourhoods of their cities (none when it is empty).
    """

    def __init__(self, rows: QuerySet[Receipt], rankings: Rankings) -> None:
        self.rows = rows
        self.rankings = rankings

    def all(self) -> "ProjectPage":
        return self

    def count(self) -> int:
        with time_limited(QUERY_LIMIT_MS):
            return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        # The page's pks first (a subquery that reads no field), then the fields of those
        # rows only: the database never extracts fields of rows outside the page.
        keys = self.rows.values_list("pk", flat=True)[index]
        in_page = Receipt.objects.filter(pk__in=keys)
        with time_limited(QUERY_LIMIT_MS):
            page = list(with_record_fields(in_page, self.rankings).values_list(*ROW))
        if not page:
            return []
        cities = {row[ROW.index("call__city_id")] for row in page}
        records = Records(district_names(cities), self.rankings)
        return [records.record(row) for row in page]


def project_page(filters: ProjectFilters) -> ProjectPage:
    """The records of public calls that match ``filters``, ready to be sliced.

    Reads the chosen rankings of the scope now (one query) and the term filters' slugs.
    """
    rankings = chosen_rankings(public_scope(filters))
    return ProjectPage(filtered_receipts(filters, rankings), rankings)


def filtered_project_rows(filters: ProjectFilters) -> Iterator[dict[str, Any]]:
    """Every record that matches ``filters``, streamed: the files behind a filtered dashboard.

    The chosen rankings, the term filters' slugs and the neighbourhoods, then one streamed
    query, whatever the number of records.
    """
    yield from stream_records(
        public_scope(filters), lambda rankings: filtered_receipts(filters, rankings)
    )
