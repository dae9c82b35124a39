"""Use cases of programmes and calls: drafting, publishing, life cycle, amendments, parts of a call."""

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from rione.core import clock
from rione.core.audit import record_event
from rione.core.errors import DomainError
from rione.core.models import User
from rione.core.money import format_eur
from rione.core.permissions import ensure_perm
from rione.core.records import create_record, delete_record, update_record
from rione.core.workflow import ensure_transition
from rione.programmes.models import (
    CALL_TRANSITIONS,
    CLOCK_DRIVEN,
    STATUS_OF_PHASE,
    Amendment,
    AmendmentKind,
    Call,
    CallDocument,
    CallPhase,
    CallStatus,
    ExtraQuestion,
    FaqEntry,
    GrantRule,
    Lot,
    Programme,
    RequiredDocument,
    Stage,
)
from rione.territory.models import City

# Fields that, once a call is public, change only through a recorded amendment.
AMENDABLE_ONLY = frozenset({"opens_at", "closes_at"})
PDF_MAGIC = b"%PDF-"

PROGRAMME_FIELDS = frozenset(
    {"title", "slug", "summary", "description", "funding_source", "total_budget"}
)
STAGE_FIELDS = frozenset({"order", "title", "description", "starts_on", "ends_on"})
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
        "restricted_to_call",
        "contact_email",
        "is_illustrative",
        "eligible_applicant_types",
        "eligible_neighbourhoods",
    }
)
LOT_FIELDS = frozenset({"number", "title", "description", "budget", "sites"})
CALL_PART_FIELDS: dict[type[models.Model], frozenset[str]] = {
    GrantRule: frozenset({"category", "min_grant", "max_grant", "min_cofinancing_pct"}),
    RequiredDocument: frozenset({"title", "description", "is_mandatory", "order"}),
    ExtraQuestion: frozenset(
        {"order", "text", "help_text", "kind", "choices", "is_required", "max_length"}
    ),
    FaqEntry: frozenset({"question", "answer", "order"}),
    CallDocument: frozenset({"title", "order"}),
}

# Apps that hold drafts for a call register a function here returning the users to notify.
DRAFT_HOLDER_SOURCES: list[Callable[[Call], Iterable[User]]] = []


class CallNotReady(DomainError):
    code = "call_not_ready"


# Programmes


def create_programme(*, city: City, by: User, values: Mapping[str, Any]) -> Programme:
    return create_record(
        Programme,
        by=by,
        perm="programmes.manage_programme",
        perm_obj=city,
        values=values,
        editable=PROGRAMME_FIELDS,
        fixed={"city": city},
    )


def update_programme(
    *,
    programme: Programme,
    by: User,
    values: Mapping[str, Any],
    expected_updated_at: datetime | None = None,
) -> Programme:
    return update_record(
        programme,
        by=by,
        perm="programmes.manage_programme",
        values=values,
        expected_updated_at=expected_updated_at,
        editable=PROGRAMME_FIELDS,
    )


def publish_programme(*, programme: Programme, by: User, at: datetime | None = None) -> Programme:
    """Show the programme on the portal."""
    moment = clock.resolve(at)
    return update_record(
        programme,
        by=by,
        perm="programmes.manage_programme",
        values={"is_published": True, "published_at": programme.published_at or moment},
    )


def unpublish_programme(*, programme: Programme, by: User) -> Programme:
    if programme.calls.exclude(status=CallStatus.DRAFT).exists():
        raise DomainError(_("Il programma ha avvisi pubblicati e non può essere nascosto."))
    return update_record(
        programme, by=by, perm="programmes.manage_programme", values={"is_published": False}
    )


def create_stage(*, programme: Programme, by: User, values: Mapping[str, Any]) -> Stage:
    next_order = (programme.stages.aggregate(m=Max("order"))["m"] or 0) + 1
    return create_record(
        Stage,
        by=by,
        perm="programmes.manage_programme",
        perm_obj=programme,
        values={"order": next_order, **values},
        editable=STAGE_FIELDS,
        fixed={"programme": programme},
    )


def update_stage(*, stage: Stage, by: User, values: Mapping[str, Any]) -> Stage:
    return update_record(
        stage, by=by, perm="programmes.manage_programme", values=values, editable=STAGE_FIELDS
    )


