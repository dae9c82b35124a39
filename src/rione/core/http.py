from django.http import HttpRequest

from rione.core.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind a login check: ``user`` is a real account."""

    user: User
