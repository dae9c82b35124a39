"""Assertions on the audit trail shared by the service tests."""

from django.db import models

from rione.core.models import AuditEvent


def events_of(model: type[models.Model], pk: object) -> list[AuditEvent]:
    """Every audit event about one object (it may be deleted already), oldest first."""
    return list(
        AuditEvent.objects.filter(object_type=model._meta.label_lower, object_id=str(pk))
        .select_related("actor")
        .order_by("at", "seq")
    )


def only_event(obj: models.Model, action: str) -> AuditEvent:
    """The single event ``action`` about ``obj``; fails when there is none or more than one."""
    matching = [event for event in events_of(type(obj), obj.pk) if event.action == action]
    assert len(matching) == 1, f"expected one {action!r} event, found {len(matching)}"
    return matching[0]


def audit_count() -> int:
    return AuditEvent.objects.count()
