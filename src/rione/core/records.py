"""Create, update and delete a record the same way everywhere: lock, check, validate, save, audit.

App services wrap these with their own domain rules; views never call them directly.
"""

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from rione.core.audit import changes, record_event, snapshot
from rione.core.errors import DomainError
from rione.core.models import User
from rione.core.permissions import ensure_perm, owning_city_id

M = TypeVar("M", bound=models.Model)


class ConcurrentEdit(DomainError):
    code = "concurrent_edit"
    message = _(
        "Qualcun altro ha modificato questi dati mentre li stavi modificando. "
        "Ricarica la pagina per vedere la versione attuale; le tue modifiche non sono state salvate."
    )


def _event_name(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.model_name}.{verb}"


def _check_editable(
    editable: Collection[str] | None,
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None,
) -> None:
    if editable is None:
        return
    unknown = (set(values) | set(m2m or {})) - set(editable)
    if unknown:
        raise ValueError(f"Fields not editable here: {sorted(unknown)}")


def _set_many(obj: models.Model, m2m: Mapping[str, Iterable[Any]] | None) -> dict[str, list[Any]]:
    written: dict[str, list[Any]] = {}
    for name, values in (m2m or {}).items():
        items = list(values)
        getattr(obj, name).set(items)
        written[name] = sorted(getattr(item, "pk", item) for item in items)
    return written


@transaction.atomic
def create_record(
    model: type[M],
    *,
    by: User,
    perm: str,
    perm_obj: Any,
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    audit_data: Mapping[str, Any] | None = None,
    editable: Collection[str] | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> M:
    """Create ``model`` from ``values`` (limited to ``editable``) plus ``fixed`` values set by the service."""
    ensure_perm(by, perm, perm_obj)
    _check_editable(editable, values, m2m)
    values = {**values, **(fixed or {})}
    obj = model(**values)
    obj.full_clean()
    obj.save()
    after = snapshot(obj) | _set_many(obj, m2m)
    record_event(
        obj, _event_name(obj, "created"), by=by, data={"after": after, **(audit_data or {})}
    )
    return obj


@transaction.atomic
def update_record(
    obj: M,
    *,
    by: User,
    perm: str,
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    expected_updated_at: datetime | None = None,
    editable: Collection[str] | None = None,
) -> M:
    """Apply ``values``; refuse with ConcurrentEdit when the row changed since ``expected_updated_at``."""
    _check_editable(editable, values, m2m)
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    ensure_perm(by, perm, locked)
    current = getattr(locked, "updated_at", None)
    if expected_updated_at is not None and current is not None and current != expected_updated_at:
        raise ConcurrentEdit()
    before = snapshot(locked)
    before_m2m = {
        name: sorted(getattr(locked, name).values_list("pk", flat=True)) for name in (m2m or {})
    }
    city_before = owning_city_id(locked)
    for name, value in values.items():
        setattr(locked, name, value)
    if owning_city_id(locked) != city_before:
        # Moving a record to another city needs the same permission there.
        ensure_perm(by, perm, locked)
    locked.full_clean()
    locked.save()
    after_m2m = _set_many(locked, m2m)
    diff = changes(before | before_m2m, snapshot(locked) | after_m2m)
    if diff:
        record_event(locked, _event_name(locked, "updated"), by=by, data={"changes": diff})
    return locked


@transaction.atomic
def delete_record(obj: models.Model, *, by: User, perm: str) -> None:
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    ensure_perm(by, perm, locked)
    before = snapshot(locked)
    record_event(locked, _event_name(locked, "deleted"), by=by, data={"before": before})
    locked.delete()
