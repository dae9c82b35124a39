from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from rione.core.tests.factories import UserFactory
from rione.programmes import services
from rione.programmes.models import AmendmentKind
from rione.programmes.services import amend_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def holders(monkeypatch, open_call):
    """Two people with a draft for ``open_call``, one reading Italian and one English."""
    people = [
        UserFactory(email="anna@example.org", language="it"),
        UserFactory(email="ben@example.org", language="en"),
    ]
    outsider = UserFactory(email="altro@example.org")

    def fake_source(call):
        return people if call.pk == open_call.pk else [outsider]

    monkeypatch.setattr(services.amendments, "DRAFT_HOLDER_SOURCES", [fake_source])
    return people


def _extend(call, manager, days=14):
    return amend_call(
        call=call,
        by=manager,
        kind=AmendmentKind.EXTENSION,
        text="Proroga dei termini.",
        new_closes_at=call.closes_at + timedelta(days=days),
    )


def test_draft_holders_are_told_after_commit_in_their_language(
    open_call, manager, holders, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # when
        _extend(open_call, manager)  # 22 March -> 5 April 2026, 10:00 in Rome

    assert len(callbacks) == 1  # then
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {"anna@example.org", "ben@example.org"}
    italian, english = by_address["anna@example.org"], by_address["ben@example.org"]
    for message in (italian, english):
        assert open_call.title in message.subject
        assert "Proroga dei termini." in message.body
        assert f"/{open_call.city.slug}/bandi/{open_call.slug}/" in message.body
    assert "5 aprile 2026, 10:00" in italian.body.lower()  # Django's Italian capitalises months
    assert "5 April 2026, 10:00" in english.body
    assert "April " not in italian.body


def test_nothing_is_sent_before_the_transaction_commits(
    open_call, manager, holders, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _extend(open_call, manager)

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_a_refused_amendment_tells_nobody(
    open_call, manager, holders, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        _extend(open_call, manager, days=-1)

    assert callbacks == []
    assert mailoutbox == []


def test_without_draft_holders_no_mail_is_sent(
    open_call, manager, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services.amendments, "DRAFT_HOLDER_SOURCES", [])

    with django_capture_on_commit_callbacks(execute=True):
        _extend(open_call, manager)

    assert mailoutbox == []


def test_the_task_returns_how_many_were_told(open_call, manager, holders, mailoutbox):
    from rione.programmes.tasks import notify_call_amended

    amendment = _extend(open_call, manager)

    assert notify_call_amended.call(amendment_id=amendment.pk) == 2
    assert len(mailoutbox) == 2


def test_plain_text_mail_keeps_apostrophes_and_quotes(
    open_call, manager, holders, mailoutbox, django_capture_on_commit_callbacks
):
    open_call.title = 'L\'orto di Scampia & "Vele"'
    open_call.save(update_fields=["title"])

    with django_capture_on_commit_callbacks(execute=True):
        amend_call(
            call=open_call,
            by=manager,
            kind=AmendmentKind.CORRECTION,
            text="Errata corrige: l'allegato B è aggiornato.",
        )

    italian = next(m for m in mailoutbox if m.to == ["anna@example.org"])
    assert 'L\'orto di Scampia & "Vele"' in italian.subject
    assert "l'allegato B" in italian.body
    assert "&#x27;" not in italian.body + italian.subject
    assert "&amp;" not in italian.body + italian.subject
