from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from rione.core import clock
from rione.core.invitations import new_token, refusal_reason
from rione.core.models import User

NOW = clock.rome(2026, 3, 2, 10)


@dataclass
class Pending:
    email: str = "Anna@Example.org"
    expires_at: datetime = NOW + timedelta(days=1)
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None


@pytest.mark.parametrize(
    ("invitation", "email", "reason"),
    [
        (Pending(), "anna@example.org", None),
        (Pending(revoked_at=NOW, accepted_at=NOW), "anna@example.org", "revoked"),
        (Pending(accepted_at=NOW), "anna@example.org", "used"),
        (Pending(expires_at=NOW), "anna@example.org", "expired"),
        (Pending(), "someone@example.org", "wrong_user"),
    ],
)
def test_refusal_reason_in_order_of_precedence(invitation, email, reason):
    assert refusal_reason(invitation, user=User(email=email), at=NOW) == reason


def test_tokens_are_long_and_unique():
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 40 for token in tokens)
