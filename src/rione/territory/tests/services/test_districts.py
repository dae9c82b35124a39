import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core.tests.audit_helpers import audit_count, events_of, only_event
from rione.territory.models import District
from rione.territory.services import create_district, delete_district, update_district
from rione.territory.tests.factories import DistrictFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db

VALUES = {"name": "Chiaia, Posillipo, San Ferdinando", "code": "I", "slug": "municipalita-1"}


def test_the_city_admin_creates_a_district(city, city_admin):
    district = create_district(city=city, by=city_admin, values=VALUES)

    assert district.city == city
    event = only_event(district, "district.created")
    assert event.actor == city_admin
    assert event.data["after"]["code"] == "I"


@pytest.mark.parametrize("who", ["manager", "evaluator", "other_city_admin", "citizen"])
def test_only_the_city_admin_creates_districts(city, who, request):
    user = request.getfixturevalue(who)
    events = audit_count()

    with pytest.raises(PermissionDenied):
        create_district(city=city, by=user, values=VALUES)

    assert not District.objects.exists()
    assert audit_count() == events


def test_a_district_cannot_be_planted_in_another_city_through_values(city, other_city, city_admin):
    with pytest.raises(ValueError, match="city"):
        create_district(city=city, by=city_admin, values={**VALUES, "city": other_city})

    assert not District.objects.exists()


def test_a_duplicate_slug_in_the_same_city_is_refused(city, city_admin):
    DistrictFactory(city=city, slug="municipalita-1")

    with pytest.raises(ValidationError):
        create_district(city=city, by=city_admin, values=VALUES)

    assert District.objects.filter(city=city).count() == 1


def test_the_same_slug_in_another_city_is_fine(city, other_city, city_admin):
    DistrictFactory(city=other_city, slug="municipalita-1")

    create_district(city=city, by=city_admin, values=VALUES)

    assert District.objects.filter(slug="municipalita-1").count() == 2


def test_the_city_admin_renames_a_district(city, city_admin):
    district = DistrictFactory(city=city, name="Vecchio")

    update_district(district=district, by=city_admin, values={"name": "Nuovo"})

    district.refresh_from_db()
    assert district.name == "Nuovo"
    event = only_event(district, "district.updated")
    assert event.data["changes"]["name"] == {"old": "Vecchio", "new": "Nuovo"}


def test_a_manager_cannot_rename_a_district(city, manager):
    district = DistrictFactory(city=city, name="Vecchio")

    with pytest.raises(PermissionDenied):
        update_district(district=district, by=manager, values={"name": "Nuovo"})

    district.refresh_from_db()
    assert district.name == "Vecchio"


def test_a_district_without_a_name_is_refused(city, city_admin):
    district = DistrictFactory(city=city, name="Vecchio")

    with pytest.raises(ValidationError):
        update_district(district=district, by=city_admin, values={"name": ""})

    district.refresh_from_db()
    assert district.name == "Vecchio"
    assert events_of(District, district.pk) == []


def test_the_city_admin_deletes_an_empty_district(city, city_admin):
    district = DistrictFactory(city=city)
    pk = district.pk

    delete_district(district=district, by=city_admin)

    assert not District.objects.filter(pk=pk).exists()
    [event] = events_of(District, pk)
    assert (event.action, event.actor) == ("district.deleted", city_admin)


def test_a_district_with_neighbourhoods_cannot_be_deleted(city, city_admin):
    neighbourhood = NeighbourhoodFactory(district__city=city)
    district = neighbourhood.district

    with pytest.raises(ValidationError) as caught:
        delete_district(district=district, by=city_admin)

    assert "quartieri" in caught.value.messages[0]
    assert District.objects.filter(pk=district.pk).exists()
    assert events_of(District, district.pk) == []


def test_another_citys_admin_cannot_delete_a_district(city, other_city_admin):
    district = DistrictFactory(city=city)

    with pytest.raises(PermissionDenied):
        delete_district(district=district, by=other_city_admin)

    assert District.objects.filter(pk=district.pk).exists()
