"""Drafting, publishing and moving calls along their life cycle."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from rione.core import clock
from rione.core.audit import record_event
from rione.core.errors import DomainError
from rione.core.models import User
from rione.core.money import format_eur
from rione.core.permissions import ensure_perm
from rione.core.records import create_record, update_record
from rione.core.workflow import ensure_transition
from rione.programmes.models import (
    CALL_TRANSITIONS,
    CLOCK_DRIVEN,
    STATUS_OF_PHASE,
    Call,
    CallPhase,
    CallStatus,
    Programme,
)
from rione.territory.models import City

# Fields that, once a call is public, change only through a recorded amendment.
AMENDABLE_ONLY = frozenset({"opens_at", "closes_at"})

CALL_FIELDS = frozenset(
    {
        "stage",
        "title",
        "slug",
        "kind",
        "summary",
        "description",
        "who_can_apply",
        "opens_at",
        "closes_at",
        "budget",
        "cap_selected",
        "duration_months",
        "allows_multiple_proposals",
        "min_group_members",
        "restricted_to_call",
        "contact_email",
        "is_illustrative",
        "eligible_applicant_types",
        "eligible_neighbourhoods",
    }
)


class CallNotReady(DomainError):
    code = "call_not_ready"


def check_call_scope(
    city: City, m2m: Mapping[str, Iterable[Any]] | None, values: Mapping[str, Any]
) -> None:
    errors: dict[str, str] = {}
    for name, items in (m2m or {}).items():
        if any(item.owning_city_id != city.pk for item in items):
            errors[name] = _("Scegli solo elementi della città del bando.")
    stage = values.get("stage")
    programme = values.get("programme")
    if stage is not None and programme is not None and stage.programme_id != programme.pk:
        errors["stage"] = _("La fase deve appartenere al programma del bando.")
    restricted = values.get("restricted_to_call")
    if restricted is not None and restricted.city_id != city.pk:
        errors["restricted_to_call"] = _("Scegli un avviso della stessa città.")
    if errors:
        raise ValidationError(errors)


def create_call(
    *,
    programme: Programme,
    by: User,
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> Call:
    """Create a call as a draft of ``programme``."""
    ensure_perm(by, "programmes.manage_call", programme)
    fixed = {"programme": programme, "city": programme.city, "status": CallStatus.DRAFT}
    check_call_scope(programme.city, m2m, {**values, **fixed})
    return create_record(
        Call,
        by=by,
        perm="programmes.manage_call",
        perm_obj=programme,
        values=values,
        m2m=m2m,
        editable=CALL_FIELDS,
        fixed=fixed,
    )


def update_call(
    *,
    call: Call,
    by: User,
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    expected_updated_at: datetime | None = None,
    at: datetime | None = None,
) -> Call:
    """Edit a call. Once public, its dates change only through an amendment."""
    ensure_perm(by, "programmes.manage_call", call)
    if call.status != CallStatus.DRAFT:
        touched = {
            name
            for name in AMENDABLE_ONLY
            if name in values and values[name] != getattr(call, name)
        }
        if touched:
            raise ValidationError(
                {
                    name: _("Il bando è pubblicato: per cambiare le date pubblica una proroga.")
                    for name in touched
                }
            )
    check_call_scope(call.city, m2m, {**values, "programme": call.programme})
    return update_record(
        call,
        by=by,
        perm="programmes.manage_call",
        values=values,
        m2m=m2m,
        expected_updated_at=expected_updated_at,
        editable=CALL_FIELDS,
    )


def publication_problems(call: Call, *, at: datetime) -> list[str]:
    """What still stops ``call`` from being published (empty when it is ready)."""
    problems = []
    if not call.summary.strip():
        problems.append(_("Manca la sintesi."))
    if not call.description.strip():
        problems.append(_("Manca la descrizione."))
    if call.opens_at is None or call.closes_at is None:
        problems.append(_("Mancano le date di apertura e di scadenza."))
    elif call.closes_at <= at:
        problems.append(_("La scadenza è già passata."))
    if not call.eligible_applicant_types.exists():
        problems.append(_("Indica almeno una tipologia di proponente ammessa."))
    if not call.eligible_neighbourhoods.exists():
        problems.append(_("Indica almeno un quartiere ammesso."))
    if not call.programme.is_published:
        problems.append(_("Il programma non è ancora pubblicato."))
    lots_total = call.lots.aggregate(total=Sum("budget"))["total"]
    if call.budget is not None and lots_total is not None and lots_total != call.budget:
        problems.append(
            _(
                "La somma delle dotazioni dei lotti (%(lots)s) non è uguale alla dotazione del bando (%(call)s)."
            )
            % {"lots": format_eur(lots_total), "call": format_eur(call.budget)}
        )
    return problems


@transaction.atomic
def publish_call(*, call: Call, by: User, at: datetime | None = None) -> Call:
    """Publish a draft call. From then on the clock opens and closes it."""
    moment = clock.resolve(at)
    call = Call.objects.select_for_update().select_related("programme").get(pk=call.pk)
    ensure_perm(by, "programmes.publish_call", call)
    problems = publication_problems(call, at=moment)
    if problems:
        raise CallNotReady(" ".join(problems), problems=problems)
    source = call.phase_at(moment)
    call.status = CallStatus.PUBLISHED
    target = call.phase_at(moment)
    ensure_transition(CALL_TRANSITIONS, source, target)
    call.published_at = moment
    call.save(update_fields=["status", "published_at", "updated_at"])
    record_event(call, "call.published", by=by, at=moment, data={"old": source, "new": target})
    return call


@transaction.atomic
def unpublish_call(*, call: Call, by: User, at: datetime | None = None) -> Call:
    """Take a call that has not opened yet back to draft."""
    return _move_call(call=call, target=CallPhase.DRAFT, by=by, at=at)


def advance_call(*, call: Call, target: CallPhase, by: User, at: datetime | None = None) -> Call:
    """Move a call along its life cycle after closing (evaluation, rankings, archive)."""
    if target in {CallPhase.SCHEDULED, CallPhase.OPEN, CallPhase.CLOSED}:
        raise DomainError(_("L'apertura e la chiusura seguono le date del bando."))
    return _move_call(call=call, target=target, by=by, at=at)


@transaction.atomic
def _move_call(*, call: Call, target: CallPhase, by: User, at: datetime | None) -> Call:
    moment = clock.resolve(at)
    call = Call.objects.select_for_update().get(pk=call.pk)
    ensure_perm(by, "programmes.publish_call", call)
    source = call.phase_at(moment)
    ensure_transition(CALL_TRANSITIONS, source, target)
    assert (source, target) not in CLOCK_DRIVEN
    call.status = STATUS_OF_PHASE[target]
    call.save(update_fields=["status", "updated_at"])
    record_event(call, "call.status_changed", by=by, at=moment, data={"old": source, "new": target})
    return call
