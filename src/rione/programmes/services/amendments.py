"""Extensions (proroghe) and corrections (rettifiche) of public calls."""

from collections.abc import Callable, Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from rione.core import clock
from rione.core.audit import record_event
from rione.core.errors import DomainError
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.tasks import enqueue_on_commit
from rione.programmes.models import (
    Amendment,
    AmendmentKind,
    Call,
    CallPhase,
)

# Apps that hold drafts for a call register a function here returning the users to notify.
DRAFT_HOLDER_SOURCES: list[Callable[[Call], Iterable[User]]] = []


@transaction.atomic
def amend_call(
    *,
    call: Call,
    by: User,
    kind: str,
    text: str,
    new_closes_at: datetime | None = None,
    at: datetime | None = None,
) -> Amendment:
    """Publish an extension (proroga) or a correction (rettifica) of a public call.

    Locks the call. Draft holders are told after commit.
    """
    moment = clock.resolve(at)
    call = Call.objects.select_for_update().get(pk=call.pk)
    ensure_perm(by, "programmes.amend_call", call)
    phase = call.phase_at(moment)
    if phase not in {CallPhase.SCHEDULED, CallPhase.OPEN, CallPhase.CLOSED}:
        raise DomainError(
            _("Si possono modificare solo avvisi pubblicati e non ancora in valutazione.")
        )
    if not text.strip():
        raise ValidationError({"text": _("Descrivi la modifica.")})
    previous = call.closes_at
    if kind == AmendmentKind.EXTENSION:
        if new_closes_at is None:
            raise ValidationError({"new_closes_at": _("Indica la nuova scadenza.")})
        if previous is not None and new_closes_at <= previous:
            raise ValidationError(
                {"new_closes_at": _("La nuova scadenza deve essere successiva a quella attuale.")}
            )
        if new_closes_at <= moment:
            raise ValidationError({"new_closes_at": _("La nuova scadenza deve essere nel futuro.")})
    elif kind == AmendmentKind.CORRECTION:
        new_closes_at = None
    else:
        raise ValidationError({"kind": _("Tipo di modifica non valido.")})
    number = (call.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment.objects.create(
        call=call,
        number=number,
        kind=kind,
        text=text.strip(),
        previous_closes_at=previous if new_closes_at else None,
        new_closes_at=new_closes_at,
        published_at=moment,
        created_by=by,
    )
    if new_closes_at is not None:
        call.closes_at = new_closes_at
        call.save(update_fields=["closes_at", "updated_at"])
    record_event(
        call,
        "call.amended",
        by=by,
        at=moment,
        data={
            "number": number,
            "kind": kind,
            "old_closes_at": previous,
            "new_closes_at": new_closes_at,
        },
    )
    from rione.programmes.tasks import notify_call_amended

    enqueue_on_commit(notify_call_amended, amendment_id=amendment.pk)
    return amendment


def draft_holders(call: Call) -> set[User]:
    holders: set[User] = set()
    for source in DRAFT_HOLDER_SOURCES:
        holders.update(source(call))
    return holders
