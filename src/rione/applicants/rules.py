"""Who may do what to a profile, an organisation or an informal group."""

from typing import Any

import rules

from rione.applicants.models import (
    MANAGING_ROLES,
    InformalGroup,
    Organisation,
    OrganisationMembership,
)
from rione.core.models import User
from rione.core.permissions import AnyUser


def _role_in(user: AnyUser, organisation: Any) -> str | None:
    if not user.is_authenticated or not isinstance(organisation, Organisation):
        return None
    role = (
        OrganisationMembership.objects.filter(organisation=organisation, user=user)
        .values_list("role", flat=True)
        .first()
    )
    return str(role) if role is not None else None


@rules.predicate
def is_signed_in(user: AnyUser) -> bool:
    return bool(user.is_authenticated)


@rules.predicate
def is_self(user: AnyUser, other: Any = None) -> bool:
    """``other`` is the user's own account, or a record of theirs (e.g. their Person profile)."""
    if not user.is_authenticated or other is None:
        return False
    owner_id = other.pk if isinstance(other, User) else getattr(other, "user_id", None)
    return bool(owner_id == user.pk)


@rules.predicate
def is_organisation_member(user: AnyUser, organisation: Any = None) -> bool:
    return _role_in(user, organisation) is not None


@rules.predicate
def is_organisation_manager(user: AnyUser, organisation: Any = None) -> bool:
    return _role_in(user, organisation) in MANAGING_ROLES


@rules.predicate
def is_group_contact(user: AnyUser, group: Any = None) -> bool:
    return bool(
        user.is_authenticated and isinstance(group, InformalGroup) and group.contact_id == user.pk
    )


rules.add_perm("applicants.change_profile", is_self)
rules.add_perm("applicants.create_organisation", is_signed_in)
rules.add_perm("applicants.view_organisation", is_organisation_member)
rules.add_perm("applicants.change_organisation", is_organisation_manager)
rules.add_perm("applicants.manage_members", is_organisation_manager)
rules.add_perm("applicants.create_group", is_signed_in)
rules.add_perm("applicants.view_group", is_group_contact)
rules.add_perm("applicants.change_group", is_group_contact)
