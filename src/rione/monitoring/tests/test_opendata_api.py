"""GET /api/opendata/projects and /api/opendata/datasets: pages, filters, scope, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rione.monitoring.opendata import project_rows
from rione.monitoring.tests.givens import CULTURE, WELFARE, YOUNG, known_call
from rione.monitoring.tests.opendata_givens import call_with_selected, more_calls
from rione.programmes.models import Call, CallStatus, Programme
from rione.territory.models import City, Sector

pytestmark = pytest.mark.django_db

PROJECTS = "/api/opendata/projects"
DATASETS = "/api/opendata/datasets"


@pytest.fixture
def world(city):
    return known_call(city)


@pytest.fixture
def more(world):
    return more_calls(world)


def get(client, path, **params):
    response = client.get(path, params)
    assert response["Content-Type"].startswith("application/json")
    return response.status_code, response.json()


def codes(body) -> list[str]:
    return [item["codice_locale_progetto"] for item in body["items"]]


def code(call, item) -> str:
    return f"{call.city.slug}-{call.slug}-{item.pk}"


def test_items_are_the_csv_records_with_lists_and_amounts_as_strings(client, city, world):
    status, body = get(client, PROJECTS)

    assert status == 200
    assert body["count"] == 2
    assert body["items"] == list(project_rows(call=world.call))
    first = body["items"][0]
    assert first["quartieri"] == ["San Ferdinando"]
    assert first["municipalita"] == ["Chiaia"]
    assert (first["importo_richiesto"], first["importo_assegnato"]) == ("9000.00", "9000.00")
    assert body["items"][1]["beneficiario"] == "Gruppo informale"


def test_pagination_counts_all_and_honours_limit_and_offset(client, world, more):
    _, everything = get(client, PROJECTS)
    _, first = get(client, PROJECTS, limit=2)
    _, rest = get(client, PROJECTS, limit=2, offset=2)
    _, past = get(client, PROJECTS, limit=2, offset=10)

    assert everything["count"] == first["count"] == rest["count"] == past["count"] == 4
    assert codes(first) + codes(rest) == codes(everything)
    assert len(codes(first)) == 2
    assert past["items"] == []


@pytest.mark.parametrize("page", [{"limit": 0}, {"limit": 201}, {"offset": -1}])
def test_a_page_out_of_bounds_is_a_422(client, db, page):
    status, body = get(client, PROJECTS, **page)

    assert (status, body["code"]) == (422, "invalid_request")


def test_scope_filters(client, city, world, more):
    p1, p3 = world.proposals["p1"], world.proposals["p3"]
    first = world.call

    assert codes(get(client, PROJECTS, city=city.slug)[1]) == [
        code(first, p1),
        code(first, p3),
        code(more.c2, more.q2),
        code(more.c3, more.q3),
    ]
    programme = get(client, PROJECTS, programme=first.programme_id)[1]
    assert codes(programme) == [code(first, p1), code(first, p3), code(more.c2, more.q2)]
    assert codes(get(client, PROJECTS, call=more.c3.pk)[1]) == [code(more.c3, more.q3)]


def test_territory_filters_follow_the_names_in_the_receipts(client, world, more):
    p1, p3 = world.proposals["p1"], world.proposals["p3"]
    chiaia, vomero = world.districts["D1"], world.districts["D2"]

    by_district = get(client, PROJECTS, district=chiaia.slug)[1]
    assert codes(by_district) == [code(world.call, p1), code(more.c2, more.q2)]
    assert all("Chiaia" in item["municipalita"] for item in by_district["items"])
    assert codes(get(client, PROJECTS, district=vomero.slug)[1]) == [
        code(world.call, p3),
        code(more.c3, more.q3),
    ]
    arenella = world.places["N3"]
    by_place = get(client, PROJECTS, neighbourhood=arenella.slug)[1]
    assert [item["quartieri"] for item in by_place["items"]] == [["Arenella"], ["Arenella"]]


def test_a_neighbourhood_name_inside_another_does_not_match(client, city, world):
    """ "Arenella" must not match a project in "Arenella Alta" only."""
    from rione.territory.tests.factories import NeighbourhoodFactory

    alta = NeighbourhoodFactory(district=world.districts["D2"], name="Arenella Alta", order=4)
    other = call_with_selected(city, 1, places={"N1": alta})

    status, body = get(client, PROJECTS, neighbourhood=world.places["N3"].slug)

    assert status == 200
    assert [item["quartieri"] for item in body["items"]] == [["Arenella"]]
    alta_only = get(client, PROJECTS, neighbourhood=alta.slug)[1]
    assert [i["codice_locale_progetto"].rsplit("-", 1)[0] for i in alta_only["items"]] == [
        f"{city.slug}-{other.slug}"
    ]


def test_sector_target_group_and_applicant_type_filters(client, world, more):
    p1, p3 = world.proposals["p1"], world.proposals["p3"]

    assert codes(get(client, PROJECTS, sector=WELFARE)[1]) == [code(more.c2, more.q2)]
    assert len(codes(get(client, PROJECTS, sector=CULTURE)[1])) == 3
    young = get(client, PROJECTS, target_group=YOUNG)[1]
    assert codes(young) == [code(world.call, p1), code(more.c2, more.q2)]
    assert all("Giovani" in " ".join(item["destinatari"]) for item in young["items"])
    assert codes(get(client, PROJECTS, applicant_type="informal_group")[1]) == [
        code(world.call, p3)
    ]
    assert codes(get(client, PROJECTS, applicant_type="ets_network")[1]) == [code(more.c2, more.q2)]
    assert codes(get(client, PROJECTS, applicant_type="ets")[1]) == [
        code(world.call, p1),
        code(more.c3, more.q3),
    ]
    assert get(client, PROJECTS, applicant_type="other")[1]["count"] == 0


def test_status_filter_and_combined_filters(client, world, more):
    final = get(client, PROJECTS, status="selected_final")[1]
    assert codes(final) == [code(more.c2, more.q2)]
    assert final["items"][0]["stato"] == "Selezionato in graduatoria definitiva"
    assert get(client, PROJECTS, status="selected_provisional")[1]["count"] == 3
    both = get(
        client, PROJECTS, sector=CULTURE, applicant_type="ets", status="selected_provisional"
    )[1]
    assert codes(both) == [code(world.call, world.proposals["p1"]), code(more.c3, more.q3)]


def test_sector_slug_matches_each_city_by_its_own_name(client, city, other_city, world):
    Sector.objects.filter(city=other_city, slug=CULTURE).update(name="Cultura e turismo")
    elsewhere = call_with_selected(other_city, 1)

    items = get(client, PROJECTS, sector=CULTURE)[1]["items"]

    assert {item["comune"] for item in items} == {city.name, other_city.name}
    assert get(client, PROJECTS, sector=CULTURE, city=other_city.slug)[1]["count"] == 1
    assert elsewhere.city == other_city


@pytest.mark.parametrize(
    "params", [{"applicant_type": "persona"}, {"status": "funded"}, {"status": "SELECTED_FINAL"}]
)
def test_a_value_outside_a_closed_list_is_a_422_in_italian(client, db, params):
    status, body = get(client, PROJECTS, **params)

    assert status == 422
    assert body["code"] == "invalid_filter"
    assert "Valori ammessi" in body["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"city": "atlantide"},
        {"district": "nessuna"},
        {"neighbourhood": "nessuno"},
        {"sector": "nessuno"},
        {"target_group": "nessuno"},
        {"programme": 999999},
        {"call": 999999},
    ],
)
def test_unknown_slugs_and_ids_give_an_empty_list(client, world, params):
    status, body = get(client, PROJECTS, **params)

    assert (status, body) == (200, {"items": [], "count": 0})


def test_calls_the_public_may_not_see_are_left_out(client, city, other_city, world, more):
    Call.objects.filter(pk=more.c3.pk).update(status=CallStatus.DRAFT)
    Programme.objects.filter(pk=world.call.programme_id).update(is_published=False)

    assert get(client, PROJECTS)[1]["count"] == 0
    assert get(client, PROJECTS, call=world.call.pk)[1]["count"] == 0

    Programme.objects.filter(pk=world.call.programme_id).update(is_published=True)
    City.objects.filter(pk=city.pk).update(is_published=False)
    assert get(client, PROJECTS)[1]["count"] == 0


def test_a_district_of_an_unpublished_city_matches_nothing(client, city, world):
    City.objects.filter(pk=city.pk).update(is_published=False)

    assert get(client, PROJECTS, district=world.districts["D1"].slug)[1]["count"] == 0


def reads(queries: CaptureQueriesContext) -> list[str]:
    """The statements that read data: not the savepoints and the time limit around them
    (``core.db.time_limited``, PostgreSQL only)."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL")
    return [q["sql"] for q in queries if not q["sql"].startswith(control)]


