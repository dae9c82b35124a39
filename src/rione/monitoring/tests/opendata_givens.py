"""Givens of the open-data tests beyond one call: more calls, programmes and cities.

``more_calls(world)`` adds, next to the call of ``givens.known_call``:

==== ===================== ============== ========== ======= ============ ===============
call programme             applicant      sector     places  targets      ranking
==== ===================== ============== ========== ======= ============ ===============
c2   the same as the first ETS network    welfare    N2      young        final (7 000)
c3   another one           ETS alone      culture    N3      communities  provisional
==== ===================== ============== ========== ======= ============ ===============

so the records are p1, p3 (call 1, provisional), q2 (c2, final), q3 (c3, provisional).
"""

from dataclasses import dataclass

from rione.applications.models import Proposal
from rione.applications.tests.factories import open_call
from rione.core.models import Role
from rione.core.tests.factories import StaffRoleFactory
from rione.evaluation.models import RankingKind
from rione.monitoring.tests.givens import (
    COMMUNITIES,
    WELFARE,
    YOUNG,
    World,
    proposal,
    publish_ranking,
    territory,
)
from rione.programmes.models import Call


@dataclass
class More:
    c2: Call
    c3: Call
    q2: Proposal
    q3: Proposal


def more_calls(world: World) -> More:
    places = world.places
    c2 = open_call(programme=world.call.programme)
    c3 = open_call(programme__city=world.call.city)
    for call in (c2, c3):
        call.eligible_neighbourhoods.set(places.values())
    q2 = proposal(
        c2, network=True, sector=WELFARE, places=[places["N2"]], targets=[YOUNG], grant="8000.00"
    )
    q3 = proposal(c3, places=[places["N3"]], targets=[COMMUNITIES])
    publish_ranking(c2, world.manager, {q2: "7000.00"}, kind=RankingKind.FINAL)
    publish_ranking(c3, world.manager, {q3: "9000.00"})
    return More(c2=c2, c3=c3, q2=q2, q3=q3)


def call_with_selected(city, size: int, *, programme=None, places=None) -> Call:
    """A public call of ``city`` (of ``programme`` when given) with ``size`` selected
    proposals, half of them informal groups, in a published provisional ranking."""
    if places is None:
        _districts, places = territory(city)
    call = open_call(programme=programme) if programme else open_call(programme__city=city)
    call.eligible_neighbourhoods.set(places.values())
    made = [
        proposal(call, group=i % 2 == 0, places=[places["N1"]], targets=[YOUNG])
        for i in range(size)
    ]
    manager = StaffRoleFactory(city=city, role=Role.PROGRAMME_MANAGER).user
    publish_ranking(call, manager, {item: "9000.00" for item in made})
    return call
