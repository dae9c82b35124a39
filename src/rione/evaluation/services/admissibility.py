"""Admissibility of the proposals of a closed call, and integration requests (soccorso istruttorio).

Staff judge the latest submitted version, frozen in its receipt, never the working copy.
Automatic checks read that version and the call's rules; the manual checklist is the
call's own list. Every outcome needs a reason, follows ADMISSIBILITY_TRANSITIONS, is
audited in the call's stream and is e-mailed to the applicant after commit.

An integration request asks the applicant for something missing by a deadline; the
answer (text and optionally a file) is the only thing an applicant may add after the
call's deadline. While a request is open, the outcome cannot be decided.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rione.applications.models import STANDING, Proposal
from rione.applications.services.files import check_upload, original_name, store_upload
from rione.core import clock
from rione.core.audit import record_event
from rione.core.errors import DomainError, InvalidTransition
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.records import create_record, delete_record, update_record
from rione.core.tasks import enqueue_on_commit, send_email
from rione.core.workflow import ensure_transition
from rione.evaluation import selectors
from rione.evaluation.models import (
    ADMISSIBILITY_TRANSITIONS,
    AdmissibilityOutcome,
    AdmissibilityReview,
    ChecklistItem,
    IntegrationRequest,
)
from rione.evaluation.selectors import DECIDED_OUTCOMES
from rione.evaluation.services.checks import automatic_checks, rome_minute
from rione.programmes.models import Call, CallPhase, RequiredDocument

# Phases in which the call still takes submissions (or has not yet): no admissibility yet.
BEFORE_CLOSING = frozenset({CallPhase.DRAFT, CallPhase.SCHEDULED, CallPhase.OPEN})

CHECKLIST_FIELDS = frozenset({"text", "order"})


class NotStanding(DomainError):
    code = "proposal_not_standing"
    message = gettext_lazy(
        "La proposta non ha una versione presentata valida: è una bozza o è stata ritirata."
    )


class CallNotClosed(DomainError):
    code = "call_not_closed"
    message = gettext_lazy(
        "La verifica di ammissibilità si fa dopo la scadenza dell'avviso: l'avviso è ancora "
        "aperto o non è stato pubblicato."
    )


class RankingFinal(DomainError):
    code = "ranking_final"
    message = gettext_lazy(
        "La graduatoria definitiva è già pubblicata: l'esito di ammissibilità non si cambia più."
    )


class ChecklistFrozen(DomainError):
    code = "checklist_frozen"
    message = gettext_lazy(
        "Le verifiche non si possono più modificare: per almeno una proposta dell'avviso "
        "l'esito è già stato deciso, e tutte vanno giudicate con le stesse verifiche."
    )


class IntegrationPending(DomainError):
    code = "integration_pending"
    message = gettext_lazy(
        "C'è una richiesta di integrazione ancora aperta: l'esito si decide dopo la risposta "
        "del proponente o dopo la scadenza del termine."
    )


class IntegrationClosed(DomainError):
    code = "integration_closed"
    message = gettext_lazy("Non è più possibile rispondere a questa richiesta di integrazione.")


class IntegrationOverdue(IntegrationClosed):
    code = "integration_overdue"
    message = gettext_lazy(
        "Il termine per rispondere è scaduto: la risposta non può più essere inviata."
    )


class IntegrationAnswered(IntegrationClosed):
    code = "integration_answered"
    message = gettext_lazy("A questa richiesta di integrazione è già stata data una risposta.")


# Checklist of the call


def _lock_unfrozen_call(call: Call) -> Call:
    """Lock the call's row (decisions lock it too) and refuse once an outcome is decided."""
    locked = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    if selectors.checklist_frozen(call=locked):
        raise ChecklistFrozen()
    return locked


