import pytest

from rione.territory.tests.factories import CityFactory


def test_lists_only_published_cities_with_public_fields(get_json):
    napoli = CityFactory(
        name="Napoli",
        slug="napoli",
        region="Campania",
        website="https://www.comune.napoli.it",
        ipa_code="c_f839",
    )
    CityFactory(name="Bozza", slug="bozza", is_published=False)

    status, body = get_json("/api/cities")

    assert status == 200
    assert body["count"] == 1
    assert body["items"] == [
        {
            "id": napoli.pk,
            "slug": "napoli",
            "name": "Napoli",
            "official_name": "Comune di Napoli",
            "ipa_code": "c_f839",
            "region": "Campania",
            "website": "https://www.comune.napoli.it",
        }
    ]


def test_pagination_reports_the_total_and_honours_limit_and_offset(get_json):
    for letter in "abcde":
        CityFactory(name=f"Città {letter}", slug=f"citta-{letter}")

    status, first = get_json("/api/cities", limit=2)
    _, last = get_json("/api/cities", limit=2, offset=4)

    assert status == 200
    assert first["count"] == last["count"] == 5
    assert [c["slug"] for c in first["items"]] == ["citta-a", "citta-b"]
    assert [c["slug"] for c in last["items"]] == ["citta-e"]


@pytest.mark.parametrize(
    "page", [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"offset": 2**63}, {"limit": "tutti"}]
)
def test_a_page_outside_the_bounds_is_a_422(get_json, page):
    status, body = get_json("/api/cities", **page)

    assert status == 422
    assert body["code"] == "invalid_request"
    assert body["message"] == "Parametri della richiesta non validi."


def test_city_detail_has_public_contacts(get_json):
    CityFactory(name="Napoli", slug="napoli", pec="protocollo@pec.comune.napoli.it")

    status, body = get_json("/api/cities/napoli")

    assert status == 200
    assert body["slug"] == "napoli"
    assert body["pec"] == "protocollo@pec.comune.napoli.it"
    assert body["email"] == "urp@example.org"


@pytest.mark.parametrize("slug", ["bozza", "nessuna"])
def test_unpublished_or_unknown_city_is_a_404(get_json, slug):
    CityFactory(name="Bozza", slug="bozza", is_published=False)

    status, body = get_json(f"/api/cities/{slug}")

    assert status == 404
    assert body == {"code": "not_found", "message": "Risorsa non trovata."}


@pytest.mark.parametrize("n_cities", [1, 25])
def test_city_list_queries_do_not_grow(get_json, django_assert_max_num_queries, n_cities):
    CityFactory.create_batch(n_cities, taxonomies=False)

    with django_assert_max_num_queries(2):
        status, body = get_json("/api/cities", limit=200)

    assert status == 200
    assert len(body["items"]) == n_cities
