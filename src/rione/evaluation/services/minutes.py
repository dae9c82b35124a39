"""Sessions of a commission: the record its chair or secretary keeps for the minutes (verbale).

Lock order, shared with ``services.commissions``: the commission, then the session. Only
the chair and the secretary of the commission record, correct or delete a session
(``evaluation.record_session``); every change is in the call's audit stream, with the
present members' user ids, so a later change of the commission does not erase who sat.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rione.core import clock
from rione.core.audit import changes, jsonable, record_event
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.evaluation.models import Commission, CommissionMember, CommissionSession

PLACE_MAX = CommissionSession._meta.get_field("place").max_length or 200


def _locked_commission(commission_id: int) -> Commission:
    return (
        Commission.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=commission_id)
    )


def _clean(
    *,
    commission: Commission,
    held_at: datetime | None,
    place: str,
    notes: str,
    present: Iterable[CommissionMember],
    session_id: int | None = None,
) -> tuple[datetime, str, str, list[CommissionMember]]:
    """The validated values, or a ValidationError naming every field that is wrong."""
    errors: dict[str, Any] = {}
    place, notes = place.strip(), notes.strip()
    if held_at is None:
        errors["held_at"] = _("Indica la data e l'ora della seduta.")
    elif timezone.is_naive(held_at):
        raise ValueError("rione works with aware datetimes only")
    elif held_at > clock.now():
        errors["held_at"] = _(
            "La seduta non può essere nel futuro: registrala dopo che si è tenuta."
        )
    elif (
        CommissionSession.objects.filter(commission=commission, held_at=held_at)
        .exclude(pk=session_id or 0)
        .exists()
    ):
        errors["held_at"] = _(
            "Per questa commissione è già registrata una seduta alla stessa data e ora."
        )
    if not place:
        errors["place"] = _(
            "Indica dove si è tenuta la seduta (una sala, oppure «videoconferenza»)."
        )
    elif len(place) > PLACE_MAX:
        errors["place"] = _("Il luogo può avere al massimo %(n)d caratteri.") % {"n": PLACE_MAX}
    if not notes:
        errors["notes"] = _("Scrivi che cosa è stato discusso e deciso nella seduta.")
    wanted = {member.pk for member in present}
    members = list(
        CommissionMember.objects.filter(commission=commission, pk__in=wanted)
        .select_related("user")
        .order_by("pk")
    )
    if not wanted:
        errors["present"] = _("Indica almeno un componente presente.")
    elif len(members) != len(wanted):
        errors["present"] = _("Tra i presenti c'è chi non fa parte di questa commissione.")
    if errors:
        raise ValidationError(errors)
    assert held_at is not None
    return held_at, place, notes, members


def _state(session: CommissionSession, members: Iterable[CommissionMember]) -> dict[str, Any]:
    """What the audit keeps of a session: enough to rebuild it, present people by user id."""
    state: dict[str, Any] = jsonable(
        {
            "commission": session.commission_id,
            "held_at": session.held_at,
            "place": session.place,
            "notes": session.notes,
            "present": sorted(member.user_id for member in members),
        }
    )
    return state


@transaction.atomic
def record_session(
    *,
    commission: Commission,
    by: User,
    held_at: datetime | None,
    place: str,
    present: Iterable[CommissionMember],
    notes: str,
) -> CommissionSession:
    """Record a session the commission has held: when, where, who was present, what was decided.

    Locks the commission. Requires ``evaluation.record_session`` (its chair or secretary).
    ValidationError (Italian messages, by field) when the time is missing, in the future
    or already taken by another session of the commission, the place or the notes are
    empty, or a present member does not sit on the commission.
    """
    locked = _locked_commission(commission.pk)
    ensure_perm(by, "evaluation.record_session", locked)
    held_at, place, notes, members = _clean(
        commission=locked, held_at=held_at, place=place, notes=notes, present=present
    )
    session = CommissionSession.objects.create(
        commission=locked, held_at=held_at, place=place, notes=notes, recorded_by=by
    )
    session.present.set(members)
    record_event(session, "commission.session_recorded", by=by, data=_state(session, members))
    return session


@transaction.atomic
def update_session(
    *,
    session: CommissionSession,
    by: User,
    held_at: datetime | None,
    place: str,
    present: Iterable[CommissionMember],
    notes: str,
) -> CommissionSession:
    """Correct a recorded session; the audit keeps the values before and after.

    Locks the commission, then the session. Requires ``evaluation.record_session``.
    ValidationError as for ``record_session``.
    """
    commission = _locked_commission(session.commission_id)
    ensure_perm(by, "evaluation.record_session", commission)
    locked = CommissionSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    before = _state(locked, locked.present.select_related("user"))
    held_at, place, notes, members = _clean(
        commission=commission,
        held_at=held_at,
        place=place,
        notes=notes,
        present=present,
        session_id=locked.pk,
    )
    locked.held_at, locked.place, locked.notes = held_at, place, notes
    locked.save(update_fields=["held_at", "place", "notes", "updated_at"])
    locked.present.set(members)
    diff = changes(before, _state(locked, members))
    if diff:
        record_event(locked, "commission.session_updated", by=by, data={"changes": diff})
    return locked


@transaction.atomic
def delete_session(*, session: CommissionSession, by: User) -> None:
    """Delete a session recorded by mistake; the audit keeps what it said.

    Locks the commission, then the session. Requires ``evaluation.record_session``.
    """
    commission = _locked_commission(session.commission_id)
    ensure_perm(by, "evaluation.record_session", commission)
    locked = CommissionSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    members = list(locked.present.all())
    record_event(locked, "commission.session_deleted", by=by, data=_state(locked, members))
    locked.delete()
