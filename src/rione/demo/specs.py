"""The shapes of the demo data: plain frozen records that the loader turns into service calls."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from rione.core import clock


@dataclass(frozen=True)
class FromToday:
    """A moment relative to the day the command runs (Europe/Rome wall clock)."""

    days: int
    hour: int = 9
    minute: int = 0


When = datetime | FromToday


def resolve_when(when: When, *, now: datetime) -> datetime:
    if isinstance(when, datetime):
        return when
    day = clock.today_rome_start(now) + timedelta(days=when.days)
    return clock.rome(day.year, day.month, day.day, when.hour, when.minute)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str  # a rione.core.models.Role value, or "superuser", "applicant", "citizen"
    city_slug: str = ""


@dataclass(frozen=True)
class DistrictSpec:
    name: str
    code: str
    slug: str
    neighbourhoods: tuple[str, ...]


@dataclass(frozen=True)
class SiteSpec:
    slug: str
    name: str
    address: str
    neighbourhood: str  # neighbourhood name
    description: str


@dataclass(frozen=True)
class StageSpec:
    title: str
    description: str
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class GrantRuleSpec:
    category: str
    min_grant: Decimal
    max_grant: Decimal
    min_cofinancing_pct: Decimal


@dataclass(frozen=True)
class LotSpec:
    number: int
    title: str
    description: str
    budget: Decimal
    sites: tuple[str, ...]  # site slugs


@dataclass(frozen=True)
class DocumentSpec:
    title: str
    description: str
    is_mandatory: bool = True


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    help_text: str
    kind: str
    choices: str = ""
    is_required: bool = True
    max_length: int | None = None


@dataclass(frozen=True)
class FaqSpec:
    question: str
    answer: str
    published: When


@dataclass(frozen=True)
class AmendmentSpec:
    kind: str
    text: str
    at: When


@dataclass(frozen=True)
class CallSpec:
    slug: str
    title: str
    kind: str
    summary: str
    description: str
    who_can_apply: str
    opens_at: When
    closes_at: When
    drafted: When
    published: When
    applicant_categories: tuple[str, ...]
    neighbourhoods: tuple[str, ...] = ()  # names; empty means every target area of the city
    stage_order: int | None = None
    restricted_to: str = ""  # slug of an earlier call
    budget: Decimal | None = None
    cap_selected: int | None = None
    duration_months: int | None = None
    contact_email: str = ""
    is_illustrative: bool = True
    keep_open: bool = False  # the demo call that must be open whenever the command runs
    grant_rules: tuple[GrantRuleSpec, ...] = ()
    lots: tuple[LotSpec, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()
    questions: tuple[QuestionSpec, ...] = ()
    faq: tuple[FaqSpec, ...] = ()
    amendments: tuple[AmendmentSpec, ...] = ()


@dataclass(frozen=True)
class ContentSpec:
    slug: str
    title: str
    summary: str
    body: str
    published: When
    call: str = ""  # call slug
    neighbourhood: str = ""  # neighbourhood name (stories)
    told_by: str = ""


@dataclass(frozen=True)
class ProgrammeSpec:
    slug: str
    title: str
    summary: str
    description: str
    funding_source: str
    stages: tuple[StageSpec, ...]
    calls: tuple[CallSpec, ...]
    total_budget: Decimal | None = None


@dataclass(frozen=True)
class CitySpec:
    slug: str
    onboarded: datetime
    values: Mapping[str, object]
    districts: tuple[DistrictSpec, ...]
    programme: ProgrammeSpec
    sites: tuple[SiteSpec, ...] = ()
    news: tuple[ContentSpec, ...] = ()
    stories: tuple[ContentSpec, ...] = ()
