"""The database options the settings derive from the environment (decisions 0016 and the
JIT note in docs/performance.md), read from a fresh interpreter as a server would."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

PG = "postgres://postgres@127.0.0.1:5432/rione"


def options(**env: str) -> dict:
    code = (
        "import json; from rione.config import settings as s; "
        "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARED_STATEMENTS"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_postgresql_binds_in_the_server_and_prepares_repeated_statements():
    found = options(DATABASE_URL=PG)

    assert found["server_side_binding"] is True
    assert found["prepare_threshold"] == 5
    assert found["options"] == "-c jit=off"


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    found = options(DATABASE_URL=PG, DATABASE_PREPARED_STATEMENTS="0")

    assert "server_side_binding" not in found and "prepare_threshold" not in found


def test_sqlite_gets_none_of_them():
    found = options(DATABASE_URL="sqlite:///var/x.sqlite3")

    assert "server_side_binding" not in found and "journal_mode=WAL" in found["init_command"]


@pytest.mark.django_db
@pytest.mark.skipif(
    not connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold"),
    reason="PostgreSQL with prepared statements on (the default there)",
)
def test_a_statement_run_five_times_is_prepared_on_the_connection():
    from rione.territory.models import City

    for _ in range(6):
        list(City.objects.filter(slug="napoli"))

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1
