import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core.models import AuditEvent
from rione.core.tests.audit_helpers import audit_count, only_event
from rione.territory.models import (
    ApplicantCategory,
    ApplicantType,
    City,
    CostCategory,
    RuntsSection,
    Sector,
    TargetGroup,
)
from rione.territory.services import create_city, seed_default_taxonomies

pytestmark = pytest.mark.django_db

VALUES = {"name": "Bari", "slug": "bari", "region": "Puglia"}


def test_a_superuser_creates_a_city_with_the_default_taxonomies(superuser):
    city = create_city(by=superuser, values=VALUES)  # when

    assert City.objects.get(slug="bari") == city  # then
    assert Sector.objects.filter(city=city).count() == 7
    assert TargetGroup.objects.filter(city=city).count() == 11
    assert CostCategory.objects.filter(city=city).count() == 8
    types = ApplicantType.objects.filter(city=city)
    assert types.count() == 14
    ets = types.filter(category=ApplicantCategory.ETS)
    assert ets.count() == 7
    assert set(ets.values_list("runts_section", flat=True)) == set(RuntsSection.values)
    assert set(
        types.exclude(category=ApplicantCategory.ETS).values_list("runts_section", flat=True)
    ) == {""}
    event = only_event(city, "city.created")
    assert (event.actor, event.stream) == (superuser, f"city:{city.pk}")
    assert event.data["after"]["slug"] == "bari"


def test_seeding_twice_adds_nothing(superuser):
    city = create_city(by=superuser, values=VALUES)

    seed_default_taxonomies(city)

    assert Sector.objects.filter(city=city).count() == 7
    assert ApplicantType.objects.filter(city=city).count() == 14


def test_each_city_gets_its_own_copy_of_the_taxonomies(superuser, city):
    bari = create_city(by=superuser, values=VALUES)

    assert Sector.objects.filter(city=city).count() == 7
    assert set(Sector.objects.filter(city=bari).values_list("slug", flat=True)) == set(
        Sector.objects.filter(city=city).values_list("slug", flat=True)
    )


@pytest.mark.parametrize("who", ["city_admin", "manager", "other_manager", "citizen"])
def test_only_a_superuser_creates_cities(who, request):
    user = request.getfixturevalue(who)
    cities, events = City.objects.count(), audit_count()

    with pytest.raises(PermissionDenied):
        create_city(by=user, values=VALUES)

    assert City.objects.count() == cities
    assert not City.objects.filter(slug="bari").exists()
    assert audit_count() == events


@pytest.mark.parametrize("slug", ["api", "gestione", "admin", "static"])
def test_a_reserved_slug_is_refused_with_a_clear_message(superuser, slug):
    with pytest.raises(ValidationError) as caught:
        create_city(by=superuser, values={"name": "Città", "slug": slug})

    assert caught.value.message_dict["slug"] == [
        f"«{slug}» è un indirizzo riservato: scegli un altro identificativo."
    ]
    assert not City.objects.filter(slug=slug).exists()
    assert not Sector.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_taken_slug_is_refused(superuser, city):
    with pytest.raises(ValidationError) as caught:
        create_city(by=superuser, values={"name": "Napoli bis", "slug": city.slug})

    assert "slug" in caught.value.message_dict
    assert City.objects.filter(slug=city.slug).count() == 1
