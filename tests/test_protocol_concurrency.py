"""Protocol numbers and step revisions under real concurrency: many threads, one PostgreSQL.

Run with:
    createdb -h 127.0.0.1 -U postgres rione_helper_b 2>/dev/null
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rione_helper_b \
        .venv/bin/pytest -q -p no:xdist tests/test_protocol_concurrency.py
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from types import SimpleNamespace

import pytest
from django.db import close_old_connections, connection

from rione.applicants.models import MemberRole
from rione.applications import tasks
from rione.applications.models import Proposal, ProtocolCounter, Receipt
from rione.applications.services import StepConflict, save_idea_step, submit_proposal
from rione.applications.tests.factories import ProposalFactory, complete_proposal
from rione.applications.tests.helpers import call_in, member_of
from rione.core.models import User

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises every writer, so row locks are never contended "
        "(set DATABASE_URL=postgres://… to run it)",
    ),
    pytest.mark.django_db(transaction=True),
]

PROPOSALS = 200
WORKERS = 16


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def receipts_mailed(monkeypatch):
    """Record the receipts queued for e-mail instead of rendering and sending them."""
    queued: list[int] = []
    stub = SimpleNamespace(enqueue=lambda *, receipt_id: queued.append(receipt_id))
    monkeypatch.setattr(tasks, "send_receipt", stub)
    return queued


def in_own_connection(work):
    """Run ``work`` as a request would: its own database connection, closed at the end."""

    def run(*args, **kwargs):
        close_old_connections()
        try:
            return work(*args, **kwargs)
        finally:
            connection.close()

    return run


@in_own_connection
def submit(proposal_pk: int, user_pk: int, barrier: threading.Barrier | None = None) -> int:
    proposal = Proposal.objects.get(pk=proposal_pk)
    user = User.objects.get(pk=user_pk)  # a fresh user object per request: no shared caches
    if barrier is not None:
        barrier.wait(timeout=30)
    receipt = submit_proposal(
        proposal=proposal, by=user, truthfulness=True, privacy=True, expected_version=0
    )
    return receipt.pk


def complete(call):
    proposal = complete_proposal(ProposalFactory(call=call))
    return proposal.pk, proposal.created_by_id


def test_concurrent_submissions_get_gapless_unique_numbers(city, receipts_mailed):
    call = call_in(city)
    proposals = [complete(call) for _ in range(PROPOSALS)]

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        receipt_ids = list(pool.map(lambda args: submit(*args), proposals))

    receipts = Receipt.objects.filter(pk__in=receipt_ids)
    numbers = sorted(receipts.values_list("protocol_number", flat=True))
    assert numbers == list(range(1, PROPOSALS + 1))
    assert sorted(receipts.values_list("proposal_id", flat=True)) == sorted(p for p, _ in proposals)
    assert ProtocolCounter.objects.get(call=call).last_number == PROPOSALS
    assert sorted(receipts_mailed) == sorted(receipt_ids)  # each receipt queued once, after commit

    # One more proposal, submitted sixteen times at once (double clicks, retries, tabs).
    proposal_pk, user_pk = complete(call)
    barrier = threading.Barrier(WORKERS)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        again = list(pool.map(lambda _: submit(proposal_pk, user_pk, barrier), range(WORKERS)))

    assert len(set(again)) == 1
    only = Receipt.objects.get(proposal_id=proposal_pk)
    assert (only.pk, only.protocol_number) == (again[0], PROPOSALS + 1)
    assert ProtocolCounter.objects.get(call=call).last_number == PROPOSALS + 1
    assert Proposal.objects.get(pk=proposal_pk).version == 1


@in_own_connection
def save_title(proposal_pk: int, user_pk: int, *, revision: int, barrier: threading.Barrier):
    proposal = Proposal.objects.get(pk=proposal_pk)
    user = User.objects.get(pk=user_pk)
    title = f"Titolo di {user_pk} alla revisione {revision}"
    barrier.wait(timeout=30)
    try:
        save_idea_step(
            proposal=proposal,
            by=user,
            values={"title": title},
            neighbourhoods=[],
            revision=revision,
        )
    except StepConflict:
        return None
    return title


def test_two_members_saving_the_same_step_at_once_one_wins(city):
    proposal = ProposalFactory(call=call_in(city))
    people = [proposal.created_by_id, member_of(proposal.organisation, MemberRole.MEMBER).pk]

    for revision in range(5):
        barrier = threading.Barrier(2)
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(
                pool.map(
                    partial(save_title, proposal.pk, revision=revision, barrier=barrier), people
                )
            )

        winners = [title for title in outcomes if title is not None]
        assert len(winners) == 1, outcomes  # the other got StepConflict
        saved = Proposal.objects.get(pk=proposal.pk)
        assert saved.title == winners[0]
        assert saved.step_revisions["idea"] == revision + 1
