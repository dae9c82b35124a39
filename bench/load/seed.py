"""A fresh database for the deadline rush: one open call and K applicants one step from submitting.

``prepare(database_url, applicants, minutes)`` creates the database when it is missing,
migrates it and fills it; ``populate(applicants, minutes)`` only fills the database Django
already uses (the test database in pytest). Both return a ``Plan``, which ``Plan.write``
saves as JSON for the locustfile (env ``RIONE_BENCH_PLAN``) and for other tools.

What is written, with the ORM in bulk (no model instance saved one by one): a published
city with its default taxonomies, one district with three neighbourhoods, a published
programme, and a published call that opened 30 days ago and closes ``minutes`` minutes
from now on the real clock (gunicorn runs on it). The call admits ETS applicants with a
grant from 1,000 to 50,000 € and 10 % co-financing, has published FAQ entries, no lots,
no required documents and no extra questions. Each applicant is an account with a
verified e-mail address, a profile (valid codice fiscale), the privacy consent, and an
APS of which it is legal representative, with a draft proposal whose idea and targets are
complete and whose budget (the last step) is still empty: saving the budget form with
``Plan.budget_form`` makes it ready to submit. Every account has the password
``Plan.password``, hashed once with the project's hasher (what login really costs).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PASSWORD = "rione-rush-2026"
EMAIL_DOMAIN = "rush.rione.bench"
CITY_SLUG = "rush"
CALL_SLUG = "avviso-scadenza"
PROGRAMME_SLUG = "quartieri-in-scadenza"
LINE = {"description": "Educatori di strada", "quantity": "100", "unit_cost": "100,00"}
REQUESTED_GRANT = "8000,00"  # of a 10,000 € budget: 20 % co-financing, above the 10 % minimum

# What the clients read in the pages.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')
EXPECTED = re.compile(r'name="expected_version" value="(\d+)"')
PROTOCOL = re.compile(r'<dd class="col-sm-8 fw-semibold">(\d+)</dd>')
SHA256 = re.compile(r'<code class="text-break">([0-9a-f]{64})</code>')
RECEIPT_URL = re.compile(r"/area-personale/ricevute/(\d+)/$")
CLOSED = "non è aperto"  # CallNotOpen's message, in Italian (no Accept-Language is sent)


@dataclass(frozen=True)
class Applicant:
    email: str
    user: int
    proposal: int
    organisation: int


@dataclass
class Plan:
    """What the load needs to know about the seeded data; JSON-serialisable."""

    database_url: str
    city_slug: str
    call: int
    call_slug: str
    programme_slug: str
    closes_at: str  # ISO 8601, aware
    password: str
    cost_category: int
    applicants: list[Applicant] = field(default_factory=list)

    def budget_form(self, revision: int) -> dict[str, str]:
        """The POST body that saves the budget step with one line and the requested grant."""
        return {
            "revision": str(revision),
            "voci-TOTAL_FORMS": "1",
            "voci-INITIAL_FORMS": "0",
            "voci-MIN_NUM_FORMS": "0",
            "voci-MAX_NUM_FORMS": "100",
            "voci-0-cost_category": str(self.cost_category),
            "voci-0-description": LINE["description"],
            "voci-0-quantity": LINE["quantity"],
            "voci-0-unit_cost": LINE["unit_cost"],
            "requested_grant": REQUESTED_GRANT,
            "save": "",
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Plan:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["applicants"] = [Applicant(**a) for a in data["applicants"]]
        return cls(**data)


# Databases


def with_database(url: str, name: str) -> str:
    """``url`` with its database name replaced by ``name``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def fresh_url(server_url: str) -> str:
    """The URL of this process's own rush database on the server of ``server_url``."""
    return with_database(server_url, f"rione_rush_{os.getpid()}")


def create_database(url: str) -> None:
    """Create the database of ``url`` (connecting to ``postgres`` on the same server)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def use_database(url: str) -> None:
    """Point Django (set up now if it is not yet) at ``url``."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rione.config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-key-0123456789abcdefghijklmnopqrstuvwxyz0123")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
        return
    import dj_database_url
    from django.db import connections

    current = connections.settings["default"]
    wanted = dj_database_url.parse(url, conn_max_age=0)
    if (current["NAME"], current.get("PORT")) == (wanted["NAME"], wanted.get("PORT")):
        return
    connections["default"].close()
    current.update({k: v for k, v in wanted.items() if k in current or k == "OPTIONS"})
    del connections["default"]


