"""Personal API tokens in the personal area: list, create (the secret is shown once), revoke.

Thin: parse the form, call ``rione.core.tokens``, render. Someone else's token answers 404.
The URL names are resolved in the namespace these patterns are included in.
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rione.backoffice.views.base import paginate, run_action, run_service
from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.core.models import ApiToken
from rione.core.tokens import TOKEN_VALIDITY, create_token, revoke_token, tokens_of


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nome del token"),
        max_length=100,
        help_text=gettext_lazy(
            "Per riconoscerlo: per esempio il programma o il computer che lo usa."
        ),
    )


def _name(request: AuthenticatedHttpRequest, name: str) -> str:
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    return f"{namespace}:{name}" if namespace else name


def _state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return _("Revocato")
    if not token.is_usable_at(clock.now()):
        return _("Scaduto")
    return _("Attivo")


def _page(
    request: AuthenticatedHttpRequest, *, form: TokenForm, secret: str = "", created: Any = None
) -> HttpResponse:
    page = paginate(request, tokens_of(user=request.user))
    return render(
        request,
        "applications/tokens.html",
        {
            "title": _("Token per l'API"),
            "form": form,
            "secret": secret,
            "created": created,
            "rows": [(token, _state(token), token.is_usable_at(clock.now())) for token in page],
            "page": page,
            "validity_days": TOKEN_VALIDITY.days,
            "create_url": reverse(_name(request, "token_create")),
            "revoke_name": _name(request, "token_revoke"),
            "docs_url": reverse("api:openapi-view"),
            "crumbs": [
                (_("Area personale"), reverse("applicants:home")),
                (_("Token per l'API"), None),
            ],
        },
    )


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request, form=TokenForm())


@never_cache
@login_required
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """On success the page shows the secret, once: it is not stored and cannot be shown again."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, created = run_service(
            form, lambda: create_token(user=request.user, name=form.cleaned_data["name"])
        )
        if ok:
            token, secret = created
            return _page(request, form=TokenForm(), secret=secret, created=token)
    return _page(request, form=form)


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = tokens_of(user=request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    run_action(
        request,
        lambda: revoke_token(token=token, by=request.user),
        _("Token «%(name)s» revocato: non può più essere usato.") % {"name": token.name},
    )
    return redirect(_name(request, "tokens"))


token_urlpatterns = [
    path("token-api/", tokens, name="tokens"),
    path("token-api/nuovo/", token_create, name="token_create"),
    path("token-api/<int:pk>/revoca/", token_revoke, name="token_revoke"),
]
