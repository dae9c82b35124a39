from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from rione.core import clock
from rione.core.errors import InvalidTransition
from rione.core.models import AuditEvent
from rione.core.tests.audit_helpers import events_of, only_event
from rione.programmes.models import Call, CallPhase, CallStatus
from rione.programmes.services import CallNotReady, publish_call
from rione.programmes.tests.factories import CallFactory, LotFactory

pytestmark = pytest.mark.django_db


def _assert_still_draft(call):
    call.refresh_from_db()
    assert (call.status, call.published_at) == (CallStatus.DRAFT, None)
    assert [e.action for e in events_of(Call, call.pk)] == []


def test_a_manager_publishes_a_ready_call_that_is_open_at_once(draft_call, manager, now):
    assert draft_call.phase == CallPhase.DRAFT  # given

    publish_call(call=draft_call, by=manager)  # when

    draft_call.refresh_from_db()  # then
    assert (draft_call.status, draft_call.published_at) == (CallStatus.PUBLISHED, now)
    assert draft_call.phase == CallPhase.OPEN
    event = only_event(draft_call, "call.published")
    assert (event.actor, event.at, event.stream) == (manager, now, f"call:{draft_call.pk}")
    assert event.data == {"old": "draft", "new": "open"}


def test_a_call_opening_later_is_scheduled_then_opened_and_closed_by_the_clock(
    programme, manager, now, django_assert_num_queries
):
    opens_at, closes_at = now + timedelta(days=7), now + timedelta(days=37)
    call = CallFactory(programme=programme, opens_at=opens_at, closes_at=closes_at)

    publish_call(call=call, by=manager)

    call = Call.objects.get(pk=call.pk)
    written_at, events = call.updated_at, AuditEvent.objects.count()
    with django_assert_num_queries(0):
        assert call.phase == CallPhase.SCHEDULED
        with clock.travel_to(opens_at - timedelta(seconds=1)):
            assert call.phase == CallPhase.SCHEDULED
        with clock.travel_to(opens_at):
            assert call.phase == CallPhase.OPEN
        with clock.travel_to(closes_at - timedelta(seconds=1)):
            assert call.phase == CallPhase.OPEN
        with clock.travel_to(closes_at):
            assert call.phase == CallPhase.CLOSED
    call.refresh_from_db()
    assert (call.status, call.updated_at) == (CallStatus.PUBLISHED, written_at)
    assert AuditEvent.objects.count() == events
    assert only_event(call, "call.published").data == {"old": "draft", "new": "scheduled"}


def test_the_moment_can_be_given_explicitly(draft_call, manager, now):
    earlier = now - timedelta(days=20)  # before the call's opening

    publish_call(call=draft_call, by=manager, at=earlier)

    draft_call.refresh_from_db()
    assert draft_call.published_at == earlier
    assert only_event(draft_call, "call.published").data["new"] == "scheduled"


def test_a_call_with_every_problem_is_refused_with_the_whole_list(city, manager):
    call = CallFactory(
        programme__city=city,
        programme__is_published=False,
        summary="  ",
        description="",
        opens_at=None,
        closes_at=None,
        eligibility=False,
    )

    with pytest.raises(CallNotReady) as caught:
        publish_call(call=call, by=manager)

    assert caught.value.details["problems"] == [
        "Manca la sintesi.",
        "Manca la descrizione.",
        "Mancano le date di apertura e di scadenza.",
        "Indica almeno una tipologia di proponente ammessa.",
        "Indica almeno un quartiere ammesso.",
        "Il programma non è ancora pubblicato.",
    ]
    assert "Manca la sintesi." in str(caught.value)
    _assert_still_draft(call)


def test_a_call_whose_deadline_has_passed_is_refused(programme, manager, now):
    call = CallFactory(
        programme=programme, opens_at=now - timedelta(days=30), closes_at=now - timedelta(minutes=1)
    )

    with pytest.raises(CallNotReady) as caught:
        publish_call(call=call, by=manager)

    assert caught.value.details["problems"] == ["La scadenza è già passata."]
    _assert_still_draft(call)


def test_a_call_without_eligible_applicant_types_is_refused(draft_call, manager):
    draft_call.eligible_applicant_types.clear()

    with pytest.raises(CallNotReady) as caught:
        publish_call(call=draft_call, by=manager)

    assert caught.value.details["problems"] == [
        "Indica almeno una tipologia di proponente ammessa."
    ]
    _assert_still_draft(draft_call)


def test_lot_budgets_that_do_not_add_up_to_the_call_budget_are_refused(draft_call, manager):
    LotFactory(call=draft_call, budget=Decimal("60000.00"))
    LotFactory(call=draft_call, budget=Decimal("30000.00"))  # 90 000 of 100 000

    with pytest.raises(CallNotReady) as caught:
        publish_call(call=draft_call, by=manager)

    [problem] = caught.value.details["problems"]
    assert "somma delle dotazioni dei lotti (90.000,00 €)" in problem
    assert "(100.000,00 €)" in problem
    _assert_still_draft(draft_call)


def test_lot_budgets_that_add_up_are_fine(draft_call, manager):
    LotFactory(call=draft_call, budget=Decimal("60000.00"))
    LotFactory(call=draft_call, budget=Decimal("40000.00"))

    publish_call(call=draft_call, by=manager)

    draft_call.refresh_from_db()
    assert draft_call.status == CallStatus.PUBLISHED


def test_lot_budgets_are_not_checked_without_a_call_budget(programme, manager):
    call = CallFactory(programme=programme, budget=None)
    LotFactory(call=call, budget=Decimal("60000.00"))

    publish_call(call=call, by=manager)

    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_publish(draft_call, who, request):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        publish_call(call=draft_call, by=user)

    _assert_still_draft(draft_call)


def test_a_published_call_cannot_be_published_again(open_call, manager):
    published_at = open_call.published_at

    with pytest.raises(InvalidTransition) as caught:
        publish_call(call=open_call, by=manager)

    assert caught.value.details == {"source": "open", "target": "open"}
    open_call.refresh_from_db()
    assert open_call.published_at == published_at
    assert events_of(Call, open_call.pk) == []
