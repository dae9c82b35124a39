"""The demo loaded once per test module: loading it takes seconds, and most tests only read it.

The data is committed before the module's tests start (each test then runs in its own
transaction, rolled back) and flushed at the end, as ``tests/browser/conftest.py`` does.
Files go to a temporary folder; the e-mails sent while loading are kept for the tests.
"""

import io
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """The demo's accounts are hashed with it (see ``loaded_demo``): logging in needs it too."""
    settings.PASSWORD_HASHERS = FAST_HASHER


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[list]:
    """Load the demo (committed) for the module; yields the e-mails sent while loading."""
    root = tmp_path_factory.mktemp("demo-files")
    with django_db_blocker.unblock():
        try:
            with override_settings(
                PASSWORD_HASHERS=FAST_HASHER,
                MEDIA_ROOT=root / "media",
                PRIVATE_MEDIA_ROOT=root / "private",
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ):
                mail.outbox = []
                call_command("load_demo", stdout=io.StringIO())
                sent = list(mail.outbox)
            yield sent
        finally:
            call_command("flush", interactive=False, verbosity=0, stdout=io.StringIO())