@transaction.atomic
def create_checklist_item(*, call: Call, by: User, values: Mapping[str, Any]) -> ChecklistItem:
    """Add a manual check to ``call``'s admissibility checklist.

    Requires `evaluation.manage_admissibility` on the call. The checklist is open until
    the first outcome (admissible or not) is decided on the call; then ChecklistFrozen,
    so that every proposal is judged against the same checks. Audited as
    ``checklistitem.created``.
    """
    ensure_perm(by, "evaluation.manage_admissibility", call)
    locked = _lock_unfrozen_call(call)
    return create_record(
        ChecklistItem,
        by=by,
        perm="evaluation.manage_admissibility",
        perm_obj=locked,
        values=_clean_item(values),
        editable=CHECKLIST_FIELDS,
        fixed={"call": locked},
    )


@transaction.atomic
def update_checklist_item(
    *, item: ChecklistItem, by: User, values: Mapping[str, Any]
) -> ChecklistItem:
    """Change a manual check; same permission and freeze as ``create_checklist_item``."""
    ensure_perm(by, "evaluation.manage_admissibility", item)
    _lock_unfrozen_call(item.call)
    return update_record(
        item,
        by=by,
        perm="evaluation.manage_admissibility",
        values=_clean_item(values),
        editable=CHECKLIST_FIELDS,
    )


@transaction.atomic
def delete_checklist_item(*, item: ChecklistItem, by: User) -> None:
    """Remove a manual check; same permission and freeze as ``create_checklist_item``."""
    ensure_perm(by, "evaluation.manage_admissibility", item)
    _lock_unfrozen_call(item.call)
    delete_record(item, by=by, perm="evaluation.manage_admissibility")


