"""Open data through the API: the project records with filters, and the catalogue.

Mounted under ``/api/opendata/`` by ``rione.api.api`` (which maps every error). Public and
read-only: only public calls of published programmes of published cities.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import WithJsonSchema

from rione.api.schemas import MAX_ID, ErrorOut, InvalidFilter
from rione.monitoring import catalogue
from rione.monitoring.catalogue import Dataset
from rione.monitoring.opendata import LICENCE, LICENCE_URL
from rione.monitoring.opendata_filters import (
    APPLICANT_TYPES,
    STATUSES,
    ProjectFilters,
    ProjectPage,
    project_page,
)

router = Router(tags=["open data"])

INVALID = {422: ErrorOut}

ApplicantTypeName = Annotated[
    str, WithJsonSchema({"type": "string", "enum": list(APPLICANT_TYPES)})
]
StatusName = Annotated[str, WithJsonSchema({"type": "string", "enum": list(STATUSES)})]
AmountText = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(\d+\.\d{2})?$",
            "examples": ["9000.00"],
            "description": "Euro with two decimals; empty when not known.",
        }
    ),
]
DayText = Annotated[
    str,
    WithJsonSchema(
        {"type": "string", "examples": ["2026-05-31"], "description": "YYYY-MM-DD, or empty."}
    ),
]


class Pagination(LimitOffsetPagination):
    """The API's limit/offset pagination (see ``rione.api.api.Pagination``)."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_ID)


def _closed(value: str | None, allowed: list[str], message: Any) -> str | None:
    """``value`` if it is one of ``allowed``; InvalidFilter (422) with ``message`` otherwise."""
    if value is not None and value not in allowed:
        raise InvalidFilter(message % {"value": value, "allowed": ", ".join(allowed)})
    return value


class ProjectFiltersIn(Schema):
    city: str | None = Field(
        None, description="Slug of a city. An unknown or unpublished city gives an empty list."
    )
    programme: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a programme.")
    call: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a call.")
    district: str | None = Field(
        None,
        description="Slug of a district (municipalità): projects in any of its neighbourhoods.",
    )
    neighbourhood: str | None = Field(None, description="Slug of a neighbourhood.")
    sector: str | None = Field(None, description="Slug of a sector.")
    target_group: str | None = Field(None, description="Slug of a target group.")
    applicant_type: ApplicantTypeName | None = Field(
        None,
        description="ets (alone), ets_network (leading a network), informal_group, other, "
        "other_network. Any other value is a 422.",
    )
    status: StatusName | None = Field(
        None,
        description="selected_provisional or selected_final (the ranking that selected the "
        "project). Any other value is a 422.",
    )

    def filters(self) -> ProjectFilters:
        """The validated filters; InvalidFilter (422) for a value outside a closed list."""
        return ProjectFilters(
            city=self.city,
            programme=self.programme,
            call=self.call,
            district=self.district,
            neighbourhood=self.neighbourhood,
            sector=self.sector,
            target_group=self.target_group,
            applicant_type=_closed(
                self.applicant_type,
                list(APPLICANT_TYPES),
                _("Tipologia di proponente non valida: «%(value)s». Valori ammessi: %(allowed)s."),
            ),
            status=_closed(
                self.status,
                list(STATUSES),
                _("Stato non valido: «%(value)s». Valori ammessi: %(allowed)s."),
            ),
        )


class ProjectOut(Schema):
    """The open-data record of a selected project, as in the CSV (lists as arrays)."""

    codice_locale_progetto: str
    cup: str
    titolo: str
    sintesi: str
    beneficiario: str = Field(..., description="«Gruppo informale» for informal groups.")
    forma_giuridica: str
    comune: str
    municipalita: list[str]
    quartieri: list[str]
    settore: str
    destinatari: list[str]
    importo_richiesto: AmountText
    importo_assegnato: AmountText
    cofinanziamento: AmountText
    costo_totale: AmountText
    data_presentazione: DayText
    data_selezione: DayText
    stato: str


class DistributionOut(Schema):
    format: str = Field(..., examples=["CSV"])
    media_type: str = Field(..., examples=["text/csv"])
    url: str


class PublisherOut(Schema):
    name: str
    identifier: str = Field(..., description="IPA code of the city when recorded, else its slug.")


class LicenceOut(Schema):
    name: str
    url: str
    uri: str = Field(..., description="The licence in the Italian licences vocabulary.")


class ContactOut(Schema):
    name: str
    email: str


class DatasetOut(Schema):
    identifier: str = Field(..., examples=["napoli:progetti-avviso-quartieri-2026"])
    kind: str = Field(..., description="call or programme.")
    city: str = Field(..., description="Slug of the city.")
    title: str
    description: str
    publisher: PublisherOut
    licence: LicenceOut
    issued: str = Field(..., description="Date of the first published ranking (YYYY-MM-DD).")
    modified: str = Field(..., description="Date of the latest published ranking (YYYY-MM-DD).")
    themes: list[str] = Field(..., examples=[["SOCI", "GOVE"]])
    landing_page: str
    contact_point: ContactOut
    distributions: list[DistributionOut]

    @staticmethod
    def of(dataset: Dataset) -> "DatasetOut":
        city = dataset.city
        return DatasetOut(
            identifier=dataset.identifier,
            kind=dataset.kind,
            city=city.slug,
            title=dataset.title,
            description=dataset.description,
            publisher=PublisherOut(
                name=city.official_name or city.name, identifier=catalogue.publisher_id(city)
            ),
            licence=LicenceOut(name=LICENCE, url=LICENCE_URL, uri=catalogue.LICENCE_URI),
            issued=dataset.issued.isoformat(),
            modified=dataset.modified.isoformat(),
            themes=list(dataset.themes),
            landing_page=dataset.landing_page,
            contact_point=ContactOut(
                name=catalogue.contact_name(city), email=dataset.contact_email
            ),
            distributions=[
                DistributionOut(format=d.format, media_type=d.media_type, url=d.url)
                for d in dataset.distributions
            ],
        )


class DatasetFilters(Schema):
    city: str | None = Field(
        None, description="Slug of a city. An unknown or unpublished city gives an empty list."
    )


@router.get("/projects", response={200: list[ProjectOut], **INVALID})
@paginate(Pagination)
def list_projects(request: HttpRequest, filters: Query[ProjectFiltersIn]) -> ProjectPage:
    """Selected projects of public calls, by call and proposal, filtered."""
    return project_page(filters.filters())


@router.get("/datasets", response={200: list[DatasetOut], **INVALID})
@paginate(Pagination)
def list_datasets(request: HttpRequest, filters: Query[DatasetFilters]) -> list[DatasetOut]:
    """The open-data catalogue: one dataset per public call with a published ranking and
    one per programme, by city and programme."""
    return [DatasetOut.of(d) for d in catalogue.public_datasets(city_slug=filters.city)]
