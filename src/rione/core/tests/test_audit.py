import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from rione.core import clock
from rione.core.audit import BrokenLink, record_event, verify_stream
from rione.core.models import AuditEvent, AuditStream

pytestmark = pytest.mark.django_db


def _record_three(obj, by):
    return [record_event(obj, f"test.step{i}", by=by, data={"step": i}) for i in (1, 2, 3)]


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Chaining


def test_events_of_one_stream_are_numbered_and_linked(city, manager):
    events = _record_three(city, manager)  # given / when

    assert [e.stream for e in events] == [f"city:{city.pk}"] * 3  # then
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == ""
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert len({e.hash for e in events}) == 3
    head = AuditStream.objects.get(name=f"city:{city.pk}")
    assert (head.last_seq, head.last_hash) == (3, events[2].hash)


def test_streams_are_independent(city, other_city, manager):
    record_event(city, "test.a", by=manager)
    record_event(city, "test.b", by=manager)

    first_elsewhere = record_event(other_city, "test.c", by=manager)

    assert (first_elsewhere.stream, first_elsewhere.seq, first_elsewhere.prev_hash) == (
        f"city:{other_city.pk}",
        1,
        "",
    )
    assert verify_stream(f"city:{city.pk}") is None
    assert verify_stream(f"city:{other_city.pk}") is None


def test_an_explicit_stream_overrides_the_objects_stream(city, manager):
    event = record_event(city, "test.a", by=manager, stream="custom:1")

    assert (event.stream, event.seq) == ("custom:1", 1)
    assert not AuditEvent.objects.filter(stream=f"city:{city.pk}").exists()


def test_event_records_actor_object_city_and_json_safe_data(city, manager):
    moment = clock.rome(2026, 3, 2, 10, 0)

    event = record_event(
        city,
        "test.data",
        by=manager,
        at=moment,
        data={"amount": Decimal("10.50"), "deadline": moment, "tags": {"b", "a"}},
    )

    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.action) == (manager, str(manager), "test.data")
    assert (event.object_type, event.object_id, event.city_id) == (
        "territory.city",
        str(city.pk),
        city.pk,
    )
    assert event.at == moment
    assert event.data == {
        "amount": "10.50",
        "deadline": "2026-03-02T09:00:00+00:00",
        "tags": ["a", "b"],
    }
    assert verify_stream(event.stream) is None


def test_a_system_event_has_no_actor(city):
    event = record_event(city, "test.system", by=None)

    assert (event.actor, event.actor_label) == (None, "system")


def test_event_time_follows_the_clock(city):
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    with clock.travel_to(moment):
        event = record_event(city, "test.clock", by=None)

    assert event.at == moment


# Append-only


@pytest.fixture
def event(city, manager):
    return record_event(city, "test.original", by=manager, data={"v": 1})


def test_an_existing_event_cannot_be_saved_again(event):
    event.action = "test.forged"

    with pytest.raises(PermissionError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "test.original"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_queryset_of_events_cannot_be_updated(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="test.forged")

    assert AuditEvent.objects.get(pk=event.pk).action == "test.original"


def test_a_queryset_of_events_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_bulk_updated(event):
    event.action = "test.forged"

    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])

    assert AuditEvent.objects.get(pk=event.pk).action == "test.original"


def test_the_actor_of_an_event_cannot_be_deleted(event, manager):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        manager.delete()

    assert AuditEvent.objects.filter(pk=event.pk, actor=manager).exists()


# Verification


def test_an_intact_chain_verifies(city, manager):
    _record_three(city, manager)

    assert verify_stream(f"city:{city.pk}") is None


def test_an_unknown_stream_verifies_as_empty():
    assert verify_stream("nothing:here") is None


def test_data_changed_with_raw_sql_is_found_at_its_seq(city, manager):
    _record_three(city, manager)  # given
    name = f"city:{city.pk}"

    _raw(  # when: someone edits the database behind the ORM
        "UPDATE core_auditevent SET data = %s WHERE stream = %s AND seq = %s",
        [json.dumps({"step": 99}), name, 2],
    )

    assert verify_stream(name) == BrokenLink(name, 2, "content does not match its hash")  # then


def test_a_row_deleted_with_raw_sql_is_found_at_its_seq(city, manager):
    _record_three(city, manager)
    name = f"city:{city.pk}"

    _raw("DELETE FROM core_auditevent WHERE stream = %s AND seq = %s", [name, 2])

    assert verify_stream(name) == BrokenLink(name, 2, "missing event")


def test_the_last_row_deleted_with_raw_sql_is_found_through_the_stream_head(city, manager):
    _record_three(city, manager)
    name = f"city:{city.pk}"

    _raw("DELETE FROM core_auditevent WHERE stream = %s AND seq = %s", [name, 3])

    assert verify_stream(name) == BrokenLink(name, 3, "events missing at the end of the stream")


def test_a_rehashed_forgery_breaks_the_link_of_the_next_event(city, manager):
    _record_three(city, manager)
    name = f"city:{city.pk}"

    _raw(
        "UPDATE core_auditevent SET hash = %s WHERE stream = %s AND seq = %s",
        ["0" * 64, name, 1],
    )

    broken = verify_stream(name)
    assert broken is not None and broken.seq == 1


def test_verify_audit_command_says_ok_when_every_chain_holds(city, other_city, manager, capsys):
    _record_three(city, manager)
    record_event(other_city, "test.x", by=manager)

    call_command("verify_audit")

    assert "OK: 2 audit streams verified" in capsys.readouterr().out


def test_verify_audit_command_fails_naming_stream_and_seq(city, other_city, manager):
    _record_three(city, manager)
    record_event(other_city, "test.x", by=manager)
    name = f"city:{city.pk}"
    _raw(
        "UPDATE core_auditevent SET data = %s WHERE stream = %s AND seq = %s",
        [json.dumps({"step": "forged"}), name, 3],
    )

    with pytest.raises(CommandError) as caught:
        call_command("verify_audit")

    message = str(caught.value)
    assert f"stream={name}" in message
    assert "seq=3" in message
    assert "1 of 2" in message
