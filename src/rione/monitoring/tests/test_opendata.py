"""Open data of a call or a programme: the records, the chosen ranking, RFC 4180 CSV,
streamed JSON, privacy, 404s, queries."""

import csv
import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rione.applications.models import Receipt, ReceiptKind
from rione.applications.tests.factories import open_call
from rione.core.models import Role
from rione.core.tests.factories import StaffRoleFactory
from rione.evaluation.models import RankingKind
from rione.monitoring.opendata import FIELD_NAMES, chosen_ranking, project_rows
from rione.monitoring.tests.givens import known_call, proposal, publish_ranking, territory
from rione.monitoring.tests.opendata_givens import call_with_selected, more_calls
from rione.programmes.models import Call, CallStatus, Programme
from rione.programmes.tests.factories import CallFactory, ProgrammeFactory
from rione.territory.models import City

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    return known_call(city)


def csv_url(city, call) -> str:
    return reverse("monitoring:opendata_csv", args=[city.slug, call.slug])


def json_url(city, call) -> str:
    return reverse("monitoring:opendata_json", args=[city.slug, call.slug])


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_one_record_per_selected_proposal_with_the_known_figures(city, world):
    rows = list(project_rows(call=world.call))

    p1, p3 = world.proposals["p1"], world.proposals["p3"]
    assert [r["codice_locale_progetto"] for r in rows] == [
        f"{city.slug}-{world.call.slug}-{p1.pk}",
        f"{city.slug}-{world.call.slug}-{p3.pk}",
    ]
    first, group = rows
    assert list(first) == list(FIELD_NAMES)
    assert first["beneficiario"] == p1.organisation.name
    assert first["forma_giuridica"] != ""
    assert first["comune"] == city.name
    assert first["quartieri"] == ["San Ferdinando"]
    assert first["municipalita"] == ["Chiaia"]
    assert sorted(first["destinatari"]) == sorted(
        t.target_group.name for t in p1.targets.select_related("target_group")
    )
    assert (first["importo_richiesto"], first["importo_assegnato"]) == ("9000.00", "9000.00")
    assert first["costo_totale"] == "10000.00"
    assert first["cofinanziamento"] == "1000.00"
    assert first["cup"] == ""
    assert first["stato"] == "Selezionato in graduatoria provvisoria"
    assert first["data_presentazione"] and first["data_selezione"]
    assert (group["beneficiario"], group["forma_giuridica"]) == ("Gruppo informale", "")
    assert (group["importo_richiesto"], group["importo_assegnato"]) == ("5000.00", "4000.00")
    assert group["municipalita"] == ["Vomero"]


def test_no_ranking_published_means_no_records(city):
    call = open_call(programme__city=city)

    assert list(project_rows(call=call)) == []


def test_csv_is_streamed_and_quotes_as_rfc_4180(city, client, world):
    receipt = Receipt.objects.filter(
        proposal=world.proposals["p1"], kind=ReceiptKind.SUBMISSION
    ).get()
    content = json.loads(receipt.content)
    content["idea"]["title"] = 'Libri, "cortili"\ne piazze'
    receipt.content = json.dumps(content, ensure_ascii=False)
    receipt.save(update_fields=["content"])

    response = client.get(csv_url(city, world.call))
    text = body(response)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "license" in response["Link"]
    assert '"Libri, ""cortili""\ne piazze"' in text
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(FIELD_NAMES)
    assert len(rows) == 3
    assert rows[1][FIELD_NAMES.index("titolo")] == 'Libri, "cortili"\ne piazze'
    assert rows[1][FIELD_NAMES.index("destinatari")].count("; ") == 1


def test_json_is_a_streamed_document_with_the_licence(city, client, world):
    response = client.get(json_url(city, world.call))

    assert isinstance(response, StreamingHttpResponse)
    data = json.loads(body(response))
    assert data["licenza"] == "CC BY 4.0"
    assert data["dizionario"].endswith(reverse("monitoring:opendata_dictionary", args=[city.slug]))
    assert [p["beneficiario"] for p in data["progetti"]][1] == "Gruppo informale"
    assert data["progetti"][0]["quartieri"] == ["San Ferdinando"]


