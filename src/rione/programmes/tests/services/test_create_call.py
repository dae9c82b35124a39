from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core.tests.audit_helpers import audit_count, only_event
from rione.programmes.models import Call, CallKind, CallStatus
from rione.programmes.services import create_call
from rione.programmes.tests.factories import CallFactory, StageFactory
from rione.territory.tests.factories import NeighbourhoodFactory, applicant_type

pytestmark = pytest.mark.django_db


def _values(**extra):
    return {"title": "Avviso idee", "slug": "avviso-idee", "kind": CallKind.CALL_FOR_IDEAS, **extra}


def test_a_manager_creates_a_draft_in_the_programmes_city(city, other_city, programme, manager):
    neighbourhood = NeighbourhoodFactory(district__city=city)
    ets = applicant_type(city)

    call = create_call(
        programme=programme,
        by=manager,
        values=_values(),
        m2m={"eligible_neighbourhoods": [neighbourhood], "eligible_applicant_types": [ets]},
    )

    assert (call.city, call.programme, call.status) == (city, programme, CallStatus.DRAFT)
    assert list(call.eligible_neighbourhoods.all()) == [neighbourhood]
    event = only_event(call, "call.created")
    assert (event.actor, event.stream) == (manager, f"call:{call.pk}")
    assert event.data["after"]["city"] == city.pk
    assert event.data["after"]["eligible_neighbourhoods"] == [neighbourhood.pk]


@pytest.mark.parametrize("field", ["city", "status", "published_at"])
def test_fields_set_by_the_service_cannot_be_passed_in(city, other_city, programme, manager, field):
    forced = {
        "city": other_city,
        "status": CallStatus.PUBLISHED,
        "published_at": programme.published_at,
    }

    with pytest.raises(ValueError, match=field):
        create_call(programme=programme, by=manager, values=_values(**{field: forced[field]}))

    assert not programme.calls.exists()


def test_eligible_neighbourhoods_of_another_city_are_refused(city, other_city, programme, manager):
    elsewhere = NeighbourhoodFactory(district__city=other_city)

    with pytest.raises(ValidationError) as caught:
        create_call(
            programme=programme,
            by=manager,
            values=_values(),
            m2m={"eligible_neighbourhoods": [elsewhere]},
        )

    assert list(caught.value.message_dict) == ["eligible_neighbourhoods"]
    assert not Call.objects.exists()


def test_applicant_types_of_another_city_are_refused(other_city, programme, manager):
    with pytest.raises(ValidationError):
        create_call(
            programme=programme,
            by=manager,
            values=_values(),
            m2m={"eligible_applicant_types": [applicant_type(other_city)]},
        )

    assert not Call.objects.exists()


def test_a_stage_of_another_programme_is_refused(programme, manager):
    with pytest.raises(ValidationError) as caught:
        create_call(programme=programme, by=manager, values=_values(stage=StageFactory()))

    assert "stage" in caught.value.message_dict
    assert not Call.objects.exists()


def test_a_follow_up_of_a_call_of_another_city_is_refused(other_city, programme, manager):
    with pytest.raises(ValidationError) as caught:
        create_call(
            programme=programme,
            by=manager,
            values=_values(restricted_to_call=CallFactory(programme__city=other_city)),
        )

    assert "restricted_to_call" in caught.value.message_dict
    assert Call.objects.filter(programme=programme).count() == 0


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_create_calls(programme, who, request):
    user = request.getfixturevalue(who)
    events = audit_count()

    with pytest.raises(PermissionDenied):
        create_call(programme=programme, by=user, values=_values())

    assert not Call.objects.exists()
    assert audit_count() == events


def test_a_deadline_before_the_opening_is_refused(programme, manager, now):
    with pytest.raises(ValidationError):
        create_call(
            programme=programme,
            by=manager,
            values=_values(opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=1)),
        )

    assert not Call.objects.exists()
