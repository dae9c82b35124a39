"""Realistic portal data: a Napoli call with lots, sites, rules, documents, FAQ, amendments."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from rione.core import clock
from rione.core.tests.factories import UserFactory
from rione.portal.tests.factories import NewsFactory, StoryFactory
from rione.programmes.models import Amendment, AmendmentKind, CallDocument, RequiredDocument
from rione.programmes.tests.factories import (
    CallFactory,
    FaqEntryFactory,
    GrantRuleFactory,
    LotFactory,
    ProgrammeFactory,
    StageFactory,
)
from rione.territory.models import ApplicantCategory
from rione.territory.tests.factories import DistrictFactory, NeighbourhoodFactory, SiteFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def programme(city):
    programme = ProgrammeFactory(
        city=city,
        title="iQ – I quartieri dell'innovazione",
        slug="iq",
        funding_source="PON Metro 2014-2020 Asse 3 Azione 3.3.1",
        total_budget=Decimal("3500000.00"),
    )
    StageFactory(programme=programme, order=1, title="Chiamata di idee")
    StageFactory(programme=programme, order=2, title="Incubazione")
    return programme


@pytest.fixture
def scampia(city):
    district = DistrictFactory(city=city, name="Municipalità 8", code="M8", slug="m8")
    return NeighbourhoodFactory(district=district, city=city, name="Scampia", slug="scampia")


def add_call_parts(call, *, neighbourhood=None, n_parts=1):
    """Lots with sites, grant rules, documents, FAQ, amendments and news for ``call``."""
    for i in range(n_parts):
        lot = LotFactory(call=call, number=i + 1, title=f"Portinerie sociali {i}")
        lot.sites.set(
            [
                SiteFactory(city=call.city, neighbourhood=neighbourhood, is_illustrative=True),
                SiteFactory(city=call.city, neighbourhood=neighbourhood),
            ]
        )
        FaqEntryFactory(call=call, question=f"Possono partecipare le scuole {i}?", answer="No.")
        RequiredDocument.objects.create(call=call, title=f"Piano economico {i}", order=i)
        CallDocument.objects.create(
            call=call,
            title=f"Testo dell'avviso {i}",
            file=ContentFile(PDF_BYTES, name=f"avviso-{i}.pdf"),
            sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
            size=len(PDF_BYTES),
            order=i,
        )
        Amendment.objects.create(
            call=call,
            number=i + 1,
            kind=AmendmentKind.CORRECTION,
            text=f"Rettifica {i} all'articolo 5.",
            published_at=clock.now() - timedelta(days=1),
            created_by=UserFactory(),
        )
        NewsFactory(city=call.city, call=call, kind="clarification")
    if neighbourhood is not None:
        call.eligible_neighbourhoods.add(neighbourhood)
    GrantRuleFactory(call=call, category=ApplicantCategory.ETS)
    GrantRuleFactory(
        call=call,
        category=ApplicantCategory.INFORMAL_GROUP,
        min_grant=Decimal("30000"),
        max_grant=Decimal("50000"),
        min_cofinancing_pct=Decimal("5"),
    )


@pytest.fixture
def open_call(city, programme, scampia):
    call = CallFactory(
        open=True,
        programme=programme,
        title="Avviso iQ fase 2",
        slug="iq-fase-2",
        description="Accelerazione delle idee più sostenibili e innovative.",
        contact_email="iq@comune.napoli.it",
        cap_selected=60,
        duration_months=24,
    )
    add_call_parts(call, neighbourhood=scampia)
    return call


@pytest.fixture
def draft_call(city, programme):
    return CallFactory(programme=programme, title="Avviso in preparazione", slug="bozza")


@pytest.fixture
def story(city, scampia):
    return StoryFactory(
        city=city, neighbourhood=scampia, title="La palestra popolare", slug="palestra"
    )


@pytest.fixture
def news(city):
    return NewsFactory(city=city, title="Aperto il nuovo avviso", slug="aperto")
