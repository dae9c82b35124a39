import factory

from rione.core import clock
from rione.portal.models import News, Story
from rione.territory.tests.factories import CityFactory


class NewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = News

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"Notizia {n}")
    slug = factory.Sequence(lambda n: f"notizia-{n}")
    summary = "In breve."
    body = "Il testo della notizia."
    published_at = factory.LazyFunction(clock.now)


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"Storia {n}")
    slug = factory.Sequence(lambda n: f"storia-{n}")
    summary = "In breve."
    body = "Il racconto."
    published_at = factory.LazyFunction(clock.now)
