import pytest

from rione.core.models import Role
from rione.core.tests.factories import StaffRoleFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def other_city_admin(other_city):
    return StaffRoleFactory(city=other_city, role=Role.CITY_ADMIN).user
