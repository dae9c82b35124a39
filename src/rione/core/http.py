import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from rione.core.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind a login check: ``user`` is a real account."""

    user: User


def visitor_cached(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public page to visitors without an account from the cache.

    Every such visitor gets the same page (the header shows no account, no message, no form
    token), so it is kept ``PUBLIC_PAGE_CACHE_SECONDS`` (0: never) per address, path and
    language. Signed-in people, visitors with a session or a message waiting, and any
    response that sets a cookie or is private always go through the view. During a deadline
    rush these pages are a quarter of the requests (docs/performance.md).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or not _plain_visitor(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if _shareable(response):
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapper


def _plain_visitor(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and not request.user.is_authenticated
    )


def _page_key(request: HttpRequest) -> str:
    page = f"{request.get_host()}|{get_language()}|{request.get_full_path()}"
    return "visitor-page:" + hashlib.sha256(page.encode()).hexdigest()


def _shareable(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )
