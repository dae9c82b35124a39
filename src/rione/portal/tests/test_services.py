"""News, clarifications and stories: only the city's managers write them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core import clock
from rione.core.records import ConcurrentEdit
from rione.core.tests.audit_helpers import audit_count, events_of, only_event
from rione.portal.models import News, NewsKind, Story
from rione.portal.services import (
    create_news,
    create_story,
    delete_content,
    publish_content,
    unpublish_content,
    update_content,
)
from rione.portal.tests.factories import NewsFactory, StoryFactory
from rione.programmes.tests.factories import CallFactory
from rione.territory.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db

NOW = clock.rome(2026, 3, 2, 10, 0)
NEWS = {"title": "Proroga", "slug": "proroga", "summary": "In breve.", "body": "Il testo."}
STORY = {"title": "Il giardino", "slug": "il-giardino", "summary": "In breve.", "body": "Storia."}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def now():
    with clock.travel_to(NOW):
        yield NOW


# create


@pytest.mark.parametrize("who", ["manager", "city_admin"])
def test_managers_write_unpublished_news(city, who, request):
    user = request.getfixturevalue(who)
    call = CallFactory(programme__city=city)

    news = create_news(
        city=city, by=user, values={**NEWS, "kind": NewsKind.CLARIFICATION, "call": call}
    )

    assert (news.city, news.call, news.published_at) == (city, call, None)
    event = only_event(news, "news.created")
    assert (event.actor, event.stream) == (user, f"city:{city.pk}")
    assert event.data["after"]["kind"] == "clarification"


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_write_news(city, who, request):
    events = audit_count()

    with pytest.raises(PermissionDenied):
        create_news(city=city, by=request.getfixturevalue(who), values=NEWS)

    assert not News.objects.exists()
    assert audit_count() == events


def test_news_about_a_call_of_another_city_is_refused(city, other_city, manager):
    with pytest.raises(ValidationError) as caught:
        create_news(
            city=city, by=manager, values={**NEWS, "call": CallFactory(programme__city=other_city)}
        )

    assert list(caught.value.message_dict) == ["call"]
    assert not News.objects.exists()


def test_news_without_a_body_is_refused(city, manager):
    with pytest.raises(ValidationError) as caught:
        create_news(city=city, by=manager, values={**NEWS, "body": ""})

    assert "body" in caught.value.message_dict
    assert not News.objects.exists()


def test_a_manager_writes_a_story_from_a_neighbourhood(city, manager):
    neighbourhood = NeighbourhoodFactory(district__city=city)

    story = create_story(city=city, by=manager, values={**STORY, "neighbourhood": neighbourhood})

    assert (story.neighbourhood, story.published_at) == (neighbourhood, None)
    assert only_event(story, "story.created").actor == manager


def test_a_story_from_a_neighbourhood_of_another_city_is_refused(city, other_city, manager):
    with pytest.raises(ValidationError) as caught:
        create_story(
            city=city,
            by=manager,
            values={**STORY, "neighbourhood": NeighbourhoodFactory(district__city=other_city)},
        )

    assert list(caught.value.message_dict) == ["neighbourhood"]
    assert not Story.objects.exists()


def test_another_citys_manager_cannot_write_stories(city, other_manager):
    with pytest.raises(PermissionDenied):
        create_story(city=city, by=other_manager, values=STORY)

    assert not Story.objects.exists()


# publish / unpublish


@pytest.mark.parametrize("factory", [NewsFactory, StoryFactory])
def test_publishing_stamps_the_clock(city, manager, now, factory):
    item = factory(city=city, published_at=None)

    publish_content(item=item, by=manager)

    item.refresh_from_db()
    assert item.published_at == now
    event = only_event(item, f"{item._meta.model_name}.updated")
    assert event.actor == manager
    assert event.data["changes"]["published_at"]["old"] is None


@pytest.mark.parametrize("factory", [NewsFactory, StoryFactory])
def test_publishing_can_be_scheduled(city, manager, now, factory):
    item = factory(city=city, published_at=None)
    tomorrow = now + timedelta(days=1)

    publish_content(item=item, by=manager, at=tomorrow)

    item.refresh_from_db()
    assert item.published_at == tomorrow
    assert item not in type(item).objects.published(now)
    assert item in type(item).objects.published(tomorrow)


def test_publishing_again_keeps_the_first_date(city, manager, now):
    first = now - timedelta(days=3)
    news = NewsFactory(city=city, published_at=first)

    publish_content(item=news, by=manager)

    news.refresh_from_db()
    assert news.published_at == first
    assert events_of(News, news.pk) == []


@pytest.mark.parametrize("factory", [NewsFactory, StoryFactory])
@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_publish(city, factory, who, request):
    item = factory(city=city, published_at=None)

    with pytest.raises(PermissionDenied):
        publish_content(item=item, by=request.getfixturevalue(who))

    item.refresh_from_db()
    assert item.published_at is None
    assert events_of(type(item), item.pk) == []


@pytest.mark.parametrize("factory", [NewsFactory, StoryFactory])
def test_unpublishing_hides_the_item(city, manager, now, factory):
    item = factory(city=city)  # published now

    unpublish_content(item=item, by=manager)

    item.refresh_from_db()
    assert item.published_at is None
    assert item not in type(item).objects.published(now)
    changes = only_event(item, f"{item._meta.model_name}.updated").data["changes"]
    assert changes["published_at"]["new"] is None


@pytest.mark.parametrize("factory", [NewsFactory, StoryFactory])
def test_another_citys_manager_cannot_unpublish(city, other_manager, now, factory):
    item = factory(city=city)

    with pytest.raises(PermissionDenied):
        unpublish_content(item=item, by=other_manager)

    item.refresh_from_db()
    assert item.published_at == now


# edit and delete


def test_a_manager_edits_news(city, manager):
    news = NewsFactory(city=city, title="Vecchio")

    update_content(item=news, by=manager, values={"title": "Nuovo"})

    news.refresh_from_db()
    assert news.title == "Nuovo"
    assert only_event(news, "news.updated").data["changes"]["title"]["old"] == "Vecchio"


def test_a_stale_edit_of_news_is_refused(city, manager):
    news = NewsFactory(city=city, title="Vecchio")
    seen_at = news.updated_at
    update_content(item=news, by=manager, values={"title": "Primo"})

    with pytest.raises(ConcurrentEdit):
        update_content(
            item=news, by=manager, values={"title": "Secondo"}, expected_updated_at=seen_at
        )

    news.refresh_from_db()
    assert news.title == "Primo"


def test_linking_news_to_a_call_of_another_city_is_refused(city, other_city, manager):
    news = NewsFactory(city=city)

    with pytest.raises(ValidationError):
        update_content(
            item=news, by=manager, values={"call": CallFactory(programme__city=other_city)}
        )

    news.refresh_from_db()
    assert news.call is None


def test_a_manager_deletes_a_story(city, manager):
    story = StoryFactory(city=city)
    pk = story.pk

    delete_content(item=story, by=manager)

    assert not Story.objects.filter(pk=pk).exists()
    assert [e.action for e in events_of(Story, pk)] == ["story.deleted"]


def test_an_evaluator_cannot_delete_news(city, evaluator):
    news = NewsFactory(city=city)

    with pytest.raises(PermissionDenied):
        delete_content(item=news, by=evaluator)

    assert News.objects.filter(pk=news.pk).exists()
