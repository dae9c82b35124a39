"""The REST API: public reads of cities, programmes, calls and sites (thin endpoints over
selectors), and the applicant endpoints of ``rione.applications.api`` under /applicant/.

Every error is mapped to ``{"code": ..., "message": ...}`` here, in one place.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Query
from ninja.errors import AuthenticationError, ValidationError
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
from rione.applications.api import router as applicant_router
from rione.applications.services import NotReadyToSubmit
from rione.core import clock
from rione.core.errors import DomainError
from rione.monitoring.api import router as opendata_router
from rione.programmes.models import Call, FaqEntry, Lot, Programme
from rione.territory import selectors as territory_selectors
from rione.territory.models import City, Site

DESCRIPTION = """
Public, read-only data of the programmes that cities run on rione: no authentication.
Under `/applicant/`, the endpoints applicants use for their own proposals (see the end).

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
language (Italian by default): 404 `not_found`, 422 `invalid_filter` or `invalid_request`;
422 `query_too_broad` when a page of open data would keep the database busy too long.

## Open data (`/api/opendata/`)

`GET /opendata/projects` gives the open-data record of every selected project of public
calls (selected in the latest published ranking of its call, a final ranking winning over
a provisional one): the same fields as the CSV files of the portal, with lists as arrays
and amounts as strings with two decimals (empty when not known). Filters: `city`,
`district`, `neighbourhood`, `sector`, `target_group` (slugs; a district matches the
projects in any of its neighbourhoods), `programme`, `call` (ids), and the closed lists
`applicant_type` (`ets`, `ets_network`, `informal_group`, `other`, `other_network`) and
`status` (`selected_provisional`, `selected_final`). Filters combine with AND.
`GET /opendata/datasets` lists the catalogue (one dataset per public call with a published
ranking, one per programme) with its DCAT-AP_IT metadata; filter: `city`. Licence CC BY
4.0. The records hold no personal data (an informal group is only «Gruppo informale», no
natural person is named), so no combination of filters can single out a person's data.

## Applicant endpoints (`/api/applicant/`)

A person's own proposals, step by step up to the receipt, through the same rules and
with the same messages as the pages of the personal area.

**Authentication.** Either the browser session of the site (send the `csrftoken` cookie's
value in the `X-CSRFToken` header of every POST, PUT and DELETE), or a personal token
created in the personal area ("Token per l'API") and sent as
`Authorization: Bearer <token>`; tokens need no CSRF header, expire after a year and can
be revoked at any time. Without either: **401** `unauthorized`.

**Steps.** `GET /applicant/proposals/{id}` gives every section with its `revision`. Each
`PUT` of a step replaces the whole step and must carry the `revision` it was read with;
when someone saved the step in the meantime the answer is **409** `step_conflict` and
nothing is stored. A step may be saved incomplete; `GET .../validate` lists what still
stops the submission. Amounts and quantities are sent as decimal strings (`"1500.00"`).

**Errors of the applicant endpoints.**
- 401 `unauthorized`; 403 `csrf_failed` (session without a valid CSRF header).
- 404 `not_found`: the proposal (or receipt, partner, file) does not exist **or** is not
  yours; a draft is never visible to city staff.
- 403 `forbidden`: you may see the proposal but not do this (e.g. a member who is not the
  legal representative or a delegate cannot submit or withdraw).
- 422 `invalid`: a value cannot be right, or an id in the body (sector, neighbourhood,
  target group, cost category, lot, organisation, group, document, partner) does not
  exist; `errors` holds the messages by field (`__all__` for the step as a whole).
  Nothing is stored. 422 `invalid_request`: the body does not match the schema.
- 409 with the rule broken: `step_conflict`, `call_not_open` (before opening or after the
  deadline), `proposal_locked` (submitted: reopen it first), `invalid_transition`,
  `not_ready_to_submit` (with `problems`, the list of what is missing).
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


@api.exception_handler(NotReadyToSubmit)
def on_not_ready(request: HttpRequest, exc: NotReadyToSubmit) -> HttpResponse:
    return api.create_response(
        request,
        {"code": exc.code, "message": str(exc.message), "problems": exc.problems},
        status=exc.status,
    )


@api.exception_handler(DjangoValidationError)
def on_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A value a service refused: its messages by field, as the pages show them."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    return api.create_response(
        request,
        {
            "code": "invalid",
            "message": " ".join(m for messages in errors.values() for m in messages),
            "errors": errors,
        },
        status=422,
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "forbidden", "message": str(_("Non hai i permessi per questa operazione."))},
        status=403,
    )


@api.exception_handler(AuthenticationError)
def on_unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = _("Accedi al sito oppure invia un token personale (Authorization: Bearer …).")
    return api.create_response(
        request, {"code": "unauthorized", "message": str(message)}, status=401
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


# Applicants

api.add_router("/applicant/", applicant_router)

# Open data

api.add_router("/opendata/", opendata_router)