def prepare(database_url: str, applicants: int, minutes: float) -> Plan:
    """Create (if missing) and migrate ``database_url``, then fill it: see the module's doc."""
    create_database(database_url)
    use_database(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    plan = populate(applicants, minutes)
    plan.database_url = database_url
    return plan


# Data


def populate(applicants: int, minutes: float, *, password: str = PASSWORD) -> Plan:
    """Fill the database Django uses now; see the module's doc. Returns the plan."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from rione.core import clock

    now = clock.now()
    hashed = make_password(password)
    with transaction.atomic():
        city, cost_category, neighbourhoods, sector, target_group = _territory()
        call = _call(city, opens=now - timedelta(days=30), closes=now + timedelta(minutes=minutes))
        people = _applicants(
            applicants, hashed=hashed, at=now, version=settings.PRIVACY_NOTICE_VERSION
        )
        proposals = _proposals(call, people, sector, neighbourhoods, target_group)
    db = settings.DATABASES["default"]
    return Plan(
        database_url=os.environ.get("DATABASE_URL", str(db["NAME"])),
        city_slug=city.slug,
        call=call.pk,
        call_slug=call.slug,
        programme_slug=PROGRAMME_SLUG,
        closes_at=call.closes_at.isoformat() if call.closes_at else "",
        password=password,
        cost_category=cost_category.pk,
        applicants=[
            Applicant(email=email, user=user, proposal=proposal, organisation=org)
            for (email, user, org), proposal in zip(people, proposals, strict=True)
        ],
    )


def second_call(plan: Plan, count: int, *, slug: str = "avviso-tetto") -> list[Applicant]:
    """Another open call of the same city (closing in 30 days) with ``count`` drafts like the
    first call's, by the plan's applicants in turn; for the database ceiling."""
    from rione.applications.models import Proposal
    from rione.core import clock
    from rione.programmes.models import Call
    from rione.territory.models import Neighbourhood, Sector, TargetGroup

    first = Call.objects.select_related("city").get(pk=plan.call)
    now = clock.now()
    call = _call(
        first.city, opens=now - timedelta(days=30), closes=now + timedelta(days=30), slug=slug
    )
    city = first.city
    people = [
        (a.email, a.user, a.organisation)
        for a in (plan.applicants[n % len(plan.applicants)] for n in range(count))
    ]
    ids = _proposals(
        call,
        people,
        Sector.objects.filter(city=city).order_by("order").first(),
        list(Neighbourhood.objects.filter(city=city).order_by("order")),
        TargetGroup.objects.filter(city=city).order_by("order").first(),
    )
    assert Proposal.objects.filter(pk__in=ids, call=call).count() == count
    return [
        Applicant(email=email, user=user, proposal=pk, organisation=org)
        for (email, user, org), pk in zip(people, ids, strict=True)
    ]


def _territory() -> tuple[Any, Any, list[Any], Any, Any]:
    from rione.territory.models import (
        City,
        CostCategory,
        District,
        Neighbourhood,
        Sector,
        TargetGroup,
    )
    from rione.territory.services import seed_default_taxonomies

    city = City.objects.create(
        name="Rush",
        official_name="Comune di Rush",
        slug=CITY_SLUG,
        region="Campania",
        description="Città sintetica per la prova della scadenza.",
        email=f"innovazione@{EMAIL_DOMAIN}",
        is_published=True,
    )
    seed_default_taxonomies(city)
    district = District.objects.create(city=city, name="Municipalità 1", code="M1", slug="m1")
    neighbourhoods = Neighbourhood.objects.bulk_create(
        Neighbourhood(city=city, district=district, name=name, slug=slug, order=n)
        for n, (name, slug) in enumerate(
            [("Centro", "centro"), ("Porto", "porto"), ("Collina", "collina")]
        )
    )
    return (
        city,
        CostCategory.objects.filter(city=city).order_by("order").first(),
        neighbourhoods,
        Sector.objects.filter(city=city).order_by("order").first(),
        TargetGroup.objects.filter(city=city).order_by("order").first(),
    )


def _call(city: Any, *, opens: Any, closes: Any, slug: str = CALL_SLUG) -> Any:
    from rione.programmes.models import (
        Call,
        CallKind,
        CallStatus,
        FaqEntry,
        GrantRule,
        Programme,
    )
    from rione.territory.models import ApplicantCategory, ApplicantType

    programme = Programme.objects.filter(city=city, slug=PROGRAMME_SLUG).first()
    programme = programme or Programme.objects.create(
        city=city,
        title="Quartieri in scadenza",
        slug=PROGRAMME_SLUG,
        summary="Programma sintetico per la prova di carico della scadenza.",
        funding_source="Fondi sintetici",
        total_budget=Decimal("5000000.00"),
        is_published=True,
        published_at=opens,
    )
    call = Call.objects.create(
        city=city,
        programme=programme,
        title="Avviso in scadenza" if slug == CALL_SLUG else f"Avviso {slug}",
        slug=slug,
        kind=CallKind.GRANT,
        status=CallStatus.PUBLISHED,
        summary="Contributi per idee di quartiere: la prova di carico della scadenza.",
        description="Avviso sintetico. Le domande si presentano dall'area personale.",
        opens_at=opens,
        closes_at=closes,
        budget=Decimal("2000000.00"),
        published_at=opens,
    )
    call.eligible_applicant_types.set(
        ApplicantType.objects.filter(city=city, category=ApplicantCategory.ETS)
    )
    GrantRule.objects.create(
        call=call,
        category=ApplicantCategory.ETS,
        min_grant=Decimal("1000.00"),
        max_grant=Decimal("50000.00"),
        min_cofinancing_pct=Decimal("10.00"),
    )
    FaqEntry.objects.bulk_create(
        FaqEntry(
            call=call,
            question=f"Domanda frequente {n}?",
            answer=f"Risposta {n}.",
            published_at=opens,
            order=n,
        )
        for n in range(1, 6)
    )
    return call


def _applicants(count: int, *, hashed: str, at: Any, version: str) -> list[tuple[str, int, int]]:
    """``count`` accounts, each legal representative of its own APS: (e-mail, user, org)."""
    from allauth.account.models import EmailAddress
    from bench.synthetic.names import Namer, entity_cf

    from rione.applicants.models import (
        LegalForm,
        MemberRole,
        Organisation,
        OrganisationMembership,
        Person,
        PrivacyConsent,
    )
    from rione.core.models import User

    namer = Namer(20_261_204)
    people = [namer.person(n, domain=EMAIL_DOMAIN) for n in range(count)]
    users = User.objects.bulk_create(
        User(
            email=p.email,
            password=hashed,
            first_name=p.first_name,
            last_name=p.last_name,
            is_active=True,
            date_joined=at - timedelta(days=60),
        )
        for p in people
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    Person.objects.bulk_create(
        Person(
            user=u, first_name=p.first_name, last_name=p.last_name, codice_fiscale=p.codice_fiscale
        )
        for u, p in zip(users, people, strict=True)
    )
    PrivacyConsent.objects.bulk_create(
        PrivacyConsent(user=u, version=version, accepted_at=at - timedelta(days=60)) for u in users
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"APS Rush {n}",
            legal_form=LegalForm.APS,
            codice_fiscale=entity_cf(800_000 + n),
            pec=f"aps{n}@pec.{EMAIL_DOMAIN}",
            runts_number=f"{500_000 + n}",
            runts_registered_on=(at - timedelta(days=400)).date(),
            registered_office=f"Via del Porto {1 + n % 200}, Rush",
            legal_rep_name=p.name,
            legal_rep_cf=p.codice_fiscale,
            created_by=u,
        )
        for n, (u, p) in enumerate(zip(users, people, strict=True))
    )
    OrganisationMembership.objects.bulk_create(
        OrganisationMembership(organisation=o, user=u, role=MemberRole.LEGAL_REPRESENTATIVE)
        for u, o in zip(users, organisations, strict=True)
    )
    return [(u.email, u.pk, o.pk) for u, o in zip(users, organisations, strict=True)]


def _proposals(
    call: Any,
    people: list[tuple[str, int, int]],
    sector: Any,
    neighbourhoods: list[Any],
    target_group: Any,
) -> list[int]:
    from rione.applications.models import Proposal, Step, Target

    done = [Step.APPLICANT, Step.IDEA, Step.TARGETS]
    proposals = Proposal.objects.bulk_create(
        Proposal(
            call=call,
            organisation_id=org,
            created_by_id=user,
            title=f"Cortili aperti {n}",
            summary="Laboratori e letture nei cortili del quartiere.",
            sector=sector,
            problem="Pochi spazi d'incontro per i ragazzi del quartiere.",
            solution="Aprire i cortili delle scuole il pomeriggio con educatori.",
            innovation="Gestione condivisa tra scuole, famiglie e associazioni.",
            impact="Duecento ragazzi coinvolti in un anno.",
            sustainability="Le famiglie e le scuole proseguono dopo il primo anno.",
            saved_steps=[s.value for s in done],
            step_revisions={s.value: 1 for s in done},
        )
        for n, (_email, user, org) in enumerate(people)
    )
    through = Proposal.neighbourhoods.through
    through.objects.bulk_create(
        through(proposal_id=p.pk, neighbourhood_id=neighbourhoods[n % len(neighbourhoods)].pk)
        for n, p in enumerate(proposals)
    )
    Target.objects.bulk_create(
        Target(proposal=p, target_group=target_group, participants=200) for p in proposals
    )
    return [p.pk for p in proposals]
