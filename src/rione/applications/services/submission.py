"""Submitting, reopening and withdrawing a proposal; every receipt takes the call's next number.

The protocol number comes from one counter row per call, locked inside the same
transaction that writes the receipt: numbers are unique, sequential and without gaps,
because a transaction that fails (deadline passed, a problem found) rolls the counter
back with everything else.
"""

import json
from datetime import datetime
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rione.applicants.models import InformalGroup, Organisation
from rione.applications import selectors
from rione.applications.models import (
    PROPOSAL_TRANSITIONS,
    Proposal,
    ProposalStatus,
    ProtocolCounter,
    Receipt,
    ReceiptKind,
)
from rione.applications.services.canonical import (
    digest,
    proposal_content,
    serialise,
    withdrawal_content,
)
from rione.applications.services.checks import eligibility_problems, review_proposal
from rione.applications.services.drafts import ensure_open
from rione.applications.services.errors import NewerVersionExists, NotReadyToSubmit
from rione.core import clock
from rione.core.audit import record_event
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.tasks import enqueue_on_commit
from rione.core.text import ensure_storable
from rione.core.workflow import ensure_transition
from rione.monitoring.services import refresh_open_projects_of
from rione.programmes.models import Call


def next_protocol_number(call: Call) -> int:
    """Take the next number of ``call``. Must run inside the transaction that uses it."""
    ProtocolCounter.objects.bulk_create([ProtocolCounter(call=call)], ignore_conflicts=True)
    counter = ProtocolCounter.objects.select_for_update().get(call=call)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _issue(
    proposal: Proposal, *, kind: str, version: int, content: dict[str, Any], by: User, at: datetime
) -> Receipt:
    text = serialise(content)
    receipt = Receipt.objects.create(
        call=proposal.call,
        proposal=proposal,
        protocol_number=next_protocol_number(proposal.call),
        kind=kind,
        version=version,
        issued_at=at,
        issued_by=by,
        content=text,
        sha256=digest(text),
    )
    from rione.applications.tasks import send_receipt

    # In the same transaction as the receipt: the proof of submission is never left unsent.
    enqueue_on_commit(send_receipt, receipt_id=receipt.pk)
    return receipt


def _lock_applicant(proposal: Proposal) -> None:
    """Serialise submissions of one applicant, so "one proposal per call" holds under races."""
    applicant: QuerySet[Any] = (
        Organisation.objects.filter(pk=proposal.organisation_id)
        if proposal.organisation_id is not None
        else InformalGroup.objects.filter(pk=cast(int, proposal.group_id))  # one, by constraint
    )
    applicant.select_for_update().values_list("pk").get()


def submission_problems(proposal: Proposal, *, by: User, at: datetime) -> list[str]:
    """Everything that stops ``by`` from submitting ``proposal`` at ``at``."""
    problems = review_proposal(proposal).problems + eligibility_problems(proposal, at=at)
    if getattr(by, "person", None) is None:
        problems.append(
            str(_("Completa il tuo profilo (nome, cognome e codice fiscale) prima di presentare."))
        )
    return problems