def delete_stage(*, stage: Stage, by: User) -> None:
    delete_record(stage, by=by, perm="programmes.manage_programme")


# Calls


def _check_call_scope(
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
    _check_call_scope(programme.city, m2m, {**values, **fixed})
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
    _check_call_scope(call.city, m2m, {**values, "programme": call.programme})
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

    transaction.on_commit(partial(notify_call_amended.enqueue, amendment_id=amendment.pk))
    return amendment


def draft_holders(call: Call) -> set[User]:
    holders: set[User] = set()
    for source in DRAFT_HOLDER_SOURCES:
        holders.update(source(call))
    return holders


# Parts of a call: lots, grant rules, required documents, questions, documents, FAQ


def _lots_total(call: Call, *, without: Lot | None = None) -> Decimal:
    lots = call.lots.all()
    if without is not None:
        lots = lots.exclude(pk=without.pk)
    return lots.aggregate(total=Sum("budget"))["total"] or Decimal("0")


def _check_lot(
    call: Call,
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None,
    lot: Lot | None,
    *,
    by: User,
) -> None:
    ensure_perm(by, "programmes.manage_call", call)
    _check_call_scope(call.city, m2m, {})
    budget = values.get("budget")
    if (
        call.budget is not None
        and budget is not None
        and _lots_total(call, without=lot) + budget > call.budget
    ):
        raise ValidationError(
            {
                "budget": _(
                    "Con questo lotto la somma delle dotazioni supera la dotazione del bando (%(budget)s)."
                )
                % {"budget": format_eur(call.budget)}
            }
        )


def create_lot(
    *,
    call: Call,
    by: User,
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> Lot:
    _check_lot(call, values, m2m, None, by=by)
    number = values.get("number") or (call.lots.aggregate(m=Max("number"))["m"] or 0) + 1
    return create_record(
        Lot,
        by=by,
        perm="programmes.manage_call",
        perm_obj=call,
        values={**values, "number": number},
        m2m=m2m,
        editable=LOT_FIELDS,
        fixed={"call": call},
    )


def update_lot(
    *, lot: Lot, by: User, values: Mapping[str, Any], m2m: Mapping[str, Iterable[Any]] | None = None
) -> Lot:
    _check_lot(lot.call, values, m2m, lot, by=by)
    return update_record(
        lot, by=by, perm="programmes.manage_call", values=values, m2m=m2m, editable=LOT_FIELDS
    )


def create_call_part(
    *, model: type[models.Model], call: Call, by: User, values: Mapping[str, Any]
) -> Any:
    """Grant rules, required documents, extra questions and FAQ entries of a call."""
    return create_record(
        model,
        by=by,
        perm="programmes.manage_call",
        perm_obj=call,
        values=values,
        editable=CALL_PART_FIELDS[model],
        fixed={"call": call},
    )


def update_call_part(*, part: models.Model, by: User, values: Mapping[str, Any]) -> Any:
    return update_record(
        part,
        by=by,
        perm="programmes.manage_call",
        values=values,
        editable=CALL_PART_FIELDS[type(part)],
    )


def delete_call_part(*, part: models.Model, by: User) -> None:
    delete_record(part, by=by, perm="programmes.manage_call")


def publish_faq(*, entry: FaqEntry, by: User, at: datetime | None = None) -> FaqEntry:
    return update_record(
        entry,
        by=by,
        perm="programmes.manage_call",
        values={"published_at": entry.published_at or clock.resolve(at)},
    )


def attach_call_document(*, call: Call, by: User, title: str, upload: UploadedFile) -> CallDocument:
    """Add a public PDF to the call. Checks the content (not the name) and the size; stores SHA-256."""
    from django.conf import settings

    ensure_perm(by, "programmes.manage_call", call)
    if upload.size is None or upload.size > settings.CALL_DOCUMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("Il file supera la dimensione massima di %(mb)s MB.")
                % {"mb": settings.CALL_DOCUMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    upload.seek(0)
    if upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError({"file": _("Il file non è un PDF valido.")})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    order = (call.documents.aggregate(m=Max("order"))["m"] or 0) + 1
    return create_record(
        CallDocument,
        by=by,
        perm="programmes.manage_call",
        perm_obj=call,
        values={
            "call": call,
            "title": title,
            "file": upload,
            "sha256": digest.hexdigest(),
            "size": upload.size,
            "order": order,
        },
    )
