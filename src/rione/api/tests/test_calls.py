from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from rione.core import clock
from rione.programmes.tests.factories import CallFactory, ProgrammeFactory
from rione.territory.models import ApplicantCategory, ApplicantType
from rione.territory.tests.factories import CityFactory, NeighbourhoodFactory


def slugs(body):
    return sorted(item["slug"] for item in body["items"])


def test_an_open_call_in_full(get_json, city):
    call = CallFactory(
        open=True,
        programme__city=city,
        slug="idee-scampia",
        budget=Decimal("250000"),
        cap_selected=12,
        duration_months=18,
    )

    status, body = get_json("/api/calls")

    assert status == 200
    assert body["count"] == 1
    item = body["items"][0]
    types = [t.slug for t in call.eligible_applicant_types.order_by("order", "name")]
    places = [n.slug for n in call.eligible_neighbourhoods.all()]
    assert item | {"opens_at": None, "closes_at": None} == {
        "id": call.pk,
        "slug": "idee-scampia",
        "city": "napoli",
        "programme": call.programme_id,
        "title": call.title,
        "summary": call.summary,
        "kind": "call_for_ideas",
        "state": "open",
        "opens_at": None,
        "closes_at": None,
        "budget": "250000.00",
        "cap_selected": 12,
        "duration_months": 18,
        "eligible_applicant_types": types,
        "eligible_neighbourhoods": places,
        "is_illustrative": False,
        "url": "/napoli/bandi/idee-scampia/",
    }
    assert len(types) == 2 and len(places) == 1


def test_times_are_iso_8601_with_the_rome_offset(get_json, city):
    call = CallFactory(open=True, programme__city=city)

    _, body = get_json("/api/calls")

    for field in ("opens_at", "closes_at"):
        text = body["items"][0][field]
        moment = datetime.fromisoformat(text)
        assert moment == getattr(call, field)
        assert moment.utcoffset() == getattr(call, field).astimezone(clock.ROME).utcoffset()
        assert text[-6:] in {"+01:00", "+02:00"}


def test_drafts_and_calls_of_unpublished_programmes_or_cities_never_appear(get_json, city):
    visible = CallFactory(open=True, programme__city=city)
    CallFactory(programme__city=city)  # a draft
    CallFactory(open=True, programme=ProgrammeFactory(city=city, is_published=False))
    CallFactory(open=True, programme__city=CityFactory(slug="nascosta", is_published=False))

    _, body = get_json("/api/calls")

    assert [item["id"] for item in body["items"]] == [visible.pk]
    assert body["count"] == 1


def test_state_filter_follows_the_clock(get_json, city):
    CallFactory(open=True, programme__city=city, slug="aperto")
    CallFactory(upcoming=True, programme__city=city, slug="in-arrivo")
    CallFactory(closed=True, programme__city=city, slug="chiuso")
    CallFactory(closed=True, programme__city=city, slug="valutazione", status="evaluation")

    _, open_now = get_json("/api/calls", state="open")
    _, scheduled = get_json("/api/calls", state="scheduled")
    _, closed = get_json("/api/calls", state="closed")
    _, evaluation = get_json("/api/calls", state="evaluation")
    with clock.travel_to(clock.now() + timedelta(days=6)):
        _, open_later = get_json("/api/calls", state="open")

    assert slugs(open_now) == ["aperto"]
    assert [item["state"] for item in open_now["items"]] == ["open"]
    assert slugs(scheduled) == ["in-arrivo"]
    assert [item["state"] for item in scheduled["items"]] == ["scheduled"]
    assert slugs(closed) == ["chiuso", "valutazione"]
    assert {item["state"] for item in closed["items"]} == {"closed", "evaluation"}
    assert slugs(evaluation) == ["valutazione"]
    assert slugs(open_later) == ["aperto", "in-arrivo"]
    assert {item["state"] for item in open_later["items"]} == {"open"}


