"""Django's database cache, writing each entry with one statement.

Django's ``DatabaseCache`` counts the whole table before every write (to cull it) and then
reads, writes and commits: five statements per ``set``. allauth's login limits write the
cache eight times per login, so a login cost 72 queries, 60 of them the cache's
(docs/performance.md, deadline rush). Here ``set`` and ``add`` are one upsert each
(``INSERT … ON CONFLICT``, on PostgreSQL and SQLite alike) and one write in ``CULL_EVERY``
counts the table and culls it past ``MAX_ENTRIES``, with Django's own ``_cull``. Reads,
deletes and the table are Django's.
"""

from __future__ import annotations

import base64
import pickle
import random
from datetime import UTC, datetime
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now

CULL_EVERY = 100  # on average; the table may exceed MAX_ENTRIES briefly between culls


class DatabaseCache(DjangoDatabaseCache):
    def _base_set(
        self, mode: str, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT
    ) -> bool:
        if mode == "touch":
            return bool(super()._base_set(mode, key, value, timeout))  # type: ignore[misc]
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        now = tz_now().replace(microsecond=0)
        backend_timeout = self.get_backend_timeout(timeout)
        expires = (
            datetime.max
            if backend_timeout is None
            else datetime.fromtimestamp(backend_timeout, tz=UTC)
        ).replace(microsecond=0)
        pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        # ``add`` overwrites only an expired entry; a live one makes it a no-op (0 rows).
        only_expired = f" WHERE {table}.expires < %s" if mode == "add" else ""
        with connection.cursor() as cursor:
            if random.randrange(CULL_EVERY) == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (quoted setting)
                if (count := cursor.fetchone()[0]) > self._max_entries:
                    self._cull(db, cursor, now, count)  # type: ignore[attr-defined]
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "  # noqa: S608 (quoted setting)
                "ON CONFLICT (cache_key) DO UPDATE "
                f"SET value = EXCLUDED.value, expires = EXCLUDED.expires{only_expired}",
                [
                    key,
                    pickled,
                    connection.ops.adapt_datetimefield_value(expires),
                    *([connection.ops.adapt_datetimefield_value(now)] if only_expired else []),
                ],
            )
            return bool(cursor.rowcount)
