"""A small call whose every figure is known, built through the submission service.

Two districts: D1 (N1, N2) and D2 (N3). Lots 1 and 2. Every proposal costs 10 000 €.

==== ============== ========== ========= ====================== === ====== ==========
     applicant      sector     places    targets                lot grant  outcome
==== ============== ========== ========= ====================== === ====== ==========
p1   ETS alone      culture    N1        young, communities     1   9 000  selected (9 000)
p2   ETS network    welfare    N1, N3    young                  2   8 000  admissible
p3   informal group culture    N3        communities            1   5 000  selected (4 000)
p4   ETS alone      culture    N1        young                  1   9 000  withdrawn
p5   ETS alone      culture    N2        young                  2   9 000  not admissible
d1   ETS (draft)               N2
d2   informal group (draft)    N3
==== ============== ========== ========= ====================== === ====== ==========

Admissibility and the ranking are written directly (givens of other use cases); the
ranking is provisional and published.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rione.applications import services as application_services
from rione.applications.models import Proposal
from rione.applications.tests.factories import (
    ProposalFactory,
    add_partner,
    complete_proposal,
    open_call,
)
from rione.core import clock
from rione.core.models import Role, User
from rione.core.tests.factories import StaffRoleFactory
from rione.evaluation.models import (
    AdmissibilityReview,
    EntryStatus,
    Ranking,
    RankingEntry,
    RankingKind,
)
from rione.monitoring.services import refresh_open_projects
from rione.programmes.models import Call
from rione.programmes.tests.factories import LotFactory
from rione.territory.models import District, Neighbourhood, Sector, TargetGroup
from rione.territory.tests.factories import DistrictFactory, NeighbourhoodFactory

CULTURE = "turismo-arte-cultura"
WELFARE = "welfare-coesione"
YOUNG = "giovani-15-35"
COMMUNITIES = "comunita-locali"


@dataclass
class World:
    call: Call
    manager: User
    districts: dict[str, District]
    places: dict[str, Neighbourhood]
    proposals: dict[str, Proposal] = field(default_factory=dict)


def territory(city) -> tuple[dict[str, District], dict[str, Neighbourhood]]:
    d1 = DistrictFactory(city=city, name="Chiaia", code="M1", order=1)
    d2 = DistrictFactory(city=city, name="Vomero", code="M5", order=2)
    places = {
        "N1": NeighbourhoodFactory(district=d1, name="San Ferdinando", order=1),
        "N2": NeighbourhoodFactory(district=d1, name="Posillipo", order=2),
        "N3": NeighbourhoodFactory(district=d2, name="Arenella", order=3),
    }
    return {"D1": d1, "D2": d2}, places


def proposal(
    call: Call,
    *,
    group: bool = False,
    network: bool = False,
    sector: str = CULTURE,
    places: list[Neighbourhood],
    targets: list[str],
    lot: Any = None,
    grant: str = "9000.00",
    submit: bool = True,
) -> Proposal:
    """A proposal of ``call`` filled as asked and (unless ``submit`` is False) submitted."""
    made = ProposalFactory(call=call, **({"by_group": True} if group else {}))
    if not submit:
        made.neighbourhoods.set(places)
        return made
    made = complete_proposal(made, grant=Decimal(grant))
    made.sector = Sector.objects.get(city=call.city, slug=sector)
    made.lot = lot
    made.is_network = network
    made.save(update_fields=["sector", "lot", "is_network"])
    made.neighbourhoods.set(places)
    if network:
        add_partner(made, name="Scuola Media Vanvitelli")
    made.targets.all().delete()
    for slug in targets:
        made.targets.create(
            target_group=TargetGroup.objects.get(city=call.city, slug=slug), participants=10
        )
    application_services.submit_proposal(
        proposal=made, by=made.created_by, truthfulness=True, privacy=True
    )
    made.refresh_from_db()
    return made


def admit(item: Proposal, outcome: str) -> None:
    AdmissibilityReview.objects.create(proposal=item, outcome=outcome, reason="Verificata.")


def publish_ranking(
    call: Call,
    manager: User,
    selected: dict[Proposal, str],
    *,
    others: tuple[Proposal, ...] = (),
    kind: str = RankingKind.PROVISIONAL,
    published: bool = True,
) -> Ranking:
    now = clock.now()
    ranking = Ranking.objects.create(
        call=call,
        kind=kind,
        computed_at=now,
        computed_by=manager,
        published_at=now if published else None,
        act_number="12/2025" if kind == RankingKind.FINAL else "",
    )
    for position, (item, awarded) in enumerate(selected.items(), start=1):
        RankingEntry.objects.create(
            ranking=ranking,
            proposal=item,
            position=position,
            status=EntryStatus.SELECTED,
            reason="selected",
            awarded=Decimal(awarded),
        )
    for item in others:
        RankingEntry.objects.create(
            ranking=ranking,
            proposal=item,
            status=EntryStatus.ELIGIBLE_NOT_SELECTED,
            reason="cap_reached",
        )
    if published:  # as the publishing services do
        refresh_open_projects(Call.objects.filter(pk=call.pk))
    return ranking


def known_call(city) -> World:
    """The call of the module docstring."""
    districts, places = territory(city)
    call = open_call(programme__city=city, budget=Decimal("50000.00"))
    call.eligible_neighbourhoods.set(places.values())
    lot1 = LotFactory(call=call, number=1, title="Centro")
    lot2 = LotFactory(call=call, number=2, title="Collina")
    manager = StaffRoleFactory(city=city, role=Role.PROGRAMME_MANAGER).user
    n1, n2, n3 = places["N1"], places["N2"], places["N3"]
    world = World(call=call, manager=manager, districts=districts, places=places)
    p = world.proposals
    p["p1"] = proposal(call, places=[n1], targets=[YOUNG, COMMUNITIES], lot=lot1)
    p["p2"] = proposal(
        call,
        network=True,
        sector=WELFARE,
        places=[n1, n3],
        targets=[YOUNG],
        lot=lot2,
        grant="8000.00",
    )
    p["p3"] = proposal(
        call, group=True, places=[n3], targets=[COMMUNITIES], lot=lot1, grant="5000.00"
    )
    p["p4"] = proposal(call, places=[n1], targets=[YOUNG], lot=lot1)
    p["p5"] = proposal(call, places=[n2], targets=[YOUNG], lot=lot2)
    p["d1"] = proposal(call, places=[n2], targets=[], submit=False)
    p["d2"] = proposal(call, group=True, places=[n3], targets=[], submit=False)
    application_services.withdraw_proposal(
        proposal=p["p4"], by=p["p4"].created_by, reason="Rinunciamo."
    )
    for key in ("p1", "p2", "p3"):
        admit(p[key], "admissible")
    admit(p["p5"], "not_admissible")
    publish_ranking(call, manager, {p["p1"]: "9000.00", p["p3"]: "4000.00"}, others=(p["p2"],))
    return world
