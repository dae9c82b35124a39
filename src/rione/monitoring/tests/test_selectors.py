"""The indicators of a call, computed exactly on the known call of ``givens``."""

from decimal import Decimal

import pytest

from rione.evaluation.models import RankingKind
from rione.monitoring import selectors
from rione.monitoring.figures import COMPLEMENT, SMALL
from rione.monitoring.tests.givens import known_call, publish_ranking

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    return known_call(city)


def figures(data, key):
    """{row label: (submitted, admissible, selected)} of one breakdown, as texts."""
    breakdown = next(b for b in data.breakdowns if b.slug == key)
    return {
        row.label: (row.submitted.text, row.admissible.text, row.selected.text)
        for row in breakdown.rows
    }


def money(data, key):
    breakdown = next(b for b in data.breakdowns if b.slug == key)
    return {row.label: (row.requested.shown, row.awarded.shown) for row in breakdown.rows}


def funnel(data):
    return {step.key: (step.count.text if step.count else None) for step in data.funnel}


def test_funnel_counts_each_stage(world, city):
    data = selectors.indicators(city=city, calls=[world.call])

    assert funnel(data) == {
        "started": "7",  # five ever submitted and two drafts
        "submitted": "4",  # p4 was withdrawn
        "admissible": "3",
        "selected": "2",
        "funded": None,  # grants are not recorded yet
    }
    assert data.withdrawn.text == "1"
    assert data.funnel[-1].note
    assert [(s.call_title, s.kind) for s in data.selection] == [
        (world.call.title, RankingKind.PROVISIONAL)
    ]


def test_money_requested_awarded_and_cofinanced(world, city):
    data = selectors.indicators(city=city, calls=[world.call])
    rows = {row.key: row for row in data.money}

    submitted = rows["submitted"]
    assert (submitted.total_cost.value, submitted.requested.value) == (
        Decimal("40000.00"),
        Decimal("31000.00"),
    )
    assert submitted.own_contribution.value == Decimal("9000.00")
    assert submitted.cofinancing_pct == Decimal("22.50")
    selected = rows["selected"]
    assert (selected.requested.value, selected.awarded.value) == (
        Decimal("14000.00"),
        Decimal("13000.00"),
    )
    assert selected.own_contribution.value == Decimal("6000.00")
    assert rows["funded"].count is None
    assert data.budget == Decimal("50000.00")
    assert data.awarded_share == Decimal("26.00")


def test_distribution_by_applicant_type(world, city):
    data = selectors.indicators(city=city, calls=[world.call])

    assert figures(data, "applicant") == {
        "ETS da solo": ("2", "1", "1"),
        "ETS capofila di una rete": ("1", "1", "0"),
        "Gruppo informale": ("1", "1", "1"),
    }
    assert money(data, "applicant")["ETS da solo"] == (Decimal("18000.00"), Decimal("9000.00"))


def test_distributions_by_sector_lot_district_and_neighbourhood(world, city):
    data = selectors.indicators(city=city, calls=[world.call])

    sectors = figures(data, "sector")
    assert sectors["Turismo, arte e cultura"] == ("3", "2", "2")
    assert sectors["Welfare, servizi alla persona e coesione sociale"] == ("1", "1", "0")
    assert sectors["Attività produttive"] == ("0", "0", "0")  # every active sector is listed
    assert figures(data, "lot") == {
        "Lotto 1 – Centro": ("2", "2", "2"),
        "Lotto 2 – Collina": ("2", "1", "0"),
    }
    districts = figures(data, "district")
    assert districts["M1 – Chiaia"] == ("3", "2", "1")
    assert districts["M5 – Vomero"] == ("2", "2", "1")
    # Every district of the city is listed, those without proposals too.
    assert set(districts.values()) == {("3", "2", "1"), ("2", "2", "1"), ("0", "0", "0")}
    assert figures(data, "neighbourhood") == {
        "San Ferdinando": ("2", "2", "1"),
        "Posillipo": ("1", "0", "0"),
        "Arenella": ("2", "2", "1"),
    }


def test_a_proposal_counts_under_each_of_its_target_groups(world, city):
    data = selectors.indicators(city=city, calls=[world.call])
    targets = figures(data, "target")

    assert targets["Giovani e studenti fra i 15 e i 35 anni"] == ("3", "2", "1")
    assert targets["Comunità locali"] == ("2", "2", "2")  # p1 counts here and above
    breakdown = next(b for b in data.breakdowns if b.slug == "target")
    assert breakdown.multiple and breakdown.notes


