from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core.records import ConcurrentEdit
from rione.core.tests.audit_helpers import events_of, only_event
from rione.programmes.models import Call
from rione.programmes.services import update_call
from rione.territory.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def test_a_published_call_refuses_a_new_deadline_outside_an_amendment(open_call, manager):
    closes_at = open_call.closes_at

    with pytest.raises(ValidationError) as caught:
        update_call(call=open_call, by=manager, values={"closes_at": closes_at + timedelta(days=3)})

    assert list(caught.value.message_dict) == ["closes_at"]
    assert "proroga" in caught.value.message_dict["closes_at"][0]
    open_call.refresh_from_db()
    assert open_call.closes_at == closes_at
    assert events_of(Call, open_call.pk) == []


def test_a_published_call_refuses_a_new_opening_date(scheduled_call, manager):
    opens_at = scheduled_call.opens_at

    with pytest.raises(ValidationError) as caught:
        update_call(
            call=scheduled_call, by=manager, values={"opens_at": opens_at - timedelta(days=1)}
        )

    assert list(caught.value.message_dict) == ["opens_at"]
    scheduled_call.refresh_from_db()
    assert scheduled_call.opens_at == opens_at


def test_a_published_call_accepts_a_description_fix_and_unchanged_dates(open_call, manager):
    update_call(
        call=open_call,
        by=manager,
        values={"description": "Testo corretto.", "closes_at": open_call.closes_at},
    )

    open_call.refresh_from_db()
    assert open_call.description == "Testo corretto."
    event = only_event(open_call, "call.updated")
    assert event.actor == manager
    assert event.data["changes"] == {
        "description": {"old": "Il testo completo dell'avviso.", "new": "Testo corretto."}
    }


def test_a_draft_may_move_its_dates(draft_call, manager):
    new_deadline = draft_call.closes_at + timedelta(days=3)

    update_call(call=draft_call, by=manager, values={"closes_at": new_deadline})

    draft_call.refresh_from_db()
    assert draft_call.closes_at == new_deadline
    assert "closes_at" in only_event(draft_call, "call.updated").data["changes"]


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_edit_a_call(open_call, who, request):
    with pytest.raises(PermissionDenied):
        update_call(call=open_call, by=request.getfixturevalue(who), values={"description": "X"})

    open_call.refresh_from_db()
    assert open_call.description == "Il testo completo dell'avviso."


def test_neighbourhoods_of_another_city_are_refused(draft_call, other_city, manager):
    before = list(draft_call.eligible_neighbourhoods.all())

    with pytest.raises(ValidationError):
        update_call(
            call=draft_call,
            by=manager,
            values={},
            m2m={"eligible_neighbourhoods": [NeighbourhoodFactory(district__city=other_city)]},
        )

    assert list(draft_call.eligible_neighbourhoods.all()) == before


def test_a_stale_edit_is_refused(draft_call, manager):
    seen_at = draft_call.updated_at
    update_call(call=draft_call, by=manager, values={"summary": "Prima modifica."})

    with pytest.raises(ConcurrentEdit):
        update_call(
            call=draft_call,
            by=manager,
            values={"summary": "Seconda modifica."},
            expected_updated_at=seen_at,
        )

    draft_call.refresh_from_db()
    assert draft_call.summary == "Prima modifica."
