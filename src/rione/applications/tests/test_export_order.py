"""The staff export's rows come by submission time, a chunk per query (docs/performance.md).

Protocol numbers are counted per call, so only the submission time orders proposals of
several calls; a proposal submitted again moves to the time of its new version.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rione.applications import selectors, services
from rione.applications.exports import proposal_rows
from rione.applications.models import Proposal
from rione.applications.tests.factories import ProposalFactory, complete_proposal
from rione.applications.tests.helpers import NOW, call_in
from rione.core import clock

pytestmark = pytest.mark.django_db

CHUNK_SIZES = [1, 2, 3, 2000]


@pytest.fixture(autouse=True)
def now():
    with clock.travel_to(NOW):
        yield NOW


@pytest.fixture
def call(city):
    return call_in(city)


def hours_ago(hours: float):
    return NOW - timedelta(hours=hours)


def submit(proposal: Proposal, *, title: str, at):
    proposal.title = title
    proposal.save(update_fields=["title"])
    return services.submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True, at=at
    )


def submitted(call, *, title: str, at, **kwargs) -> Proposal:
    proposal = complete_proposal(ProposalFactory(call=call, **kwargs))
    submit(proposal, title=title, at=at)
    proposal.refresh_from_db()
    return proposal


def submit_again(proposal: Proposal, *, title: str, at):
    services.reopen_proposal(proposal=proposal, by=proposal.created_by, at=at)
    proposal.refresh_from_db()
    return submit(proposal, title=title, at=at)


def titles(proposals, **kwargs) -> list[str]:
    return [row[2] for row in proposal_rows(proposals, **kwargs)]


@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
def test_rows_come_by_submission_time_and_a_new_version_comes_after(call, chunk_size):
    a = submitted(call, title="A", at=hours_ago(5))
    submitted(call, title="B", at=hours_ago(4))

    assert titles(Proposal.objects.all(), chunk_size=chunk_size) == ["A", "B"]

    receipt = submit_again(a, title="A, seconda versione", at=hours_ago(3))

    rows = list(proposal_rows(Proposal.objects.all(), chunk_size=chunk_size))
    assert [row[2] for row in rows] == ["B", "A, seconda versione"]
    assert (rows[1][0], rows[1][1]) == (receipt.protocol_number, hours_ago(3))


@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
def test_calls_mix_by_time_not_by_protocol_number(city, chunk_size):
    first, second = call_in(city), call_in(city)
    submitted(first, title="primo avviso, n. 1", at=hours_ago(6))
    submitted(second, title="secondo avviso, n. 1", at=hours_ago(5))
    submitted(first, title="primo avviso, n. 2", at=hours_ago(4))
    withdrawn = submitted(second, title="secondo avviso, ritirata", at=hours_ago(3))
    services.withdraw_proposal(
        proposal=withdrawn, by=withdrawn.created_by, reason="Rinuncia", at=hours_ago(1)
    )
    ProposalFactory(call=first)  # a draft: no row

    rows = list(proposal_rows(Proposal.objects.all(), chunk_size=chunk_size))

    assert [(row[0], row[2]) for row in rows] == [
        (1, "primo avviso, n. 1"),
        (1, "secondo avviso, n. 1"),
        (2, "primo avviso, n. 2"),
        (2, "secondo avviso, ritirata"),
    ]
    assert rows[-1][1] == hours_ago(3) and rows[-1][6] == "Ritirata"
    in_second = selectors.submitted_versions(call=second, filters={"status": "submitted"})
    assert titles(in_second, chunk_size=chunk_size) == ["secondo avviso, n. 1"]


@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
def test_proposals_submitted_at_the_same_time_come_by_id_across_chunks(call, chunk_size):
    same = [submitted(call, title=f"insieme {i}", at=hours_ago(2)) for i in range(3)]
    submitted(call, title="prima", at=hours_ago(3))
    submitted(call, title="dopo", at=hours_ago(1))

    expected = ["prima", *(p.title for p in sorted(same, key=lambda p: p.pk)), "dopo"]
    assert titles(Proposal.objects.all(), chunk_size=chunk_size) == expected


def test_one_query_per_chunk(call):
    for i in range(5):
        submitted(call, title=f"P{i}", at=hours_ago(6 - i))

    with CaptureQueriesContext(connection) as two_at_a_time:
        assert len(list(proposal_rows(Proposal.objects.all(), chunk_size=2))) == 5
    with CaptureQueriesContext(connection) as all_at_once:
        assert len(list(proposal_rows(Proposal.objects.all(), chunk_size=5))) == 5

    assert len(two_at_a_time) == 3  # 2 + 2 + 1 rows
    assert len(all_at_once) == 2  # 5 rows, then an empty chunk ends the file


def test_a_proposal_submitted_again_while_the_file_is_read_comes_once(call):
    a = submitted(call, title="A", at=hours_ago(5))
    b = submitted(call, title="B", at=hours_ago(4))
    submitted(call, title="C", at=hours_ago(3))
    rows = proposal_rows(Proposal.objects.all(), chunk_size=1)

    assert next(rows)[2] == "A"
    submit_again(a, title="A, seconda versione", at=hours_ago(2))  # already read
    submit_again(b, title="B, seconda versione", at=hours_ago(1))  # not read yet
    submitted(call, title="D", at=hours_ago(0.5))  # after the file was started

    assert [row[2] for row in rows] == ["B", "C"]
    assert titles(Proposal.objects.all(), chunk_size=1) == [
        "C",
        "A, seconda versione",
        "B, seconda versione",
        "D",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plans")
def test_an_index_gives_every_chunk_in_order_without_sorting(call):
    for i in range(3):
        submitted(call, title=f"P{i}", at=hours_ago(6 - i))
    with CaptureQueriesContext(connection) as chunks:
        list(proposal_rows(Proposal.objects.all(), chunk_size=2))

    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # a sort is then the last resort
        for query in chunks.captured_queries:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plans.append("\n".join(line for (line,) in cursor.fetchall()))
        cursor.execute("SET LOCAL enable_sort = on")

    assert len(plans) == 2
    for plan in plans:
        assert "receipt_issued_at_idx" in plan and "Sort" not in plan, plan