def test_the_submitted_version_counts_not_the_working_copy(world, city):
    p1 = world.proposals["p1"]
    p1.sector = type(p1.sector).objects.get(city=city, slug="welfare-coesione")
    p1.save(update_fields=["sector"])
    p1.neighbourhoods.set([world.places["N3"]])

    data = selectors.indicators(city=city, calls=[world.call])

    assert figures(data, "sector")["Turismo, arte e cultura"] == ("3", "2", "2")
    assert figures(data, "neighbourhood")["San Ferdinando"] == ("2", "2", "1")


def test_district_filter(world, city):
    data = selectors.indicators(city=city, calls=[world.call], district=world.districts["D2"])

    # p2 (N1 and N3) and p3 (N3) were submitted there; of the drafts only d2 is there.
    assert funnel(data) == {
        "started": "3",
        "submitted": "2",
        "admissible": "2",
        "selected": "1",
        "funded": None,
    }
    assert figures(data, "applicant")["Gruppo informale"] == ("1", "1", "1")


def test_public_hides_small_counts_of_informal_groups_and_a_complement(world, city):
    data = selectors.indicators(city=city, calls=[world.call], public=True)

    applicant = next(b for b in data.breakdowns if b.slug == "applicant")
    rows = {row.key: row for row in applicant.rows}
    assert (rows["informal_group"].submitted.hidden, rows["informal_group"].submitted.text) == (
        SMALL,
        "<3",
    )
    assert rows["informal_group"].requested.shown is None
    assert rows["informal_group"].awarded.shown is None
    # Alone, the "<3" would be the total minus the others: the smallest other is hidden too.
    assert rows["ets_network"].submitted.hidden == COMPLEMENT
    assert rows["ets_network"].submitted.text == "n.d."
    assert rows["ets_network"].requested.shown is None
    assert rows["ets"].submitted.text == "2"
    assert rows["ets"].requested.shown == Decimal("18000.00")
    # Counts without informal groups stay, however small, unless one is the complement.
    assert figures(data, "neighbourhood") == {
        "San Ferdinando": ("2", "n.d.", "n.d."),  # complements of Arenella's admitted, selected
        "Posillipo": ("n.d.", "0", "0"),  # complement of Arenella's submitted
        "Arenella": ("<3", "<3", "<3"),
    }
    assert figures(data, "lot") == {
        "Lotto 1 – Centro": ("<3", "<3", "<3"),
        "Lotto 2 – Collina": ("n.d.", "n.d.", "0"),
    }
    assert figures(data, "target")["Comunità locali"] == ("<3", "<3", "<3")
    # Totals: two selected, one of them an informal group.
    assert funnel(data)["selected"] == "<3"
    assert funnel(data)["submitted"] == "4"
    assert data.awarded_share is None


def test_staff_see_every_count(world, city):
    data = selectors.indicators(city=city, calls=[world.call], public=False)

    assert not any(b.has_hidden for b in data.breakdowns)
    assert funnel(data)["selected"] == "2"


def test_final_ranking_wins_over_a_later_provisional_and_unpublished_ones_do_not_count(world, city):
    p = world.proposals
    publish_ranking(world.call, world.manager, {p["p2"]: "8000.00"}, kind=RankingKind.FINAL)
    publish_ranking(world.call, world.manager, {p["p5"]: "9000.00"}, published=False)
    publish_ranking(world.call, world.manager, {p["p1"]: "1.00"})

    data = selectors.indicators(city=city, calls=[world.call])

    assert funnel(data)["selected"] == "1"
    assert figures(data, "applicant")["ETS capofila di una rete"] == ("1", "1", "1")
    assert data.selection[0].kind == RankingKind.FINAL


def test_no_ranking_means_nothing_selected(city):
    from rione.applications.tests.factories import open_call

    call = open_call(programme__city=city)
    data = selectors.indicators(city=city, calls=[call])

    assert data.is_empty
    assert funnel(data)["selected"] == "0"
    assert data.selection[0].kind == ""


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_does_not_grow_with_the_proposals(city, size, django_assert_num_queries):
    from rione.applications.tests.factories import open_call
    from rione.monitoring.tests.givens import admit, proposal, territory

    _districts, places = territory(city)
    call = open_call(programme__city=city)
    call.eligible_neighbourhoods.set(places.values())
    made = [
        proposal(
            call,
            group=i % 3 == 0,
            places=[places["N1"], places["N3"]],
            targets=["giovani-15-35", "comunita-locali"],
        )
        for i in range(size)
    ]
    for item in made:
        admit(item, "admissible")
    from rione.core.models import Role
    from rione.core.tests.factories import StaffRoleFactory

    manager = StaffRoleFactory(city=city, role=Role.PROGRAMME_MANAGER).user
    publish_ranking(call, manager, {made[0]: "9000.00", made[1]: "9000.00"})

    with django_assert_num_queries(8):
        data = selectors.indicators(city=city, calls=[call], district=_districts["D1"], public=True)
    assert funnel(data)["submitted"] == str(size)
