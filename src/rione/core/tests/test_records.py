from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core.models import AuditEvent
from rione.core.records import ConcurrentEdit, create_record, delete_record, update_record
from rione.core.tests.audit_helpers import audit_count, events_of, only_event
from rione.programmes.models import Lot
from rione.programmes.tests.factories import CallFactory
from rione.territory.models import District, Site
from rione.territory.tests.factories import DistrictFactory, SiteFactory

pytestmark = pytest.mark.django_db

AREAS = "territory.manage_areas"


def _create_district(city, by, **values):
    return create_record(
        District,
        by=by,
        perm=AREAS,
        perm_obj=city,
        values={"name": "Chiaia", "slug": "chiaia", "city": city, **values},
    )


# create_record


def test_create_writes_the_row_and_an_event_with_the_after_snapshot(city, city_admin):
    district = _create_district(city, city_admin, code="I")

    event = only_event(district, "district.created")
    assert event.actor == city_admin
    assert event.stream == f"city:{city.pk}"
    assert event.city_id == city.pk
    assert event.data["after"] == {
        "id": district.pk,
        "city": city.pk,
        "name": "Chiaia",
        "code": "I",
        "slug": "chiaia",
        "order": 0,
    }


def test_create_without_permission_writes_nothing(city, manager):
    before = audit_count()

    with pytest.raises(PermissionDenied):
        _create_district(city, manager)

    assert not District.objects.exists()
    assert audit_count() == before


def test_create_with_invalid_values_writes_nothing(city, city_admin):
    before = audit_count()

    with pytest.raises(ValidationError) as caught:
        _create_district(city, city_admin, slug="not a slug!")

    assert "slug" in caught.value.message_dict
    assert not District.objects.exists()
    assert audit_count() == before


def test_create_records_many_to_many_values(city, manager):
    call = CallFactory(programme__city=city)
    sites = [SiteFactory(city=city), SiteFactory(city=city)]

    lot = create_record(
        Lot,
        by=manager,
        perm="programmes.manage_call",
        perm_obj=call,
        values={"call": call, "number": 1, "title": "Lotto", "budget": Decimal("10.00")},
        m2m={"sites": sites},
    )

    assert set(lot.sites.all()) == set(sites)
    event = only_event(lot, "lot.created")
    assert event.stream == f"call:{call.pk}"
    assert event.data["after"]["sites"] == sorted(s.pk for s in sites)
    assert event.data["after"]["budget"] == "10.00"


# update_record


def test_update_records_only_the_changed_fields(city, city_admin):
    district = DistrictFactory(city=city, name="Chiaia", code="I")

    updated = update_record(
        district, by=city_admin, perm=AREAS, values={"name": "Chiaia-Posillipo", "code": "I"}
    )

    district.refresh_from_db()
    assert district.name == updated.name == "Chiaia-Posillipo"
    event = only_event(district, "district.updated")
    assert event.actor == city_admin
    assert event.data == {"changes": {"name": {"old": "Chiaia", "new": "Chiaia-Posillipo"}}}


def test_update_without_changes_writes_no_event(city, city_admin):
    district = DistrictFactory(city=city, name="Chiaia")

    update_record(district, by=city_admin, perm=AREAS, values={"name": "Chiaia"})

    assert events_of(District, district.pk) == []


def test_update_with_a_stale_version_is_refused_and_changes_nothing(city, city_admin):
    district = DistrictFactory(city=city, name="Chiaia")
    seen_at = district.updated_at  # given: the form was opened
    update_record(
        district, by=city_admin, perm=AREAS, values={"name": "Vomero"}
    )  # someone else saves

    with pytest.raises(ConcurrentEdit):  # when: the first editor saves
        update_record(
            district,
            by=city_admin,
            perm=AREAS,
            values={"name": "Posillipo"},
            expected_updated_at=seen_at,
        )

    district.refresh_from_db()  # then
    assert district.name == "Vomero"
    assert [e.data["changes"]["name"]["new"] for e in events_of(District, district.pk)] == [
        "Vomero"
    ]


def test_update_with_the_current_version_passes(city, city_admin):
    district = DistrictFactory(city=city, name="Chiaia")

    update_record(
        district,
        by=city_admin,
        perm=AREAS,
        values={"name": "Posillipo"},
        expected_updated_at=district.updated_at,
    )

    district.refresh_from_db()
    assert district.name == "Posillipo"


def test_update_without_permission_changes_nothing(city, manager):
    district = DistrictFactory(city=city, name="Chiaia")

    with pytest.raises(PermissionDenied):
        update_record(district, by=manager, perm=AREAS, values={"name": "Posillipo"})

    district.refresh_from_db()
    assert district.name == "Chiaia"
    assert events_of(District, district.pk) == []


def test_update_with_invalid_values_changes_nothing(city, city_admin):
    district = DistrictFactory(city=city, name="Chiaia")

    with pytest.raises(ValidationError):
        update_record(district, by=city_admin, perm=AREAS, values={"name": ""})

    district.refresh_from_db()
    assert district.name == "Chiaia"
    assert events_of(District, district.pk) == []


def test_update_cannot_move_a_record_into_a_city_where_the_user_has_no_role(
    city, other_city, manager
):
    site = SiteFactory(city=city)

    with pytest.raises(PermissionDenied):
        update_record(site, by=manager, perm="territory.manage_sites", values={"city": other_city})

    site.refresh_from_db()
    assert site.city == city
    assert events_of(Site, site.pk) == []


def test_update_records_many_to_many_changes(city, manager):
    first, second = SiteFactory(city=city), SiteFactory(city=city)
    call = CallFactory(programme__city=city)
    lot = Lot.objects.create(call=call, number=1, title="Lotto")
    lot.sites.set([first])

    update_record(
        lot, by=manager, perm="programmes.manage_call", values={}, m2m={"sites": [second]}
    )

    assert list(lot.sites.all()) == [second]
    event = only_event(lot, "lot.updated")
    assert event.data["changes"] == {"sites": {"old": [first.pk], "new": [second.pk]}}


# delete_record


def test_delete_removes_the_row_and_keeps_the_before_snapshot(city, city_admin):
    district = DistrictFactory(city=city, name="Chiaia")
    pk = district.pk

    delete_record(district, by=city_admin, perm=AREAS)

    assert not District.objects.filter(pk=pk).exists()
    [event] = events_of(District, pk)
    assert (event.action, event.actor) == ("district.deleted", city_admin)
    assert event.data["before"]["name"] == "Chiaia"


def test_delete_without_permission_keeps_the_row(city, other_city, city_admin):
    district = DistrictFactory(city=other_city)
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        delete_record(district, by=city_admin, perm=AREAS)

    assert District.objects.filter(pk=district.pk).exists()
    assert AuditEvent.objects.count() == before


def test_concurrent_edit_is_a_domain_error_with_a_clear_code():
    error = ConcurrentEdit()

    assert error.code == "concurrent_edit"
    assert "Ricarica la pagina" in str(error)
