"""Passwords are hashed with Argon2id at OWASP's parameters; older PBKDF2 hashes still work
and are rehashed at the next login."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from django.test import Client

from rione.config import settings as project_settings
from rione.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_hashers(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_a_new_password_is_hashed_with_argon2id_at_owasp_parameters():
    encoded = make_password("una-password-lunga-2026")

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(encoded).verify("una-password-lunga-2026", encoded)
    assert not identify_hasher(encoded).verify("un'altra", encoded)


def test_a_pbkdf2_hash_still_logs_in_and_is_rehashed(settings):
    user = UserFactory(email="anna@example.org")
    old = PBKDF2PasswordHasher()
    user.password = old.encode("una-password-lunga-2026", old.salt())
    user.save(update_fields=["password"])

    response = Client().post(
        "/account/login/", {"login": "anna@example.org", "password": "una-password-lunga-2026"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def test_a_wrong_password_leaves_the_old_hash_alone():
    user = UserFactory(email="bruno@example.org")
    old = PBKDF2PasswordHasher()
    user.password = old.encode("una-password-lunga-2026", old.salt())
    user.save(update_fields=["password"])

    response = Client().post("/account/login/", {"login": "bruno@example.org", "password": "no"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