@pytest.mark.parametrize("size", [3, 30])
def test_project_page_queries_do_not_grow_with_proposals(client, city, size):
    call_with_selected(city, size)

    with CaptureQueriesContext(connection) as queries:
        status, body = get(client, PROJECTS, limit=200)

    assert (status, body["count"], len(body["items"])) == (200, size, size)
    assert len(reads(queries)) == PAGE_QUERIES, [q[:80] for q in reads(queries)]


@pytest.mark.parametrize("n_calls", [1, 4])
def test_project_page_queries_do_not_grow_with_calls(client, city, other_city, n_calls):
    from rione.monitoring.tests.givens import territory

    _d, places = territory(city)
    for _ in range(n_calls):
        call_with_selected(city, 2, places=places)
    call_with_selected(other_city, 1)

    with CaptureQueriesContext(connection) as queries:
        status, body = get(
            client, PROJECTS, sector=CULTURE, target_group=YOUNG, applicant_type="ets"
        )

    assert status == 200
    assert body["count"] == n_calls  # one ETS per call of the city; the other city's is a group
    # The filters are columns of the published projects: no query of their own.
    assert len(reads(queries)) == PAGE_QUERIES, [q[:80] for q in reads(queries)]


PAGE_QUERIES = 3  # count, rows, neighbourhoods of the page's cities


