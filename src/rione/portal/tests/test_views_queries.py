"""Query budgets of the portal pages: the same bound with 1 row and with many (STYLE.md §8)."""

import pytest
from django.urls import reverse

from rione.portal.tests.factories import NewsFactory, StoryFactory
from rione.programmes.tests.factories import CallFactory, FaqEntryFactory

pytestmark = pytest.mark.django_db

SIZES = [1, 15]


@pytest.fixture
def many(city, programme, scampia):
    """``many(n)``: n open calls (each with FAQ), n news and n stories in Napoli."""

    def make(n):
        for i in range(n):
            call = CallFactory(
                open=True,
                programme=programme,
                title=f"Avviso Scampia {i}",
                description="Laboratori a Scampia.",
                contact_email=f"avviso{i}@example.org",
            )
            call.eligible_neighbourhoods.add(scampia)
            FaqEntryFactory(call=call, question=f"Scampia domanda {i}?")
            NewsFactory(city=city, title=f"Notizia Scampia {i}", call=call)
            StoryFactory(city=city, neighbourhood=scampia, title=f"Storia Scampia {i}")

    return make


@pytest.mark.parametrize("n", SIZES)
def test_home_queries_do_not_grow(client, many, n, django_assert_max_num_queries):
    many(n)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", SIZES)
def test_city_queries_do_not_grow(client, many, n, django_assert_max_num_queries):
    many(n)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("portal:city", args=["napoli"]))
    assert response.status_code == 200


@pytest.mark.parametrize("n", SIZES)
def test_call_list_queries_do_not_grow(client, many, n, django_assert_max_num_queries):
    many(n)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("portal:call_list", args=["napoli"]), {"stato": "aperti"})
    assert response.status_code == 200


@pytest.mark.parametrize("n", SIZES)
def test_call_detail_queries_do_not_grow(client, open_call, n, django_assert_max_num_queries):
    add_call_parts_many(open_call, n)
    # call, city, the ten parts of the call text, news about the call
    with django_assert_max_num_queries(13):
        response = client.get(reverse("portal:call_detail", args=["napoli", open_call.slug]))
    assert response.status_code == 200


def add_call_parts_many(call, n):
    from datetime import timedelta
    from decimal import Decimal

    from rione.core import clock
    from rione.core.tests.factories import UserFactory
    from rione.programmes.models import Amendment, AmendmentKind, RequiredDocument
    from rione.programmes.tests.factories import LotFactory
    from rione.territory.tests.factories import SiteFactory

    author = UserFactory()
    for i in range(n):
        lot = LotFactory(call=call, number=100 + i, budget=Decimal("1000"))
        lot.sites.add(SiteFactory(city=call.city))
        FaqEntryFactory(call=call)
        RequiredDocument.objects.create(call=call, title=f"Allegato {i}")
        Amendment.objects.create(
            call=call,
            number=100 + i,
            kind=AmendmentKind.CORRECTION,
            text="Rettifica.",
            published_at=clock.now() - timedelta(hours=i),
            created_by=author,
        )
        NewsFactory(city=call.city, call=call)


@pytest.mark.parametrize("n", SIZES)
def test_news_list_queries_do_not_grow(client, many, n, django_assert_max_num_queries):
    many(n)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("portal:news_list", args=["napoli"]))
    assert response.status_code == 200


@pytest.mark.parametrize("n", SIZES)
def test_story_list_queries_do_not_grow(client, many, n, django_assert_max_num_queries):
    many(n)
    with django_assert_max_num_queries(4):
        response = client.get(
            reverse("portal:story_list", args=["napoli"]), {"quartiere": "scampia"}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("n", SIZES)
def test_search_queries_do_not_grow(client, many, n, django_assert_max_num_queries):
    many(n)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("portal:search"), {"q": "Scampia", "citta": "napoli"})
    assert response.status_code == 200
    assert response.context["total"] >= 4 * n
