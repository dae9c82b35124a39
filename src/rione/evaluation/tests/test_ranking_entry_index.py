"""A ranking page reads 50 entries of one ranking by id: an index serves exactly that."""

import pytest
from django.db import connection

from rione.evaluation.models import RankingEntry

pytestmark = pytest.mark.django_db


def test_entries_are_indexed_by_ranking_then_id():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, RankingEntry._meta.db_table)
    indexes = [c["columns"] for c in constraints.values() if c["index"] and not c["unique"]]
    assert ["ranking_id", "id"] in indexes
