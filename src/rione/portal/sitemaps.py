"""sitemap.xml: cities, programmes, public calls, published news and stories, static pages."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from rione.core import clock
from rione.portal.models import News, Story
from rione.portal.selectors import list_public_cities, public_calls
from rione.programmes.models import Call, Programme
from rione.territory.models import City


class PortalSitemap(Sitemap):
    """Absolute URLs on SITE_URL, not on the placeholder domain of django.contrib.sites."""

    limit = 5000

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc or super().get_domain(site)

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or super().get_protocol(protocol)


class StaticSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self) -> list[str]:
        return ["portal:home", "portal:search", "portal:accessibility", "portal:privacy"]

    def location(self, item: str) -> str:
        return reverse(item)


class CitySitemap(PortalSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[City]:
        return list_public_cities()

    def location(self, item: City) -> str:
        return reverse("portal:city", args=[item.slug])

    def lastmod(self, item: City) -> Any:
        return item.updated_at


class ProgrammeSitemap(PortalSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Programme]:
        return (
            Programme.objects.filter(is_published=True, city__is_published=True)
            .select_related("city")
            .order_by("pk")
        )

    def location(self, item: Programme) -> str:
        return reverse("portal:programme", args=[item.city.slug, item.slug])

    def lastmod(self, item: Programme) -> Any:
        return item.updated_at


class CallSitemap(PortalSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> QuerySet[Call]:
        return public_calls().select_related("city").order_by("pk")

    def location(self, item: Call) -> str:
        return reverse("portal:call_detail", args=[item.city.slug, item.slug])

    def lastmod(self, item: Call) -> Any:
        return item.updated_at


class NewsSitemap(PortalSitemap):
    changefreq = "never"

    def items(self) -> QuerySet[News]:
        return (
            News.objects.published(clock.now())
            .filter(city__is_published=True)
            .select_related("city")
            .order_by("pk")
        )

    def location(self, item: News) -> str:
        return reverse("portal:news_detail", args=[item.city.slug, item.slug])

    def lastmod(self, item: News) -> Any:
        return item.updated_at


class StorySitemap(PortalSitemap):
    changefreq = "never"

    def items(self) -> QuerySet[Story]:
        return (
            Story.objects.published(clock.now())
            .filter(city__is_published=True)
            .select_related("city")
            .order_by("pk")
        )

    def location(self, item: Story) -> str:
        return reverse("portal:story_detail", args=[item.city.slug, item.slug])

    def lastmod(self, item: Story) -> Any:
        return item.updated_at


SITEMAPS = {
    "pagine": StaticSitemap,
    "citta": CitySitemap,
    "programmi": ProgrammeSitemap,
    "avvisi": CallSitemap,
    "notizie": NewsSitemap,
    "storie": StorySitemap,
}