def test_no_natural_person_data_in_any_output(city, client, world):
    outputs = body(client.get(csv_url(city, world.call))) + body(
        client.get(json_url(city, world.call))
    )

    group = world.proposals["p3"].group
    assert group.name not in outputs
    for member in group.members.all():
        assert member.last_name not in outputs
        assert member.codice_fiscale not in outputs
    for item in world.proposals.values():
        user = item.created_by
        assert user.email not in outputs
        person = getattr(user, "person", None)
        if person is not None:
            assert person.codice_fiscale not in outputs
            assert f"{person.first_name} {person.last_name}" not in outputs
    organisation = world.proposals["p1"].organisation
    assert organisation.legal_rep_name not in outputs
    assert organisation.codice_fiscale not in outputs
    assert organisation.pec not in outputs
    assert "Scuola Media Vanvitelli" not in outputs  # p2 is not selected anyway


def test_a_call_the_public_may_not_see_is_404(city, client, other_city):
    draft = CallFactory(programme__city=city)
    hidden = CallFactory(programme__city=city, programme__is_published=False, open=True)

    assert client.get(csv_url(city, draft)).status_code == 404
    assert client.get(json_url(city, draft)).status_code == 404
    assert client.get(csv_url(city, hidden)).status_code == 404
    assert client.get(json_url(other_city, open_call(programme__city=city))).status_code == 404


def test_post_is_refused(city, client, world):
    assert client.post(csv_url(city, world.call)).status_code == 405


