"""Appeals against a published provisional ranking, and re-scoring after an upheld one.

The applicant files an appeal once, within the window, with reasons and up to
MAX_APPEAL_FILES files (checked like every proposal attachment: type read from the
content, size limits per file and per proposal, SHA-256, private storage). The files are
attachments of the proposal kept apart from its submissions (neither current nor
submitted). Staff record the reasoned decision; upholding it may reopen the scoring of
the proposal (``reopen_scoring``): its signed evaluations go back to draft and its
consensus scores are removed, all of them kept in the audit trail, and the evaluators are
e-mailed. Until they sign again, no ranking of the call is computed (ScoringReopened).

Lock order: call, ranking or appeal, proposal, evaluations (as scoring: call first).
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rione.applications.models import Proposal
from rione.applications.services.files import check_upload, original_name, store_upload
from rione.core import clock
from rione.core.audit import record_event
from rione.core.errors import DomainError
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.tasks import enqueue_on_commit, send_email
from rione.evaluation import appeal_selectors, selectors
from rione.evaluation.models import (
    Appeal,
    AppealOutcome,
    CommissionMember,
    CommissionRole,
    ConsensusScore,
    Evaluation,
    EvaluationStatus,
    Ranking,
    RankingEntry,
    RankingKind,
    Score,
)
from rione.programmes.models import Call

MAX_APPEAL_FILES = 5


class AppealWindowClosed(DomainError):
    code = "appeal_window_closed"
    message = gettext_lazy("Il termine per presentare ricorso è scaduto o non è ancora aperto.")


class AlreadyAppealed(DomainError):
    code = "already_appealed"
    message = gettext_lazy("Hai già presentato ricorso contro questa graduatoria.")


class NotInRanking(DomainError):
    code = "not_in_ranking"
    message = gettext_lazy("La proposta non è in questa graduatoria.")


class AppealDecided(DomainError):
    code = "appeal_decided"
    message = gettext_lazy("Questo ricorso è già stato deciso.")


class AppealNotUpheld(DomainError):
    code = "appeal_not_upheld"
    message = gettext_lazy("La valutazione si riapre solo dopo un ricorso accolto.")


class ScoringAlreadyReopened(DomainError):
    code = "scoring_already_reopened"
    message = gettext_lazy("La valutazione della proposta è già stata riaperta per questo ricorso.")


class NothingToReopen(DomainError):
    code = "nothing_to_reopen"
    message = gettext_lazy(
        "La proposta non ha valutazioni firmate né punteggi concordati da riaprire. Se il "
        "ricorso riguarda l'ammissibilità, rivedi l'esito dalla pagina dell'ammissibilità."
    )


class ScoringReopened(DomainError):
    code = "scoring_reopened"
    message = gettext_lazy(
        "La valutazione di alcune proposte è stata riaperta dopo un ricorso accolto e non è "
        "ancora stata firmata di nuovo."
    )

    def __init__(self, *, pending: int) -> None:
        super().__init__(
            ngettext(
                "La graduatoria non si può calcolare: la valutazione di %(n)d proposta è stata "
                "riaperta dopo un ricorso accolto e non è ancora stata firmata di nuovo.",
                "La graduatoria non si può calcolare: la valutazione di %(n)d proposte è stata "
                "riaperta dopo un ricorso accolto e non è ancora stata firmata di nuovo.",
                pending,
            )
            % {"n": pending},
            pending=pending,
        )


def ensure_rescored(call: Call) -> None:
    """Raise ScoringReopened while scoring reopened by an upheld appeal is not signed again."""
    pending = appeal_selectors.rescoring_pending(call=call)
    if pending:
        raise ScoringReopened(pending=len(pending))


# Filing


def _lock_call(call_id: int) -> Call:
    return Call.objects.select_for_update(of=("self",)).select_related("city").get(pk=call_id)


def _check_files(proposal: Proposal, uploads: Sequence[UploadedFile]) -> list[Any]:
    """Each file as ``check_upload`` checks it, and all of them within the proposal's total.

    Raises ValidationError on ``documents`` naming the file refused. Nothing is stored.
    """
    if len(uploads) > MAX_APPEAL_FILES:
        raise ValidationError(
            {
                "documents": _("Puoi allegare al massimo %(n)d file al ricorso.")
                % {"n": MAX_APPEAL_FILES}
            }
        )
    checked = []
    for upload in uploads:
        name = original_name(upload)
        try:
            checked.append(check_upload(proposal, upload))
        except ValidationError as error:
            raise ValidationError(
                {"documents": [f"«{name}»: {message}" for message in error.messages]}
            ) from error
    used = proposal.attachments.filter(is_current=True).aggregate(total=Sum("size"))["total"] or 0
    if used + sum(c.size for c in checked) > settings.PROPOSAL_FILES_MAX_BYTES:
        raise ValidationError(
            {
                "documents": _(
                    "Con questi file gli allegati della domanda supererebbero in tutto %(mb)s "
                    "MB. Riduci la dimensione dei file o allegane meno."
                )
                % {"mb": f"{settings.PROPOSAL_FILES_MAX_BYTES / (1024 * 1024):.0f}"}
            }
        )
    return checked


@transaction.atomic
def file_appeal(
    *,
    ranking: Ranking,
    proposal: Proposal,
    by: User,
    text: str,
    uploads: Sequence[UploadedFile] = (),
    at: datetime | None = None,
) -> Appeal:
    """The applicant contests the published provisional ranking, once, within the window.

    Locks the ranking, then the proposal. Requires `applications.submit_proposal` on
    ``proposal`` (PermissionDenied); the proposal in the ranking (NotInRanking); the window
    open (AppealWindowClosed); no earlier appeal (AlreadyAppealed); a text and at most
    MAX_APPEAL_FILES accepted files within the limits of proposal attachments
    (ValidationError on ``text`` or ``documents``; nothing is stored). The files become
    attachments of the proposal outside any submission, linked to the appeal. Records
    ``appeal.filed`` in the call's stream with each file's name, size and SHA-256.
    """
    now = clock.resolve(at)
    locked = (
        Ranking.objects.select_for_update(of=("self",)).select_related("call").get(pk=ranking.pk)
    )
    owner = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    ensure_perm(by, "applications.submit_proposal", owner)
    if not RankingEntry.objects.filter(ranking=locked, proposal=owner).exists():
        raise NotInRanking()
    window_open = (
        locked.kind == RankingKind.PROVISIONAL
        and locked.published_at is not None
        and locked.appeals_close_at is not None
        and locked.published_at <= now < locked.appeals_close_at
    )
    if not window_open:
        raise AppealWindowClosed()
    if Appeal.objects.filter(ranking=locked, proposal=owner).exists():
        raise AlreadyAppealed()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Scrivi i motivi del ricorso.")})
    checked = _check_files(owner, uploads)
    appeal = Appeal.objects.create(
        ranking=locked, proposal=owner, text=text, filed_by=by, filed_at=now
    )
    files = []
    for upload, found in zip(uploads, checked, strict=True):
        title = _("Ricorso: %(name)s") % {"name": original_name(upload)}
        files.append(
            store_upload(
                owner,
                upload,
                found,
                by=by,
                at=now,
                title=title,
                is_current=False,
                in_submission=False,
            )
        )
    if files:
        appeal.attachments.add(*files)
    record_event(
        appeal,
        "appeal.filed",
        by=by,
        at=now,
        data={
            "ranking": locked.pk,
            "proposal": owner.pk,
            "attachments": [
                {"attachment": a.pk, "name": a.original_name, "size": a.size, "sha256": a.sha256}
                for a in files
            ],
        },
    )
    return appeal


# Decision


@transaction.atomic
def decide_appeal(
    *,
    appeal: Appeal,
    by: User,
    outcome: str,
    decision: str,
    reopen: bool = False,
    at: datetime | None = None,
) -> Appeal:
    """Record the reasoned decision on a pending appeal; the applicant is e-mailed.

    Locks the call, then the appeal. Requires `evaluation.decide_appeal`. Refused when
    already decided (AppealDecided); ValidationError without a decision, with an outcome
    other than upheld/rejected, or with ``reopen`` on a rejected appeal. With ``reopen``,
    an upheld appeal reopens the scoring of its proposal (``reopen_scoring``; its refusals
    undo the decision too). Otherwise an upheld appeal changes the ranking only through
    the next computation (or a new admissibility decision).
    """
    now = clock.resolve(at)
    call_id = Ranking.objects.filter(pk=appeal.ranking_id).values_list("call_id", flat=True).get()
    _lock_call(call_id)
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("ranking__call", "proposal__created_by")
        .get(pk=appeal.pk)
    )
    ensure_perm(by, "evaluation.decide_appeal", locked)
    if locked.outcome != AppealOutcome.PENDING:
        raise AppealDecided()
    if outcome not in {AppealOutcome.UPHELD, AppealOutcome.REJECTED}:
        raise ValidationError({"outcome": _("Scegli se il ricorso è accolto o respinto.")})
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": _("Scrivi la decisione motivata.")})
    if reopen and outcome != AppealOutcome.UPHELD:
        raise ValidationError(
            {"reopen": _("La valutazione si riapre solo se il ricorso è accolto.")}
        )
    locked.outcome, locked.decision = outcome, decision
    locked.decided_by, locked.decided_at = by, now
    locked.save(update_fields=["outcome", "decision", "decided_by", "decided_at", "updated_at"])
    record_event(
        locked,
        "appeal.decided",
        by=by,
        at=now,
        data={
            "proposal": locked.proposal_id,
            "outcome": outcome,
            "decision": decision,
            "reopen": reopen,
        },
    )
    if reopen:
        reopen_scoring(appeal=locked, by=by, at=now)
    creator = locked.proposal.created_by
    if creator.email:
        with translation.override(creator.language or settings.LANGUAGE_CODE):
            subject = _("Decisione sul ricorso · %(call)s") % {"call": locked.ranking.call.title}
            body = _("Esito del ricorso: %(outcome)s\n\nMotivazione: %(decision)s") % {
                "outcome": AppealOutcome(outcome).label,
                "decision": decision,
            }
            if reopen:
                body += "\n\n" + _(
                    "La valutazione della proposta è stata riaperta: la commissione la "
                    "valuterà di nuovo prima della graduatoria definitiva."
                )
        enqueue_on_commit(send_email, to=[creator.email], subject=str(subject), body=str(body))
    return locked


# Re-scoring


def _points(value: Decimal) -> str:
    return f"{value:.2f}"


@transaction.atomic
def reopen_scoring(*, appeal: Appeal, by: User, at: datetime | None = None) -> list[Evaluation]:
    """Reopen the scoring of an upheld appeal's proposal; the only way a signed evaluation changes.

    Locks the call (as scoring does), then the appeal and the evaluations. Requires
    `evaluation.decide_appeal`; the appeal upheld (AppealNotUpheld) and not reopened before
    (ScoringAlreadyReopened); something to reopen (NothingToReopen): signed evaluations of
    the proposal in the call's commissions, or consensus scores. The evaluations go back to
    draft with their scores kept as the draft to revise; consensus scores are removed. One
    ``appeal.scoring_reopened`` event keeps every previous score (evaluator, criterion,
    points) and consensus score, and each evaluation gets an ``evaluation.reopened`` event.
    The evaluators (and, for a consensus, the chair) are e-mailed after commit. The
    sign-off rules of ``services.scoring`` then apply again; until every reopened
    evaluation and consensus is signed again no ranking is computed (ScoringReopened).
    """
    now = clock.resolve(at)
    call_id = Ranking.objects.filter(pk=appeal.ranking_id).values_list("call_id", flat=True).get()
    call = _lock_call(call_id)
    locked = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
    ensure_perm(by, "evaluation.decide_appeal", locked)
    if locked.outcome != AppealOutcome.UPHELD:
        raise AppealNotUpheld()
    if any(r.appeal_id == locked.pk for r in appeal_selectors.reopenings(call_id=call.pk)):
        raise ScoringAlreadyReopened()
    proposal = Proposal.objects.get(pk=locked.proposal_id)
    evaluations = list(
        Evaluation.objects.select_for_update(of=("self",))
        .filter(proposal=proposal, member__commission__call=call, status=EvaluationStatus.SIGNED)
        .select_related("member__user", "proposal__call")
        .order_by("pk")
    )
    scores: dict[int, list[dict[str, Any]]] = {e.pk: [] for e in evaluations}
    for evaluation_id, criterion_id, code, points, comment in (
        Score.objects.filter(evaluation__in=evaluations)
        .order_by("evaluation_id", "criterion__order", "criterion_id")
        .values_list("evaluation_id", "criterion_id", "criterion__code", "points", "comment")
    ):
        scores[evaluation_id].append(
            {"criterion": criterion_id, "code": code, "points": _points(points), "comment": comment}
        )
    consensus = list(
        ConsensusScore.objects.select_for_update(of=("self",))
        .filter(proposal=proposal, commission__call=call)
        .select_related("criterion")
        .order_by("commission_id", "criterion__order", "criterion_id")
    )
    if not evaluations and not consensus:
        raise NothingToReopen()
    previous = [
        {
            "evaluation": e.pk,
            "commission": e.member.commission_id,
            "member": e.member_id,
            "evaluator": e.member.user_id,
            "evaluator_name": e.member.user.get_full_name() or e.member.user.email,
            "signed_at": e.signed_at,
            "comment": e.comment,
            "scores": scores[e.pk],
        }
        for e in evaluations
    ]
    agreed = [
        {
            "commission": c.commission_id,
            "criterion": c.criterion_id,
            "code": c.criterion.code,
            "points": _points(c.points),
            "comment": c.comment,
            "recorded_by": c.recorded_by_id,
            "recorded_at": c.recorded_at,
        }
        for c in consensus
    ]
    Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).update(
        status=EvaluationStatus.DRAFT, signed_at=None, updated_at=now
    )
    ConsensusScore.objects.filter(pk__in=[c.pk for c in consensus]).delete()
    record_event(
        locked,
        appeal_selectors.SCORING_REOPENED,
        by=by,
        at=now,
        data={
            "appeal": locked.pk,
            "proposal": proposal.pk,
            "evaluations": previous,
            "consensus": agreed,
        },
    )
    for evaluation, before in zip(evaluations, previous, strict=True):
        evaluation.status, evaluation.signed_at = EvaluationStatus.DRAFT, None
        record_event(
            evaluation,
            "evaluation.reopened",
            by=by,
            at=now,
            data={
                "appeal": locked.pk,
                "proposal": proposal.pk,
                "evaluator": before["evaluator"],
                "previous_signed_at": before["signed_at"],
                "scores": before["scores"],
            },
        )
    _notify_evaluators(call, proposal, evaluations, {c.commission_id for c in consensus})
    return evaluations


def _notify_evaluators(
    call: Call, proposal: Proposal, evaluations: Sequence[Evaluation], commission_ids: set[int]
) -> None:
    """E-mail each reopened evaluation's evaluator, and the chairs of reopened consensus.

    One e-mail per person, with a link to each page where they must sign again.
    """
    receipt = selectors.latest_submission(proposal=proposal)
    number = receipt.protocol_number if receipt else None
    recipients: dict[int, tuple[User, list[str]]] = {}
    for evaluation in evaluations:
        user = evaluation.member.user
        link = reverse("evaluation:scoring_form", args=[call.city.slug, proposal.pk])
        recipients.setdefault(user.pk, (user, []))[1].append(link)
    chairs = CommissionMember.objects.filter(
        commission_id__in=commission_ids, role=CommissionRole.CHAIR
    ).select_related("user")
    for seat in chairs.order_by("commission_id", "pk"):
        link = reverse(
            "evaluation:scoring_consensus",
            args=[call.city.slug, call.pk, seat.commission_id, proposal.pk],
        )
        recipients.setdefault(seat.user_id, (seat.user, []))[1].append(link)
    for user, links in recipients.values():
        if not user.email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = _("Valutazione da rifare · %(call)s") % {"call": call.title}
            body = _(
                "Dopo un ricorso accolto, la valutazione della proposta n. %(number)s "
                "dell'avviso «%(call)s» è stata riaperta: le valutazioni firmate sono tornate in "
                "bozza e gli eventuali punteggi concordati sono stati rimossi. Riesamina la "
                "proposta e firma di nuovo (o registra di nuovo i punteggi concordati); la "
                "graduatoria definitiva si pubblica dopo.\n\n%(links)s"
            ) % {
                "number": number if number is not None else "—",
                "call": call.title,
                "links": "\n".join(settings.SITE_URL + link for link in links),
            }
        enqueue_on_commit(send_email, to=[user.email], subject=str(subject), body=str(body))
