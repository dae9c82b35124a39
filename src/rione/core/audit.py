"""Write and verify the hash-chained audit trail.

Each event belongs to a stream (one per call, programme or city); writers lock
only the head row of their stream, so decisions on different calls never wait
on each other. The hash covers the canonical JSON of the event and the hash of
the previous event of the same stream.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from rione.core import clock
from rione.core.models import AuditEvent, AuditStream, User

PLATFORM_STREAM = "platform"


def jsonable(value: Any) -> Any:
    """Turn values into the JSON form we store and hash (amounts as strings, times in UTC)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return str(Decimal(str(value)))
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys as ids), ready for ``jsonable``."""
    names = set(fields) if fields is not None else None
    result: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if names is not None and field.name not in names:
            continue
        if field.name in {"created_at", "updated_at"}:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        result[field.name] = jsonable(value)
    return result


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Only the fields that changed, as {field: {"old": …, "new": …}}."""
    return {
        key: {"old": before.get(key), "new": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def stream_of(obj: models.Model) -> str:
    stream = getattr(obj, "audit_stream", None)
    if isinstance(stream, str) and stream:
        return stream
    city_id = city_id_of(obj)
    return f"city:{city_id}" if city_id else PLATFORM_STREAM


def city_id_of(obj: models.Model) -> int | None:
    value = getattr(obj, "owning_city_id", None)
    return int(value) if value is not None else None


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "stream": event.stream,
        "seq": event.seq,
        "at": jsonable(event.at),
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }


@transaction.atomic(savepoint=False)  # inside a service's transaction: no savepoint of its own
def record_event(
    obj: models.Model,
    action: str,
    *,
    by: User | None,
    data: dict[str, Any] | None = None,
    stream: str | None = None,
    at: datetime | None = None,
    city_visible: bool = True,
) -> AuditEvent:
    """Append one event to the chain of ``obj``'s stream. Locks that stream's head row.

    ``city_visible=False`` keeps the event out of the city's activity log: for what an
    applicant does before submitting, which the city must not see.
    """
    name = stream or stream_of(obj)
    AuditStream.objects.bulk_create([AuditStream(name=name)], ignore_conflicts=True)
    head = AuditStream.objects.select_for_update().get(name=name)
    event = AuditEvent(
        stream=name,
        seq=head.last_seq + 1,
        at=clock.resolve(at),
        actor=by,
        actor_label=str(by) if by else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        city_id=city_id_of(obj) if city_visible else None,
        data=jsonable(data or {}),
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(_hashed_fields(event))
    event.save()
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class BrokenLink:
    stream: str
    seq: int
    reason: str


def verify_stream(name: str) -> BrokenLink | None:
    """The first broken link of one stream, or None when the chain holds."""
    previous_hash = ""
    expected_seq = 1
    for event in AuditEvent.objects.filter(stream=name).order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return BrokenLink(name, expected_seq, "missing event")
        if event.prev_hash != previous_hash:
            return BrokenLink(name, event.seq, "previous hash does not match")
        if event.hash != event_hash(_hashed_fields(event)):
            return BrokenLink(name, event.seq, "content does not match its hash")
        previous_hash = event.hash
        expected_seq += 1
    head = AuditStream.objects.filter(name=name).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != previous_hash):
        return BrokenLink(name, expected_seq, "events missing at the end of the stream")
    return None


def verify_all() -> Iterator[tuple[str, BrokenLink | None]]:
    names = set(AuditStream.objects.values_list("name", flat=True))
    names |= set(AuditEvent.objects.values_list("stream", flat=True).distinct())
    for name in sorted(names):
        yield name, verify_stream(name)


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-at", "-seq")
    )
