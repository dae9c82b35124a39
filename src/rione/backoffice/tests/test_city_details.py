"""A city administrator keeps the city's details, its IPA code among them; nobody else can."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from rione.core.models import AuditEvent
from rione.territory.models import City

from .test_call_flows import field_errors

pytestmark = pytest.mark.django_db


def url(city):
    return reverse("backoffice:city_details", args=[city.slug])


def form_data(city, **overrides):
    data = {
        "name": city.name,
        "official_name": "Comune di Napoli",
        "ipa_code": "c_f839",
        "region": "Campania",
        "description": "Programmi di innovazione sociale.",
        "office": "Servizio Giovani e Innovazione sociale",
        "address": "Piazza Municipio – 80133 Napoli",
        "opening_hours": "lunedì–venerdì 9–13",
        "email": "giovani@comune.napoli.it",
        "pec": "giovani@pec.comune.napoli.it",
        "phone": "081 795 1111",
        "website": "www.comune.napoli.it",
        "updated_at": city.updated_at.isoformat(),
    }
    data.update(overrides)
    return data


def test_the_page_shows_the_details_and_explains_the_ipa_code(city, city_admin, client_for):
    page = client_for(city_admin).get(url(city)).content.decode()

    assert "<h1" in page and "Dati dell&#x27;amministrazione" in page
    assert 'name="ipa_code"' in page
    assert "indicepa.gov.it" in page
    assert 'href="/gestione/napoli/amministrazione/" aria-current="page"' in page


def test_an_administrator_saves_the_details_and_the_change_is_audited(city, city_admin, client_for):
    response = client_for(city_admin).post(url(city), form_data(city, ipa_code=" C_F839 "))

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Dati dell'amministrazione salvati."
    ]
    city.refresh_from_db()
    assert city.ipa_code == "c_f839"  # stored as the register writes it
    assert city.office == "Servizio Giovani e Innovazione sociale"
    assert city.website == "https://www.comune.napoli.it"
    event = AuditEvent.objects.filter(object_type="territory.city", object_id=str(city.pk)).last()
    assert event is not None and "ipa_code" in event.data["changes"]


@pytest.mark.parametrize(
    "code, message",
    [
        ("c-f839", "da 2 a 20 caratteri"),
        ("c f839", "da 2 a 20 caratteri"),
        ("x", "da 2 a 20 caratteri"),
        ("città", "da 2 a 20 caratteri"),
        ("c_" + "f" * 20, "più di 20 caratteri"),
    ],
)
def test_a_malformed_ipa_code_is_refused_next_to_its_field(
    city, city_admin, client_for, code, message
):
    before = City.objects.get(pk=city.pk)

    response = client_for(city_admin).post(url(city), form_data(city, ipa_code=code))

    assert response.status_code == 200
    assert message in field_errors(response, "ipa_code")
    city.refresh_from_db()
    assert (city.ipa_code, city.office, city.updated_at) == (
        before.ipa_code,
        before.office,
        before.updated_at,
    )


def test_two_cities_cannot_share_an_ipa_code(city, other_city, city_admin, client_for):
    other_city.ipa_code = "c_f839"
    other_city.save()

    response = client_for(city_admin).post(url(city), form_data(city))

    assert response.status_code == 200
    assert "Un&#x27;altra città ha già questo codice IPA." in field_errors(response, "ipa_code")
    city.refresh_from_db()
    assert city.ipa_code == ""


def test_cities_without_an_ipa_code_do_not_clash(city, other_city, city_admin, client_for):
    assert other_city.ipa_code == ""

    response = client_for(city_admin).post(url(city), form_data(city, ipa_code=""))

    assert response.status_code == 302
    city.refresh_from_db()
    assert city.ipa_code == "" and city.region == "Campania"


def test_a_stale_form_does_not_overwrite_a_newer_change(city, city_admin, client_for):
    stale = form_data(city, office="Ufficio vecchio")
    City.objects.filter(pk=city.pk).update(office="Ufficio nuovo")
    city.refresh_from_db()
    city.save()  # a later change moves updated_at on

    response = client_for(city_admin).post(url(city), stale)

    assert response.status_code == 200
    city.refresh_from_db()
    assert city.office == "Ufficio nuovo"


def test_a_manager_cannot_change_the_details(city, manager, client_for):
    client = client_for(manager)

    assert client.get(url(city)).status_code == 403
    assert client.post(url(city), form_data(city, office="Ufficio abusivo")).status_code == 403
    city.refresh_from_db()
    assert city.office != "Ufficio abusivo"
    assert (
        url(city) not in client.get(reverse("backoffice:city", args=[city.slug])).content.decode()
    )


def test_an_administrator_of_another_city_cannot_reach_the_page(
    city, other_city, client_for, city_admin
):
    assert client_for(city_admin).get(url(other_city)).status_code == 404
