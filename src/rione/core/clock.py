"""The one clock of rione.

Business rules never call ``timezone.now()`` themselves: they take ``at=`` or ask
``now()``. Tests and the demo move the clock with ``travel_to``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

ROME = ZoneInfo("Europe/Rome")
_frozen_at: ContextVar[datetime | None] = ContextVar("rione_clock_frozen_at", default=None)


def now() -> datetime:
    """The current aware time, or the time the clock was moved to."""
    return _frozen_at.get() or timezone.now()


def resolve(at: datetime | None) -> datetime:
    """``at`` when given, else the clock's now; always aware."""
    moment = at or now()
    if timezone.is_naive(moment):
        raise ValueError("rione works with aware datetimes only")
    return moment


@contextmanager
def travel_to(moment: datetime) -> Iterator[None]:
    """Run the enclosed block as if the clock showed ``moment``."""
    if timezone.is_naive(moment):
        raise ValueError("travel_to needs an aware datetime")
    token = _frozen_at.set(moment)
    try:
        yield
    finally:
        _frozen_at.reset(token)


def rome(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware datetime on the Europe/Rome wall clock."""
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


def today_rome_start(at: datetime | None = None) -> datetime:
    moment = resolve(at).astimezone(ROME)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


__all__ = ["ROME", "now", "resolve", "rome", "timedelta", "today_rome_start", "travel_to"]
