"""Public portal pages. Thin: parse the request, call a selector, render.

Every page sets ``city`` (city pages; the header uses it), ``nav`` (the menu
entry to mark) and ``breadcrumbs`` (a list of ``(label, url)``, the last one
being the current page, without url).
"""

import os
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from rione.core import clock
from rione.core.http import visitor_cached
from rione.portal import selectors
from rione.programmes.models import Call, CallPhase, CallStatus
from rione.territory.models import City

PER_PAGE = 10
HOME_CALLS = 6
HOME_NEWS = 3
CITY_NEWS = 3
CITY_STORIES = 3
SEARCH_CAP = 5

Crumbs = list[tuple[str, str | None]]


# --- helpers ----------------------------------------------------------------------------


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PER_PAGE) -> Page:
    """The page asked for in ``?pagina=``; out-of-range or invalid numbers give the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("pagina"))


def home_crumb() -> tuple[str, str]:
    return (_("Home"), reverse("portal:home"))


def city_crumbs(city: City) -> Crumbs:
    return [home_crumb(), (city.name, reverse("portal:city", args=[city.slug]))]


def duration_text(delta: timedelta) -> tuple[str, int]:
    """("3 giorni e 4 ore", 3): the two largest units of ``delta`` and the first number."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    units = [
        (days, ngettext("%(n)d giorno", "%(n)d giorni", days)),
        (hours, ngettext("%(n)d ora", "%(n)d ore", hours)),
        (minutes, ngettext("%(n)d minuto", "%(n)d minuti", minutes)),
    ]
    while len(units) > 1 and units[0][0] == 0:
        units.pop(0)
    first, second = units[0], units[1] if len(units) > 1 else None
    text = first[1] % {"n": first[0]}
    if second is not None and second[0]:
        text = _("%(a)s e %(b)s") % {"a": text, "b": second[1] % {"n": second[0]}}
    return text, first[0]


def countdown_strings() -> dict[str, Any]:
    """The strings countdown.js needs, in the active language (the server uses the same)."""
    return {
        "day": [
            ngettext("%(n)d giorno", "%(n)d giorni", 1),
            ngettext("%(n)d giorno", "%(n)d giorni", 2),
        ],
        "hour": [ngettext("%(n)d ora", "%(n)d ore", 1), ngettext("%(n)d ora", "%(n)d ore", 2)],
        "minute": [
            ngettext("%(n)d minuto", "%(n)d minuti", 1),
            ngettext("%(n)d minuto", "%(n)d minuti", 2),
        ],
        "and": _("%(a)s e %(b)s"),
        "closes": [_("manca %(time)s alla scadenza"), _("mancano %(time)s alla scadenza")],
        "opens": [_("apre tra %(time)s"), _("apre tra %(time)s")],
        "closed": _("Il termine per presentare le proposte è scaduto."),
        "opened": _("Le candidature sono aperte: aggiorna la pagina per presentare la proposta."),
    }


def countdown(call: Call, at: datetime) -> dict[str, Any] | None:
    """What the countdown shows for an upcoming or open call; None otherwise."""
    phase = call.phase_at(at)
    if phase == CallPhase.OPEN and call.closes_at:
        mode, target = "closes", call.closes_at
    elif phase == CallPhase.SCHEDULED and call.opens_at:
        mode, target = "opens", call.opens_at
    else:
        return None
    text, first = duration_text(target - at)
    patterns = countdown_strings()[mode]
    return {
        "mode": mode,
        "target": target,
        "now": at,
        "text": (patterns[0] if first == 1 else patterns[1]) % {"time": text},
        "strings": countdown_strings(),
    }


# --- pages ------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    at = clock.now()
    return render(
        request,
        "portal/home.html",
        {
            "nav": "home",
            "cities": list(selectors.list_public_cities()),
            "calls": list(selectors.list_open_or_upcoming_calls(at=at)[:HOME_CALLS]),
            "news_items": list(selectors.list_published_news(at=at)[:HOME_NEWS]),
            "now": at,
            "breadcrumbs": [(_("Home"), None)],
        },
    )


