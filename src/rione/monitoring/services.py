"""Writes of the monitoring app: the published projects behind the open data.

``refresh_open_projects`` rewrites the ``OpenProject`` rows of a set of calls from their
chosen rankings. The services that change what selects a proposal call it inside their own
transaction: publishing a ranking, renouncing or revoking an entry, withdrawing a
proposal, submitting a new version of a selected one. It is not audited by itself: the
change that causes it is.
"""

from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rione.applications.content import document, items, part
from rione.applications.models import Proposal
from rione.monitoring.models import ApplicantType, OpenProject
from rione.monitoring.opendata import STATUS_OF_KIND, chosen_rankings, selected_receipts
from rione.programmes.models import Call
from rione.territory.models import Neighbourhood, Sector, TargetGroup

BATCH = 2000
RECEIPT_ROW = ("pk", "proposal_id", "call_id", "call__city_id")
SELECTION = ("v_ranking", "v_awarded", "v_first", "content")

Names = dict[tuple[int, str], int]  # {(city id, name): term id}


def _names(model: type[Neighbourhood | Sector | TargetGroup], city_ids: Any) -> Names:
    """Terms of ``model`` in the cities, by (city, name): the content names them. One query."""
    found: Names = {}
    for pk, city_id, name in (
        model.objects.filter(city_id__in=city_ids)
        .order_by("pk")
        .values_list("pk", "city_id", "name")
    ):
        found.setdefault((city_id, name), pk)
    return found


class Terms:
    """The neighbourhoods, sectors and target groups of some cities, found by their names."""

    def __init__(self, city_ids: Any) -> None:
        self.places = _names(Neighbourhood, city_ids)
        self.sectors = _names(Sector, city_ids)
        self.targets = _names(TargetGroup, city_ids)

    @staticmethod
    def _ids(names: Names, city_id: int, values: list[Any]) -> list[int]:
        return list(
            dict.fromkeys(names[(city_id, str(v))] for v in values if (city_id, str(v)) in names)
        )

    def places_of(self, city_id: int, idea: dict[str, Any]) -> list[int]:
        return self._ids(self.places, city_id, items(idea.get("neighbourhoods")))

    def sector_of(self, city_id: int, idea: dict[str, Any]) -> int | None:
        return self.sectors.get((city_id, str(idea.get("sector"))))

    def targets_of(self, city_id: int, doc: dict[str, Any]) -> list[int]:
        groups = [t.get("target_group") for t in items(doc.get("targets")) if isinstance(t, dict)]
        return self._ids(self.targets, city_id, [g for g in groups if g])


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(rows, size)):
        yield chunk


@transaction.atomic
def refresh_open_projects(calls: QuerySet[Call]) -> int:
    """Rewrite the published projects of ``calls``; returns how many there are now.

    Reads the chosen ranking of every call, then streams the selected receipts and writes
    them in batches with their neighbourhoods and target groups. Whatever the calls held
    before is deleted first, so a proposal no longer selected leaves the open data.
    """
    OpenProject.objects.filter(call__in=calls).delete()
    rankings = chosen_rankings(calls)
    if not rankings:
        return 0
    terms = Terms(calls.values("city_id"))
    written_at = timezone.now()  # the wall clock: it only tells cached files apart
    places = OpenProject.neighbourhoods.through
    targets = OpenProject.target_groups.through
    written = 0
    rows = selected_receipts(calls, rankings).values_list(*RECEIPT_ROW, *SELECTION)
    for chunk in _chunks(rows.iterator(chunk_size=BATCH), BATCH):
        projects, place_links, target_links = [], [], []
        for pk, proposal_id, call_id, city_id, ranking_id, awarded, first_at, content in chunk:
            doc = document(content)
            idea = part(doc, "idea")
            projects.append(
                OpenProject(
                    proposal_id=proposal_id,
                    receipt_id=pk,
                    call_id=call_id,
                    city_id=city_id,
                    ranking_id=ranking_id,
                    status=STATUS_OF_KIND[rankings[ranking_id].kind],
                    awarded=awarded,
                    first_submitted_at=first_at,
                    applicant_type=ApplicantType.of(part(doc, "applicant")),
                    sector_id=terms.sector_of(city_id, idea),
                    written_at=written_at,
                )
            )
            place_links += [
                places(openproject_id=proposal_id, neighbourhood_id=n)
                for n in terms.places_of(city_id, idea)
            ]
            target_links += [
                targets(openproject_id=proposal_id, targetgroup_id=t)
                for t in terms.targets_of(city_id, doc)
            ]
        OpenProject.objects.bulk_create(projects)
        places.objects.bulk_create(place_links)
        targets.objects.bulk_create(target_links)
        written += len(projects)
    return written


def refresh_open_projects_of(proposal: Proposal) -> None:
    """After a new version or a withdrawal: rewrite the call's projects if ``proposal`` is
    one of them. One query when it is not (the common case)."""
    if OpenProject.objects.filter(proposal=proposal).exists():
        refresh_open_projects(Call.objects.filter(pk=proposal.call_id))
