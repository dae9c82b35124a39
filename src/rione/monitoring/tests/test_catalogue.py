"""The open-data catalogue of a city: the page, its JSON-LD (DCAT-AP_IT), scope, queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rione.applications.tests.factories import open_call
from rione.core.clock import ROME
from rione.evaluation.models import Ranking
from rione.monitoring.tests.givens import known_call, publish_ranking, territory
from rione.monitoring.tests.opendata_givens import call_with_selected, more_calls
from rione.programmes.models import Call, CallStatus, Programme
from rione.programmes.tests.factories import ProgrammeFactory
from rione.territory.models import City

pytestmark = pytest.mark.django_db

DATASET_KEYS = {
    "@id",
    "@type",
    "dct:identifier",
    "dct:title",
    "dct:description",
    "dct:issued",
    "dct:modified",
    "dct:publisher",
    "dct:rightsHolder",
    "dct:accrualPeriodicity",
    "dcat:theme",
    "dcat:contactPoint",
    "dcat:distribution",
}
DISTRIBUTION_KEYS = {"@id", "@type", "dct:format", "dcat:accessURL", "dct:license"}


@pytest.fixture
def world(city):
    return known_call(city)


def page_url(city) -> str:
    return reverse("monitoring:opendata_catalogue", args=[city.slug])


def jsonld_url(city) -> str:
    return reverse("monitoring:opendata_catalogue_jsonld", args=[city.slug])


def ranking_day(call) -> str:
    published = Ranking.objects.filter(call=call).latest("published_at").published_at
    return timezone.localtime(published, ROME).date().isoformat()


def test_the_page_lists_a_dataset_per_call_and_per_programme(city, client, world):
    more = more_calls(world)
    unranked = open_call(programme__city=city)
    publish_ranking(unranked, world.manager, {}, published=False)

    response = client.get(page_url(city))
    page = response.content.decode()

    assert response.status_code == 200
    programmes = re.findall(r"<h2 id=\"programme-\d+\">(.*?)</h2>", page)
    assert programmes == sorted([world.call.programme.title, more.c3.programme.title])
    titles = re.findall(r"<h3 class=\"h4\" id=\"[^\"]+\">(.*?)</h3>", page)
    assert len(titles) == 5  # two programmes, three calls
    assert f"Progetti selezionati: {world.call.title}" in titles
    assert unranked.title not in page
    for name in (
        "dct:identifier",
        "dct:publisher",
        "dct:license",
        "dct:issued",
        "dct:modified",
        "dcat:theme",
        "dcat:contactPoint",
        "dcat:distribution",
        "dct:format",
    ):
        assert f"<code>{name}</code>" in page
    assert f"<code>{city.slug}:progetti-avviso-{world.call.slug}</code>" in page
    assert f"<code>{city.slug}:progetti-programma-{world.call.programme.slug}</code>" in page
    assert "CC BY 4.0" in page and "(<code>SOCI</code>)" in page
    assert f'datetime="{ranking_day(world.call)}"' in page
    for name in ("opendata_csv", "opendata_json", "opendata_xlsx"):
        assert reverse(f"monitoring:{name}", args=[city.slug, world.call.slug]) in page
    assert (
        reverse("monitoring:opendata_programme_csv", args=[city.slug, world.call.programme.slug])
        in page
    )
    assert jsonld_url(city) in page
    assert reverse("monitoring:opendata_dictionary", args=[city.slug]) in page


def test_a_city_with_an_ipa_code_publishes_under_it(city, client, world):
    city.ipa_code = "c_f839"
    city.save()

    data = json.loads(client.get(jsonld_url(city)).content)

    assert data["dct:publisher"]["dct:identifier"] == "c_f839"
    assert data["dcat:dataset"]
    assert all(d["dct:identifier"].startswith("c_f839:progetti-") for d in data["dcat:dataset"])


def test_the_page_is_accessible_markup(city, client, world):
    page = client.get(page_url(city)).content.decode()

    assert page.count("<h1") == 1
    for target in re.findall(r'aria-labelledby="([^"]+)"', page):
        assert f'id="{target}"' in page
    assert page.count("<dt>") == page.count("<dd>")
    assert 'rel="alternate" type="application/ld+json"' in page


def test_jsonld_is_a_dcat_ap_it_catalogue(city, client, world):
    more = more_calls(world)

    response = client.get(jsonld_url(city))
    data = json.loads(response.content)

    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert data["@context"]["dcatapit"] == "http://dati.gov.it/onto/dcatapit#"
    assert data["@context"]["dct"] == "http://purl.org/dc/terms/"
    assert "dcatapit:Catalog" in data["@type"]
    assert data["dct:publisher"]["foaf:name"] == city.official_name
    assert data["dct:publisher"]["dct:identifier"] == city.slug
    assert data["@id"] == f"http://testserver{page_url(city)}"
    datasets = data["dcat:dataset"]
    assert len(datasets) == 5
    for dataset in datasets:
        assert set(dataset) >= DATASET_KEYS, DATASET_KEYS - set(dataset)
        assert "dcatapit:Dataset" in dataset["@type"]
        assert dataset["dct:identifier"].startswith(f"{city.slug}:progetti-")
        assert [t["@id"].rsplit("/", 1)[1] for t in dataset["dcat:theme"]] == ["SOCI", "GOVE"]
        assert dataset["dct:modified"]["@type"] == "xsd:date"
        for distribution in dataset["dcat:distribution"]:
            assert set(distribution) >= DISTRIBUTION_KEYS
            assert "dcatapit:Distribution" in distribution["@type"]
            assert distribution["dcat:accessURL"]["@id"].startswith("http://testserver/")
            assert distribution["dct:license"]["@id"].endswith("A21_CCBY40")
    call = next(d for d in datasets if d["dct:identifier"].endswith(more.c2.slug))
    assert call["dct:modified"]["@value"] == ranking_day(more.c2)
    assert {d["dct:format"]["@id"].rsplit("/", 1)[1] for d in call["dcat:distribution"]} == {
        "CSV",
        "JSON",
        "XLSX",
    }
    programme = next(d for d in datasets if d["dct:identifier"].endswith(world.call.programme.slug))
    assert programme["dct:modified"]["@value"] == max(ranking_day(world.call), ranking_day(more.c2))
    assert [d["dct:format"]["@id"][-4:] for d in programme["dcat:distribution"]] == [
        "/CSV",
        "JSON",
    ]


def test_hidden_calls_and_programmes_have_no_dataset(city, client, world):
    more = more_calls(world)
    Call.objects.filter(pk=more.c2.pk).update(status=CallStatus.DRAFT)
    Programme.objects.filter(pk=more.c3.programme_id).update(is_published=False)

    data = json.loads(client.get(jsonld_url(city)).content)

    assert sorted(d["dct:identifier"] for d in data["dcat:dataset"]) == sorted(
        [
            f"{city.slug}:progetti-avviso-{world.call.slug}",
            f"{city.slug}:progetti-programma-{world.call.programme.slug}",
        ]
    )


def test_another_citys_datasets_are_not_listed(city, client, other_city, world):
    elsewhere = call_with_selected(other_city, 1)

    page = client.get(page_url(city)).content.decode()

    assert elsewhere.title not in page
    assert elsewhere.title in client.get(page_url(other_city)).content.decode()


def test_an_empty_catalogue_says_so(city, client):
    ProgrammeFactory(city=city, is_published=True)
    open_call(programme__city=city)

    page = client.get(page_url(city)).content.decode()
    data = json.loads(client.get(jsonld_url(city)).content)

    assert "Nessun dato pubblicato" in page
    assert "<h3" not in page
    assert data["dcat:dataset"] == []
    assert data["dct:modified"]["@value"]


@pytest.mark.parametrize("name", ["opendata_catalogue", "opendata_catalogue_jsonld"])
def test_unknown_or_unpublished_city_is_404(city, client, name):
    City.objects.filter(pk=city.pk).update(is_published=False)

    assert client.get(reverse(f"monitoring:{name}", args=[city.slug])).status_code == 404
    assert client.get(reverse(f"monitoring:{name}", args=["atlantide"])).status_code == 404
    assert client.post(reverse(f"monitoring:{name}", args=["atlantide"])).status_code == 405


@pytest.mark.parametrize("n_calls", [1, 4])
def test_catalogue_queries_do_not_grow(city, client, n_calls):
    _districts, places = territory(city)
    for index in range(n_calls):
        programme = ProgrammeFactory(city=city, is_published=True) if index % 2 else None
        call_with_selected(city, 1, programme=programme, places=places)

    with CaptureQueriesContext(connection) as page_queries:
        page = client.get(page_url(city))
    with CaptureQueriesContext(connection) as jsonld_queries:
        data = json.loads(client.get(jsonld_url(city)).content)

    assert page.status_code == 200
    assert len(data["dcat:dataset"]) == 2 * n_calls
    assert len(page_queries) == len(jsonld_queries) == 2  # the city, the calls
