from decimal import Decimal

import pytest

from rione.programmes.tests.factories import ProgrammeFactory
from rione.territory.tests.factories import CityFactory


def test_lists_published_programmes_with_budget_as_a_two_decimal_string(get_json, city):
    programme = ProgrammeFactory(
        city=city,
        title="iQ – Innovazione nei quartieri",
        slug="iq",
        funding_source="PON Metro 2014-2020",
        total_budget=Decimal("1234567.5"),
    )

    status, body = get_json("/api/programmes")

    assert status == 200
    assert body == {
        "count": 1,
        "items": [
            {
                "id": programme.pk,
                "slug": "iq",
                "city": "napoli",
                "title": "iQ – Innovazione nei quartieri",
                "summary": programme.summary,
                "funding_source": "PON Metro 2014-2020",
                "total_budget": "1234567.50",
            }
        ],
    }


def test_a_programme_without_budget_has_null(get_json, city):
    ProgrammeFactory(city=city, total_budget=None)

    _, body = get_json("/api/programmes")

    assert body["items"][0]["total_budget"] is None


def test_unpublished_programmes_and_cities_never_appear(get_json, city):
    ProgrammeFactory(city=city, is_published=False, published_at=None)
    ProgrammeFactory(city=CityFactory(slug="nascosta", is_published=False))

    status, body = get_json("/api/programmes")

    assert status == 200
    assert body == {"count": 0, "items": []}


def test_city_filter(get_json, city, other_city):
    ProgrammeFactory(city=city, slug="iq")
    ProgrammeFactory(city=other_city, slug="quartieri-connessi")

    _, napoli = get_json("/api/programmes", city="napoli")
    _, unknown = get_json("/api/programmes", city="atlantide")

    assert [p["slug"] for p in napoli["items"]] == ["iq"]
    assert unknown == {"count": 0, "items": []}


@pytest.mark.parametrize("n_programmes", [1, 25])
def test_programme_list_queries_do_not_grow(
    get_json, city, django_assert_max_num_queries, n_programmes
):
    ProgrammeFactory.create_batch(n_programmes, city=city)

    with django_assert_max_num_queries(2):
        status, body = get_json("/api/programmes", city="napoli")

    assert status == 200
    assert len(body["items"]) == n_programmes
