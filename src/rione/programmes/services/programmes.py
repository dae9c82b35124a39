"""Programmes and their stages."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from rione.core import clock
from rione.core.errors import DomainError
from rione.core.models import User
from rione.core.records import create_record, delete_record, update_record
from rione.programmes.models import (
    CallStatus,
    Programme,
    Stage,
)
from rione.territory.models import City

PROGRAMME_FIELDS = frozenset(
    {"title", "slug", "summary", "description", "funding_source", "total_budget"}
)
STAGE_FIELDS = frozenset({"order", "title", "description", "starts_on", "ends_on"})


def create_programme(*, city: City, by: User, values: Mapping[str, Any]) -> Programme:
    return create_record(
        Programme,
        by=by,
        perm="programmes.manage_programme",
        perm_obj=city,
        values=values,
        editable=PROGRAMME_FIELDS,
        fixed={"city": city},
    )


def update_programme(
    *,
    programme: Programme,
    by: User,
    values: Mapping[str, Any],
    expected_updated_at: datetime | None = None,
) -> Programme:
    return update_record(
        programme,
        by=by,
        perm="programmes.manage_programme",
        values=values,
        expected_updated_at=expected_updated_at,
        editable=PROGRAMME_FIELDS,
    )


def publish_programme(*, programme: Programme, by: User, at: datetime | None = None) -> Programme:
    """Show the programme on the portal."""
    moment = clock.resolve(at)
    return update_record(
        programme,
        by=by,
        perm="programmes.manage_programme",
        values={"is_published": True, "published_at": programme.published_at or moment},
    )


def unpublish_programme(*, programme: Programme, by: User) -> Programme:
    if programme.calls.exclude(status=CallStatus.DRAFT).exists():
        raise DomainError(_("Il programma ha avvisi pubblicati e non può essere nascosto."))
    return update_record(
        programme, by=by, perm="programmes.manage_programme", values={"is_published": False}
    )


def create_stage(*, programme: Programme, by: User, values: Mapping[str, Any]) -> Stage:
    next_order = (programme.stages.aggregate(m=Max("order"))["m"] or 0) + 1
    return create_record(
        Stage,
        by=by,
        perm="programmes.manage_programme",
        perm_obj=programme,
        values={"order": next_order, **values},
        editable=STAGE_FIELDS,
        fixed={"programme": programme},
    )


def update_stage(*, stage: Stage, by: User, values: Mapping[str, Any]) -> Stage:
    return update_record(
        stage, by=by, perm="programmes.manage_programme", values=values, editable=STAGE_FIELDS
    )


def delete_stage(*, stage: Stage, by: User) -> None:
    delete_record(stage, by=by, perm="programmes.manage_programme")
