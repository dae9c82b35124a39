"""Reads of the public portal: cities, programmes, calls, news, stories and search.

Every function here runs a fixed number of queries whatever the number of rows
(``select_related`` / ``prefetch_related``). No permission logic: callers decide
who may see a draft (see ``get_call_for_preview``).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from rione.portal.models import News, Story
from rione.programmes import selectors as programme_selectors
from rione.programmes.models import (
    AFTER_CLOSING_STATUSES,
    Call,
    CallDocument,
    CallPhase,
    CallQuerySet,
    CallStatus,
    FaqEntry,
    Programme,
    Stage,
)
from rione.programmes.selectors import published_faq
from rione.territory.models import City, Neighbourhood

# Public phase filters of the call list: URL value -> phase.
CALL_FILTERS: dict[str, CallPhase] = {
    "aperti": CallPhase.OPEN,
    "in-arrivo": CallPhase.SCHEDULED,
    "chiusi": CallPhase.CLOSED,
}

SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 8


# --- cities and programmes -------------------------------------------------------------


def list_public_cities() -> QuerySet[City]:
    """Cities visible on the portal, by name."""
    return City.objects.filter(is_published=True).order_by("name", "pk")


def get_public_city(*, slug: str) -> City:
    """One published city. Raises Http404 when it is missing or not published."""
    return get_object_or_404(list_public_cities(), slug=slug)


def list_public_programmes(*, city: City) -> QuerySet[Programme]:
    """The published programmes of ``city``, by title."""
    return Programme.objects.filter(city=city, is_published=True).order_by("title", "pk")


def get_public_programme(*, city: City, slug: str) -> Programme:
    """A published programme with its stages in order. Raises Http404 otherwise."""
    programmes = list_public_programmes(city=city).prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("order", "pk"))
    )
    return get_object_or_404(programmes, slug=slug)


# --- calls ------------------------------------------------------------------------------


def public_calls() -> CallQuerySet:
    """Calls the public may see (not drafts, of published programmes and cities)."""
    return Call.objects.public()


def list_calls(
    *, city: City | None = None, phase: CallPhase | None = None, at: datetime
) -> QuerySet[Call]:
    """Public calls with city and programme, soonest deadline first for open calls."""
    calls = public_calls().select_related("city", "programme")
    if city is not None:
        calls = calls.filter(city=city)
    if phase is not None:
        calls = calls.in_phase(phase, at)
    if phase in (CallPhase.OPEN, CallPhase.SCHEDULED):
        return calls.order_by("closes_at", "title", "pk")
    return calls.order_by("-closes_at", "title", "-pk")


def list_open_or_upcoming_calls(*, city: City | None = None, at: datetime) -> QuerySet[Call]:
    """Open calls (deadline first), then the upcoming ones."""
    calls = (
        public_calls()
        .filter(status=CallStatus.PUBLISHED, closes_at__gt=at)
        .select_related("city", "programme")
        .order_by("closes_at", "title", "pk")
    )
    if city is not None:
        calls = calls.filter(city=city)
    return calls


def count_calls_by_phase(*, city: City, at: datetime) -> dict[str, int]:
    """{"": all, "aperti": n, "in-arrivo": n, "chiusi": n} for the call list tabs, in one query."""
    published = Q(status=CallStatus.PUBLISHED)
    counts = (
        public_calls()
        .filter(city=city)
        .aggregate(
            all=Count("pk"),
            open=Count("pk", filter=published & Q(opens_at__lte=at, closes_at__gt=at)),
            scheduled=Count("pk", filter=published & Q(opens_at__gt=at)),
            closed=Count(
                "pk",
                filter=(published & Q(closes_at__lte=at)) | Q(status__in=AFTER_CLOSING_STATUSES),
            ),
        )
    )
    return {
        "": counts["all"],
        "aperti": counts["open"],
        "in-arrivo": counts["scheduled"],
        "chiusi": counts["closed"],
    }


def call_detail_queryset(*, at: datetime, public_only: bool = True) -> QuerySet[Call]:
    """The call text with the published news about the call in ``call.published_news``."""
    return programme_selectors.call_detail_queryset(
        at=at, public_only=public_only
    ).prefetch_related(
        Prefetch(
            "news",
            queryset=News.objects.published(at).order_by("-published_at", "-pk"),
            to_attr="published_news",
        ),
    )


def get_public_call(*, city: City, slug: str, at: datetime) -> Call:
    """One public call of ``city`` with all its parts. Raises Http404 for drafts.

    ``has_published_ranking`` tells whether its ranking page exists.
    """
    from rione.evaluation.models import Ranking

    published = Ranking.objects.filter(call=OuterRef("pk"), published_at__isnull=False)
    queryset = call_detail_queryset(at=at).annotate(has_published_ranking=Exists(published))
    return get_object_or_404(queryset, city=city, slug=slug)


def get_call_for_preview(*, city: City, slug: str, at: datetime) -> Call:
    """Any call of ``city``, drafts included, with all its parts. The caller checks permission."""
    return get_object_or_404(call_detail_queryset(at=at, public_only=False), city=city, slug=slug)


def get_public_call_document(*, pk: int) -> CallDocument:
    """A document of a public call. Raises Http404 for drafts' documents."""
    return get_object_or_404(
        CallDocument.objects.filter(call__in=public_calls()).select_related("call"), pk=pk
    )


