"""Load the two reference programmes through the services, so every object has its audit trail.

Idempotent: each object is looked up by its slug (or its natural key inside its parent) and
created only when missing. Past events run with the clock moved to when they happened, so the
audit trail and the calls' phases read as they would have in 2020-2021. The first iQ call is
then replayed from its 101 submissions to its final ranking (``replay_iq``).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db import models, transaction
from django.utils.text import slugify

from rione.core import clock
from rione.core.models import Role, StaffRole, User
from rione.core.services import grant_role
from rione.demo.accounts import ACCOUNTS, APPLICANT, SUPERUSER, password_hash, staff_of
from rione.demo.applicant import ensure_demo_applicant
from rione.demo.data_milano import MILANO
from rione.demo.data_napoli import NAPOLI
from rione.demo.replay_iq import replay_iq_stage_1
from rione.demo.specs import (
    CallSpec,
    CitySpec,
    ContentSpec,
    DemoAccount,
    DistrictSpec,
    ProgrammeSpec,
    When,
    resolve_when,
)
from rione.portal.models import News, Story
from rione.portal.services import create_news, create_story, publish_content
from rione.programmes import services as programmes
from rione.programmes.models import (
    AmendmentKind,
    Call,
    CallPhase,
    CallStatus,
    ExtraQuestion,
    FaqEntry,
    GrantRule,
    Programme,
    RequiredDocument,
    Stage,
)
from rione.territory import services as territory
from rione.territory.models import ApplicantType, City, District, Neighbourhood, Site

CITIES: tuple[CitySpec, ...] = (NAPOLI, MILANO)
OPEN_CALL_EXTENSION = timedelta(days=30)


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)

    def count(self, obj: models.Model) -> None:
        self.created[obj._meta.label] += 1


@dataclass
class Context:
    now: datetime
    report: LoadReport
    city: City | None = None
    staff: dict[str, User] = field(default_factory=dict)
    areas: dict[str, Neighbourhood] = field(default_factory=dict)

    def at(self, when: When) -> datetime:
        return resolve_when(when, now=self.now)

    @property
    def manager(self) -> User:
        return self.staff[Role.PROGRAMME_MANAGER]


def area_slug(name: str) -> str:
    return slugify(name.replace("'", " "))


# Accounts


def ensure_user(account: DemoAccount, report: LoadReport) -> User:
    user = User.objects.filter(email=account.email).first()
    if user is None:
        is_admin = account.role == SUPERUSER
        user = User.objects.create(
            email=account.email,
            password=password_hash(),
            first_name=account.first_name,
            last_name=account.last_name,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        report.count(user)
    elif user.password != password_hash():
        user.password = password_hash()
        user.save(update_fields=["password"])
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=account.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    return user


def ensure_staff(ctx: Context, city: City, *, granted_by: User) -> None:
    for account in staff_of(city.slug):
        user = ensure_user(account, ctx.report)
        if not StaffRole.objects.filter(user=user, city=city, role=account.role).exists():
            ctx.report.count(grant_role(city=city, user=user, role=account.role, by=granted_by))
        ctx.staff.setdefault(account.role, user)


# Territory


def ensure_city(ctx: Context, spec: CitySpec, *, by: User) -> City:
    city = City.objects.filter(slug=spec.slug).first()
    if city is None:
        city = territory.create_city(by=by, values={"slug": spec.slug, **spec.values})
        ctx.report.count(city)
    else:
        territory.seed_default_taxonomies(city)
    return city


def ensure_district(ctx: Context, spec: DistrictSpec, order: int) -> District:
    assert ctx.city is not None
    district = District.objects.filter(city=ctx.city, slug=spec.slug).first()
    if district is None:
        values = {"name": spec.name, "code": spec.code, "slug": spec.slug, "order": order}
        district = territory.create_district(
            city=ctx.city, by=ctx.staff[Role.CITY_ADMIN], values=values
        )
        ctx.report.count(district)
    return district


def ensure_neighbourhood(ctx: Context, district: District, name: str, order: int) -> None:
    assert ctx.city is not None
    slug = area_slug(name)
    found = Neighbourhood.objects.filter(city=ctx.city, slug=slug).first()
    if found is None:
        values = {
            "district": district,
            "name": name,
            "slug": slug,
            "is_target_area": True,
            "order": order,
        }
        found = territory.create_neighbourhood(
            city=ctx.city, by=ctx.staff[Role.CITY_ADMIN], values=values
        )
        ctx.report.count(found)
    ctx.areas[name] = found


def ensure_areas(ctx: Context, districts: Iterable[DistrictSpec]) -> None:
    for order, spec in enumerate(districts, start=1):
        district = ensure_district(ctx, spec, order)
        for n_order, name in enumerate(spec.neighbourhoods, start=1):
            ensure_neighbourhood(ctx, district, name, n_order)


def ensure_sites(ctx: Context, spec: CitySpec) -> None:
    assert ctx.city is not None
    for site in spec.sites:
        if Site.objects.filter(city=ctx.city, slug=site.slug).exists():
            continue
        values = {
            "slug": site.slug,
            "name": site.name,
            "address": site.address,
            "neighbourhood": ctx.areas[site.neighbourhood],
            "description": site.description,
            "is_illustrative": True,
        }
        ctx.report.count(territory.create_site(city=ctx.city, by=ctx.manager, values=values))


# Programme and stages


def ensure_programme(ctx: Context, spec: ProgrammeSpec) -> Programme:
    assert ctx.city is not None
    programme = Programme.objects.filter(city=ctx.city, slug=spec.slug).first()
    if programme is None:
        values = {
            "slug": spec.slug,
            "title": spec.title,
            "summary": spec.summary,
            "description": spec.description,
            "funding_source": spec.funding_source,
            "total_budget": spec.total_budget,
        }
        programme = programmes.create_programme(city=ctx.city, by=ctx.manager, values=values)
        ctx.report.count(programme)
    if not programme.is_published:
        programme = programmes.publish_programme(programme=programme, by=ctx.manager)
    ensure_stages(ctx, programme, spec)
    return programme


def ensure_stages(ctx: Context, programme: Programme, spec: ProgrammeSpec) -> None:
    for order, stage in enumerate(spec.stages, start=1):
        if programme.stages.filter(order=order).exists():
            continue
        values: dict[str, Any] = {
            "order": order,
            "title": stage.title,
            "description": stage.description,
            "starts_on": stage.starts_on,
            "ends_on": stage.ends_on,
        }
        ctx.report.count(
            programmes.create_stage(programme=programme, by=ctx.manager, values=values)
        )


# Calls


def call_values(ctx: Context, programme: Programme, spec: CallSpec) -> dict[str, Any]:
    stage = (
        Stage.objects.get(programme=programme, order=spec.stage_order) if spec.stage_order else None
    )
    restricted = (
        Call.objects.get(city=programme.city, slug=spec.restricted_to)
        if spec.restricted_to
        else None
    )
    return {
        "slug": spec.slug,
        "title": spec.title,
        "kind": spec.kind,
        "summary": spec.summary,
        "description": spec.description,
        "who_can_apply": spec.who_can_apply,
        "opens_at": ctx.at(spec.opens_at),
        "closes_at": ctx.at(spec.closes_at),
        "stage": stage,
        "restricted_to_call": restricted,
        "budget": spec.budget,
        "cap_selected": spec.cap_selected,
        "duration_months": spec.duration_months,
        "contact_email": spec.contact_email,
        "is_illustrative": spec.is_illustrative,
    }


def call_m2m(ctx: Context, programme: Programme, spec: CallSpec) -> dict[str, list[Any]]:
    names = spec.neighbourhoods or tuple(
        name for name, area in ctx.areas.items() if area.is_target_area
    )
    types = ApplicantType.objects.filter(
        city=programme.city, category__in=spec.applicant_categories
    )
    return {
        "eligible_applicant_types": list(types.order_by("order")),
        "eligible_neighbourhoods": [ctx.areas[name] for name in names],
    }


def ensure_part(
    ctx: Context,
    call: Call,
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
) -> models.Model:
    found = model._default_manager.filter(call=call, **lookup).first()
    if found is None:
        found = programmes.create_call_part(
            model=model, call=call, by=ctx.manager, values={**lookup, **values}
        )
        ctx.report.count(found)
    return found


def ensure_grant_rules(ctx: Context, call: Call, spec: CallSpec) -> None:
    for rule in spec.grant_rules:
        values = {
            "min_grant": rule.min_grant,
            "max_grant": rule.max_grant,
            "min_cofinancing_pct": rule.min_cofinancing_pct,
        }
        ensure_part(ctx, call, GrantRule, {"category": rule.category}, values)


def ensure_lots(ctx: Context, call: Call, spec: CallSpec) -> None:
    for lot in spec.lots:
        if call.lots.filter(number=lot.number).exists():
            continue
        sites = list(Site.objects.filter(city=call.city, slug__in=lot.sites))
        assert len(sites) == len(lot.sites), f"missing sites for lot {lot.number}"
        values: dict[str, Any] = {
            "number": lot.number,
            "title": lot.title,
            "description": lot.description,
            "budget": lot.budget,
        }
        ctx.report.count(
            programmes.create_lot(call=call, by=ctx.manager, values=values, m2m={"sites": sites})
        )


def ensure_forms(ctx: Context, call: Call, spec: CallSpec) -> None:
    for order, doc in enumerate(spec.documents, start=1):
        values = {"description": doc.description, "is_mandatory": doc.is_mandatory, "order": order}
        ensure_part(ctx, call, RequiredDocument, {"title": doc.title}, values)
    for order, question in enumerate(spec.questions, start=1):
        values = {
            "help_text": question.help_text,
            "kind": question.kind,
            "choices": question.choices,
            "is_required": question.is_required,
            "max_length": question.max_length,
            "order": order,
        }
        ensure_part(ctx, call, ExtraQuestion, {"text": question.text}, values)


def ensure_faq(ctx: Context, call: Call, spec: CallSpec) -> None:
    for order, faq in enumerate(spec.faq, start=1):
        moment = ctx.at(faq.published)
        with clock.travel_to(moment):
            entry = ensure_part(
                ctx,
                call,
                FaqEntry,
                {"question": faq.question},
                {"answer": faq.answer, "order": order},
            )
            assert isinstance(entry, FaqEntry)
            if entry.published_at is None:
                programmes.publish_faq(entry=entry, by=ctx.manager, at=moment)


def ensure_amendments(ctx: Context, call: Call, spec: CallSpec) -> None:
    for amendment in spec.amendments:
        if call.amendments.filter(kind=amendment.kind, text=amendment.text).exists():
            continue
        moment = ctx.at(amendment.at)
        with clock.travel_to(moment):
            created = programmes.amend_call(
                call=call, by=ctx.manager, kind=amendment.kind, text=amendment.text, at=moment
            )
        ctx.report.count(created)


def keep_open(ctx: Context, call: Call) -> None:
    """The demo's open call stays open: once closed, the next run publishes an extension."""
    call.refresh_from_db()
    if call.phase_at(ctx.now) != CallPhase.CLOSED:
        return
    day = clock.today_rome_start(ctx.now) + OPEN_CALL_EXTENSION
    amendment = programmes.amend_call(
        call=call,
        by=ctx.manager,
        kind=AmendmentKind.EXTENSION,
        text="Proroga dell'ambiente dimostrativo: l'avviso illustrativo resta aperto.",
        new_closes_at=clock.rome(day.year, day.month, day.day, 12, 0),
        at=ctx.now,
    )
    ctx.report.count(amendment)


