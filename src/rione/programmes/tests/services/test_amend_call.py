from datetime import UTC, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core.errors import DomainError
from rione.core.tests.audit_helpers import events_of, only_event
from rione.programmes.models import Amendment, AmendmentKind, Call, CallPhase, CallStatus
from rione.programmes.services import amend_call
from rione.programmes.tests.factories import CallFactory

pytestmark = pytest.mark.django_db

EXTENSION = AmendmentKind.EXTENSION
CORRECTION = AmendmentKind.CORRECTION


def _assert_unchanged(call, closes_at):
    call.refresh_from_db()
    assert call.closes_at == closes_at
    assert not Amendment.objects.filter(call=call).exists()
    assert events_of(Call, call.pk) == []


def test_an_extension_moves_the_deadline_and_records_the_previous_one(open_call, manager, now):
    previous = open_call.closes_at
    new_deadline = previous + timedelta(days=14)

    amendment = amend_call(
        call=open_call, by=manager, kind=EXTENSION, text=" Proroga. ", new_closes_at=new_deadline
    )

    open_call.refresh_from_db()
    assert open_call.closes_at == new_deadline
    assert (amendment.number, amendment.kind, amendment.text) == (1, EXTENSION, "Proroga.")
    assert (amendment.previous_closes_at, amendment.new_closes_at) == (previous, new_deadline)
    assert (amendment.published_at, amendment.created_by) == (now, manager)
    event = only_event(open_call, "call.amended")
    assert event.actor == manager
    assert event.data == {
        "number": 1,
        "kind": "extension",
        "old_closes_at": previous.astimezone(UTC).isoformat(),
        "new_closes_at": new_deadline.astimezone(UTC).isoformat(),
    }


def test_amendments_are_numbered_in_order(open_call, manager):
    deadline = open_call.closes_at

    numbers = [
        amend_call(
            call=open_call,
            by=manager,
            kind=EXTENSION,
            text="Proroga.",
            new_closes_at=deadline + timedelta(days=7),
        ).number,
        amend_call(call=open_call, by=manager, kind=CORRECTION, text="Refuso all'art. 3.").number,
        amend_call(
            call=open_call,
            by=manager,
            kind=EXTENSION,
            text="Altra proroga.",
            new_closes_at=deadline + timedelta(days=14),
        ).number,
    ]

    assert numbers == [1, 2, 3]
    assert [e.data["number"] for e in events_of(Call, open_call.pk)] == [1, 2, 3]


def test_a_correction_keeps_the_deadline(open_call, manager):
    deadline = open_call.closes_at

    amendment = amend_call(
        call=open_call,
        by=manager,
        kind=CORRECTION,
        text="Allegato B sostituito.",
        new_closes_at=deadline + timedelta(days=30),  # ignored for a correction
    )

    open_call.refresh_from_db()
    assert open_call.closes_at == deadline
    assert (amendment.previous_closes_at, amendment.new_closes_at) == (None, None)
    assert only_event(open_call, "call.amended").data["new_closes_at"] is None


def test_extending_a_closed_call_reopens_it(closed_call, manager, now):
    assert closed_call.phase == CallPhase.CLOSED

    amend_call(
        call=closed_call,
        by=manager,
        kind=EXTENSION,
        text="Riapertura dei termini.",
        new_closes_at=now + timedelta(days=5),
    )

    closed_call.refresh_from_db()
    assert closed_call.phase == CallPhase.OPEN


def test_an_earlier_deadline_is_refused(open_call, manager):
    deadline = open_call.closes_at

    with pytest.raises(ValidationError) as caught:
        amend_call(
            call=open_call,
            by=manager,
            kind=EXTENSION,
            text="Anticipo.",
            new_closes_at=deadline - timedelta(days=1),
        )

    assert list(caught.value.message_dict) == ["new_closes_at"]
    _assert_unchanged(open_call, deadline)


def test_the_same_deadline_is_refused(open_call, manager):
    deadline = open_call.closes_at

    with pytest.raises(ValidationError):
        amend_call(
            call=open_call, by=manager, kind=EXTENSION, text="Uguale.", new_closes_at=deadline
        )

    _assert_unchanged(open_call, deadline)


def test_a_deadline_already_in_the_past_is_refused(closed_call, manager, now):
    deadline = closed_call.closes_at  # yesterday

    with pytest.raises(ValidationError) as caught:
        amend_call(
            call=closed_call,
            by=manager,
            kind=EXTENSION,
            text="Proroga tardiva.",
            new_closes_at=now - timedelta(hours=1),  # later than the deadline, still past
        )

    assert "futuro" in caught.value.message_dict["new_closes_at"][0]
    _assert_unchanged(closed_call, deadline)


def test_an_extension_needs_a_new_deadline(open_call, manager):
    with pytest.raises(ValidationError) as caught:
        amend_call(call=open_call, by=manager, kind=EXTENSION, text="Proroga.")

    assert "new_closes_at" in caught.value.message_dict
    _assert_unchanged(open_call, open_call.closes_at)


@pytest.mark.parametrize(
    ("kind", "text", "field"), [(CORRECTION, "  ", "text"), ("other", "X", "kind")]
)
def test_bad_input_is_refused(open_call, manager, kind, text, field):
    with pytest.raises(ValidationError) as caught:
        amend_call(call=open_call, by=manager, kind=kind, text=text)

    assert field in caught.value.message_dict
    _assert_unchanged(open_call, open_call.closes_at)


@pytest.mark.parametrize("status", [CallStatus.DRAFT, CallStatus.EVALUATION, CallStatus.ARCHIVED])
def test_drafts_and_calls_after_closing_cannot_be_amended(programme, manager, status, now):
    call = CallFactory(programme=programme, status=status)
    deadline = call.closes_at

    with pytest.raises(DomainError) as caught:
        amend_call(
            call=call,
            by=manager,
            kind=EXTENSION,
            text="Proroga.",
            new_closes_at=deadline + timedelta(days=7),
        )

    assert "non ancora in valutazione" in str(caught.value)
    _assert_unchanged(call, deadline)


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_amend(open_call, who, request):
    deadline = open_call.closes_at

    with pytest.raises(PermissionDenied):
        amend_call(
            call=open_call,
            by=request.getfixturevalue(who),
            kind=EXTENSION,
            text="Proroga.",
            new_closes_at=deadline + timedelta(days=7),
        )

    _assert_unchanged(open_call, deadline)
