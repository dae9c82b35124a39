"""Input filters and output schemas of the public API, one Out schema per endpoint.

Amounts and percentages are strings with two decimals (never floats); coordinates
are strings; times are ISO 8601 with the Europe/Rome offset.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from rione.core.clock import ROME, now
from rione.core.errors import DomainError
from rione.core.money import round_money
from rione.programmes.models import (
    AmendmentKind,
    Call,
    CallDocument,
    CallKind,
    CallPhase,
    ExtraQuestion,
    FaqEntry,
    Programme,
    QuestionKind,
)
from rione.territory.models import ApplicantCategory, Site

# Ids are 64-bit; larger numbers are refused before they reach the database.
MAX_ID = 2**63 - 1

# The phases a public call can be in (a draft is never public).
PUBLIC_PHASES: list[str] = [phase.value for phase in CallPhase if phase != CallPhase.DRAFT]


def public_call_path(call: Call) -> str:
    """The path of the call's page on the portal (to become reverse("portal:call_detail"))."""
    return f"/{call.city.slug}/bandi/{call.slug}/"


def call_document_path(document: CallDocument) -> str:
    """The path that serves a public document of a call."""
    return f"/documenti/{document.pk}/"


def _two_places(value: Decimal) -> str:
    return str(round_money(value))


def _plain_decimal(value: Decimal) -> str:
    return f"{value:f}"


def _rome_iso(value: datetime) -> str:
    return value.astimezone(ROME).isoformat()


Amount = Annotated[
    Decimal,
    PlainSerializer(_two_places, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": r"^-?\d+\.\d{2}$",
            "examples": ["150000.00"],
        }
    ),
]
Percent = Annotated[
    Decimal,
    PlainSerializer(_two_places, return_type=str),
    WithJsonSchema(
        {"type": "string", "format": "decimal", "pattern": r"^\d+\.\d{2}$", "examples": ["10.00"]}
    ),
]
Coordinate = Annotated[
    Decimal,
    PlainSerializer(_plain_decimal, return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal", "examples": ["40.852167"]}),
]
Moment = Annotated[
    datetime,
    PlainSerializer(_rome_iso, return_type=str),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "examples": ["2026-03-31T12:00:00+02:00"]}
    ),
]
PhaseName = Annotated[str, WithJsonSchema({"type": "string", "enum": PUBLIC_PHASES})]
CategoryName = Annotated[
    str, WithJsonSchema({"type": "string", "enum": list(ApplicantCategory.values)})
]


class InvalidFilter(DomainError):
    code = "invalid_filter"
    message = _("Filtro non valido.")
    status = 422


# Filters


class ProgrammeFilters(Schema):
    city: str | None = Field(
        None, description="Slug of a city. An unknown or unpublished city gives an empty list."
    )


class CallFilters(Schema):
    city: str | None = Field(
        None, description="Slug of a city. An unknown or unpublished city gives an empty list."
    )
    state: PhaseName | None = Field(
        None,
        description="Phase of the call now (by the platform clock). Any other value is a 422.",
    )
    applicant_type: str | None = Field(
        None,
        description="Slug of an applicant type the call admits; unknown slugs give an empty list.",
    )
    applicant_category: CategoryName | None = Field(
        None, description="Family of applicant the call admits. Any other value is a 422."
    )
    programme: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a programme.")

    def phase(self) -> CallPhase | None:
        """The requested phase; InvalidFilter (422) when it is not a public phase."""
        if self.state is None:
            return None
        if self.state not in PUBLIC_PHASES:
            raise InvalidFilter(
                _("Stato non valido: «%(value)s». Valori ammessi: %(allowed)s.")
                % {"value": self.state, "allowed": ", ".join(PUBLIC_PHASES)}
            )
        return CallPhase(self.state)

    def category(self) -> str | None:
        """The requested applicant category; InvalidFilter (422) when it does not exist."""
        if self.applicant_category is None:
            return None
        if self.applicant_category not in ApplicantCategory.values:
            raise InvalidFilter(
                _("Tipologia di proponente non valida: «%(value)s». Valori ammessi: %(allowed)s.")
                % {
                    "value": self.applicant_category,
                    "allowed": ", ".join(ApplicantCategory.values),
                }
            )
        return self.applicant_category


class SiteFilters(Schema):
    city: str | None = Field(
        None, description="Slug of a city. An unknown or unpublished city gives an empty list."
    )
    neighbourhood: str | None = Field(
        None, description="Slug of a neighbourhood; an unknown slug gives an empty list."
    )


# Errors


class ErrorOut(Schema):
    code: str = Field(..., examples=["invalid_filter"])
    message: str = Field(..., description="In the request's language.")
    detail: list[dict[str, Any]] | None = Field(
        None, description="Only for invalid_request: what is wrong with each parameter."
    )


# Cities


class CityOut(Schema):
    id: int
    slug: str
    name: str
    official_name: str
    ipa_code: str = Field(
        description="Code of the administration in IPA (indicepa.gov.it); empty if not recorded."
    )
    region: str
    website: str


