"""The open-data records of every public call, filtered in the database, a page at a time.

The scope is the public calls (``Call.objects.public()``: published programmes of
published cities, never drafts) narrowed by city, programme and call. The other filters
work on the columns of ``OpenProject``, written from the receipt's content when the ranking
was published: a record found by ``sector=...`` shows that sector even if the proposal's
working copy changed later (a proposal reopened for changes).

Slugs name terms per city: ``sector=cultura`` matches, in every city, the projects whose
sector is that city's term with that slug. An unknown slug matches nothing. A district
matches the projects in any of its neighbourhoods.

A page is three queries: the count, the rows of the page (found by a subquery that reads
no field) and the neighbourhoods of their cities.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from rione.core.db import time_limited
from rione.monitoring.models import ApplicantType, OpenProject, OpenStatus
from rione.monitoring.opendata import ROW, Records, district_names, open_projects, stream_records
from rione.programmes.models import Call

APPLICANT_TYPES: tuple[str, ...] = tuple(ApplicantType.values)
STATUSES: tuple[str, ...] = tuple(OpenStatus.values)


@dataclass(frozen=True)
class ProjectFilters:
    """Already validated: ``applicant_type`` is one of APPLICANT_TYPES, ``status`` of STATUSES."""

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


def _linked(through: Any, lookup: str, slug: str) -> Exists:
    """The outer project is linked through ``through`` to a term whose ``lookup`` is ``slug``."""
    return Exists(through.objects.filter(openproject=OuterRef("pk"), **{lookup: slug}))


def filtered_projects(filters: ProjectFilters) -> QuerySet[OpenProject]:
    """The published projects of the public scope, narrowed by every filter given. Lazy."""
    rows = open_projects(public_scope(filters))
    places = OpenProject.neighbourhoods.through
    if filters.district is not None:
        rows = rows.filter(_linked(places, "neighbourhood__district__slug", filters.district))
    if filters.neighbourhood is not None:
        rows = rows.filter(_linked(places, "neighbourhood__slug", filters.neighbourhood))
    if filters.target_group is not None:
        targets = OpenProject.target_groups.through
        rows = rows.filter(_linked(targets, "targetgroup__slug", filters.target_group))
    if filters.sector is not None:
        rows = rows.filter(sector__slug=filters.sector)
    if filters.applicant_type is not None:
        rows = rows.filter(applicant_type=filters.applicant_type)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    return rows


# A public page of records may not keep the database busy longer than this.
QUERY_LIMIT_MS = 5000


class ProjectPage:
    """The filtered records as a sliceable sequence, for limit/offset pagination.

    ``count()`` is one query; a slice is one query for the rows (those of the page, found
    by a subquery) and one for the neighbourhoods of their cities (none when it is empty).
    """

    def __init__(self, rows: QuerySet[OpenProject]) -> None:
        self.rows = rows

    def all(self) -> "ProjectPage":
        return self

    def count(self) -> int:
        with time_limited(QUERY_LIMIT_MS):
            return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        # The page's keys first (a subquery that reads no field), then the fields of those
        # rows only: the receipts' content is read for the rows of the page alone.
        keys = self.rows.values_list("pk", flat=True)[index]
        in_page = OpenProject.objects.filter(pk__in=keys).order_by("call_id", "proposal_id")
        with time_limited(QUERY_LIMIT_MS):
            page = list(in_page.values_list(*ROW))
        if not page:
            return []
        records = Records(district_names({row[ROW.index("city_id")] for row in page}))
        return [records.record(row) for row in page]


def project_page(filters: ProjectFilters) -> ProjectPage:
    """The records of public calls that match ``filters``, ready to be sliced. No query."""
    return ProjectPage(filtered_projects(filters))


def filtered_project_rows(filters: ProjectFilters) -> Iterator[dict[str, Any]]:
    """Every record that matches ``filters``, streamed: the files behind a filtered dashboard.

    The neighbourhoods, then one streamed query, whatever the number of records.
    """
    yield from stream_records(filtered_projects(filters), public_scope(filters).values("city_id"))
