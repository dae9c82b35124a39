import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core.records import ConcurrentEdit
from rione.core.tests.audit_helpers import events_of, only_event
from rione.territory.models import City
from rione.territory.services import update_city

pytestmark = pytest.mark.django_db


def test_the_city_admin_edits_the_city(city, city_admin):
    update_city(city=city, by=city_admin, values={"office": "Ufficio Giovani"})

    city.refresh_from_db()
    assert city.office == "Ufficio Giovani"
    event = only_event(city, "city.updated")
    assert event.actor == city_admin
    assert event.data["changes"] == {"office": {"old": "", "new": "Ufficio Giovani"}}


@pytest.mark.parametrize("who", ["manager", "other_city_admin", "citizen"])
def test_others_cannot_edit_the_city(city, who, request):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        update_city(city=city, by=user, values={"office": "X"})

    city.refresh_from_db()
    assert city.office == ""
    assert events_of(City, city.pk) == []


def test_an_invalid_e_mail_is_refused(city, city_admin):
    with pytest.raises(ValidationError) as caught:
        update_city(city=city, by=city_admin, values={"email": "not-an-address"})

    assert "email" in caught.value.message_dict
    city.refresh_from_db()
    assert city.email == "urp@example.org"


def test_a_stale_edit_is_refused(city, city_admin):
    seen_at = city.updated_at
    update_city(city=city, by=city_admin, values={"phone": "081 000"})

    with pytest.raises(ConcurrentEdit):
        update_city(
            city=city, by=city_admin, values={"phone": "081 111"}, expected_updated_at=seen_at
        )

    city.refresh_from_db()
    assert city.phone == "081 000"


@pytest.mark.parametrize("code", ["C_F839", "c-f839", "x"])
def test_a_malformed_ipa_code_is_refused(city, city_admin, code):
    with pytest.raises(ValidationError) as caught:
        update_city(city=city, by=city_admin, values={"ipa_code": code})

    assert caught.value.message_dict["ipa_code"][0].startswith("Il codice IPA ha da 2 a 20")
    city.refresh_from_db()
    assert city.ipa_code == ""
    assert events_of(City, city.pk) == []


def test_two_cities_cannot_record_the_same_ipa_code(city, other_city, city_admin):
    other_city.ipa_code = "c_f839"
    other_city.save()

    with pytest.raises(ValidationError):
        update_city(city=city, by=city_admin, values={"ipa_code": "c_f839"})

    city.refresh_from_db()
    assert city.ipa_code == ""
    update_city(city=city, by=city_admin, values={"ipa_code": "c_f205"})
    city.refresh_from_db()
    assert city.ipa_code == "c_f205"
