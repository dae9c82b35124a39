"""Fixtures shared by every test: people with roles in two cities, and clients logged in as them."""

import pytest
from django.test import Client, override_settings
from django.utils import translation

from rione.core.models import Role
from rione.core.tests.factories import StaffRoleFactory, UserFactory
from rione.territory.tests.factories import CityFactory


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """The production hasher takes a good part of a second per user; tests do not check it."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _italian_by_default():
    """Each test starts in Italian, whatever an earlier test in this process activated."""
    with translation.override("it"):
        yield


@pytest.fixture(autouse=True)
def _test_storages(settings, tmp_path):
    """Uploaded files go to a temporary folder; static files need no manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def city(db):
    return CityFactory(name="Napoli", slug="napoli")


@pytest.fixture
def other_city(db):
    return CityFactory(name="Milano", slug="milano")


def _staff(city, role):
    return StaffRoleFactory(city=city, role=role).user


@pytest.fixture
def city_admin(city):
    return _staff(city, Role.CITY_ADMIN)


@pytest.fixture
def manager(city):
    return _staff(city, Role.PROGRAMME_MANAGER)


@pytest.fixture
def evaluator(city):
    return _staff(city, Role.EVALUATOR)


@pytest.fixture
def other_manager(other_city):
    return _staff(other_city, Role.PROGRAMME_MANAGER)


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture
def client_for():
    """client_for(user) -> a test client logged in as ``user``."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
