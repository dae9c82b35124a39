"""A public page of open-data records never keeps PostgreSQL busy for long: a statement that
runs past the limit is cancelled in the server and the API answers 422 with a message."""

import pytest
from django.db import connection

from rione.core.db import TooBroad, time_limited
from rione.monitoring import opendata_filters
from rione.monitoring.tests.opendata_givens import call_with_selected

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
    ),
]


def test_a_statement_past_the_limit_is_cancelled_and_the_connection_still_works():
    with pytest.raises(TooBroad), time_limited(100), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_statement_within_the_limit_runs():
    with time_limited(2000), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.01), 7")
        assert cursor.fetchone()[1] == 7


def test_the_api_answers_422_when_a_filter_asks_too_much(client, city, monkeypatch):
    call_with_selected(city, 1)
    original = opendata_filters.filtered_projects

    def slow(filters):  # a second per record
        return original(filters).extra(where=["pg_sleep(1) IS NOT NULL"])

    monkeypatch.setattr(opendata_filters, "QUERY_LIMIT_MS", 100)
    monkeypatch.setattr(opendata_filters, "filtered_projects", slow)

    response = client.get("/api/opendata/projects")

    assert response.status_code == 422
    assert response.json()["code"] == "query_too_broad"
    assert "restringila" in response.json()["message"]
    monkeypatch.setattr(opendata_filters, "QUERY_LIMIT_MS", 5000)
    assert client.get("/api/opendata/projects").json()["count"] == 1