@transaction.atomic
def submit_proposal(
    *,
    proposal: Proposal,
    by: User,
    truthfulness: bool,
    privacy: bool,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Receipt:
    """Submit the proposal (first time or as a new version) and issue its receipt.

    Locks the proposal, the applicant and the call's counter; checks permission,
    completeness, eligibility and the deadline inside the transaction. Submitting again
    something already submitted (double click, retried request, second tab) returns
    the receipt already issued. Raises NotReadyToSubmit with the list of problems.
    """
    locked = selectors.proposal_for_review().select_for_update(of=("self",)).get(pk=proposal.pk)
    ensure_perm(by, "applications.view_proposal", locked)
    done_already = locked.status == ProposalStatus.SUBMITTED or (
        expected_version is not None and locked.version > expected_version
    )
    already = selectors.latest_receipt(proposal=locked) if done_already else None
    if already is not None and already.kind != ReceiptKind.WITHDRAWAL:
        if locked.status == ProposalStatus.REOPENED:
            raise NewerVersionExists()
        return already
    ensure_perm(by, "applications.submit_proposal", locked)
    ensure_transition(PROPOSAL_TRANSITIONS, locked.status, ProposalStatus.SUBMITTED)
    now = clock.resolve(at)
    ensure_open(locked.call, at=now)
    _lock_applicant(locked)
    selectors.with_lists(locked)
    problems = submission_problems(locked, by=by, at=now)
    if not truthfulness or not privacy:
        problems.append(str(_("Spunta le dichiarazioni finali per presentare la domanda.")))
    if problems:
        raise NotReadyToSubmit(problems)
    version = locked.version + 1
    content = proposal_content(locked, version=version, declarant=by)
    kind = ReceiptKind.SUBMISSION if version == 1 else ReceiptKind.NEW_VERSION
    source = locked.status
    locked.status, locked.version, locked.submitted_at = ProposalStatus.SUBMITTED, version, now
    locked.save(update_fields=["status", "version", "submitted_at", "updated_at"])
    locked.attachments.filter(is_current=True).update(in_submission=True)
    receipt = _issue(locked, kind=kind, version=version, content=content, by=by, at=now)
    record_event(
        locked,
        "proposal.submitted",
        by=by,
        at=now,
        data={
            "old": source,
            "new": ProposalStatus.SUBMITTED,
            "version": version,
            "protocol_number": receipt.protocol_number,
            "sha256": receipt.sha256,
        },
    )
    if kind == ReceiptKind.NEW_VERSION:
        refresh_open_projects_of(locked)
    return receipt


@transaction.atomic
def reopen_proposal(*, proposal: Proposal, by: User, at: datetime | None = None) -> Proposal:
    """Reopen a submitted proposal for changes before the deadline.

    The submitted version stands (and is the one evaluated) until a new one is submitted.
    """
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    ensure_perm(by, "applications.view_proposal", locked)
    ensure_perm(by, "applications.submit_proposal", locked)
    ensure_transition(PROPOSAL_TRANSITIONS, locked.status, ProposalStatus.REOPENED)
    ensure_open(locked.call, at=at)
    locked.status = ProposalStatus.REOPENED
    locked.save(update_fields=["status", "updated_at"])
    record_event(
        locked,
        "proposal.reopened",
        by=by,
        at=at,
        data={
            "old": ProposalStatus.SUBMITTED,
            "new": ProposalStatus.REOPENED,
            "version": locked.version,
        },
    )
    return locked


@transaction.atomic
def withdraw_proposal(
    *, proposal: Proposal, by: User, reason: str, at: datetime | None = None
) -> Receipt:
    """Withdraw a submitted proposal before the deadline; the withdrawal has its own receipt."""
    locked = Proposal.objects.select_for_update().select_related("call__city").get(pk=proposal.pk)
    ensure_perm(by, "applications.view_proposal", locked)
    if locked.status == ProposalStatus.WITHDRAWN:
        already = selectors.latest_receipt(proposal=locked)
        assert already is not None
        return already
    ensure_perm(by, "applications.withdraw_proposal", locked)
    ensure_storable({"reason": reason})
    ensure_transition(PROPOSAL_TRANSITIONS, locked.status, ProposalStatus.WITHDRAWN)
    now = clock.resolve(at)
    ensure_open(locked.call, at=now)
    source = locked.status
    locked.status, locked.withdrawn_at = ProposalStatus.WITHDRAWN, now
    locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
    submitted = Receipt.objects.filter(proposal=locked).exclude(kind=ReceiptKind.WITHDRAWAL)
    last = submitted.order_by("-protocol_number").first()
    assert last is not None  # a standing proposal has been submitted at least once
    content = withdrawal_content(json.loads(last.content), reason=reason.strip()[:2000])
    receipt = _issue(
        locked, kind=ReceiptKind.WITHDRAWAL, version=locked.version, content=content, by=by, at=now
    )
    record_event(
        locked,
        "proposal.withdrawn",
        by=by,
        at=now,
        data={
            "old": source,
            "new": ProposalStatus.WITHDRAWN,
            "protocol_number": receipt.protocol_number,
        },
    )
    refresh_open_projects_of(locked)
    return receipt
