"""The public call list and the phase counts.

rione.programmes.selectors does not exist yet; the API and the portal keep these reads
(rione.api.selectors.list_public_calls, rione.portal.selectors.count_calls_by_phase).
"""

from datetime import timedelta

import pytest

from rione.api.selectors import list_public_calls
from rione.core import clock
from rione.portal.selectors import count_calls_by_phase
from rione.programmes.models import CallPhase, CallStatus
from rione.programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(programme):
    return {
        "draft": CallFactory(programme=programme),
        "scheduled": CallFactory(programme=programme, upcoming=True),
        "open": CallFactory(programme=programme, open=True),
        "closed": CallFactory(programme=programme, closed=True),
        "evaluation": CallFactory(programme=programme, closed=True, status=CallStatus.EVALUATION),
    }


def _slugs(queryset):
    return {call.slug for call in queryset}


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (None, {"scheduled", "open", "closed", "evaluation"}),
        (CallPhase.SCHEDULED, {"scheduled"}),
        (CallPhase.OPEN, {"open"}),
        (CallPhase.CLOSED, {"closed", "evaluation"}),
        (CallPhase.EVALUATION, {"evaluation"}),
        (CallPhase.DRAFT, set()),
    ],
)
def test_public_calls_by_phase(calls, now, phase, expected):
    found = list_public_calls(at=now, phase=phase)

    assert _slugs(found) == {calls[name].slug for name in expected}


def test_the_phase_follows_the_clock_without_any_write(calls, now):
    scheduled = calls["scheduled"]

    later = scheduled.opens_at + timedelta(minutes=1)
    much_later = scheduled.closes_at

    assert scheduled.slug not in _slugs(list_public_calls(at=now, phase=CallPhase.OPEN))
    assert scheduled.slug in _slugs(list_public_calls(at=later, phase=CallPhase.OPEN))
    assert scheduled.slug in _slugs(list_public_calls(at=much_later, phase=CallPhase.CLOSED))
    with clock.travel_to(later):
        assert scheduled.phase == CallPhase.OPEN


def test_calls_of_unpublished_programmes_and_cities_are_hidden(city, other_city, now):
    CallFactory(programme__city=city, programme__is_published=False, open=True)
    other_city.is_published = False
    other_city.save()
    CallFactory(programme__city=other_city, open=True)

    assert list(list_public_calls(at=now)) == []


def test_the_list_can_be_narrowed_to_one_city(calls, other_city, now):
    CallFactory(programme__city=other_city, open=True)

    found = list_public_calls(at=now, city_slug=calls["open"].city.slug, phase=CallPhase.OPEN)

    assert _slugs(found) == {calls["open"].slug}


def test_count_calls_by_phase(calls, city, other_city, now):
    CallFactory(programme__city=other_city, open=True)  # another city: not counted

    assert count_calls_by_phase(city=city, at=now) == {
        "": 4,
        "aperti": 1,
        "in-arrivo": 1,
        "chiusi": 2,
    }


def test_count_calls_by_phase_follows_the_clock(calls, city):
    after_everything = calls["scheduled"].closes_at + timedelta(days=1)

    assert count_calls_by_phase(city=city, at=after_everything) == {
        "": 4,
        "aperti": 0,
        "in-arrivo": 0,
        "chiusi": 4,
    }


@pytest.mark.parametrize("n_calls", [1, 20])
def test_listing_calls_runs_the_same_queries_whatever_their_number(
    city, now, n_calls, django_assert_num_queries
):
    programme = ProgrammeFactory(city=city)
    for _ in range(n_calls):
        CallFactory(programme=programme, open=True)

    with django_assert_num_queries(3):  # calls with city, applicant types, neighbourhoods
        rows = [
            (
                call.city.name,
                [t.name for t in call.eligible_applicant_types.all()],
                [n.name for n in call.eligible_neighbourhoods.all()],
            )
            for call in list_public_calls(at=now, phase=CallPhase.OPEN)
        ]

    assert len(rows) == n_calls
    assert all(len(types) == 2 and len(places) == 1 for _, types, places in rows)
