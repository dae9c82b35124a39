"""The generator: a plan from the sizes and the seed, then cities, people and calls in chunks.

Everything random comes from one ``random.Random(seed)`` consumed in a fixed order, plus
``Namer`` hashes of indexes; timestamps are offsets from ``anchor`` (midnight UTC of the run
day unless given). The same seed, anchor and sizes on an empty database give the same rows,
ids included. What is not generated: audit events, history rows, call documents, FAQ,
extra questions, and the bytes of attachments (their rows say name, type, size and SHA-256,
but no file is written: downloading one answers "not found").
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from bench.synthetic.names import CITIES, PLACES, Namer, entity_cf, vat_number
from bench.synthetic.sizes import Sizes
from bench.synthetic.writer import Writer
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from rione.applicants.models import (
    ETS_FORMS,
    GroupMember,
    InformalGroup,
    MemberRole,
    Organisation,
    OrganisationMembership,
    Person,
    PrivacyConsent,
)
from rione.core.models import Role, StaffRole, User
from rione.programmes.models import CallStatus, Programme
from rione.territory import defaults
from rione.territory.models import (
    ApplicantType,
    City,
    CostCategory,
    District,
    Neighbourhood,
    Sector,
    TargetGroup,
)

PASSWORD = "rione-bench-2026"  # published: every synthetic account shares it
EMAIL_DOMAIN = "rione.bench"
GROUP_SHARE = 20  # per cent of applicants that are informal groups
# (legal form, weight, name prefix)
LEGAL_FORMS = (
    ("aps", 25, "APS"),
    ("odv", 20, "ODV"),
    ("social_enterprise", 14, "Cooperativa sociale"),
    ("other_ets", 5, "Ente"),
    ("association", 10, "Associazione"),
    ("cooperative", 6, "Cooperativa"),
    ("company", 8, "Impresa"),
    ("foundation", 4, "Fondazione"),
    ("committee", 5, "Comitato"),
    ("religious_body", 3, "Parrocchia"),
)
FORM_WHEEL = [(code, prefix) for code, weight, prefix in LEGAL_FORMS for _ in range(weight)]
VAT_FORMS = frozenset({"social_enterprise", "cooperative", "company"})
# Shares of calls by status, in per cent; the rest are open for submissions.
STATUS_SHARES = (
    (CallStatus.FINAL_RANKING, 25),
    (CallStatus.PROVISIONAL_RANKING, 25),
    (CallStatus.EVALUATION, 35),
)


@dataclass(frozen=True)
class CallPlan:
    index: int
    proposals: int
    status: str


@dataclass
class CityRefs:
    id: int
    name: str
    slug: str
    neighbourhoods: list[tuple[int, str, bool]] = field(default_factory=list)
    sectors: list[tuple[int, str]] = field(default_factory=list)
    target_groups: list[tuple[int, str]] = field(default_factory=list)
    cost_categories: list[tuple[int, str]] = field(default_factory=list)
    managers: list[int] = field(default_factory=list)
    evaluators: list[int] = field(default_factory=list)
    programmes: list[int] = field(default_factory=list)
    # one entry per applicant of the city: (global index, user id, organisation id, group id)
    applicants: list[tuple[int, int, int | None, int | None]] = field(default_factory=list)


@dataclass(frozen=True)
class Applicant:
    """What a receipt says about an applicant, derived again from its index when needed."""

    index: int
    kind: str
    name: str
    legal_form: str
    codice_fiscale: str
    partita_iva: str
    pec: str
    runts_number: str
    registered_office: str
    legal_rep: str
    member_indexes: tuple[int, ...]


def shares(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: counts[i] - exact[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class Generator:
    def __init__(
        self, *, sizes: Sizes, seed: int, anchor: datetime, writer: Writer, log: object = None
    ) -> None:
        self.sizes = sizes
        self.seed = seed
        self.anchor = anchor
        self.writer = writer
        self.rng = random.Random(seed)
        self.namer = Namer(seed)
        self.log = log
        self.password = make_password(PASSWORD)
        self.next_applicant = 0
        self.evaluations_target = 0.0
        self.evaluations_done = 0
        self.expected_evaluated = 0

    # Plan

    def plan(self) -> list[list[CallPlan]]:
        """Calls per city, proposals per call and each call's status."""
        rng, sizes = self.rng, self.sizes
        city_weights = [rng.lognormvariate(0, 0.8) for _ in range(sizes.cities)]
        per_city = [1 + n for n in shares(sizes.calls - sizes.cities, city_weights)]
        call_weights = [rng.lognormvariate(0, 1.0) for _ in range(sizes.calls)]
        proposals = [1 + n for n in shares(sizes.proposals - sizes.calls, call_weights)]
        statuses = self._statuses(sizes.calls)
        plans: list[list[CallPlan]] = []
        k = 0
        for n in per_city:
            plans.append([CallPlan(k + i, proposals[k + i], statuses[k + i]) for i in range(n)])
            k += n
        evaluated = sum(p.proposals for p in self._flat(plans) if p.status != CallStatus.PUBLISHED)
        self.expected_evaluated = evaluated
        return plans

    @staticmethod
    def _flat(plans: list[list[CallPlan]]) -> list[CallPlan]:
        return [p for city in plans for p in city]

    def _statuses(self, calls: int) -> list[str]:
        counts = [round(calls * share / 100) for _, share in STATUS_SHARES]
        statuses: list[str] = [
            s for (s, _), n in zip(STATUS_SHARES, counts, strict=True) for _ in range(n)
        ]
        statuses += [CallStatus.PUBLISHED] * (calls - len(statuses))
        statuses = statuses[:calls]
        if calls >= 4:  # every kind of call at any scale
            for i, status in enumerate([s for s, _ in STATUS_SHARES] + [CallStatus.PUBLISHED]):
                if status not in statuses:
                    statuses[i] = status
        self.rng.shuffle(statuses)
        return statuses

    def evaluators_for(self, admissible: int) -> int:
        """Evaluators per proposal for a call, so the running total tracks the target."""
        if admissible == 0:
            return 3
        ratio = self.sizes.evaluations / max(1, round(self.expected_evaluated * 0.92))
        self.evaluations_target += ratio * admissible
        wanted = (self.evaluations_target - self.evaluations_done) / admissible
        e = max(1, min(6, round(wanted)))
        self.evaluations_done += e * admissible
        return e

    # Users

    def at(self, days: float) -> datetime:
        return self.anchor + timedelta(days=days)

    def user(
        self,
        *,
        email: str,
        first: str,
        last: str,
        joined: datetime,
        staff: bool = False,
    ) -> int:
        w = self.writer
        pk = w.new_id(User)
        w.add(
            User,
            {
                "id": pk,
                "password": self.password,
                "last_login": None,
                "is_superuser": False,
                "first_name": first,
                "last_name": last,
                "is_staff": staff,
                "is_active": True,
                "date_joined": joined,
                "email": email,
                "language": "it",
            },
        )
        w.add(
            EmailAddress,
            {
                "id": w.new_id(EmailAddress),
                "user_id": pk,
                "email": email,
                "verified": True,
                "primary": True,
            },
        )
        return pk

    def staff(self, city: CityRefs, role: str, email: str, first: str, last: str) -> int:
        joined = self.at(-900)
        pk = self.user(email=email, first=first, last=last, joined=joined)
        self.writer.add(
            StaffRole,
            {
                "id": self.writer.new_id(StaffRole),
                "created_at": joined,
                "updated_at": joined,
                "user_id": pk,
                "city_id": city.id,
                "role": role,
                "granted_by_id": None,
            },
        )
        return pk

    # Cities

    @staticmethod
    def city_name(index: int) -> tuple[str, str]:
        name, region = CITIES[index % len(CITIES)]
        if index >= len(CITIES):
            name = f"{name} {index // len(CITIES) + 1}"
        return name, region

    def city(self, index: int, calls: list[CallPlan]) -> CityRefs:
        w, rng = self.writer, self.rng
        name, region = self.city_name(index)
        slug = slugify(name)
        created = self.at(-1000)
        pk = w.new_id(City)
        refs = CityRefs(id=pk, name=name, slug=slug)
        w.add(
            City,
            {
                "id": pk,
                "created_at": created,
                "updated_at": created,
                "name": name,
                "official_name": f"Comune di {name}",
                "ipa_code": "",  # not a real administration: the catalogue falls back to the slug
                "slug": slug,
                "region": region,
                "description": f"Dati sintetici per le prove di carico: {name}.",
                "address": "Piazza del Municipio 1",
                "email": f"innovazione@{slug}.{EMAIL_DOMAIN}",
                "pec": f"protocollo@pec.{slug}.{EMAIL_DOMAIN}",
                "phone": "",
                "website": "",
                "office": "Servizio Innovazione sociale",
                "opening_hours": "Lunedì-venerdì 9-13",
                "is_published": True,
            },
        )
        self._taxonomies(refs, created)
        self._areas(refs, created, rng)
        staff_email = f"{slug}.{EMAIL_DOMAIN}"
        self.staff(refs, Role.CITY_ADMIN, f"admin@{staff_email}", "Amministratore", name)
        for k in (1, 2):
            refs.managers.append(
                self.staff(
                    refs,
                    Role.PROGRAMME_MANAGER,
                    f"responsabile{k}@{staff_email}",
                    "Responsabile",
                    f"{k}",
                )
            )
        for k in range(1, self.sizes.evaluators_per_city + 1):
            person = self.namer.person(10_000_000 + index * 100 + k)
            refs.evaluators.append(
                self.staff(
                    refs,
                    Role.EVALUATOR,
                    f"valutatore{k}@{staff_email}",
                    person.first_name,
                    person.last_name,
                )
            )
        for k in range(1, len(calls) // 6 + 2):
            refs.programmes.append(self._programme(refs, k, created))
        total = sum(p.proposals for p in calls)
        largest = max(p.proposals for p in calls)
        pool = max(largest, round(total / self.sizes.proposals_per_applicant))
        for _ in range(pool):
            refs.applicants.append(self.applicant(refs))
        return refs

    def _taxonomies(self, refs: CityRefs, created: datetime) -> None:
        w = self.writer
        plain = (
            (Sector, defaults.SECTORS, refs.sectors),
            (TargetGroup, defaults.TARGET_GROUPS, refs.target_groups),
            (CostCategory, defaults.COST_CATEGORIES, refs.cost_categories),
        )
        common = {
            "created_at": created,
            "updated_at": created,
            "city_id": refs.id,
            "is_active": True,
        }
        for model, rows, into in plain:
            for order, (slug, name, name_en) in enumerate(rows):
                pk = w.new_id(model)
                w.add(
                    model,
                    {
                        "id": pk,
                        **common,
                        "name": name,
                        "name_en": name_en,
                        "slug": slug,
                        "order": order,
                    },
                )
                into.append((pk, name))
        for order, (slug, name, name_en, category, section) in enumerate(defaults.APPLICANT_TYPES):
            w.add(
                ApplicantType,
                {
                    "id": w.new_id(ApplicantType),
                    **common,
                    "name": name,
                    "name_en": name_en,
                    "slug": slug,
                    "order": order,
                    "category": category,
                    "runts_section": section,
                },
            )

    def _areas(self, refs: CityRefs, created: datetime, rng: random.Random) -> None:
        w = self.writer
        common = {"created_at": created, "updated_at": created, "city_id": refs.id}
        used = 0
        for d in range(1, rng.randint(*self.sizes.districts_per_city) + 1):
            district = w.new_id(District)
            w.add(
                District,
                {
                    "id": district,
                    **common,
                    "name": f"Municipalità {d}",
                    "code": f"M{d}",
                    "slug": f"municipalita-{d}",
                    "order": d,
                },
            )
            for order in range(1, rng.randint(*self.sizes.neighbourhoods_per_district) + 1):
                place = PLACES[used % len(PLACES)]
                name = place if used < len(PLACES) else f"{place} {used // len(PLACES) + 1}"
                used += 1
                pk = w.new_id(Neighbourhood)
                target = rng.random() < 0.3
                w.add(
                    Neighbourhood,
                    {
                        "id": pk,
                        **common,
                        "district_id": district,
                        "name": name,
                        "slug": slugify(name.replace("'", " ")),
                        "is_target_area": target,
                        "order": order,
                    },
                )
                refs.neighbourhoods.append((pk, name, target))

    def _programme(self, refs: CityRefs, k: int, created: datetime) -> int:
        pk = self.writer.new_id(Programme)
        self.writer.add(
            Programme,
            {
                "id": pk,
                "created_at": created,
                "updated_at": created,
                "city_id": refs.id,
                "title": f"{refs.name} Quartieri Innovativi {k}",
                "slug": f"quartieri-innovativi-{k}",
                "summary": "Programma sintetico di innovazione sociale nei quartieri.",
                "description": "",
                "funding_source": "Fondi sintetici per le prove di carico",
                "total_budget": Decimal("5000000.00"),
                "is_published": True,
                "published_at": created,
            },
        )
        return pk

    # Applicants

    def describe(self, index: int, city_name: str) -> Applicant:
        """The applicant with global ``index``: the same answer every time it is asked."""
        h = self.namer.h(3, index)
        rep = self.namer.person(index)
        if h % 100 < GROUP_SHARE:
            members = tuple(5_000_000 + index * 8 + k for k in range(3 + (h >> 8) % 3))
            name = self.namer.org_name(index, "Gruppo", city_name)
            return Applicant(
                index, "informal_group", name, "", "", "", "", "", "", rep.name, members
            )
        form, prefix = FORM_WHEEL[(h >> 8) % len(FORM_WHEEL)]
        slug = slugify(city_name)
        return Applicant(
            index=index,
            kind="organisation",
            name=self.namer.org_name(index, prefix, city_name),
            legal_form=form,
            codice_fiscale=entity_cf(index),
            partita_iva=vat_number(index) if form in VAT_FORMS else "",
            pec=f"ente{index}@pec.{slug}.{EMAIL_DOMAIN}",
            runts_number=f"{100000 + index}" if form in ETS_FORMS else "",
            registered_office=f"Via {PLACES[(h >> 20) % len(PLACES)]} {1 + (h >> 28) % 120}, {city_name}",
            legal_rep=rep.name,
            member_indexes=(),
        )

    def applicant(self, refs: CityRefs) -> tuple[int, int, int | None, int | None]:
        w = self.writer
        index = self.next_applicant
        self.next_applicant += 1
        info = self.describe(index, refs.name)
        person = self.namer.person(index, domain=EMAIL_DOMAIN)
        joined = self.at(-700 + (index % 500))
        user = self.user(
            email=person.email, first=person.first_name, last=person.last_name, joined=joined
        )
        stamp = {"created_at": joined, "updated_at": joined}
        w.add(
            Person,
            {
                "id": w.new_id(Person),
                **stamp,
                "user_id": user,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "codice_fiscale": person.codice_fiscale,
                "phone": "",
            },
        )
        w.add(
            PrivacyConsent,
            {
                "id": w.new_id(PrivacyConsent),
                "user_id": user,
                "version": settings.PRIVACY_NOTICE_VERSION,
                "accepted_at": joined,
            },
        )
        if info.kind == "informal_group":
            group = w.new_id(InformalGroup)
            w.add(InformalGroup, {"id": group, **stamp, "name": info.name, "contact_id": user})
            for n in info.member_indexes:
                member = self.namer.person(n)
                w.add(
                    GroupMember,
                    {
                        "id": w.new_id(GroupMember),
                        **stamp,
                        "group_id": group,
                        "first_name": member.first_name,
                        "last_name": member.last_name,
                        "codice_fiscale": member.codice_fiscale,
                    },
                )
            return (index, user, None, group)
        organisation = w.new_id(Organisation)
        w.add(
            Organisation,
            {
                "id": organisation,
                **stamp,
                "name": info.name,
                "legal_form": info.legal_form,
                "codice_fiscale": info.codice_fiscale,
                "partita_iva": info.partita_iva,
                "pec": info.pec,
                "runts_number": info.runts_number,
                "runts_registered_on": (joined - timedelta(days=400)).date()
                if info.runts_number
                else None,
                "registered_office": info.registered_office,
                "legal_rep_name": info.legal_rep,
                "legal_rep_cf": person.codice_fiscale,
                "created_by_id": user,
            },
        )
        w.add(
            OrganisationMembership,
            {
                "id": w.new_id(OrganisationMembership),
                **stamp,
                "organisation_id": organisation,
                "user_id": user,
                "role": MemberRole.LEGAL_REPRESENTATIVE,
            },
        )
        return (index, user, organisation, None)
