import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rione.core.models import Role, StaffRole
from rione.core.permissions import (
    access,
    city_ids_with_role,
    ensure_perm,
    forget_roles,
    has_city_role,
    is_manager,
    roles_by_city,
)
from rione.core.tests.factories import StaffRoleFactory, UserFactory
from rione.territory.models import City
from rione.territory.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def test_roles_by_city_groups_the_roles_of_a_user(city, other_city, manager):
    StaffRoleFactory(user=manager, city=city, role=Role.EVALUATOR)
    StaffRoleFactory(user=manager, city=other_city, role=Role.CITY_ADMIN)

    assert roles_by_city(manager) == {
        city.pk: frozenset({Role.PROGRAMME_MANAGER, Role.EVALUATOR}),
        other_city.pk: frozenset({Role.CITY_ADMIN}),
    }
    assert city_ids_with_role(manager, [Role.CITY_ADMIN]) == {other_city.pk}


def test_anonymous_and_citizens_have_no_roles(citizen):
    assert roles_by_city(AnonymousUser()) == {}
    assert roles_by_city(citizen) == {}


def test_roles_are_read_once_per_user_object(city, manager, django_assert_num_queries):
    district = DistrictFactory(city=city)
    assert manager.has_perm("territory.manage_sites", city)  # given: the first check loads roles

    with django_assert_num_queries(0):  # when / then
        assert manager.has_perm("territory.manage_sites", district)
        assert not manager.has_perm("territory.manage_areas", district)


def test_the_first_check_reads_the_roles(city, manager, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert manager.has_perm("territory.manage_sites", city)


def test_forget_roles_reloads_after_a_grant(city, citizen):
    assert not citizen.has_perm("territory.manage_sites", city)
    StaffRole.objects.create(user=citizen, city=city, role=Role.PROGRAMME_MANAGER)
    assert not citizen.has_perm("territory.manage_sites", city)  # still cached

    forget_roles(citizen)

    assert citizen.has_perm("territory.manage_sites", city)


def test_a_superuser_passes_every_check_in_every_city(city, other_city):
    root = UserFactory(is_superuser=True, is_staff=True)

    assert root.has_perm("programmes.publish_call", city)
    assert root.has_perm("territory.manage_areas", other_city)
    assert root.has_perm("territory.create_city")


def test_an_inactive_superuser_passes_nothing(city):
    root = UserFactory(is_superuser=True, is_active=False)

    assert not root.has_perm("programmes.publish_call", city)


def test_has_city_role_respects_the_city(city, other_city, manager, other_manager):
    assert is_manager(manager, city)
    assert not is_manager(manager, other_city)
    assert is_manager(other_manager, other_city)
    assert not is_manager(other_manager, city)


def test_has_city_role_respects_the_role(city, evaluator, city_admin):
    only_admins = has_city_role(Role.CITY_ADMIN)

    assert only_admins(city_admin, city)
    assert not only_admins(evaluator, city)
    assert is_manager(city_admin, city)  # city admins also manage programmes


def test_has_city_role_is_false_for_objects_without_a_city(manager):
    assert not is_manager(manager, None)
    assert not is_manager(manager, object())


def test_ensure_perm_raises_for_no_user_and_for_the_wrong_role(city, evaluator, manager):
    with pytest.raises(PermissionDenied):
        ensure_perm(None, "territory.manage_sites", city)
    with pytest.raises(PermissionDenied):
        ensure_perm(evaluator, "territory.manage_sites", city)
    ensure_perm(manager, "territory.manage_sites", city)


def test_access_hides_forbidden_and_missing_objects_alike(city, other_city, manager):
    assert access(manager, City.objects.all(), perm="territory.manage_sites", pk=city.pk) == city

    with pytest.raises(Http404):
        access(manager, City.objects.all(), perm="territory.manage_sites", pk=other_city.pk)
    with pytest.raises(Http404):
        access(manager, City.objects.all(), perm="territory.manage_sites", pk=-1)