def test_an_unknown_state_is_a_422_in_italian(get_json, city):
    CallFactory(open=True, programme__city=city)

    status, body = get_json("/api/calls", state="draft")

    assert status == 422
    assert body["code"] == "invalid_filter"
    assert body["message"].startswith("Stato non valido: «draft».")
    assert "open" in body["message"]


def test_an_unknown_applicant_category_is_a_422(get_json):
    status, body = get_json("/api/calls", applicant_category="alieni")

    assert status == 422
    assert body["code"] == "invalid_filter"
    assert body["message"].startswith("Tipologia di proponente non valida")


@pytest.mark.parametrize("programme", ["iq", "0", str(2**63)])
def test_a_programme_that_is_not_a_64_bit_id_is_a_422(get_json, programme):
    status, body = get_json("/api/calls", programme=programme)

    assert status == 422
    assert body["code"] == "invalid_request"
    assert body["detail"][0]["loc"][-1] == "programme"


def test_city_and_programme_filters(get_json, city, other_city):
    napoli = CallFactory(open=True, programme__city=city, slug="a-napoli")
    CallFactory(open=True, programme__city=other_city, slug="a-milano")

    _, in_napoli = get_json("/api/calls", city="napoli")
    _, of_programme = get_json("/api/calls", programme=napoli.programme_id)
    _, unknown_city = get_json("/api/calls", city="atlantide")
    _, unknown_programme = get_json("/api/calls", programme=999999)

    assert slugs(in_napoli) == ["a-napoli"]
    assert slugs(of_programme) == ["a-napoli"]
    assert unknown_city == {"count": 0, "items": []}
    assert unknown_programme == {"count": 0, "items": []}


def test_applicant_filters(get_json, city):
    for_ets = CallFactory(open=True, programme__city=city, slug="per-ets", eligibility=False)
    for_ets.eligible_applicant_types.set(
        ApplicantType.objects.filter(city=city, category=ApplicantCategory.ETS)
    )
    for_schools = CallFactory(open=True, programme__city=city, slug="per-scuole", eligibility=False)
    school = ApplicantType.objects.filter(city=city, category=ApplicantCategory.SCHOOL).first()
    for_schools.eligible_applicant_types.set([school])

    _, ets = get_json("/api/calls", applicant_category="ets")
    _, schools = get_json("/api/calls", applicant_type=school.slug)
    _, nobody = get_json("/api/calls", applicant_category="business")
    _, unknown_type = get_json("/api/calls", applicant_type="marziani")

    assert slugs(ets) == ["per-ets"]
    assert ets["count"] == 1  # several ETS types admitted, the call is listed once
    assert slugs(schools) == ["per-scuole"]
    assert nobody["count"] == 0
    assert unknown_type["count"] == 0


def test_pagination_metadata(get_json, city):
    CallFactory.create_batch(3, open=True, programme__city=city)

    _, first = get_json("/api/calls", limit=2)
    _, second = get_json("/api/calls", limit=2, offset=2)

    assert (first["count"], len(first["items"])) == (3, 2)
    assert (second["count"], len(second["items"])) == (3, 1)
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_default_page_is_50(get_json, city):
    programme = ProgrammeFactory(city=city)
    CallFactory.create_batch(51, open=True, programme=programme, eligibility=False)

    _, body = get_json("/api/calls")

    assert (body["count"], len(body["items"])) == (51, 50)


def _calls_with_full_eligibility(city, n):
    programme = ProgrammeFactory(city=city)
    for _ in range(n):
        call = CallFactory(open=True, programme=programme)
        call.eligible_neighbourhoods.add(NeighbourhoodFactory(district__city=city))


@pytest.mark.parametrize("n_calls", [1, 25])
def test_call_list_queries_do_not_grow(get_json, city, django_assert_max_num_queries, n_calls):
    _calls_with_full_eligibility(city, n_calls)

    with django_assert_max_num_queries(4):
        status, body = get_json(
            "/api/calls",
            city="napoli",
            state="open",
            applicant_category="ets",
            limit=200,
        )

    assert status == 200
    assert len(body["items"]) == n_calls
    assert all(len(item["eligible_neighbourhoods"]) == 2 for item in body["items"])
