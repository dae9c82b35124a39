"""What every e-mail invitation shares (staff of a city, members of an organisation).

Each app keeps its own error classes, worded for its readers; the rules live here.
"""

import secrets
from datetime import datetime, timedelta
from typing import Protocol

from rione.core import clock
from rione.core.models import User

INVITATION_VALIDITY = timedelta(days=14)


class InvitationLike(Protocol):
    email: str
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def refusal_reason(
    invitation: InvitationLike, *, user: User | None, at: datetime | None = None
) -> str | None:
    """Why ``user`` cannot accept ``invitation`` now: "revoked", "used", "expired",
    "wrong_user", or None when they can."""
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.accepted_at is not None:
        return "used"
    if invitation.expires_at <= clock.resolve(at):
        return "expired"
    if user is not None and user.email.strip().lower() != invitation.email.strip().lower():
        return "wrong_user"
    return None
