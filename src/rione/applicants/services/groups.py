"""Informal groups: citizens without a legal entity, with named members and a contact person."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rione.applicants.models import GroupMember, InformalGroup
from rione.applicants.validators import normalise_code
from rione.core.audit import record_event, snapshot
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.records import update_record

MEMBER_FIELDS = frozenset({"first_name", "last_name", "codice_fiscale"})
GROUP_FIELDS = frozenset({"name"})


def default_min_members() -> int:
    return int(settings.INFORMAL_GROUP_MIN_MEMBERS)


def _too_few(minimum: int) -> ValidationError:
    return ValidationError(
        ngettext(
            "Un gruppo informale deve avere almeno %(n)d componente con nome e codice fiscale.",
            "Un gruppo informale deve avere almeno %(n)d componenti con nome e codice fiscale.",
            minimum,
        )
        % {"n": minimum},
        code="too_few_members",
    )


def _duplicate(code: str) -> ValidationError:
    return ValidationError(
        {
            "codice_fiscale": _("Il codice fiscale %(cf)s è già di un altro componente del gruppo.")
            % {"cf": code}
        }
    )


def _member(group: InformalGroup, values: Mapping[str, Any]) -> GroupMember:
    unknown = set(values) - MEMBER_FIELDS
    if unknown:
        raise ValueError(f"Fields not editable here: {sorted(unknown)}")
    clean = dict(values)
    clean["codice_fiscale"] = normalise_code(str(clean.get("codice_fiscale", "")))
    member = GroupMember(group=group, **clean)
    member.full_clean(exclude=["group"], validate_unique=False)
    return member


@transaction.atomic
def create_group(
    *,
    by: User,
    name: str,
    members: Sequence[Mapping[str, Any]],
    min_members: int | None = None,
) -> InformalGroup:
    """Create an informal group with ``by`` as contact person and its named members.

    Requires `applicants.create_group`. Raises ValidationError when there are fewer than
    ``min_members`` members (default: the INFORMAL_GROUP_MIN_MEMBERS setting), when a
    codice fiscale is wrong or appears twice.
    """
    ensure_perm(by, "applicants.create_group")
    minimum = default_min_members() if min_members is None else min_members
    group = InformalGroup(name=name.strip(), contact=by)
    group.full_clean(exclude=["contact"])
    rows = [_member(group, values) for values in members]
    seen: set[str] = set()
    for row in rows:
        if row.codice_fiscale in seen:
            raise _duplicate(row.codice_fiscale)
        seen.add(row.codice_fiscale)
    if len(rows) < minimum:
        raise _too_few(minimum)
    group.save()
    for row in rows:
        row.group = group
    GroupMember.objects.bulk_create(rows)
    record_event(
        group,
        "informal_group.created",
        by=by,
        data={
            "after": snapshot(group),
            "members": [snapshot(row, MEMBER_FIELDS) for row in rows],
        },
    )
    return group


def update_group(
    *,
    group: InformalGroup,
    by: User,
    values: Mapping[str, Any],
    expected_updated_at: datetime | None = None,
) -> InformalGroup:
    """Rename the group. Requires `applicants.change_group` (its contact person)."""
    return update_record(
        group,
        by=by,
        perm="applicants.change_group",
        values=values,
        editable=GROUP_FIELDS,
        expected_updated_at=expected_updated_at,
    )


@transaction.atomic
def add_group_member(*, group: InformalGroup, by: User, values: Mapping[str, Any]) -> GroupMember:
    """Add a named member. Requires `applicants.change_group`; a codice fiscale appears once."""
    group = InformalGroup.objects.select_for_update().get(pk=group.pk)
    ensure_perm(by, "applicants.change_group", group)
    member = _member(group, values)
    if group.members.filter(codice_fiscale=member.codice_fiscale).exists():
        raise _duplicate(member.codice_fiscale)
    member.save()
    record_event(
        member,
        "group_member.added",
        by=by,
        data={"after": snapshot(member, MEMBER_FIELDS)},
    )
    return member


@transaction.atomic
def remove_group_member(*, member: GroupMember, by: User, min_members: int | None = None) -> None:
    """Remove a named member, never below ``min_members``. Requires `applicants.change_group`.

    Locks the group row, so two removals cannot both pass the minimum check.
    """
    group = InformalGroup.objects.select_for_update().get(pk=member.group_id)
    ensure_perm(by, "applicants.change_group", group)
    minimum = default_min_members() if min_members is None else min_members
    if group.members.count() - 1 < minimum:
        raise _too_few(minimum)
    record_event(
        member,
        "group_member.removed",
        by=by,
        data={"before": snapshot(member, MEMBER_FIELDS)},
    )
    member.delete()
