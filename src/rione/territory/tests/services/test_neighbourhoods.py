import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core.tests.audit_helpers import audit_count, events_of, only_event
from rione.programmes.tests.factories import CallFactory
from rione.territory.models import Neighbourhood
from rione.territory.services import (
    create_neighbourhood,
    delete_neighbourhood,
    update_neighbourhood,
)
from rione.territory.tests.factories import DistrictFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(city):
    return DistrictFactory(city=city)


def _values(district, **extra):
    return {"district": district, "name": "Scampia", "slug": "scampia", **extra}


def test_the_city_admin_creates_a_neighbourhood(city, city_admin, district):
    neighbourhood = create_neighbourhood(
        city=city, by=city_admin, values=_values(district, is_target_area=True)
    )

    assert (neighbourhood.city, neighbourhood.district) == (city, district)
    event = only_event(neighbourhood, "neighbourhood.created")
    assert event.actor == city_admin
    assert event.data["after"]["district"] == district.pk
    assert event.data["after"]["is_target_area"] is True


@pytest.mark.parametrize("who", ["manager", "other_city_admin", "citizen"])
def test_only_the_city_admin_creates_neighbourhoods(city, district, who, request):
    user = request.getfixturevalue(who)
    events = audit_count()

    with pytest.raises(PermissionDenied):
        create_neighbourhood(city=city, by=user, values=_values(district))

    assert not Neighbourhood.objects.exists()
    assert audit_count() == events


def test_a_district_of_another_city_is_refused(city, other_city, city_admin):
    elsewhere = DistrictFactory(city=other_city)

    with pytest.raises(ValidationError) as caught:
        create_neighbourhood(city=city, by=city_admin, values=_values(elsewhere))

    assert list(caught.value.message_dict) == ["district"]
    assert not Neighbourhood.objects.exists()


def test_moving_a_neighbourhood_to_a_district_of_another_city_is_refused(
    city, other_city, city_admin, district
):
    neighbourhood = NeighbourhoodFactory(district=district)

    with pytest.raises(ValidationError):
        update_neighbourhood(
            neighbourhood=neighbourhood,
            by=city_admin,
            values={"district": DistrictFactory(city=other_city)},
        )

    neighbourhood.refresh_from_db()
    assert neighbourhood.district == district
    assert events_of(Neighbourhood, neighbourhood.pk) == []


def test_the_city_admin_moves_a_neighbourhood_between_its_districts(city, city_admin, district):
    neighbourhood = NeighbourhoodFactory(district=district)
    target = DistrictFactory(city=city)

    update_neighbourhood(neighbourhood=neighbourhood, by=city_admin, values={"district": target})

    neighbourhood.refresh_from_db()
    assert neighbourhood.district == target
    event = only_event(neighbourhood, "neighbourhood.updated")
    assert event.data["changes"]["district"] == {"old": district.pk, "new": target.pk}


def test_a_manager_cannot_edit_a_neighbourhood(manager, district):
    neighbourhood = NeighbourhoodFactory(district=district, name="Scampia")

    with pytest.raises(PermissionDenied):
        update_neighbourhood(neighbourhood=neighbourhood, by=manager, values={"name": "X"})

    neighbourhood.refresh_from_db()
    assert neighbourhood.name == "Scampia"


def test_the_city_admin_deletes_an_unused_neighbourhood(city_admin, district):
    neighbourhood = NeighbourhoodFactory(district=district)
    pk = neighbourhood.pk

    delete_neighbourhood(neighbourhood=neighbourhood, by=city_admin)

    assert not Neighbourhood.objects.filter(pk=pk).exists()
    assert [e.action for e in events_of(Neighbourhood, pk)] == ["neighbourhood.deleted"]


def test_a_neighbourhood_named_in_a_call_cannot_be_deleted(city, city_admin):
    call = CallFactory(programme__city=city)
    neighbourhood = call.eligible_neighbourhoods.get()

    with pytest.raises(ValidationError):
        delete_neighbourhood(neighbourhood=neighbourhood, by=city_admin)

    assert Neighbourhood.objects.filter(pk=neighbourhood.pk).exists()


def test_another_citys_admin_cannot_delete_a_neighbourhood(other_city_admin, district):
    neighbourhood = NeighbourhoodFactory(district=district)

    with pytest.raises(PermissionDenied):
        delete_neighbourhood(neighbourhood=neighbourhood, by=other_city_admin)

    assert Neighbourhood.objects.filter(pk=neighbourhood.pk).exists()
