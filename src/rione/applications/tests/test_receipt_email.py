"""Each receipt goes once by e-mail to whoever got it, with its PDF, in their language."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import translation

from rione.applications import tasks
from rione.applications.models import Receipt
from rione.applications.services import submit_proposal, withdraw_proposal
from rione.applications.tasks import send_receipt
from rione.applications.tests.factories import ProposalFactory, complete_proposal


@pytest.fixture
def proposal(db):
    return complete_proposal(ProposalFactory())


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """submit(proposal) -> its receipt, with the tasks scheduled on commit run at once."""

    def run(proposal) -> Receipt:
        with django_capture_on_commit_callbacks(execute=True):
            receipt = submit_proposal(
                proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
            )
        receipt.refresh_from_db()
        return receipt

    return run


def _pdf_attachment(message: EmailMessage) -> tuple[str, bytes, str]:
    (attachment,) = message.attachments
    name, content, mimetype = attachment
    assert isinstance(content, bytes)
    return name, content, mimetype


def test_submission_sends_one_email_with_the_receipt_pdf(proposal, submit):
    receipt = submit(proposal)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [proposal.created_by.email]
    assert str(receipt.protocol_number) in message.subject
    assert receipt.call.title in message.subject
    assert receipt.sha256 in message.body
    name, content, mimetype = _pdf_attachment(message)
    assert name == f"ricevuta-{receipt.protocol_number}.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF-")
    assert b"/Lang (it)" in content
    assert receipt.emailed_at is not None


def test_receipt_is_not_sent_twice(proposal, submit):
    receipt = submit(proposal)
    emailed_at = receipt.emailed_at

    sent_again = send_receipt.call(receipt_id=receipt.pk)

    assert sent_again is False
    assert len(mail.outbox) == 1
    receipt.refresh_from_db()
    assert receipt.emailed_at == emailed_at


def test_each_receipt_gets_its_own_email(proposal, submit, django_capture_on_commit_callbacks):
    receipt = submit(proposal)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = withdraw_proposal(
            proposal=proposal, by=proposal.created_by, reason="Rinuncia."
        )

    assert len(mail.outbox) == 2
    names = [_pdf_attachment(message)[0] for message in mail.outbox]
    assert names == [
        f"ricevuta-{receipt.protocol_number}.pdf",
        f"ricevuta-{withdrawal.protocol_number}.pdf",
    ]
    withdrawal.refresh_from_db()
    assert withdrawal.emailed_at is not None


def test_email_is_sent_in_the_language_of_the_submitter(proposal, submit):
    user = proposal.created_by
    user.language = "en"
    user.save(update_fields=["language"])

    receipt = submit(proposal)

    assert len(mail.outbox) == 1
    _name, content, _mimetype = _pdf_attachment(mail.outbox[0])
    assert b"/Lang (en)" in content
    assert receipt.emailed_at is not None
    assert translation.get_language() == "it"  # the caller's language is left as it was


def test_a_failed_send_can_be_retried(proposal, submit, monkeypatch):
    attempts = []

    def refuse(self, fail_silently=False):
        attempts.append(self.to)
        raise ConnectionRefusedError("SMTP server down")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", refuse)
        receipt = submit(proposal)  # the task fails; the submission stands
    assert attempts == [[proposal.created_by.email]]
    assert receipt.emailed_at is None
    assert mail.outbox == []

    assert send_receipt.call(receipt_id=receipt.pk) is True

    assert len(mail.outbox) == 1
    receipt.refresh_from_db()
    assert receipt.emailed_at is not None


def test_a_receipt_sent_meanwhile_by_another_run_is_not_sent_again(proposal, submit, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", lambda self, fail_silently=False: 1)
        receipt = submit(proposal)
    Receipt.objects.filter(pk=receipt.pk).update(emailed_at=None)
    build = tasks.receipt_pdf

    def build_while_another_run_sends(receipt: Receipt) -> bytes:
        pdf = build(receipt)
        Receipt.objects.filter(pk=receipt.pk).update(emailed_at=receipt.issued_at)
        return pdf

    monkeypatch.setattr(tasks, "receipt_pdf", build_while_another_run_sends)

    assert send_receipt.call(receipt_id=receipt.pk) is False
    assert mail.outbox == []
