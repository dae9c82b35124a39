import pytest

from rione.core import clock
from rione.programmes.tests.factories import CallFactory, ProgrammeFactory

# A Monday morning in Rome; every test here runs as if the clock showed it.
NOW = clock.rome(2026, 3, 2, 10, 0)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def now():
    with clock.travel_to(NOW):
        yield NOW


@pytest.fixture
def programme(city):
    return ProgrammeFactory(city=city)


@pytest.fixture
def draft_call(programme):
    """A draft that opened ten days ago and closes in twenty: ready to publish."""
    return CallFactory(programme=programme)


@pytest.fixture
def open_call(programme):
    return CallFactory(programme=programme, open=True)


@pytest.fixture
def closed_call(programme):
    return CallFactory(programme=programme, closed=True)


@pytest.fixture
def scheduled_call(programme):
    return CallFactory(programme=programme, upcoming=True)
