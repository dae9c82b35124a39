"""Reads of the territory for the portal, the API and exports. No permission logic here."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from rione.territory.models import City, Site


def list_public_cities() -> QuerySet[City]:
    """Cities visible on the portal, by name."""
    return City.objects.filter(is_published=True).order_by("name", "pk")


def get_public_city(*, slug: str) -> City:
    """One published city. Raises Http404 when it is missing or not published."""
    return get_object_or_404(list_public_cities(), slug=slug)


def list_public_sites(
    *, city_slug: str | None = None, neighbourhood_slug: str | None = None
) -> QuerySet[Site]:
    """Sites of published cities, with city, neighbourhood and district in the same query.

    An unknown ``city_slug`` or ``neighbourhood_slug`` gives an empty result.
    """
    sites = (
        Site.objects.filter(city__is_published=True)
        .select_related("city", "neighbourhood__district")
        .order_by("city__name", "name", "pk")
    )
    if city_slug is not None:
        sites = sites.filter(city__slug=city_slug)
    if neighbourhood_slug is not None:
        sites = sites.filter(neighbourhood__slug=neighbourhood_slug)
    return sites
