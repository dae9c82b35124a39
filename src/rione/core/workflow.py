"""One helper applies every workflow table (state -> allowed next states)."""

from collections.abc import Mapping

from rione.core.errors import InvalidTransition


def ensure_transition(table: Mapping[str, frozenset[str]], source: str, target: str) -> None:
    if target not in table.get(source, frozenset()):
        raise InvalidTransition(source=source, target=target)
