import pytest
from django.core.exceptions import PermissionDenied

from rione.core.errors import DomainError, InvalidTransition
from rione.core.tests.audit_helpers import events_of, only_event
from rione.programmes.models import Call, CallPhase, CallStatus
from rione.programmes.services import advance_call, unpublish_call
from rione.programmes.tests.factories import CallFactory

pytestmark = pytest.mark.django_db


# unpublish_call


def test_a_scheduled_call_goes_back_to_draft(scheduled_call, manager):
    assert scheduled_call.phase == CallPhase.SCHEDULED

    unpublish_call(call=scheduled_call, by=manager)

    scheduled_call.refresh_from_db()
    assert scheduled_call.status == CallStatus.DRAFT
    event = only_event(scheduled_call, "call.status_changed")
    assert (event.actor, event.data) == (manager, {"old": "scheduled", "new": "draft"})


def test_an_open_call_cannot_go_back_to_draft(open_call, manager):
    with pytest.raises(InvalidTransition) as caught:
        unpublish_call(call=open_call, by=manager)

    assert caught.value.details == {"source": "open", "target": "draft"}
    open_call.refresh_from_db()
    assert open_call.status == CallStatus.PUBLISHED
    assert events_of(Call, open_call.pk) == []


@pytest.mark.parametrize("who", ["evaluator", "other_manager"])
def test_others_cannot_unpublish(scheduled_call, who, request):
    with pytest.raises(PermissionDenied):
        unpublish_call(call=scheduled_call, by=request.getfixturevalue(who))

    scheduled_call.refresh_from_db()
    assert scheduled_call.status == CallStatus.PUBLISHED


# advance_call

AFTER_CLOSING = [
    CallPhase.EVALUATION,
    CallPhase.PROVISIONAL_RANKING,
    CallPhase.FINAL_RANKING,
    CallPhase.ARCHIVED,
]


def test_a_closed_call_walks_through_every_step_to_the_archive(closed_call, manager):
    assert closed_call.phase == CallPhase.CLOSED

    for target in AFTER_CLOSING:
        advance_call(call=closed_call, target=target, by=manager)
        closed_call.refresh_from_db()
        assert closed_call.phase == target

    assert closed_call.status == CallStatus.ARCHIVED
    events = events_of(Call, closed_call.pk)
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert [(e.data["old"], e.data["new"]) for e in events] == [
        ("closed", "evaluation"),
        ("evaluation", "provisional_ranking"),
        ("provisional_ranking", "final_ranking"),
        ("final_ranking", "archived"),
    ]
    assert {e.actor for e in events} == {manager}


@pytest.mark.parametrize(
    ("status", "target"),
    [
        (CallStatus.PUBLISHED, CallPhase.PROVISIONAL_RANKING),  # closed -> skips evaluation
        (CallStatus.EVALUATION, CallPhase.FINAL_RANKING),
        (CallStatus.PROVISIONAL_RANKING, CallPhase.ARCHIVED),
        (CallStatus.FINAL_RANKING, CallPhase.EVALUATION),  # backwards
        (CallStatus.ARCHIVED, CallPhase.EVALUATION),
    ],
)
def test_skipping_or_going_back_is_refused(programme, manager, status, target):
    call = CallFactory(programme=programme, closed=True, status=status)

    with pytest.raises(InvalidTransition):
        advance_call(call=call, target=target, by=manager)

    call.refresh_from_db()
    assert call.status == status
    assert events_of(Call, call.pk) == []


def test_an_open_call_cannot_go_to_evaluation_before_its_deadline(open_call, manager):
    with pytest.raises(InvalidTransition) as caught:
        advance_call(call=open_call, target=CallPhase.EVALUATION, by=manager)

    assert caught.value.details == {"source": "open", "target": "evaluation"}
    open_call.refresh_from_db()
    assert open_call.status == CallStatus.PUBLISHED


@pytest.mark.parametrize("target", [CallPhase.OPEN, CallPhase.CLOSED, CallPhase.SCHEDULED])
def test_opening_and_closing_cannot_be_forced(scheduled_call, open_call, manager, target):
    for call in (scheduled_call, open_call):
        with pytest.raises(DomainError) as caught:
            advance_call(call=call, target=target, by=manager)

        assert "date" in str(caught.value)
        call.refresh_from_db()
        assert call.status == CallStatus.PUBLISHED
        assert events_of(Call, call.pk) == []


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_advance(closed_call, who, request):
    with pytest.raises(PermissionDenied):
        advance_call(call=closed_call, target=CallPhase.EVALUATION, by=request.getfixturevalue(who))

    closed_call.refresh_from_db()
    assert closed_call.status == CallStatus.PUBLISHED
    assert events_of(Call, closed_call.pk) == []