def ensure_call(ctx: Context, programme: Programme, spec: CallSpec) -> Call:
    call = Call.objects.filter(city=programme.city, slug=spec.slug).first()
    with clock.travel_to(ctx.at(spec.drafted)):
        if call is None:
            call = programmes.create_call(
                programme=programme,
                by=ctx.manager,
                values=call_values(ctx, programme, spec),
                m2m=call_m2m(ctx, programme, spec),
            )
            ctx.report.count(call)
        ensure_grant_rules(ctx, call, spec)
        ensure_lots(ctx, call, spec)
        ensure_forms(ctx, call, spec)
    if call.status == CallStatus.DRAFT:
        published = ctx.at(spec.published)
        with clock.travel_to(published):
            call = programmes.publish_call(call=call, by=ctx.manager, at=published)
    ensure_faq(ctx, call, spec)
    ensure_amendments(ctx, call, spec)
    if spec.keep_open:
        keep_open(ctx, call)
    return call


# Editorial content


def content_values(ctx: Context, programme: Programme, spec: ContentSpec) -> dict[str, Any]:
    values: dict[str, Any] = {
        "slug": spec.slug,
        "title": spec.title,
        "summary": spec.summary,
        "body": spec.body,
        "programme": programme,
    }
    if spec.call:
        values["call"] = Call.objects.get(city=programme.city, slug=spec.call)
    if spec.neighbourhood:
        values["neighbourhood"] = ctx.areas[spec.neighbourhood]
        values["told_by"] = spec.told_by
    return values


