from datetime import timedelta
from decimal import Decimal

import factory

from rione.core import clock
from rione.programmes.models import (
    Call,
    CallKind,
    CallStatus,
    FaqEntry,
    GrantRule,
    Lot,
    Programme,
    Stage,
)
from rione.territory.models import ApplicantCategory
from rione.territory.tests.factories import CityFactory, NeighbourhoodFactory, applicant_type


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"Programma {n}")
    slug = factory.Sequence(lambda n: f"programma-{n}")
    summary = "Un programma di innovazione sociale nei quartieri."
    is_published = True
    published_at = factory.LazyFunction(clock.now)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    programme = factory.SubFactory(ProgrammeFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Fase {n}")


class CallFactory(factory.django.DjangoModelFactory):
    """A draft call, ready to publish. Traits: ``open``, ``upcoming``, ``closed``."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    city = factory.SelfAttribute("programme.city")
    title = factory.Sequence(lambda n: f"Avviso {n}")
    slug = factory.Sequence(lambda n: f"avviso-{n}")
    kind = CallKind.CALL_FOR_IDEAS
    summary = "Idee per i quartieri."
    description = "Il testo completo dell'avviso."
    opens_at = factory.LazyFunction(lambda: clock.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: clock.now() + timedelta(days=20))
    budget = Decimal("100000.00")

    class Params:
        open = factory.Trait(
            status=CallStatus.PUBLISHED, published_at=factory.LazyFunction(clock.now)
        )
        upcoming = factory.Trait(
            status=CallStatus.PUBLISHED,
            published_at=factory.LazyFunction(clock.now),
            opens_at=factory.LazyFunction(lambda: clock.now() + timedelta(days=5)),
            closes_at=factory.LazyFunction(lambda: clock.now() + timedelta(days=30)),
        )
        closed = factory.Trait(
            status=CallStatus.PUBLISHED,
            published_at=factory.LazyFunction(lambda: clock.now() - timedelta(days=40)),
            opens_at=factory.LazyFunction(lambda: clock.now() - timedelta(days=40)),
            closes_at=factory.LazyFunction(lambda: clock.now() - timedelta(days=1)),
        )

    @factory.post_generation
    def eligibility(obj, create, extracted, **kwargs):
        """Eligible: the city's ETS and informal groups, and one neighbourhood of the city."""
        if not create or extracted is False:
            return
        types = [
            applicant_type(obj.city, ApplicantCategory.ETS),
            applicant_type(obj.city, ApplicantCategory.INFORMAL_GROUP),
        ]
        obj.eligible_applicant_types.set([t for t in types if t is not None])
        obj.eligible_neighbourhoods.set([NeighbourhoodFactory(district__city=obj.city)])


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    call = factory.SubFactory(CallFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lotto {n}")
    budget = Decimal("50000.00")


class GrantRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantRule

    call = factory.SubFactory(CallFactory)
    category = ApplicantCategory.ETS
    min_grant = Decimal("50000.00")
    max_grant = Decimal("140000.00")
    min_cofinancing_pct = Decimal("10.00")


class FaqEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqEntry

    call = factory.SubFactory(CallFactory)
    question = factory.Sequence(lambda n: f"Domanda {n}?")
    answer = "Sì."
    published_at = factory.LazyFunction(clock.now)
