from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from rione.core import clock


def test_travel_to_moves_now_and_puts_it_back():
    moment = clock.rome(2026, 3, 2, 10, 30)  # given

    with clock.travel_to(moment):  # when
        inside = clock.now()
    after = clock.now()

    assert inside == moment  # then
    assert abs(after - timezone.now()) < timedelta(seconds=5)


def test_travel_to_nests_and_restores_the_outer_moment():
    outer, inner = clock.rome(2026, 1, 1), clock.rome(2027, 1, 1)

    with clock.travel_to(outer):
        with clock.travel_to(inner):
            assert clock.now() == inner
        assert clock.now() == outer


def test_travel_to_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"), clock.travel_to(datetime(2026, 3, 2, 10)):
        pass  # pragma: no cover


def test_resolve_returns_the_given_moment():
    moment = datetime(2026, 5, 1, 8, tzinfo=UTC)

    assert clock.resolve(moment) is moment


def test_resolve_without_a_moment_asks_the_clock():
    moment = clock.rome(2026, 3, 2, 10)

    with clock.travel_to(moment):
        assert clock.resolve(None) == moment


def test_resolve_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        clock.resolve(datetime(2026, 3, 2, 10))


def test_rome_is_the_italian_wall_clock_with_summer_time():
    winter, summer = clock.rome(2026, 1, 15, 12), clock.rome(2026, 7, 15, 12)

    assert winter.utcoffset() == timedelta(hours=1)
    assert summer.utcoffset() == timedelta(hours=2)


def test_today_rome_start_is_midnight_in_rome_even_when_utc_is_still_yesterday():
    late_utc = datetime(2026, 7, 14, 23, 30, tzinfo=UTC)  # 01:30 on the 15th in Rome

    start = clock.today_rome_start(late_utc)

    assert start == clock.rome(2026, 7, 15)
