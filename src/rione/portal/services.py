"""Use cases of the editorial content: news, clarifications and stories."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rione.core import clock
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.records import create_record, delete_record, update_record
from rione.portal.models import News, Story
from rione.territory.models import City

Content = News | Story
NEWS_FIELDS = frozenset(
    {"programme", "call", "kind", "title", "slug", "summary", "body", "published_at"}
)
STORY_FIELDS = frozenset(
    {"programme", "neighbourhood", "title", "slug", "summary", "body", "told_by", "published_at"}
)


def _check_scope(city: City, values: Mapping[str, Any]) -> None:
    errors = {
        name: _("Scegli un elemento della stessa città.")
        for name in ("programme", "call", "neighbourhood")
        if values.get(name) is not None and values[name].owning_city_id != city.pk
    }
    if errors:
        raise ValidationError(errors)


def create_news(*, city: City, by: User, values: Mapping[str, Any]) -> News:
    ensure_perm(by, "portal.manage_content", city)
    _check_scope(city, values)
    return create_record(
        News,
        by=by,
        perm="portal.manage_content",
        perm_obj=city,
        values=values,
        editable=NEWS_FIELDS,
        fixed={"city": city},
    )


def create_story(*, city: City, by: User, values: Mapping[str, Any]) -> Story:
    ensure_perm(by, "portal.manage_content", city)
    _check_scope(city, values)
    return create_record(
        Story,
        by=by,
        perm="portal.manage_content",
        perm_obj=city,
        values=values,
        editable=STORY_FIELDS,
        fixed={"city": city},
    )


def update_content(
    *,
    item: Content,
    by: User,
    values: Mapping[str, Any],
    expected_updated_at: datetime | None = None,
) -> Content:
    ensure_perm(by, "portal.manage_content", item)
    _check_scope(item.city, values)
    return update_record(
        item,
        by=by,
        perm="portal.manage_content",
        values=values,
        expected_updated_at=expected_updated_at,
        editable=NEWS_FIELDS if isinstance(item, News) else STORY_FIELDS,
    )


def publish_content(*, item: Content, by: User, at: datetime | None = None) -> Content:
    return update_record(
        item,
        by=by,
        perm="portal.manage_content",
        values={"published_at": item.published_at or clock.resolve(at)},
    )


def unpublish_content(*, item: Content, by: User) -> Content:
    return update_record(item, by=by, perm="portal.manage_content", values={"published_at": None})


def delete_content(*, item: Content, by: User) -> None:
    delete_record(item, by=by, perm="portal.manage_content")
