"""The public, read-only REST API: cities, programmes, calls and sites. Thin endpoints over selectors."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Query
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from rione.api import selectors
from rione.api.schemas import (
    MAX_ID,
    CallDetailOut,
    CallFilters,
    CallOut,
    CityDetailOut,
    CityOut,
    ErrorOut,
    FaqOut,
    LotOut,
    ProgrammeFilters,
    ProgrammeOut,
    SiteFilters,
    SiteOut,
)
from rione.core import clock
from rione.core.errors import DomainError
from rione.programmes.models import Call, FaqEntry, Lot, Programme
from rione.territory import selectors as territory_selectors
from rione.territory.models import City, Site

DESCRIPTION = """
Public, read-only data of the programmes that cities run on rione. No authentication.

**Pagination.** Every list takes `limit` (default 50, at most 200) and `offset`
(default 0) and answers `{"items": [...], "count": <total rows>}`.

**Filters.** Filters on a closed list of values (`state`, `applicant_category`) answer
**422** with `{"code": "invalid_filter", "message": ...}` for a value outside the list.
Filters on slugs or ids (`city`, `applicant_type`, `neighbourhood`, `programme`) never
fail: an unknown or unpublished value simply matches nothing and gives an empty list.
A parameter of the wrong type or out of its bounds (`programme=abc`, `limit=500`) is a
**422** with `{"code": "invalid_request", "message": ..., "detail": [...]}`.

**Formats.** Amounts and percentages are strings with two decimals (`"150000.00"`),
coordinates are strings (`"40.852167"`), times are ISO 8601 with the Europe/Rome offset.
The `state` of a call is its phase now, by the platform clock.

**Errors** are `{"code": ..., "message": ...}` with the message in the request's
language (Italian by default): 404 `not_found`, 422 `invalid_filter` or `invalid_request`.
"""


class Pagination(LimitOffsetPagination):
    """Ninja's limit/offset pagination, with the offset kept within what databases accept."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_ID)


api = NinjaAPI(title="rione API", version="1", description=DESCRIPTION, urls_namespace="api")

NOT_FOUND = {404: ErrorOut}
INVALID = {422: ErrorOut}


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, {"code": exc.code, "message": str(exc.message)}, status=exc.status
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"code": "not_found", "message": str(_("Risorsa non trovata."))}, status=404
    )


@api.exception_handler(ValidationError)
def on_invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": "invalid_request",
            "message": str(_("Parametri della richiesta non validi.")),
            "detail": exc.errors,
        },
        status=422,
    )


# Cities


@api.get("/cities", response={200: list[CityOut], **INVALID}, tags=["cities"])
@paginate(Pagination)
def list_cities(request: HttpRequest) -> QuerySet[City]:
    """Published cities, by name."""
    return territory_selectors.list_public_cities()


@api.get("/cities/{slug}", response={200: CityDetailOut, **NOT_FOUND}, tags=["cities"])
def city_detail(request: HttpRequest, slug: str) -> City:
    """One published city with its public contacts."""
    return territory_selectors.get_public_city(slug=slug)


# Programmes


@api.get("/programmes", response={200: list[ProgrammeOut], **INVALID}, tags=["programmes"])
@paginate(Pagination)
def list_programmes(request: HttpRequest, filters: Query[ProgrammeFilters]) -> QuerySet[Programme]:
    """Published programmes of published cities."""
    return selectors.list_public_programmes(city_slug=filters.city)


# Calls


@api.get("/calls", response={200: list[CallOut], **INVALID}, tags=["calls"])
@paginate(Pagination)
def list_calls(request: HttpRequest, filters: Query[CallFilters]) -> QuerySet[Call]:
    """Public calls (never drafts, nor calls of unpublished programmes), newest opening first."""
    return selectors.list_public_calls(
        at=clock.now(),
        city_slug=filters.city,
        phase=filters.phase(),
        applicant_type_slug=filters.applicant_type,
        applicant_category=filters.category(),
        programme_id=filters.programme,
    )


@api.get("/calls/{call_id}", response={200: CallDetailOut, **NOT_FOUND, **INVALID}, tags=["calls"])
def call_detail(request: HttpRequest, call_id: int) -> Call:
    """One public call with lots, grant rules, documents, amendments and published FAQ."""
    return selectors.get_public_call(call_id=call_id, at=clock.now())


@api.get(
    "/calls/{call_id}/lots",
    response={200: list[LotOut], **NOT_FOUND, **INVALID},
    tags=["calls"],
)
@paginate(Pagination)
def list_call_lots(request: HttpRequest, call_id: int) -> QuerySet[Lot]:
    """The lots of a public call, by number, with their sites."""
    selectors.check_call_is_public(call_id=call_id)
    return selectors.list_call_lots(call_id=call_id)


@api.get(
    "/calls/{call_id}/faq",
    response={200: list[FaqOut], **NOT_FOUND, **INVALID},
    tags=["calls"],
)
@paginate(Pagination)
def list_call_faq(request: HttpRequest, call_id: int) -> QuerySet[FaqEntry]:
    """The published FAQ of a public call."""
    selectors.check_call_is_public(call_id=call_id)
    return selectors.list_call_faq(call_id=call_id, at=clock.now())


# Sites


@api.get("/sites", response={200: list[SiteOut], **INVALID}, tags=["sites"])
@paginate(Pagination)
def list_sites(request: HttpRequest, filters: Query[SiteFilters]) -> QuerySet[Site]:
    """Sites (spaces) of published cities."""
    return territory_selectors.list_public_sites(
        city_slug=filters.city, neighbourhood_slug=filters.neighbourhood
    )
