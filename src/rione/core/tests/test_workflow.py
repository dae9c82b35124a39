import pytest

from rione.core.errors import InvalidTransition
from rione.core.workflow import ensure_transition

TABLE = {"draft": frozenset({"submitted"}), "submitted": frozenset({"withdrawn"})}


def test_an_allowed_transition_passes():
    ensure_transition(TABLE, "draft", "submitted")


@pytest.mark.parametrize(
    ("source", "target"),
    [("draft", "withdrawn"), ("submitted", "draft"), ("withdrawn", "draft"), ("unknown", "draft")],
)
def test_a_transition_not_in_the_table_is_refused_with_source_and_target(source, target):
    with pytest.raises(InvalidTransition) as caught:
        ensure_transition(TABLE, source, target)

    assert caught.value.details == {"source": source, "target": target}
    assert caught.value.code == "invalid_transition"
    assert source in str(caught.value) and target in str(caught.value)
