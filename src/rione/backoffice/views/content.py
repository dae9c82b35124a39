"""News and stories of the public portal."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rione.core import clock
from rione.core.http import AuthenticatedHttpRequest
from rione.core.permissions import access
from rione.portal import services
from rione.portal.models import News, Story
from rione.territory.models import City

from ..forms import NewsForm, StoryForm
from .base import city_view, paginate, render_form, run_action, run_service, saved
from .territory import list_page

KINDS: dict[str, dict[str, Any]] = {
    "news": {
        "model": News,
        "form": NewsForm,
        "create": services.create_news,
        "title": gettext_lazy("Notizie"),
        "new": gettext_lazy("Nuova notizia"),
    },
    "story": {
        "model": Story,
        "form": StoryForm,
        "create": services.create_story,
        "title": gettext_lazy("Voci dai quartieri"),
        "new": gettext_lazy("Nuova storia"),
    },
}


def _item(request: AuthenticatedHttpRequest, city: City, kind: str, pk: int) -> Any:
    return access(
        request.user,
        KINDS[kind]["model"].objects.filter(city=city),
        perm="portal.manage_content",
        pk=pk,
    )


@city_view("portal.manage_content")
def content_list(request: AuthenticatedHttpRequest, city: City, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    now = clock.now()
    page = paginate(request, spec["model"].objects.filter(city=city).order_by("-pk"))
    rows = []
    for item in page:
        published = item.published_at is not None and item.published_at <= now
        if item.published_at is None:
            state = _("Bozza")
        elif published:
            state = _("Pubblicata il %(date)s") % {
                "date": item.published_at.astimezone(clock.ROME).strftime("%d/%m/%Y")
            }
        else:
            state = _("Programmata")
        verb = "unpublish" if item.published_at else "publish"
        rows.append(
            {
                "cells": [item.title, state],
                "url": reverse(f"backoffice:{kind}_edit", args=[city.slug, item.pk]),
                "actions": [
                    {
                        "label": _("Ritira") if item.published_at else _("Pubblica"),
                        "url": reverse(f"backoffice:{kind}_{verb}", args=[city.slug, item.pk]),
                        "danger": False,
                    }
                ],
            }
        )
    return list_page(
        request,
        city,
        nav=kind,
        title=str(spec["title"]),
        page=page,
        rows=rows,
        headers=[_("Titolo"), _("Stato")],
        create_url=reverse(f"backoffice:{kind}_create", args=[city.slug]),
        create_label=str(spec["new"]),
    )


@city_view("portal.manage_content")
def content_form(
    request: AuthenticatedHttpRequest, city: City, kind: str, pk: int | None = None
) -> HttpResponse:
    spec = KINDS[kind]
    item = _item(request, city, kind, pk) if pk else None
    form = spec["form"](request.POST or None, instance=item, city=city)
    if request.method == "POST" and form.is_valid():
        if item is None:
            ok, _i = run_service(
                form, lambda: spec["create"](city=city, by=request.user, values=form.values())
            )
        else:
            ok, _i = run_service(
                form,
                lambda: services.update_content(
                    item=item,
                    by=request.user,
                    values=form.values(),
                    expected_updated_at=form.expected_updated_at,
                ),
            )
        if ok:
            return saved(request, _("Contenuto salvato."), f"backoffice:{kind}_list", city.slug)
    list_url = reverse(f"backoffice:{kind}_list", args=[city.slug])
    return render_form(
        request,
        city=city,
        form=form,
        nav=kind,
        title=str(spec["new"]) if item is None else item.title,
        crumbs=[
            (city.name, reverse("backoffice:city", args=[city.slug])),
            (str(spec["title"]), list_url),
            (_("Modifica"), ""),
        ],
        cancel_url=list_url,
    )


@require_POST
@city_view("portal.manage_content")
def content_publish(
    request: AuthenticatedHttpRequest, city: City, kind: str, pk: int
) -> HttpResponse:
    item = _item(request, city, kind, pk)
    run_action(
        request,
        lambda: services.publish_content(item=item, by=request.user),
        _("Contenuto pubblicato."),
    )
    return redirect(f"backoffice:{kind}_list", city.slug)


@require_POST
@city_view("portal.manage_content")
def content_unpublish(
    request: AuthenticatedHttpRequest, city: City, kind: str, pk: int
) -> HttpResponse:
    item = _item(request, city, kind, pk)
    run_action(
        request,
        lambda: services.unpublish_content(item=item, by=request.user),
        _("Contenuto ritirato dal portale."),
    )
    return redirect(f"backoffice:{kind}_list", city.slug)