def _clean_item(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    if isinstance(cleaned.get("text"), str):
        cleaned["text"] = cleaned["text"].strip()
    if cleaned.get("order") is None and "order" in cleaned:
        cleaned["order"] = 0
    return cleaned


# Outcome


def _lock_for_review(proposal: Proposal, *, by: User, at: datetime) -> tuple[Proposal, Call]:
    """Lock the call, then the proposal; check permission, a standing submission, a closed call."""
    call = Call.objects.select_for_update(of=("self",)).get(pk=proposal.call_id)
    locked = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    locked.call = call
    ensure_perm(by, "evaluation.manage_admissibility", locked)
    if locked.status not in STANDING:
        raise NotStanding()
    if call.phase_at(at) in BEFORE_CLOSING:
        raise CallNotClosed()
    return locked, call


def _review(proposal: Proposal) -> AdmissibilityReview:
    """The proposal's review, locked, or a new pending one (unsaved). Hold the proposal's lock."""
    found = (
        AdmissibilityReview.objects.select_for_update(of=("self",))
        .filter(proposal=proposal)
        .first()
    )
    return found or AdmissibilityReview(proposal=proposal)


def _version_title(proposal: Proposal) -> str:
    """The title of the latest submitted version (the working copy may differ)."""
    receipt = selectors.latest_submission(proposal=proposal)
    content = json.loads(receipt.content) if receipt else {}
    return str((content.get("idea") or {}).get("title") or proposal)


def _notify_applicant(proposal: Proposal, subject: str, body: str) -> None:
    user = proposal.created_by
    if user.email:
        enqueue_on_commit(send_email, to=[user.email], subject=subject, body=body)


@transaction.atomic
def decide_admissibility(
    *,
    proposal: Proposal,
    by: User,
    outcome: str,
    reason: str,
    manual: Mapping[int, bool],
    at: datetime | None = None,
) -> AdmissibilityReview:
    """Decide whether ``proposal`` is admissible, with a reason, and tell the applicant.

    Locks the call and the proposal. Requires `evaluation.manage_admissibility`
    (PermissionDenied); a standing submission (NotStanding); a call past its deadline
    (CallNotClosed); no published final ranking (RankingFinal); no open integration
    request (IntegrationPending); a reason
    (ValidationError on ``reason``); ``outcome`` admissible or not admissible, reachable
    from the current outcome (InvalidTransition); ``manual`` keyed by checklist items of
    the call (ValidationError on ``manual``; items left out count as not passed).
    Stores a snapshot of the automatic and manual checks, records ``admissibility.decided``
    with old, new and reason, and e-mails the proposal's creator after commit.
    """
    now = clock.resolve(at)
    locked, call = _lock_for_review(proposal, by=by, at=now)
    if selectors.published_final(call=call) is not None:
        raise RankingFinal()
    review = _review(locked)
    source = review.outcome
    if outcome not in DECIDED_OUTCOMES:
        raise InvalidTransition(source=source, target=outcome)
    ensure_transition(ADMISSIBILITY_TRANSITIONS, source, outcome)
    if selectors.open_integration_requests(proposal=locked, at=now).exists():
        raise IntegrationPending()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Scrivi la motivazione dell'esito: è obbligatoria.")})
    items = list(selectors.checklist_of(call=call))
    unknown = set(manual) - {item.pk for item in items}
    if unknown:
        raise ValidationError(
            {"manual": _("Alcune verifiche indicate non appartengono a questo avviso.")}
        )
    checks = automatic_checks(proposal=locked)
    review.outcome = outcome
    review.reason = reason
    review.automatic = checks
    review.manual = {
        str(item.pk): {"text": item.text, "passed": bool(manual.get(item.pk, False))}
        for item in items
    }
    review.decided_by, review.decided_at = by, now
    review.save()
    record_event(
        review,
        "admissibility.decided",
        by=by,
        at=now,
        data={
            "proposal": locked.pk,
            "old": source,
            "new": outcome,
            "reason": reason,
            "automatic": checks,
            "manual": review.manual,
        },
    )
    with translation.override(locked.created_by.language or settings.LANGUAGE_CODE):
        label = AdmissibilityOutcome(outcome).label
        subject = _("Esito della verifica di ammissibilità · %(call)s") % {"call": call.title}
        body = _(
            "La verifica di ammissibilità della proposta «%(title)s» per l'avviso «%(call)s» "
            "si è conclusa.\n\nEsito: %(outcome)s\nMotivazione: %(reason)s\n\n"
            "Trovi l'esito anche nella tua area personale:\n%(link)s"
        ) % {
            "title": _version_title(locked),
            "call": call.title,
            "outcome": label,
            "reason": reason,
            "link": settings.SITE_URL + reverse("applications:list"),
        }
    _notify_applicant(locked, str(subject), str(body))
    return review


# Integration requests (soccorso istruttorio)


@transaction.atomic
def request_integration(
    *,
    proposal: Proposal,
    by: User,
    message: str,
    due_at: datetime,
    required_document: RequiredDocument | None = None,
    at: datetime | None = None,
) -> IntegrationRequest:
    """Ask the applicant for something missing by ``due_at``; the outcome becomes "integration requested".

    Same locks, permission and guards as ``decide_admissibility``. The first request moves
    the outcome from pending (InvalidTransition from a decided outcome); further requests
    may follow while it stays "integration requested". ``message`` is required and becomes
    the review's reason; ``due_at`` must be in the future; ``required_document`` must be
    one of the call's (ValidationError). Records ``admissibility.integration_requested``
    and e-mails the proposal's creator a link to answer, after commit.
    """
    now = clock.resolve(at)
    locked, call = _lock_for_review(proposal, by=by, at=now)
    if selectors.published_final(call=call) is not None:
        raise RankingFinal()
    review = _review(locked)
    source = review.outcome
    target = AdmissibilityOutcome.INTEGRATION_REQUESTED
    if source != target:
        ensure_transition(ADMISSIBILITY_TRANSITIONS, source, target)
    message = message.strip()
    errors: dict[str, str] = {}
    if not message:
        errors["message"] = _("Scrivi che cosa deve integrare il proponente.")
    if due_at <= now:
        errors["due_at"] = _("Il termine per rispondere deve essere nel futuro.")
    if required_document is not None and required_document.call_id != call.pk:
        errors["required_document"] = _("Il documento richiesto non appartiene a questo avviso.")
    if errors:
        raise ValidationError(errors)
    review.outcome, review.reason = target, message
    review.save()
    request = IntegrationRequest.objects.create(
        proposal=locked,
        message=message,
        required_document=required_document,
        due_at=due_at,
        requested_by=by,
    )
    record_event(
        request,
        "admissibility.integration_requested",
        by=by,
        at=now,
        data={
            "proposal": locked.pk,
            "request": request.pk,
            "old": source,
            "new": target,
            "message": message,
            "due_at": due_at,
            "required_document": required_document,
        },
    )
    with translation.override(locked.created_by.language or settings.LANGUAGE_CODE):
        subject = _("Richiesta di integrazione · %(call)s") % {"call": call.title}
        body = _(
            "Per verificare l'ammissibilità della proposta «%(title)s» (avviso «%(call)s») "
            "ti chiediamo di integrare quanto segue:\n\n%(message)s\n\n"
            "Puoi rispondere una sola volta, entro il %(due)s (ora italiana), da qui:\n%(link)s"
        ) % {
            "title": _version_title(locked),
            "call": call.title,
            "message": message,
            "due": rome_minute(due_at),
            "link": settings.SITE_URL
            + reverse("evaluation:integration_answer", args=[locked.pk, request.pk]),
        }
    _notify_applicant(locked, str(subject), str(body))
    return request


@transaction.atomic
def answer_integration(
    *,
    request: IntegrationRequest,
    by: User,
    answer: str,
    upload: UploadedFile | None = None,
    at: datetime | None = None,
) -> IntegrationRequest:
    """The applicant answers an integration request, once, before its deadline.

    Locks the proposal, then the request. Requires `applications.submit_proposal` on the
    proposal (PermissionDenied): whoever may commit the applicant. Raises
    IntegrationAnswered when already answered, IntegrationOverdue after ``due_at``,
    ValidationError for an empty ``answer`` or a file refused by type or size (the limits
    of proposal attachments). The file becomes a new current attachment of the proposal,
    part of its submission and linked to the request's required document: the only thing
    an applicant can add after the call's deadline. Records
    ``admissibility.integration_answered`` and tells the requester after commit.
    """
    now = clock.resolve(at)
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=request.proposal_id)
    )
    locked = (
        IntegrationRequest.objects.select_for_update(of=("self",))
        .select_related("required_document", "requested_by")
        .get(pk=request.pk)
    )
    locked.proposal = proposal
    ensure_perm(by, "applications.submit_proposal", proposal)
    if locked.answered_at is not None:
        raise IntegrationAnswered()
    if now >= locked.due_at:
        raise IntegrationOverdue()
    if proposal.status not in STANDING:
        raise NotStanding()
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Scrivi la risposta alla richiesta.")})
    attachment = None
    if upload is not None:
        checked = check_upload(proposal, upload)
        document = locked.required_document
        title = (
            document.title
            if document
            else _("Integrazione: %(name)s") % {"name": original_name(upload)}
        )
        attachment = store_upload(
            proposal,
            upload,
            checked,
            by=by,
            at=now,
            title=title,
            required_document=document,
            is_current=True,
            in_submission=True,
        )
    locked.answer, locked.attachment = answer, attachment
    locked.answered_at, locked.answered_by = now, by
    locked.save(update_fields=["answer", "attachment", "answered_at", "answered_by", "updated_at"])
    record_event(
        locked,
        "admissibility.integration_answered",
        by=by,
        at=now,
        data={
            "proposal": proposal.pk,
            "request": locked.pk,
            "attachment": attachment.pk if attachment else None,
            "sha256": attachment.sha256 if attachment else None,
        },
    )
    staff = locked.requested_by
    if staff.email:
        with translation.override(staff.language or settings.LANGUAGE_CODE):
            title = _version_title(proposal)
            subject = _("Integrazione ricevuta · %(title)s") % {"title": title}
            body = _(
                "Il proponente ha risposto alla richiesta di integrazione per la proposta "
                "«%(title)s» (avviso «%(call)s»)."
            ) % {"title": title, "call": proposal.call.title}
        enqueue_on_commit(send_email, to=[staff.email], subject=str(subject), body=str(body))
    return locked
