import factory

from rione.territory.models import (
    ApplicantCategory,
    ApplicantType,
    City,
    District,
    Neighbourhood,
    Site,
)
from rione.territory.services import seed_default_taxonomies


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Città {n}")
    slug = factory.Sequence(lambda n: f"citta-{n}")
    official_name = factory.LazyAttribute(lambda o: f"Comune di {o.name}")
    email = "urp@example.org"

    @factory.post_generation
    def taxonomies(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            seed_default_taxonomies(obj)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Municipalità {n}")
    code = factory.Sequence(lambda n: f"M{n}")
    slug = factory.Sequence(lambda n: f"municipalita-{n}")


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    district = factory.SubFactory(DistrictFactory)
    city = factory.SelfAttribute("district.city")
    name = factory.Sequence(lambda n: f"Quartiere {n}")
    slug = factory.Sequence(lambda n: f"quartiere-{n}")
    is_target_area = True


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Sede {n}")
    slug = factory.Sequence(lambda n: f"sede-{n}")
    address = factory.Sequence(lambda n: f"Via Roma {n}")


def applicant_type(city: City, category: str = ApplicantCategory.ETS) -> ApplicantType:
    """One of the city's default applicant types of ``category``."""
    return ApplicantType.objects.filter(city=city, category=category).order_by("order").first()