def list_contact_calls(*, city: City, at: datetime) -> QuerySet[Call]:
    """Open calls of ``city`` that name a contact e-mail."""
    return (
        public_calls()
        .filter(city=city)
        .open_at(at)
        .exclude(contact_email="")
        .order_by("closes_at", "title", "pk")
    )


# --- news and stories -------------------------------------------------------------------


def list_published_news(*, at: datetime, city: City | None = None) -> QuerySet[News]:
    """Published news of published cities, newest first."""
    news = (
        News.objects.published(at)
        .filter(city__is_published=True)
        .select_related("city")
        .order_by("-published_at", "-pk")
    )
    if city is not None:
        news = news.filter(city=city)
    return news


def get_published_news(*, city: City, slug: str, at: datetime) -> News:
    news = list_published_news(at=at, city=city).select_related("programme", "call")
    return get_object_or_404(news, slug=slug)


def list_published_stories(
    *, at: datetime, city: City | None = None, neighbourhood: Neighbourhood | None = None
) -> QuerySet[Story]:
    """Published stories, newest first, with their neighbourhood."""
    stories = (
        Story.objects.published(at)
        .filter(city__is_published=True)
        .select_related("city", "neighbourhood")
        .order_by("-published_at", "-pk")
    )
    if city is not None:
        stories = stories.filter(city=city)
    if neighbourhood is not None:
        stories = stories.filter(neighbourhood=neighbourhood)
    return stories


def get_published_story(*, city: City, slug: str, at: datetime) -> Story:
    stories = list_published_stories(at=at, city=city).select_related("programme")
    return get_object_or_404(stories, slug=slug)


def list_story_neighbourhoods(*, city: City, at: datetime) -> QuerySet[Neighbourhood]:
    """Neighbourhoods of ``city`` that have at least one published story (for the filter)."""
    return (
        Neighbourhood.objects.filter(city=city)
        .filter(Exists(Story.objects.published(at).filter(neighbourhood=OuterRef("pk"))))
        .order_by("district__order", "order", "name", "pk")
    )


# --- search -----------------------------------------------------------------------------


@dataclass
class SearchGroup:
    kind: str
    count: int
    items: list[Any] = field(default_factory=list)


def search_words(query: str) -> list[str]:
    """The distinct words of ``query`` (at most SEARCH_MAX_WORDS), in order."""
    words: list[str] = []
    for word in query.split():
        word = word.strip(".,;:!?\"'()[]«»“”‘’")
        if word and word.lower() not in {w.lower() for w in words}:
            words.append(word)
    return words[:SEARCH_MAX_WORDS]


def _all_words(words: list[str], fields: list[str], extra: Any = None) -> Q:
    """Every word must match at least one of ``fields`` (or the ``extra(word)`` condition)."""
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        if extra is not None:
            any_field |= extra(word)
        condition &= any_field
    return condition


def search_calls(*, words: list[str], city: City | None = None) -> QuerySet[Call]:
    def in_neighbourhood(word: str) -> Q:
        return Q(Exists(Neighbourhood.objects.filter(calls=OuterRef("pk"), name__icontains=word)))

    calls = (
        public_calls()
        .filter(_all_words(words, ["title", "summary", "description"], in_neighbourhood))
        .select_related("city", "programme")
        .order_by("-opens_at", "title", "pk")
    )
    return calls.filter(city=city) if city is not None else calls


def search_news(*, words: list[str], at: datetime, city: City | None = None) -> QuerySet[News]:
    news = list_published_news(at=at, city=city)
    return news.filter(_all_words(words, ["title", "summary", "body"]))


def search_faq(*, words: list[str], at: datetime, city: City | None = None) -> QuerySet[FaqEntry]:
    entries = (
        published_faq(at=at)
        .filter(call__in=public_calls())
        .filter(_all_words(words, ["question", "answer"]))
        .select_related("call__city")
        .order_by("-published_at", "pk")
    )
    return entries.filter(call__city=city) if city is not None else entries


def search_stories(*, words: list[str], at: datetime, city: City | None = None) -> QuerySet[Story]:
    stories = list_published_stories(at=at, city=city)
    return stories.filter(
        _all_words(words, ["title", "summary", "body", "told_by", "neighbourhood__name"])
    )


SEARCH_KINDS = ("avvisi", "notizie", "faq", "storie")


def search_querysets(
    *, words: list[str], at: datetime, city: City | None = None
) -> dict[str, QuerySet[Any]]:
    """One queryset per kind of result, keyed as in SEARCH_KINDS."""
    return {
        "avvisi": search_calls(words=words, city=city),
        "notizie": search_news(words=words, at=at, city=city),
        "faq": search_faq(words=words, at=at, city=city),
        "storie": search_stories(words=words, at=at, city=city),
    }


def search_all(
    *, words: list[str], at: datetime, city: City | None = None, cap: int = 5
) -> list[SearchGroup]:
    """Results grouped by kind, each capped at ``cap``: two queries per kind."""
    groups = []
    for kind, queryset in search_querysets(words=words, at=at, city=city).items():
        count = queryset.count()
        items = list(queryset[:cap]) if count else []
        groups.append(SearchGroup(kind=kind, count=count, items=items))
    return groups