def test_dictionary_lists_every_field_and_the_licence(city, client):
    response = client.get(reverse("monitoring:opendata_dictionary", args=[city.slug]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "CC BY 4.0" in page
    assert '<caption id="fields-caption">' in page
    assert reverse("monitoring:opendata_catalogue", args=[city.slug]) in page
    for name in FIELD_NAMES:
        assert f'<th scope="row"><code>{name}</code></th>' in page


def test_public_dashboard_links_the_open_data(city, client, world):
    page = client.get(
        reverse("monitoring:call_public", args=[city.slug, world.call.slug])
    ).content.decode()

    assert csv_url(city, world.call) in page
    assert json_url(city, world.call) in page
    assert reverse("monitoring:opendata_catalogue", args=[city.slug]) in page


@pytest.mark.parametrize("size", [3, 30])
def test_csv_queries_do_not_grow(city, client, size):
    _districts, places = territory(city)
    call = open_call(programme__city=city)
    call.eligible_neighbourhoods.set(places.values())
    made = [
        proposal(call, group=i % 2 == 0, places=[places["N1"]], targets=["giovani-15-35"])
        for i in range(size)
    ]
    manager = StaffRoleFactory(city=city, role=Role.PROGRAMME_MANAGER).user
    publish_ranking(call, manager, {item: "9000.00" for item in made})

    with CaptureQueriesContext(connection) as queries:
        text = body(client.get(csv_url(city, call)))

    assert text.count("\r\n") == size + 1
    assert len(queries) == CSV_QUERIES, [q["sql"][:80] for q in queries]


CSV_QUERIES = 4  # city, call or programme, neighbourhoods, records


# Scopes beyond one call


def programme_csv_url(city, programme) -> str:
    return reverse("monitoring:opendata_programme_csv", args=[city.slug, programme.slug])


def programme_json_url(city, programme) -> str:
    return reverse("monitoring:opendata_programme_json", args=[city.slug, programme.slug])


def test_project_rows_of_several_calls_in_one_stream(city, world):
    more = more_calls(world)
    p1, p3 = world.proposals["p1"], world.proposals["p3"]

    rows = list(project_rows(calls=Call.objects.filter(city=city)))

    assert [r["codice_locale_progetto"] for r in rows] == [
        f"{city.slug}-{world.call.slug}-{p1.pk}",
        f"{city.slug}-{world.call.slug}-{p3.pk}",
        f"{city.slug}-{more.c2.slug}-{more.q2.pk}",
        f"{city.slug}-{more.c3.slug}-{more.q3.pk}",
    ]
    network = rows[2]
    assert (network["settore"], network["importo_assegnato"]) == (
        "Welfare, servizi alla persona e coesione sociale",
        "7000.00",
    )
    assert network["stato"] == "Selezionato in graduatoria definitiva"
    assert network["municipalita"] == ["Chiaia"]
    assert rows[3]["stato"] == "Selezionato in graduatoria provvisoria"
    assert rows[:2] == list(project_rows(call=world.call))


def test_project_rows_takes_one_scope(world):
    with pytest.raises(TypeError):
        list(project_rows())
    with pytest.raises(TypeError):
        list(project_rows(call=world.call, calls=Call.objects.all()))


def test_a_final_ranking_wins_over_a_later_provisional_one(city, world):
    p1, p3 = world.proposals["p1"], world.proposals["p3"]
    final = publish_ranking(world.call, world.manager, {p3: "5000.00"}, kind=RankingKind.FINAL)
    publish_ranking(world.call, world.manager, {p1: "9000.00", p3: "5000.00"})
    publish_ranking(
        world.call, world.manager, {p1: "1.00"}, kind=RankingKind.FINAL, published=False
    )

    rows = list(project_rows(call=world.call))

    assert chosen_ranking(world.call) == final
    assert [r["codice_locale_progetto"] for r in rows] == [f"{city.slug}-{world.call.slug}-{p3.pk}"]
    assert (rows[0]["importo_assegnato"], rows[0]["stato"]) == (
        "5000.00",
        "Selezionato in graduatoria definitiva",
    )


def test_the_latest_of_two_final_rankings_is_chosen(world):
    p1, p3 = world.proposals["p1"], world.proposals["p3"]
    publish_ranking(world.call, world.manager, {p3: "5000.00"}, kind=RankingKind.FINAL)
    latest = publish_ranking(world.call, world.manager, {p1: "8000.00"}, kind=RankingKind.FINAL)

    rows = list(project_rows(call=world.call))

    assert chosen_ranking(world.call) == latest
    assert [r["importo_assegnato"] for r in rows] == ["8000.00"]


def test_programme_files_hold_the_records_of_its_public_calls(city, client, world):
    more = more_calls(world)
    programme = world.call.programme
    hidden = CallFactory(programme=programme)  # a draft: no records, and not public anyway

    response = client.get(programme_csv_url(city, programme))
    text = body(response)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].endswith(f'progetti-programma-{programme.slug}.csv"')
    assert "license" in response["Link"]
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["codice_locale_progetto"].rsplit("-", 1)[0] for r in rows] == [
        f"{city.slug}-{world.call.slug}",
        f"{city.slug}-{world.call.slug}",
        f"{city.slug}-{more.c2.slug}",
    ]
    assert hidden.slug not in text and more.c3.slug not in text

    Call.objects.filter(pk=more.c2.pk).update(status=CallStatus.DRAFT)
    data = json.loads(body(client.get(programme_json_url(city, programme))))
    assert data["programma"] == programme.title
    assert data["licenza"] == "CC BY 4.0"
    assert data["catalogo"].endswith(reverse("monitoring:opendata_catalogue", args=[city.slug]))
    assert len(data["progetti"]) == 2
    assert data["progetti"][1]["beneficiario"] == "Gruppo informale"


def test_a_programme_the_public_may_not_see_is_404(city, client, other_city, world):
    draft = ProgrammeFactory(city=city, is_published=False)
    programme = world.call.programme

    assert client.get(programme_csv_url(city, draft)).status_code == 404
    assert client.get(programme_json_url(city, draft)).status_code == 404
    assert client.get(programme_csv_url(other_city, programme)).status_code == 404
    Programme.objects.filter(pk=programme.pk).update(is_published=False)
    assert client.get(programme_csv_url(city, programme)).status_code == 404
    Programme.objects.filter(pk=programme.pk).update(is_published=True)
    City.objects.filter(pk=city.pk).update(is_published=False)
    assert client.get(programme_json_url(city, programme)).status_code == 404


