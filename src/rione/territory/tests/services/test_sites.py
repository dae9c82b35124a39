from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from rione.core.records import ConcurrentEdit
from rione.core.tests.audit_helpers import audit_count, events_of, only_event
from rione.programmes.tests.factories import LotFactory
from rione.territory.models import Site
from rione.territory.services import create_site, delete_site, update_site
from rione.territory.tests.factories import NeighbourhoodFactory, SiteFactory

pytestmark = pytest.mark.django_db

VALUES = {"name": "Ex Lanificio", "slug": "ex-lanificio", "address": "Piazza Enrico De Nicola 46"}


@pytest.mark.parametrize("who", ["manager", "city_admin"])
def test_managers_create_sites(city, who, request):
    user = request.getfixturevalue(who)
    neighbourhood = NeighbourhoodFactory(district__city=city)

    site = create_site(
        city=city,
        by=user,
        values={
            **VALUES,
            "neighbourhood": neighbourhood,
            "latitude": Decimal("40.855"),
            "longitude": Decimal("14.268"),
        },
    )

    assert (site.city, site.neighbourhood) == (city, neighbourhood)
    event = only_event(site, "site.created")
    assert event.actor == user
    assert (event.data["after"]["latitude"], event.data["after"]["longitude"]) == (
        "40.855000",
        "14.268000",
    )


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_create_sites(city, who, request):
    user = request.getfixturevalue(who)
    events = audit_count()

    with pytest.raises(PermissionDenied):
        create_site(city=city, by=user, values=VALUES)

    assert not Site.objects.exists()
    assert audit_count() == events


@pytest.mark.parametrize(
    ("coordinates", "field"),
    [
        ({"latitude": Decimal("40.85")}, "__all__"),
        ({"longitude": Decimal("14.26")}, "__all__"),
        ({"latitude": Decimal("91"), "longitude": Decimal("14")}, "latitude"),
        ({"latitude": Decimal("-90.5"), "longitude": Decimal("14")}, "latitude"),
        ({"latitude": Decimal("40"), "longitude": Decimal("180.1")}, "longitude"),
    ],
)
def test_bad_coordinates_are_refused(city, manager, coordinates, field):
    with pytest.raises(ValidationError) as caught:
        create_site(city=city, by=manager, values={**VALUES, **coordinates})

    assert field in caught.value.message_dict
    assert not Site.objects.exists()


def test_only_a_latitude_gets_a_clear_message(city, manager):
    with pytest.raises(ValidationError) as caught:
        create_site(city=city, by=manager, values={**VALUES, "latitude": Decimal("40.85")})

    assert "sia la latitudine sia la longitudine" in " ".join(caught.value.messages)


@pytest.mark.parametrize(
    "coordinates",
    [
        {"latitude": Decimal("91"), "longitude": Decimal("14")},
        {"latitude": Decimal("40"), "longitude": None},
    ],
)
def test_the_database_refuses_bad_coordinates_too(city, coordinates):
    with pytest.raises(IntegrityError), transaction.atomic():
        Site.objects.create(city=city, name="S", slug="s", address="Via", **coordinates)


def test_a_neighbourhood_of_another_city_is_refused(city, other_city, manager):
    elsewhere = NeighbourhoodFactory(district__city=other_city)

    with pytest.raises(ValidationError) as caught:
        create_site(city=city, by=manager, values={**VALUES, "neighbourhood": elsewhere})

    assert list(caught.value.message_dict) == ["neighbourhood"]
    assert not Site.objects.exists()


def test_a_manager_edits_a_site(city, manager):
    site = SiteFactory(city=city, address="Via Roma 1")

    update_site(site=site, by=manager, values={"address": "Via Toledo 2"})

    site.refresh_from_db()
    assert site.address == "Via Toledo 2"
    event = only_event(site, "site.updated")
    assert event.data["changes"] == {"address": {"old": "Via Roma 1", "new": "Via Toledo 2"}}


def test_another_citys_manager_cannot_edit_a_site(city, other_manager):
    site = SiteFactory(city=city, address="Via Roma 1")

    with pytest.raises(PermissionDenied):
        update_site(site=site, by=other_manager, values={"address": "Via Toledo 2"})

    site.refresh_from_db()
    assert site.address == "Via Roma 1"
    assert events_of(Site, site.pk) == []


def test_a_manager_cannot_move_a_site_into_another_city(city, other_city, manager):
    site = SiteFactory(city=city)

    with pytest.raises(ValueError, match="city"):
        update_site(site=site, by=manager, values={"city": other_city})

    site.refresh_from_db()
    assert site.city == city


def test_a_stale_site_edit_is_refused(city, manager):
    site = SiteFactory(city=city, address="Via Roma 1")
    seen_at = site.updated_at
    update_site(site=site, by=manager, values={"address": "Via Toledo 2"})

    with pytest.raises(ConcurrentEdit):
        update_site(
            site=site, by=manager, values={"address": "Via Chiaia 3"}, expected_updated_at=seen_at
        )

    site.refresh_from_db()
    assert site.address == "Via Toledo 2"


def test_a_manager_deletes_an_unused_site(city, manager):
    site = SiteFactory(city=city)
    pk = site.pk

    delete_site(site=site, by=manager)

    assert not Site.objects.filter(pk=pk).exists()
    assert [e.action for e in events_of(Site, pk)] == ["site.deleted"]


def test_a_site_assigned_to_a_lot_cannot_be_deleted(city, manager):
    site = SiteFactory(city=city)
    LotFactory(call__programme__city=city).sites.add(site)

    with pytest.raises(ValidationError):
        delete_site(site=site, by=manager)

    assert Site.objects.filter(pk=site.pk).exists()
    assert events_of(Site, site.pk) == []


def test_an_evaluator_cannot_delete_a_site(city, evaluator):
    site = SiteFactory(city=city)

    with pytest.raises(PermissionDenied):
        delete_site(site=site, by=evaluator)

    assert Site.objects.filter(pk=site.pk).exists()
