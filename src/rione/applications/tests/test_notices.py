"""Who is told: reminders before the deadline to drafts' holders, and amendments of the call."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import OrganisationFactory
from rione.applications.models import Proposal
from rione.applications.services import (
    reopen_proposal,
    send_deadline_reminders,
    start_proposal,
    submit_proposal,
    withdraw_proposal,
)
from rione.applications.services.notices import holders_of_drafts
from rione.applications.tests.factories import complete_proposal
from rione.applications.tests.helpers import NOW, call_in, member_of
from rione.core import clock
from rione.programmes.models import AmendmentKind, CallStatus
from rione.programmes.services import amend_call
from rione.programmes.services.amendments import DRAFT_HOLDER_SOURCES

pytestmark = pytest.mark.django_db

SUBJECT = "Promemoria: la domanda non è ancora stata presentata"


@pytest.fixture(autouse=True)
def now():
    with clock.travel_to(NOW):
        yield NOW


@pytest.fixture
def call(city):
    return call_in(city, title="Cortili aperti")


@pytest.fixture
def deadline(call):
    return call.closes_at


def draft_by(call, email):
    """A draft started by a new legal representative with ``email``."""
    organisation = OrganisationFactory()
    user = member_of(organisation, MemberRole.LEGAL_REPRESENTATIVE)
    user.email = email
    user.save()
    return start_proposal(call=call, by=user, organisation=organisation), user


@pytest.fixture
def draft(call):
    proposal, _ = draft_by(call, "bozza@example.org")
    return proposal


@pytest.fixture
def remind(django_capture_on_commit_callbacks, mailoutbox):
    """remind(at) -> (how many were sent, the e-mails that left after commit)."""

    def run(at):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            sent = send_deadline_reminders(at=at)
        return sent, list(mailoutbox)

    return run


def test_a_draft_is_reminded_three_days_and_one_day_before_each_once(draft, deadline, remind):
    sent, [message] = remind(deadline - timedelta(days=3) + timedelta(hours=1))

    assert sent == 1
    assert message.to == ["bozza@example.org"]
    assert message.subject == SUBJECT
    assert "Cortili aperti" in message.body
    assert "tra 3 giorni" in message.body
    link = settings.SITE_URL.rstrip("/") + reverse("applications:proposal", args=[draft.pk])
    assert link in message.body
    assert Proposal.objects.get(pk=draft.pk).reminders_sent == ["3d"]

    assert remind(deadline - timedelta(days=3) + timedelta(hours=2)) == (0, [])
    assert remind(deadline - timedelta(days=2)) == (0, [])

    sent, [message] = remind(deadline - timedelta(hours=23))

    assert sent == 1
    assert "tra 1 giorno." in message.body
    assert Proposal.objects.get(pk=draft.pk).reminders_sent == ["1d", "3d"]
    assert remind(deadline - timedelta(hours=1)) == (0, [])


def test_only_the_smallest_window_is_reminded(draft, deadline, remind):
    sent, [message] = remind(deadline - timedelta(hours=12))

    assert sent == 1
    assert "tra 1 giorno." in message.body
    assert Proposal.objects.get(pk=draft.pk).reminders_sent == ["1d", "3d"]
    assert remind(deadline - timedelta(hours=6)) == (0, [])


def test_nothing_is_sent_outside_the_windows(draft, deadline, remind):
    assert remind(deadline - timedelta(days=3, minutes=1)) == (0, [])
    assert remind(deadline) == (0, [])
    assert remind(deadline + timedelta(days=1)) == (0, [])
    assert Proposal.objects.get(pk=draft.pk).reminders_sent == []


def test_submitted_and_withdrawn_proposals_are_not_reminded(call, draft, deadline, remind):
    submitted, submitter = draft_by(call, "presentata@example.org")
    complete_proposal(submitted)
    submit_proposal(proposal=submitted, by=submitter, truthfulness=True, privacy=True)
    withdrawn, withdrawer = draft_by(call, "ritirata@example.org")
    complete_proposal(withdrawn)
    submit_proposal(proposal=withdrawn, by=withdrawer, truthfulness=True, privacy=True)
    withdraw_proposal(proposal=withdrawn, by=withdrawer, reason="")

    sent, messages = remind(deadline - timedelta(hours=12))

    assert sent == 1
    assert [m.to for m in messages] == [["bozza@example.org"]]


def test_calls_no_longer_published_are_not_reminded(call, draft, deadline, remind):
    call.status = CallStatus.EVALUATION
    call.save()

    assert remind(deadline - timedelta(hours=12)) == (0, [])


# Drafts' holders are told about amendments


def test_drafts_holders_are_registered_for_amendments():
    assert holders_of_drafts in DRAFT_HOLDER_SOURCES


def test_holders_are_the_creators_of_drafts_and_reopened_proposals(city, call, draft):
    reopened, reopener = draft_by(call, "riaperta@example.org")
    complete_proposal(reopened)
    submit_proposal(proposal=reopened, by=reopener, truthfulness=True, privacy=True)
    reopen_proposal(proposal=reopened, by=reopener)
    submitted, submitter = draft_by(call, "presentata@example.org")
    complete_proposal(submitted)
    submit_proposal(proposal=submitted, by=submitter, truthfulness=True, privacy=True)
    _, gone = draft_by(call, "disattivato@example.org")
    gone.is_active = False
    gone.save()
    draft_by(call_in(city), "altro-avviso@example.org")

    holders = {user.email for user in holders_of_drafts(call)}

    assert holders == {"bozza@example.org", "riaperta@example.org"}


def test_an_amendment_e_mails_the_drafts_holder(
    call, draft, manager, mailoutbox, django_capture_on_commit_callbacks
):
    submitted, submitter = draft_by(call, "presentata@example.org")
    complete_proposal(submitted)
    submit_proposal(proposal=submitted, by=submitter, truthfulness=True, privacy=True)

    with django_capture_on_commit_callbacks(execute=True):
        amend_call(
            call=call,
            by=manager,
            kind=AmendmentKind.EXTENSION,
            text="Proroga di una settimana.",
            new_closes_at=call.closes_at + timedelta(days=7),
        )

    told = [message for message in mailoutbox if "Proroga di una settimana." in message.body]
    assert [message.to for message in told] == [["bozza@example.org"]]
