"""The receipt e-mail is queued in the transaction that issues the receipt, so no crash loses it.

With the database task backend (the default outside tests) the task row commits with the
receipt or not at all; a worker killed right after the commit, or a database that dies
while acknowledging it, used to leave a receipt that was never e-mailed.
"""

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from rione.applications.models import Receipt
from rione.applications.services import submit_proposal, withdraw_proposal
from rione.applications.tasks import send_receipt
from rione.applications.tests.factories import ProposalFactory, complete_proposal
from rione.core.tasks import enqueue_on_commit, send_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(db):
    return complete_proposal(ProposalFactory())


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def submit(proposal):
    return submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
    )


def queued_receipts() -> list[int]:
    return [
        row["kwargs"]["receipt_id"]
        for row in DBTaskResult.objects.filter(task_path=send_receipt.module_path).values_list(
            "args_kwargs", flat=True
        )
    ]


def test_database_backend_queues_the_email_inside_the_submitting_transaction(
    database_tasks, proposal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        receipt = submit(proposal)

    # Queued before any commit callback could run: nothing waits for the commit.
    assert queued_receipts() == [receipt.pk]
    assert callbacks == []
    assert mail.outbox == []


def test_withdrawal_receipt_is_queued_the_same_way(database_tasks, proposal):
    first = submit(proposal)

    withdrawal = withdraw_proposal(proposal=proposal, by=proposal.created_by, reason="Rinuncia")

    assert queued_receipts() == [first.pk, withdrawal.pk]


def test_a_rolled_back_submission_leaves_no_email_queued(database_tasks, proposal):
    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        submit(proposal)
        raise Crash

    assert not Receipt.objects.exists()
    assert queued_receipts() == []


def test_other_backends_get_the_email_only_after_the_commit(
    proposal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        receipt = submit(proposal)

    assert mail.outbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    assert len(mail.outbox) == 1
    assert str(receipt.protocol_number) in mail.outbox[0].subject
    assert not DBTaskResult.objects.exists()


def test_enqueue_on_commit_queues_any_task_with_its_arguments(database_tasks):
    enqueue_on_commit(send_email, to=["a@example.org"], subject="Prova", body="Testo")

    (row,) = DBTaskResult.objects.filter(task_path=send_email.module_path)
    assert row.args_kwargs["kwargs"] == {
        "to": ["a@example.org"],
        "subject": "Prova",
        "body": "Testo",
    }