@require_GET
def city_home(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = selectors.get_public_city(slug=city_slug)
    at = clock.now()
    return render(
        request,
        "portal/city.html",
        {
            "city": city,
            "nav": "programmes",
            "programmes": list(selectors.list_public_programmes(city=city)),
            "calls": list(selectors.list_open_or_upcoming_calls(city=city, at=at)[:HOME_CALLS]),
            "news_items": list(selectors.list_published_news(at=at, city=city)[:CITY_NEWS]),
            "stories": list(selectors.list_published_stories(at=at, city=city)[:CITY_STORIES]),
            "now": at,
            "breadcrumbs": [home_crumb(), (city.name, None)],
        },
    )


@require_GET
def programme_detail(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = selectors.get_public_city(slug=city_slug)
    programme = selectors.get_public_programme(city=city, slug=slug)
    at = clock.now()
    calls = selectors.list_calls(city=city, at=at).filter(programme=programme)
    return render(
        request,
        "portal/programme_detail.html",
        {
            "city": city,
            "nav": "programmes",
            "programme": programme,
            "calls": list(calls),
            "now": at,
            "breadcrumbs": [*city_crumbs(city), (programme.title, None)],
        },
    )


@require_GET
@visitor_cached
def call_list(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = selectors.get_public_city(slug=city_slug)
    at = clock.now()
    state = request.GET.get("stato", "")
    if state not in selectors.CALL_FILTERS:
        state = ""
    phase = selectors.CALL_FILTERS.get(state)
    counts = selectors.count_calls_by_phase(city=city, at=at)
    tabs = [
        ("", _("Tutti"), counts[""]),
        ("aperti", _("Aperti"), counts["aperti"]),
        ("in-arrivo", _("In arrivo"), counts["in-arrivo"]),
        ("chiusi", _("Chiusi"), counts["chiusi"]),
    ]
    return render(
        request,
        "portal/call_list.html",
        {
            "city": city,
            "nav": "calls",
            "state": state,
            "tabs": tabs,
            "page_obj": paginate(request, selectors.list_calls(city=city, phase=phase, at=at)),
            "now": at,
            "breadcrumbs": [*city_crumbs(city), (_("Avvisi"), None)],
        },
    )


@require_GET
@visitor_cached
def call_detail(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = selectors.get_public_city(slug=city_slug)
    at = clock.now()
    preview = False
    if request.GET.get("anteprima") == "1" and request.user.is_authenticated:
        call = selectors.get_call_for_preview(city=city, slug=slug, at=at)
        if not request.user.has_perm("programmes.view_call_backoffice", call):
            raise Http404
        preview = call.status == CallStatus.DRAFT or not call.programme.is_published
    else:
        call = selectors.get_public_call(city=city, slug=slug, at=at)
    response = render(
        request,
        "portal/call_detail.html",
        {
            "city": city,
            "nav": "calls",
            "call": call,
            "phase": call.phase_at(at),
            "countdown": countdown(call, at),
            "preview": preview,
            "has_illustrative_sites": any(
                site.is_illustrative for lot in call.lots.all() for site in lot.sites.all()
            ),
            "now": at,
            "breadcrumbs": [
                *city_crumbs(city),
                (_("Avvisi"), reverse("portal:call_list", args=[city.slug])),
                (call.title, None),
            ],
        },
    )
    if preview:
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def call_document(request: HttpRequest, pk: int) -> FileResponse:
    document = selectors.get_public_call_document(pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=False,
        filename=os.path.basename(document.file.name),
    )


@require_GET
def news_list(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = selectors.get_public_city(slug=city_slug)
    return render(
        request,
        "portal/news_list.html",
        {
            "city": city,
            "nav": "news",
            "page_obj": paginate(request, selectors.list_published_news(at=clock.now(), city=city)),
            "breadcrumbs": [*city_crumbs(city), (_("Notizie"), None)],
        },
    )


@require_GET
def news_detail(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = selectors.get_public_city(slug=city_slug)
    item = selectors.get_published_news(city=city, slug=slug, at=clock.now())
    return render(
        request,
        "portal/news_detail.html",
        {
            "city": city,
            "nav": "news",
            "item": item,
            "breadcrumbs": [
                *city_crumbs(city),
                (_("Notizie"), reverse("portal:news_list", args=[city.slug])),
                (item.title, None),
            ],
        },
    )


@require_GET
def story_list(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = selectors.get_public_city(slug=city_slug)
    at = clock.now()
    neighbourhoods = list(selectors.list_story_neighbourhoods(city=city, at=at))
    chosen_slug = request.GET.get("quartiere", "")
    chosen = next((n for n in neighbourhoods if n.slug == chosen_slug), None)
    stories = selectors.list_published_stories(at=at, city=city, neighbourhood=chosen)
    return render(
        request,
        "portal/story_list.html",
        {
            "city": city,
            "nav": "stories",
            "neighbourhoods": neighbourhoods,
            "chosen": chosen,
            "page_obj": paginate(request, stories),
            "breadcrumbs": [*city_crumbs(city), (_("Voci dai quartieri"), None)],
        },
    )


@require_GET
def story_detail(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = selectors.get_public_city(slug=city_slug)
    story = selectors.get_published_story(city=city, slug=slug, at=clock.now())
    return render(
        request,
        "portal/story_detail.html",
        {
            "city": city,
            "nav": "stories",
            "story": story,
            "breadcrumbs": [
                *city_crumbs(city),
                (_("Voci dai quartieri"), reverse("portal:story_list", args=[city.slug])),
                (story.title, None),
            ],
        },
    )


@require_GET
def contacts(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = selectors.get_public_city(slug=city_slug)
    return render(
        request,
        "portal/contacts.html",
        {
            "city": city,
            "nav": "contacts",
            "calls": list(selectors.list_contact_calls(city=city, at=clock.now())),
            "breadcrumbs": [*city_crumbs(city), (_("Contatti"), None)],
        },
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    truncated = len(raw) > selectors.SEARCH_MAX_CHARS
    query = raw[: selectors.SEARCH_MAX_CHARS].strip()
    words = selectors.search_words(query)
    city_slug = request.GET.get("citta", "")
    city = selectors.list_public_cities().filter(slug=city_slug).first() if city_slug else None
    kind = request.GET.get("tipo", "")
    if kind not in selectors.SEARCH_KINDS:
        kind = ""
    at = clock.now()
    context: dict[str, Any] = {
        "city": city,
        "nav": "search",
        "search_query": query,
        "truncated": truncated,
        "max_chars": selectors.SEARCH_MAX_CHARS,
        "words": words,
        "kind": kind,
        "cities": list(selectors.list_public_cities()),
        "breadcrumbs": [home_crumb(), (_("Cerca"), None)],
    }
    if words and kind:
        queryset = selectors.search_querysets(words=words, at=at, city=city)[kind]
        context["page_obj"] = paginate(request, queryset)
    elif words:
        groups = selectors.search_all(words=words, at=at, city=city, cap=SEARCH_CAP)
        context["groups"] = groups
        context["total"] = sum(group.count for group in groups)
    return render(request, "portal/search.html", context)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/accessibility.html",
        {"nav": "", "breadcrumbs": [home_crumb(), (_("Dichiarazione di accessibilità"), None)]},
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/privacy.html",
        {"nav": "", "breadcrumbs": [home_crumb(), (_("Informativa sulla privacy"), None)]},
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("django.contrib.sitemaps.views.sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /gestione/",
        "Disallow: /account/",
        "Disallow: /admin/",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