def test_datasets_list_the_catalogue(client, city, world, more):
    status, body = get(client, DATASETS)

    assert status == 200
    assert body["count"] == 5  # two programmes, three calls
    kinds = [(d["kind"], d["identifier"]) for d in body["items"]]
    assert ("programme", f"{city.slug}:progetti-programma-{world.call.programme.slug}") in kinds
    assert ("call", f"{city.slug}:progetti-avviso-{more.c2.slug}") in kinds
    dataset = next(d for d in body["items"] if d["identifier"].endswith(world.call.slug))
    assert dataset["licence"]["name"] == "CC BY 4.0"
    assert dataset["themes"] == ["SOCI", "GOVE"]
    assert dataset["publisher"] == {"name": city.official_name, "identifier": city.slug}
    assert {d["format"] for d in dataset["distributions"]} >= {"CSV", "JSON"}
    assert get(client, DATASETS, city="atlantide")[1] == {"items": [], "count": 0}
    assert get(client, DATASETS, city=city.slug, limit=1)[1]["count"] == 5


def test_filters_read_the_submitted_version_not_the_working_copy(client, city, world):
    """A change after the submission (say, a proposal reopened) moves neither record nor filter."""
    p1 = world.proposals["p1"]
    p1.sector = Sector.objects.get(city=city, slug=WELFARE)
    p1.save(update_fields=["sector"])
    p1.neighbourhoods.set([world.places["N3"]])

    assert get(client, PROJECTS, sector=WELFARE)[1]["count"] == 0
    by_sector = get(client, PROJECTS, sector=CULTURE)[1]
    assert code(world.call, p1) in codes(by_sector)
    assert by_sector["items"][0]["settore"] == "Turismo, arte e cultura"
    assert code(world.call, p1) in codes(
        get(client, PROJECTS, neighbourhood=world.places["N1"].slug)[1]
    )
