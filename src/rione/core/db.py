"""Limits on what one public request may ask of the database."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext_lazy as _

from rione.core.errors import DomainError


class TooBroad(DomainError):
    code = "query_too_broad"
    message = _(
        "La richiesta chiede troppi dati insieme ed è stata interrotta: restringila (per "
        "esempio a una città, a un programma o a un avviso) e riprova."
    )
    status = 422


@contextmanager
def time_limited(milliseconds: int) -> Iterator[None]:
    """Cancel any statement of the block that runs longer than ``milliseconds`` (TooBroad).

    On PostgreSQL, with ``SET LOCAL statement_timeout`` in a transaction of its own: a query
    cancelled this way stops in the server too, where a client that gave up would leave it
    running. Elsewhere (SQLite, a single local file) the block runs unbounded.
    """
    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(milliseconds)}")
            yield
    except OperationalError as exc:
        if type(exc.__cause__).__name__ == "QueryCanceled":
            raise TooBroad() from exc
        raise
