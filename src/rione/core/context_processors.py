from typing import Any

from django.conf import settings
from django.http import HttpRequest

from rione.core.permissions import roles_by_city


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_URL": settings.SITE_URL,
        "user_is_staff_somewhere": bool(roles_by_city(request.user)),
    }
