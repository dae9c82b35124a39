"""The database cache that writes each entry with one statement (rione.core.cache)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rione.core import cache as cache_module
from rione.core.cache import DatabaseCache

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def cache() -> Iterator[DatabaseCache]:
    backend = caches["default"]
    assert isinstance(backend, DatabaseCache)
    backend.clear()
    yield backend
    backend.clear()


def test_set_then_get_and_overwrite(cache: DatabaseCache) -> None:
    cache.set("k", {"a": [1, 2]}, 60)
    assert cache.get("k") == {"a": [1, 2]}
    cache.set("k", "second", 60)
    assert cache.get("k") == "second"


def test_a_write_is_one_statement(cache: DatabaseCache) -> None:
    no_cull = mock.patch.object(cache_module.random, "randrange", return_value=1)
    with no_cull, CaptureQueriesContext(connection) as queries:
        cache.set("k", 1, 60)
        cache.add("other", 2, 60)
    assert len(queries) == 2
    assert all(q["sql"].startswith("INSERT INTO") for q in queries.captured_queries)


def test_add_keeps_a_live_entry(cache: DatabaseCache) -> None:
    assert cache.add("lock", "first", 60) is True
    assert cache.add("lock", "second", 60) is False
    assert cache.get("lock") == "first"


def test_add_replaces_an_expired_entry(cache: DatabaseCache) -> None:
    with mock.patch.object(time, "time", return_value=time.time() - 3600):  # an hour ago
        cache.set("stale", "old", 60)
    assert cache.get("stale") is None
    assert cache.add("stale", "new", 60) is True
    assert cache.get("stale") == "new"


def test_no_timeout_never_expires_and_touch_still_works(cache: DatabaseCache) -> None:
    cache.set("forever", "v", None)
    assert cache.get("forever") == "v"
    assert cache.touch("forever", 60) is True
    assert cache.touch("missing", 60) is False
    cache.delete("forever")
    assert cache.get("forever") is None


def test_a_write_sometimes_culls_past_max_entries(cache: DatabaseCache) -> None:
    with mock.patch.object(cache_module.random, "randrange", return_value=1):
        for n in range(5):
            cache.set(f"k{n}", n, 60)
    with (
        mock.patch.object(cache, "_max_entries", 3),
        mock.patch.object(cache_module.random, "randrange", return_value=0),
    ):
        cache.set("last", "v", 60)
    kept = [k for k in [f"k{n}" for n in range(5)] if cache.get(k) is not None]
    assert len(kept) < 5  # culled: Django's _cull drops a fraction of the entries
    assert cache.get("last") == "v"


def test_expired_entries_go_at_a_cull(cache: DatabaseCache) -> None:
    with mock.patch.object(time, "time", return_value=time.time() - 3600):
        cache.set("old", 1, 60)
    with (
        mock.patch.object(cache, "_max_entries", 0),
        mock.patch.object(cache_module.random, "randrange", return_value=0),
    ):
        cache.set("new", 2, 60)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {cache._table}")  # noqa: S608
        keys = {row[0] for row in cursor.fetchall()}
    assert not any(k.endswith(":old") for k in keys)


PASSWORD = "Quartieri-2026-sicura"


@pytest.fixture
def account(db: None) -> str:
    from allauth.account.models import EmailAddress

    from rione.core.tests.factories import UserFactory

    user = UserFactory(email="ritardataria@example.org")
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return str(user.email)


def test_login_limits_work_on_this_cache(client, cache: DatabaseCache, account: str) -> None:
    from django.urls import reverse

    for _attempt in range(5):
        wrong = client.post(reverse("account_login"), {"login": account, "password": "no"})
        assert wrong.status_code == 200
    refused = client.post(reverse("account_login"), {"login": account, "password": PASSWORD})
    assert refused.status_code in {200, 429}
    assert "_auth_user_id" not in client.session
    cache.clear()
    allowed = client.post(reverse("account_login"), {"login": account, "password": PASSWORD})
    assert allowed.status_code == 302


def test_a_login_no_longer_spends_most_of_its_queries_on_the_cache(
    client, cache: DatabaseCache, account: str
) -> None:
    from django.urls import reverse

    no_cull = mock.patch.object(cache_module.random, "randrange", return_value=1)
    with no_cull, CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("account_login"), {"login": account, "password": PASSWORD})
    assert response.status_code == 302
    cache_queries = [q for q in queries.captured_queries if cache._table in q["sql"]]
    assert len(cache_queries) <= 20  # five limits × (lock, read, write, unlock); was 60
    assert len(queries) <= 35  # was 72 with Django's DatabaseCache
