"""Personal API tokens: created by their owner, shown once, stored only as a SHA-256.

The secret is 256 random bits, so its SHA-256 is as good as the secret for looking it
up: no salt and no constant-time comparison are needed (the lookup is by hash).
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rione.core import clock
from rione.core.audit import record_event
from rione.core.models import ApiToken, User

# Lets secret scanners recognise a leaked token.
PREFIX = "rione_"
TOKEN_VALIDITY = timedelta(days=365)
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_USABLE_TOKENS = 10
# Longer input cannot be one of our secrets; refuse it before hashing.
MAX_SECRET_LENGTH = 100


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """Every token of ``user``, usable or not, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


@transaction.atomic
def create_token(*, user: User, name: str, at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with its secret, which is never stored.

    Raises ValidationError for an empty or too long name, or when ``user`` already has
    MAX_USABLE_TOKENS tokens that can be used.
    """
    now = clock.resolve(at)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Dai un nome al token, per riconoscerlo in seguito.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Il nome può avere al massimo 100 caratteri.")})
    # Serialise creations by the same user, so the limit holds under concurrent requests.
    User.objects.select_for_update().filter(pk=user.pk).first()
    usable = tokens_of(user=user).filter(revoked_at__isnull=True, expires_at__gt=now).count()
    if usable >= MAX_USABLE_TOKENS:
        raise ValidationError(
            _("Hai già %(n)d token attivi: revocane uno prima di crearne un altro.")
            % {"n": MAX_USABLE_TOKENS}
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=token_digest(secret),
        created_at=now,
        expires_at=now + TOKEN_VALIDITY,
    )
    record_event(
        token,
        "api_token.created",
        by=user,
        at=now,
        data={"token": token.pk, "name": name, "expires_at": token.expires_at},
    )
    return token, secret


@transaction.atomic
def revoke_token(*, token: ApiToken, by: User, at: datetime | None = None) -> ApiToken:
    """Revoke ``token`` at once. Only its owner may; revoking it again changes nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.user_id != by.pk:
        raise PermissionDenied("core.revoke_api_token")
    if locked.revoked_at is not None:
        return locked
    now = clock.resolve(at)
    locked.revoked_at = now
    locked.save(update_fields=["revoked_at"])
    record_event(
        locked, "api_token.revoked", by=by, at=now, data={"token": locked.pk, "name": locked.name}
    )
    return locked


def user_for_token(secret: str, *, at: datetime | None = None) -> User | None:
    """The active user whose usable token has ``secret``, else None.

    Records when the token was last used, writing at most once a minute per token.
    """
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    now = clock.resolve(at)
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_digest(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
    return token.user
