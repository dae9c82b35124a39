"""Who calls the applicant API: a personal token or the browser session."""

from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from rione.core.errors import DomainError
from rione.core.models import User
from rione.core.tokens import user_for_token


class CsrfFailed(DomainError):
    code = "csrf_failed"
    message = gettext_lazy("Verifica CSRF non riuscita: invia l'intestazione X-CSRFToken.")
    status = 403


class BearerToken(HttpBearer):
    """A personal token: ``Authorization: Bearer <token>``. No CSRF: browsers never send it."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class CsrfSession(SessionAuth):
    """The browser session; CSRF is checked only when a session is actually signed in."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        if request.method not in {"GET", "HEAD", "OPTIONS"} and check_csrf(request):
            raise CsrfFailed()
        return request.user


def caller(request: HttpRequest) -> User:
    """The user one of the two authenticated the request as."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
