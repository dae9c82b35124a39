from decimal import Decimal

import pytest

from rione.territory.tests.factories import CityFactory, NeighbourhoodFactory, SiteFactory


def test_site_fields_with_coordinates_as_strings(get_json, city):
    scampia = NeighbourhoodFactory(
        district__city=city, district__slug="municipalita-8", slug="scampia"
    )
    site = SiteFactory(
        city=city,
        neighbourhood=scampia,
        name="Ex asilo",
        slug="ex-asilo",
        address="Via Labriola 1",
        postcode="80144",
        latitude=Decimal("40.892345"),
        longitude=Decimal("14.236789"),
        is_illustrative=True,
    )

    status, body = get_json("/api/sites")

    assert status == 200
    assert body["items"] == [
        {
            "id": site.pk,
            "slug": "ex-asilo",
            "city": "napoli",
            "name": "Ex asilo",
            "address": "Via Labriola 1",
            "postcode": "80144",
            "latitude": "40.892345",
            "longitude": "14.236789",
            "neighbourhood": "scampia",
            "district": "municipalita-8",
            "is_illustrative": True,
        }
    ]


def test_a_site_without_place_data_has_nulls(get_json, city):
    SiteFactory(city=city)

    _, body = get_json("/api/sites")

    item = body["items"][0]
    assert (item["latitude"], item["longitude"], item["neighbourhood"], item["district"]) == (
        None,
        None,
        None,
        None,
    )


def test_filters_by_city_and_neighbourhood(get_json, city, other_city):
    scampia = NeighbourhoodFactory(district__city=city, slug="scampia")
    SiteFactory(city=city, neighbourhood=scampia, slug="in-scampia")
    SiteFactory(city=city, slug="altrove")
    SiteFactory(city=other_city, slug="a-milano")

    _, in_napoli = get_json("/api/sites", city="napoli")
    _, in_scampia = get_json("/api/sites", neighbourhood="scampia")
    _, unknown = get_json("/api/sites", city="atlantide")

    assert {s["slug"] for s in in_napoli["items"]} == {"in-scampia", "altrove"}
    assert [s["slug"] for s in in_scampia["items"]] == ["in-scampia"]
    assert unknown == {"count": 0, "items": []}


def test_sites_of_unpublished_cities_never_appear(get_json):
    SiteFactory(city=CityFactory(slug="nascosta", is_published=False))

    _, body = get_json("/api/sites")

    assert body == {"count": 0, "items": []}


@pytest.mark.parametrize("n_sites", [1, 25])
def test_site_list_queries_do_not_grow(get_json, city, django_assert_max_num_queries, n_sites):
    for _ in range(n_sites):
        SiteFactory(city=city, neighbourhood=NeighbourhoodFactory(district__city=city))

    with django_assert_max_num_queries(2):
        status, body = get_json("/api/sites", city="napoli")

    assert status == 200
    assert len(body["items"]) == n_sites