def ensure_content(ctx: Context, programme: Programme, spec: ContentSpec, *, story: bool) -> None:
    assert ctx.city is not None
    model: type[News | Story] = Story if story else News
    item = model.objects.filter(city=ctx.city, slug=spec.slug).first()
    moment = ctx.at(spec.published)
    with clock.travel_to(moment):
        if item is None:
            create = create_story if story else create_news
            item = create(
                city=ctx.city, by=ctx.manager, values=content_values(ctx, programme, spec)
            )
            ctx.report.count(item)
        if item.published_at is None:
            publish_content(item=item, by=ctx.manager, at=moment)


def ensure_contents(ctx: Context, programme: Programme, spec: CitySpec) -> None:
    items = [(item, False) for item in spec.news] + [(item, True) for item in spec.stories]
    items.sort(key=lambda pair: ctx.at(pair[0].published))
    for item, is_story in items:
        ensure_content(ctx, programme, item, story=is_story)


# Whole cities


def load_city(spec: CitySpec, *, superuser: User, now: datetime, report: LoadReport) -> City:
    ctx = Context(now=now, report=report)
    with clock.travel_to(spec.onboarded):
        ctx.city = ensure_city(ctx, spec, by=superuser)
        ensure_staff(ctx, ctx.city, granted_by=superuser)
        ensure_areas(ctx, spec.districts)
        ensure_sites(ctx, spec)
        programme = ensure_programme(ctx, spec.programme)
    for call in spec.programme.calls:
        ensure_call(ctx, programme, call)
    ensure_contents(ctx, programme, spec)
    return ctx.city


def load_demo(*, now: datetime | None = None) -> LoadReport:
    """Create (or complete) the demo data as of ``now``; returns what was created.

    Two transactions: the cities, programmes, calls and accounts; then the replay of the
    first iQ call, whose e-mails of 2020 are held back.
    """
    moment = clock.resolve(now)
    report = LoadReport()
    load_cities_and_accounts(report, now=moment)
    replay_iq_stage_1(count=report.count)
    return report


@transaction.atomic
def load_cities_and_accounts(report: LoadReport, *, now: datetime) -> None:
    superuser = ensure_user(next(a for a in ACCOUNTS if a.role == SUPERUSER), report)
    for spec in CITIES:
        load_city(spec, superuser=superuser, now=now, report=report)
    for account in ACCOUNTS:
        if account.role != SUPERUSER and not account.city_slug:
            user = ensure_user(account, report)
            if account.role == APPLICANT:
                ensure_demo_applicant(user, now=now)
