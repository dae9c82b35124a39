import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The accounts the givens create need no real password hashing (it costs a second each)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