@pytest.mark.parametrize("n_calls", [1, 4])
def test_programme_csv_queries_do_not_grow_with_calls(city, client, n_calls):
    programme = ProgrammeFactory(city=city, is_published=True)
    _districts, places = territory(city)
    for _ in range(n_calls):
        call_with_selected(city, 2, programme=programme, places=places)

    with CaptureQueriesContext(connection) as queries:
        text = body(client.get(programme_csv_url(city, programme)))

    assert text.count("\r\n") == 2 * n_calls + 1
    assert len(queries) == CSV_QUERIES, [q["sql"][:80] for q in queries]


def test_programme_dashboard_links_its_open_data_and_the_catalogue(city, client, world):
    programme = world.call.programme
    page = client.get(
        reverse("monitoring:programme_public", args=[city.slug, programme.slug])
    ).content.decode()

    assert programme_csv_url(city, programme) in page
    assert programme_json_url(city, programme) in page
    assert reverse("monitoring:opendata_catalogue", args=[city.slug]) in page


def test_a_sole_trader_is_published_as_such_and_no_person_is_named():
    from datetime import UTC, datetime

    from rione.monitoring.opendata import Records

    applicant = {
        "kind": "organisation",
        "name": "Ciclofficina di Rossi Mario",
        "legal_form": "company",
        "legal_representative": "Mario Rossi",
        "codice_fiscale": "",
        "pec": "mario.rossi@pec.example.org",
    }
    content = json.dumps({"applicant": applicant, "idea": {"title": "Bici per tutti"}})
    selected_at = datetime(2026, 5, 4, tzinfo=UTC)
    row = (7, "bando", 1, "napoli", "Napoli", "selected_final", selected_at, None, None, content)

    record = Records({}).record(row)

    assert record["beneficiario"] == "Impresa individuale"
    assert record["forma_giuridica"] == "Impresa o società"
    assert "Rossi" not in json.dumps(record)
    assert record["titolo"] == "Bici per tutti" and record["importo_richiesto"] == ""


class TestDistrictOfTheDashboard:
    def test_csv_and_json_keep_the_projects_of_the_district(self, city, world, client):
        district = world.districts["D1"]

        response = client.get(csv_url(city, world.call), {"municipalita": district.pk})
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        document = json.loads(
            b"".join(client.get(json_url(city, world.call), {"municipalita": district.pk})).decode()
        )

        assert response.streaming
        assert response["Content-Disposition"].endswith(f'-{district.slug}.csv"')
        assert [(row["municipalita"], row["quartieri"]) for row in rows] == [
            ("Chiaia", "San Ferdinando")
        ]
        assert [p["municipalita"] for p in document["progetti"]] == [["Chiaia"]]

    @pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "0"])
    def test_a_district_that_does_not_exist_is_refused_with_a_message(
        self, city, world, client, value
    ):
        for url in (csv_url(city, world.call), json_url(city, world.call)):
            response = client.get(url, {"municipalita": value})

            assert response.status_code == 400
            assert "municipalità indicata non esiste" in response.content.decode()

    def test_a_district_of_another_city_is_refused(self, city, other_city, world, client):
        from rione.territory.tests.factories import DistrictFactory

        elsewhere = DistrictFactory(city=other_city)

        response = client.get(csv_url(city, world.call), {"municipalita": elsewhere.pk})

        assert response.status_code == 400

    def test_the_filtered_dashboard_links_the_files_of_its_district(self, city, world, client):
        district = world.districts["D1"]
        dashboard = reverse("monitoring:call_public", args=[city.slug, world.call.slug])

        page = client.get(dashboard, {"municipalita": district.pk}).content.decode()
        unfiltered = client.get(dashboard).content.decode()

        link = f"{csv_url(city, world.call)}?municipalita={district.pk}"
        assert link in page and "selezionati in Chiaia" in page
        assert "?municipalita=" not in unfiltered