class CityDetailOut(Schema):
    id: int
    slug: str
    name: str
    official_name: str
    ipa_code: str = Field(
        description="Code of the administration in IPA (indicepa.gov.it); empty if not recorded."
    )
    region: str
    website: str
    description: str
    address: str
    email: str
    pec: str
    phone: str
    office: str
    opening_hours: str


# Programmes


class ProgrammeOut(Schema):
    id: int
    slug: str
    city: str = Field(..., description="Slug of the city.")
    title: str
    summary: str
    funding_source: str
    total_budget: Amount | None

    @staticmethod
    def resolve_city(obj: Programme) -> str:
        return obj.city.slug


# Calls


class CallOut(Schema):
    id: int
    slug: str
    city: str = Field(..., description="Slug of the city.")
    programme: int = Field(..., description="Id of the programme.")
    title: str
    summary: str
    kind: CallKind
    state: PhaseName = Field(..., description="Phase now, by the platform clock.")
    opens_at: Moment | None
    closes_at: Moment | None
    budget: Amount | None
    cap_selected: int | None = Field(..., description="Most proposals that can be selected.")
    duration_months: int | None
    eligible_applicant_types: list[str] = Field(..., description="Slugs of applicant types.")
    eligible_neighbourhoods: list[str] = Field(..., description="Slugs of neighbourhoods.")
    is_illustrative: bool = Field(..., description="Some data is illustrative (demo).")
    url: str = Field(..., description="Path of the call's public page.")

    @staticmethod
    def resolve_city(obj: Call) -> str:
        return obj.city.slug

    @staticmethod
    def resolve_programme(obj: Call) -> int:
        return obj.programme_id

    @staticmethod
    def resolve_state(obj: Call) -> str:
        return obj.phase_at(now()).value

    @staticmethod
    def resolve_eligible_applicant_types(obj: Call) -> list[str]:
        return [term.slug for term in obj.eligible_applicant_types.all()]

    @staticmethod
    def resolve_eligible_neighbourhoods(obj: Call) -> list[str]:
        return [place.slug for place in obj.eligible_neighbourhoods.all()]

    @staticmethod
    def resolve_url(obj: Call) -> str:
        return public_call_path(obj)


class LotSiteOut(Schema):
    slug: str
    name: str
    address: str


# Shared by the call detail and /calls/{id}/lots: a lot must read the same in both.
class LotOut(Schema):
    number: int
    title: str
    description: str
    budget: Amount | None
    sites: list[LotSiteOut]


# Shared by the call detail and /calls/{id}/faq: an answer must read the same in both.
class FaqOut(Schema):
    id: int
    question: str
    answer: str
    published_at: Moment


class GrantRuleOut(Schema):
    category: CategoryName
    min_grant: Amount
    max_grant: Amount
    min_cofinancing_pct: Percent = Field(..., description="Minimum co-financing, percent.")


class RequiredDocumentOut(Schema):
    title: str
    description: str
    is_mandatory: bool


class ExtraQuestionOut(Schema):
    text: str
    help_text: str
    kind: QuestionKind
    choices: list[str]
    is_required: bool
    max_length: int | None

    @staticmethod
    def resolve_choices(obj: ExtraQuestion) -> list[str]:
        return [line.strip() for line in obj.choices.splitlines() if line.strip()]


class CallDocumentOut(Schema):
    id: int
    title: str
    size: int = Field(..., description="Bytes.")
    sha256: str
    url: str

    @staticmethod
    def resolve_url(obj: CallDocument) -> str:
        return call_document_path(obj)


class AmendmentOut(Schema):
    number: int
    kind: AmendmentKind
    text: str
    previous_closes_at: Moment | None
    new_closes_at: Moment | None
    published_at: Moment


class CallDetailOut(CallOut):
    description: str
    who_can_apply: str
    contact_email: str
    published_at: Moment | None
    lots: list[LotOut]
    grant_rules: list[GrantRuleOut]
    required_documents: list[RequiredDocumentOut]
    extra_questions: list[ExtraQuestionOut]
    documents: list[CallDocumentOut]
    amendments: list[AmendmentOut]
    faq: list[FaqOut] = Field(..., description="Published answers only.")

    @staticmethod
    def resolve_faq(obj: Call) -> list[FaqEntry]:
        return list(getattr(obj, "published_faq", []))


# Sites


class SiteOut(Schema):
    id: int
    slug: str
    city: str = Field(..., description="Slug of the city.")
    name: str
    address: str
    postcode: str
    latitude: Coordinate | None
    longitude: Coordinate | None
    neighbourhood: str | None = Field(..., description="Slug of the neighbourhood.")
    district: str | None = Field(..., description="Slug of the district (municipalità).")
    is_illustrative: bool = Field(..., description="The address is indicative.")

    @staticmethod
    def resolve_city(obj: Site) -> str:
        return obj.city.slug

    @staticmethod
    def resolve_neighbourhood(obj: Site) -> str | None:
        return obj.neighbourhood.slug if obj.neighbourhood else None

    @staticmethod
    def resolve_district(obj: Site) -> str | None:
        return obj.neighbourhood.district.slug if obj.neighbourhood else None
