"""Role look-ups and the predicates every app's ``rules.py`` builds on.

A user's roles are read once per request (cached on the user object), so that
permission checks in lists never add queries per row.
"""

from collections.abc import Iterable
from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models

from rione.core.models import Role, StaffRole, User

ANY_STAFF = frozenset(Role.values)
MANAGERS = frozenset({Role.CITY_ADMIN, Role.PROGRAMME_MANAGER})
ROLE_CACHE_ATTR = "_rione_roles"

AnyUser = User | AnonymousUser


def roles_by_city(user: AnyUser) -> dict[int, frozenset[str]]:
    """{city_id: roles} for ``user``; empty for anonymous users."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, ROLE_CACHE_ATTR, None)
    if cached is None:
        found: dict[int, set[str]] = {}
        for city_id, role in StaffRole.objects.filter(user=user).values_list("city_id", "role"):
            found.setdefault(city_id, set()).add(role)
        cached = {city_id: frozenset(roles) for city_id, roles in found.items()}
        setattr(user, ROLE_CACHE_ATTR, cached)
    return cached


def forget_roles(user: AnyUser) -> None:
    if hasattr(user, ROLE_CACHE_ATTR):
        delattr(user, ROLE_CACHE_ATTR)


def city_ids_with_role(user: AnyUser, roles: Iterable[str] = ANY_STAFF) -> set[int]:
    wanted = set(roles)
    return {city_id for city_id, held in roles_by_city(user).items() if held & wanted}


def owning_city_id(obj: Any) -> int | None:
    """The id of the city an object belongs to (every city-scoped model exposes it)."""
    if obj is None:
        return None
    value = getattr(obj, "owning_city_id", None)
    return int(value) if value is not None else None


def has_city_role(*roles: str) -> rules.Predicate:
    """Predicate: the user holds one of ``roles`` in the city that owns the object."""
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_city_role({','.join(sorted(wanted))})")
    def predicate(user: AnyUser, obj: Any = None) -> bool:
        city_id = owning_city_id(obj)
        if city_id is None:
            return False
        return bool(roles_by_city(user).get(city_id, frozenset()) & wanted)

    return predicate


is_city_admin = has_city_role(Role.CITY_ADMIN)
is_manager = has_city_role(*MANAGERS)
is_city_staff = has_city_role(*ANY_STAFF)


@rules.predicate
def is_any_staff(user: AnyUser) -> bool:
    return bool(roles_by_city(user))


def ensure_perm(user: AnyUser | None, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``user`` has ``perm`` on ``obj``. Services call this first."""
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def access(user: AnyUser, queryset: models.QuerySet[Any], *, perm: str, **lookup: Any) -> Any:
    """Fetch one object and check ``perm`` on it; 404 whether it is missing or forbidden."""
    from django.http import Http404

    # Unordered: the lookup names one object, and an ordering would cost a join or a sort.
    obj = next(iter(queryset.filter(**lookup).order_by()[:1]), None)
    if obj is None or not user.has_perm(perm, obj):
        raise Http404
    return obj
