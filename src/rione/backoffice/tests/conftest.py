"""A city with one of everything the back office manages, and people with every role."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile

from rione.core import clock
from rione.core.models import Invitation, Role
from rione.core.tests.factories import StaffRoleFactory, UserFactory
from rione.portal.tests.factories import NewsFactory, StoryFactory
from rione.programmes.models import CallDocument, ExtraQuestion, RequiredDocument
from rione.programmes.tests.factories import (
    CallFactory,
    FaqEntryFactory,
    GrantRuleFactory,
    LotFactory,
    ProgrammeFactory,
    StageFactory,
)
from rione.territory.models import Sector
from rione.territory.tests.factories import DistrictFactory, NeighbourhoodFactory, SiteFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    objects: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError as error:
            raise AttributeError(name) from error


def build_world(city: Any) -> World:
    programme = ProgrammeFactory(city=city)
    stage = StageFactory(programme=programme)
    call = CallFactory(
        programme=programme,
        opens_at=clock.now() + timedelta(days=2),
        closes_at=clock.now() + timedelta(days=30),
        budget=Decimal("100000.00"),
    )
    lot_site = SiteFactory(city=city)
    lot = LotFactory(call=call, budget=Decimal("100000.00"))
    lot.sites.set([lot_site])
    district = DistrictFactory(city=city)
    neighbourhood = NeighbourhoodFactory(district=district)
    document = CallDocument(
        call=call, title="Testo dell'avviso", sha256="0" * 64, size=len(PDF_BYTES)
    )
    document.file.save("avviso.pdf", ContentFile(PDF_BYTES), save=False)
    document.save()
    admin = StaffRoleFactory(city=city, role=Role.CITY_ADMIN).user
    return World(
        {
            "city": city,
            "programme": programme,
            "stage": stage,
            "call": call,
            "lot": lot,
            "grantrule": GrantRuleFactory(call=call),
            "requireddocument": RequiredDocument.objects.create(call=call, title="Statuto"),
            "question": ExtraQuestion.objects.create(call=call, text="Perché?"),
            "faq": FaqEntryFactory(call=call, published_at=None),
            "document": document,
            "site": SiteFactory(city=city),
            "district": district,
            "empty_district": DistrictFactory(city=city),
            "neighbourhood": neighbourhood,
            "term": Sector.objects.filter(city=city).first(),
            "news": NewsFactory(city=city, published_at=None),
            "story": StoryFactory(city=city),
            "admin": admin,
            "mentor_role": StaffRoleFactory(city=city, role=Role.MENTOR),
            "invitation": Invitation.objects.create(
                email="invitata@example.org",
                city=city,
                role=Role.EVALUATOR,
                token=f"token-di-prova-{city.slug}",
                invited_by=admin,
                expires_at=clock.now() + timedelta(days=14),
            ),
        }
    )


@pytest.fixture
def world(city, other_city):
    build_world(other_city)
    return build_world(city)


@pytest.fixture
def make_staff():
    def make(city, role):
        return StaffRoleFactory(city=city, role=role, user=UserFactory()).user

    return make


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
