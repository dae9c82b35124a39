"""The rubric of a call, evaluators' scores (draft, then signed) and the chair's consensus.

The rubric is a tree: evaluators score the leaves; a criterion with sub-criteria is worth
the sum of its sub-criteria, and its maximum follows them. Only top-level criteria carry
a weight. The rubric and the bonus rules are frozen once an evaluation of the call is
signed, a consensus recorded or a ranking published (RubricLocked): from then on, every
score was given against the same rubric, even when an upheld appeal reopens them all.

Scores are validated with the pure ``rione.evaluation.scoring`` module; a refused score
comes back as a ValidationError keyed ``points_<criterion id>`` (the scoring form's field
names). Lock order, shared with ``services.commissions``: call, commission, member,
evaluation.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from rione.applications.models import Proposal
from rione.core import clock
from rione.core.audit import changes, record_event, snapshot
from rione.core.errors import DomainError
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.evaluation import scoring, selectors
from rione.evaluation.models import (
    Assignment,
    BonusKind,
    BonusRule,
    Commission,
    CommissionMember,
    CommissionRole,
    ConflictDeclaration,
    ConsensusScore,
    Criterion,
    Evaluation,
    EvaluationStatus,
    Score,
    ScoringMethod,
)
from rione.evaluation.services.commissions import ConflictOfInterest, ensure_standing
from rione.programmes.models import Call

ONE = Decimal(1)


class RubricLocked(DomainError):
    code = "rubric_locked"
    message = _(
        "La griglia di valutazione non si può più modificare: una valutazione è già stata "
        "firmata o la graduatoria è già stata pubblicata."
    )


class EvaluationSigned(DomainError):
    code = "evaluation_signed"
    message = _("La valutazione è firmata: non si può più modificare.")


class EvaluationIncomplete(DomainError):
    code = "evaluation_incomplete"
    message = _("Per firmare assegna un punteggio a ogni criterio.")


class DeclarationMissing(DomainError):
    code = "declaration_missing"
    message = _("Prima di valutare la proposta dichiara se hai un conflitto di interessi.")


class NotConsensusMethod(DomainError):
    code = "not_consensus_method"
    message = _(
        "Questa commissione non valuta per consenso: ogni componente firma i suoi punteggi."
    )


def points_label(value: Decimal) -> str:
    """Points as Italians read them: 10, 7,5 (no trailing zeros)."""
    if value == value.to_integral_value():
        return str(int(value))
    return number_format(value.normalize(), use_l10n=True)


# Rubric


def ensure_rubric_open(call: Call) -> None:
    """Raise RubricLocked once an evaluation of ``call`` is signed, a consensus recorded or a
    ranking published."""
    if selectors.rubric_locked(call=call):
        raise RubricLocked


def _lock_call(call_id: int) -> Call:
    return Call.objects.select_for_update(of=("self",)).get(pk=call_id)


def _check_criterion(
    *,
    call: Call,
    code: str,
    max_points: Decimal,
    weight: Decimal,
    min_points: Decimal | None,
    parent_id: int | None,
    exclude_pk: int | None = None,
) -> None:
    errors: dict[str, Any] = {}
    others = Criterion.objects.filter(call=call, code=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if not code.strip():
        errors["code"] = _("Indica un codice, ad esempio A.1.")
    elif others.exists():
        errors["code"] = _("Il codice «%(code)s» è già usato in questa griglia.") % {"code": code}
    if max_points <= 0:
        errors["max_points"] = _("Il punteggio massimo deve essere maggiore di zero.")
    if weight <= 0:
        errors["weight"] = _("Il peso deve essere maggiore di zero.")
    elif parent_id is not None and weight != ONE:
        errors["weight"] = _("Solo i criteri principali hanno un peso: un sotto-criterio pesa 1.")
    if min_points is not None and not 0 <= min_points <= max_points:
        errors["min_points"] = _("Il punteggio minimo deve essere tra 0 e %(max)s.") % {
            "max": points_label(max_points)
        }
    if errors:
        raise ValidationError(errors)


def _sync_ancestors(criterion_id: int | None) -> None:
    """Make each ancestor's maximum the sum of its sub-criteria, from ``criterion_id`` up."""
    while criterion_id is not None:
        parent = Criterion.objects.select_for_update(of=("self",)).get(pk=criterion_id)
        kids = list(Criterion.objects.filter(parent=parent).values_list("max_points", flat=True))
        if kids:
            total = sum(kids, Decimal(0))
            if parent.min_points is not None and parent.min_points > total:
                raise ValidationError(
                    {
                        "max_points": _(
                            "Il minimo di «%(criterion)s» (%(min)s) supererebbe la somma dei "
                            "suoi sotto-criteri (%(sum)s): abbassa prima il minimo."
                        )
                        % {"criterion": parent, "min": parent.min_points, "sum": total}
                    }
                )
            if parent.max_points != total:
                parent.max_points = total
                parent.save(update_fields=["max_points", "updated_at"])
        criterion_id = parent.parent_id


@transaction.atomic
def create_criterion(
    *,
    call: Call,
    by: User,
    code: str,
    title: str,
    max_points: Decimal,
    description: str = "",
    weight: Decimal = ONE,
    min_points: Decimal | None = None,
    parent: Criterion | None = None,
    order: int = 0,
) -> Criterion:
    """Add a criterion to the call's rubric, or a sub-criterion under ``parent``.

    Locks the call. Requires ``evaluation.manage_commission``. Raises RubricLocked once
    an evaluation is signed; ValidationError on a code already used, non-positive maximum
    or weight, a weight on a sub-criterion, a minimum outside [0, maximum]. The parent's
    maximum becomes the sum of its sub-criteria; drafts that scored the parent directly
    lose that score (it is no longer scored).
    """
    locked = _lock_call(call.pk)
    ensure_perm(by, "evaluation.manage_commission", locked)
    ensure_rubric_open(locked)
    if parent is not None and parent.call_id != locked.pk:
        raise ValidationError({"parent": _("Il criterio superiore non è di questo avviso.")})
    _check_criterion(
        call=locked,
        code=code,
        max_points=max_points,
        weight=weight,
        min_points=min_points,
        parent_id=parent.pk if parent else None,
    )
    criterion = Criterion.objects.create(
        call=locked,
        parent=parent,
        code=code.strip(),
        title=title,
        description=description,
        max_points=max_points,
        weight=weight,
        min_points=min_points,
        order=order,
    )
    drafts_removed = 0
    if parent is not None:
        drafts_removed, _deleted = Score.objects.filter(criterion=parent).delete()
        _sync_ancestors(parent.pk)
    record_event(
        criterion,
        "criterion.created",
        by=by,
        data={"after": snapshot(criterion), "draft_scores_removed": drafts_removed},
    )
    return criterion


@transaction.atomic
def update_criterion(
    *,
    criterion: Criterion,
    by: User,
    code: str,
    title: str,
    description: str,
    max_points: Decimal,
    weight: Decimal,
    min_points: Decimal | None,
    order: int,
) -> Criterion:
    """Change a criterion of the rubric (its place in the tree stays).

    ``max_points`` is ignored for a criterion with sub-criteria: its maximum is their sum.
    Locks the call. Requires ``evaluation.manage_commission``. Raises RubricLocked and
    ValidationError as ``create_criterion``.
    """
    call = _lock_call(criterion.call_id)
    ensure_perm(by, "evaluation.manage_commission", call)
    ensure_rubric_open(call)
    locked = Criterion.objects.select_for_update(of=("self",)).get(pk=criterion.pk)
    if Criterion.objects.filter(parent=locked).exists():
        max_points = locked.max_points
    _check_criterion(
        call=call,
        code=code,
        max_points=max_points,
        weight=weight,
        min_points=min_points,
        parent_id=locked.parent_id,
        exclude_pk=locked.pk,
    )
    before = snapshot(locked)
    locked.code, locked.title, locked.description = code.strip(), title, description
    locked.max_points, locked.weight, locked.min_points = max_points, weight, min_points
    locked.order = order
    locked.save(
        update_fields=[
            "code",
            "title",
            "description",
            "max_points",
            "weight",
            "min_points",
            "order",
            "updated_at",
        ]
    )
    _sync_ancestors(locked.parent_id)
    diff = changes(before, snapshot(locked))
    if diff:
        record_event(locked, "criterion.updated", by=by, data={"changes": diff})
    return locked


@transaction.atomic
def delete_criterion(*, criterion: Criterion, by: User) -> None:
    """Remove a criterion with its sub-criteria, and the draft scores given to them.

    Locks the call. Requires ``evaluation.manage_commission``. Raises RubricLocked.
    """
    call = _lock_call(criterion.call_id)
    ensure_perm(by, "evaluation.manage_commission", call)
    ensure_rubric_open(call)
    locked = Criterion.objects.select_for_update(of=("self",)).get(pk=criterion.pk)
    subtree = [locked.pk]
    frontier = [locked.pk]
    while frontier:
        frontier = list(
            Criterion.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        subtree += frontier
    drafts_removed, _deleted = Score.objects.filter(criterion_id__in=subtree).delete()
    record_event(
        locked,
        "criterion.deleted",
        by=by,
        data={
            "before": snapshot(locked),
            "sub_criteria": len(subtree) - 1,
            "draft_scores_removed": drafts_removed,
        },
    )
    parent_id = locked.parent_id
    locked.delete()
    _sync_ancestors(parent_id)


@transaction.atomic
def set_bonus_rule(*, call: Call, kind: str, points: Decimal | None, by: User) -> BonusRule | None:
    """Grant ``points`` to proposals of ``kind`` (network, priority neighbourhood); None removes.

    Locks the call. Requires ``evaluation.manage_commission``. Raises RubricLocked once an
    evaluation is signed; ValidationError on negative points.
    """
    locked = _lock_call(call.pk)
    ensure_perm(by, "evaluation.manage_commission", locked)
    ensure_rubric_open(locked)
    kind = BonusKind(kind)
    if points is not None and (points < 0 or points != points.quantize(scoring.SCORE_STEP)):
        raise ValidationError(
            {"points": _("I punti non possono essere negativi e hanno al più due decimali.")}
        )
    if points is not None:
        points = points.quantize(scoring.SCORE_STEP)
    current = BonusRule.objects.filter(call=locked, kind=kind).first()
    old = current.points if current else None
    rule: BonusRule | None = None
    if points:
        if current is None:
            rule = BonusRule.objects.create(call=locked, kind=kind, points=points)
        else:
            current.points = points
            current.save(update_fields=["points", "updated_at"])
            rule = current
    elif current is not None:
        current.delete()
    new = rule.points if rule else None
    if old != new:
        record_event(locked, "bonus_rule.set", by=by, data={"kind": kind, "old": old, "new": new})
    return rule


# Scores


def _points_errors(
    criteria: Mapping[int, Criterion], points: Mapping[int, Decimal | None]
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for criterion_id, value in points.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            errors["__all__"] = _("Si assegnano punti solo ai criteri da valutare della griglia.")
            continue
        if value is None:
            continue
        try:
            scoring.validate_points(
                scoring.Criterion(id=criterion.pk, max_points=criterion.max_points), value
            )
        except scoring.ScoreOutOfRange:
            errors[f"points_{criterion_id}"] = _(
                "Il punteggio di «%(criterion)s» deve essere tra 0 e %(max)s."
            ) % {"criterion": criterion, "max": points_label(criterion.max_points)}
    return errors


def _resolve(
    *, by: User, evaluation: Evaluation | None, proposal: Proposal | None, member_user: User | None
) -> Proposal:
    if member_user is not None and member_user.pk != by.pk:
        raise PermissionDenied("an evaluation is personal")
    if evaluation is not None:
        return evaluation.proposal
    if proposal is None:
        raise TypeError("give evaluation or proposal")
    return proposal


def _seat(by: User, proposal: Proposal) -> CommissionMember:
    """Lock and return ``by``'s seat for ``proposal``: assigned and declared without conflict."""
    assignment = (
        Assignment.objects.filter(member__user=by, proposal=proposal)
        .select_related("member")
        .first()
    )
    if assignment is None:
        raise PermissionDenied("evaluation.score_proposal")
    seat = CommissionMember.objects.select_for_update(of=("self",)).get(pk=assignment.member_id)
    ensure_standing(proposal)
    declaration = ConflictDeclaration.objects.filter(member=seat, proposal=proposal).first()
    if declaration is None:
        raise DeclarationMissing
    if declaration.has_conflict:
        raise ConflictOfInterest
    return seat


def _write_scores(
    *,
    evaluation: Evaluation,
    criteria: Mapping[int, Criterion],
    points: Mapping[int, Decimal | None],
    comments: Mapping[int, str],
) -> None:
    errors = _points_errors(criteria, points)
    existing = {s.criterion_id: s for s in Score.objects.filter(evaluation=evaluation)}
    for criterion_id, text in comments.items():
        if criterion_id not in criteria:
            errors["__all__"] = _("Si commentano solo i criteri da valutare della griglia.")
            continue
        scored = points.get(criterion_id, existing.get(criterion_id))
        if text.strip() and scored is None:
            errors[f"comment_{criterion_id}"] = _(
                "Per salvare il commento a «%(criterion)s» indica anche il punteggio."
            ) % {"criterion": criteria[criterion_id]}
    if errors:
        raise ValidationError(errors)
    for criterion_id, value in points.items():
        score = existing.get(criterion_id)
        if value is None:
            if score is not None:
                score.delete()
            continue
        text = comments.get(criterion_id, score.comment if score else "").strip()
        Score.objects.update_or_create(
            evaluation=evaluation,
            criterion_id=criterion_id,
            defaults={"points": value, "comment": text},
        )
    for criterion_id, text in comments.items():
        if criterion_id not in points and criterion_id in existing:
            Score.objects.filter(pk=existing[criterion_id].pk).update(comment=text.strip())


def _save_draft(
    *,
    proposal: Proposal,
    by: User,
    points: Mapping[int, Decimal | None],
    comments: Mapping[int, str],
    comment: str | None,
) -> tuple[Evaluation, dict[int, Criterion]]:
    seat = _seat(by, proposal)
    evaluation, _created = Evaluation.objects.select_for_update(of=("self",)).get_or_create(
        member=seat, proposal=proposal
    )
    if evaluation.status == EvaluationStatus.SIGNED:
        raise EvaluationSigned
    criteria = {
        c.pk: c for c in selectors.leaves_of(Criterion.objects.filter(call=proposal.call_id))
    }
    _write_scores(evaluation=evaluation, criteria=criteria, points=points, comments=comments)
    if comment is not None:
        evaluation.comment = comment.strip()
    evaluation.save(update_fields=["comment", "updated_at"])
    return evaluation, criteria


@transaction.atomic
def save_scores(
    *,
    by: User,
    points: Mapping[int, Decimal | None],
    comments: Mapping[int, str] | None = None,
    comment: str | None = None,
    evaluation: Evaluation | None = None,
    proposal: Proposal | None = None,
    member_user: User | None = None,
) -> Evaluation:
    """Save ``by``'s scores of a proposal as a draft (created on first save).

    Give ``evaluation`` or ``proposal``; the scorer is always ``by`` (``member_user``, when
    given, must be ``by``). ``points`` maps leaf criterion ids to points, None clearing a
    score; criteria left out keep their draft. ``comments`` likewise; ``comment`` is the
    overall judgement (None keeps it).

    Locks the seat, then the evaluation. PermissionDenied unless ``by`` is assigned the
    proposal; DeclarationMissing before the declaration on conflicts of interest,
    ConflictOfInterest after declaring one; EvaluationSigned after sign-off;
    ValidationError (``points_<id>``, ``comment_<id>``) on points out of range or a
    criterion that is not a leaf of the call's rubric. Nothing is written on refusal.
    """
    target = _resolve(by=by, evaluation=evaluation, proposal=proposal, member_user=member_user)
    saved, _criteria = _save_draft(
        proposal=target, by=by, points=points, comments=comments or {}, comment=comment
    )
    record_event(
        saved,
        "evaluation.draft_saved",
        by=by,
        data={"proposal": target.pk, "criteria": sorted(points)},
    )
    return saved


@transaction.atomic
def sign_evaluation(
    *,
    by: User,
    evaluation: Evaluation | None = None,
    proposal: Proposal | None = None,
    member_user: User | None = None,
    points: Mapping[int, Decimal | None] | None = None,
    comments: Mapping[int, str] | None = None,
    comment: str | None = None,
    at: datetime | None = None,
) -> Evaluation:
    """Sign ``by``'s evaluation of a proposal: from then on nothing in it changes.

    ``points``, ``comments`` and ``comment``, when given, are saved first as ``save_scores``
    does. Locks the call (so the rubric cannot change meanwhile), the seat and the
    evaluation. Raises what ``save_scores`` raises, EvaluationIncomplete unless every leaf
    criterion is scored (within its current maximum), EvaluationSigned when already signed.
    Audits ``evaluation.signed`` with every score.
    """
    target = _resolve(by=by, evaluation=evaluation, proposal=proposal, member_user=member_user)
    _lock_call(target.call_id)
    saved, criteria = _save_draft(
        proposal=target, by=by, points=points or {}, comments=comments or {}, comment=comment
    )
    scores = {s.criterion_id: s for s in Score.objects.filter(evaluation=saved)}
    missing = [str(c) for pk, c in criteria.items() if pk not in scores]
    if missing:
        raise EvaluationIncomplete(
            _("Per firmare assegna un punteggio a ogni criterio. Mancano: %(missing)s.")
            % {"missing": "; ".join(missing)},
            missing=missing,
        )
    errors = _points_errors(criteria, {pk: s.points for pk, s in scores.items()})
    if errors:
        raise ValidationError(errors)
    now = clock.resolve(at)
    saved.status, saved.signed_at = EvaluationStatus.SIGNED, now
    saved.save(update_fields=["status", "signed_at", "updated_at"])
    record_event(
        saved,
        "evaluation.signed",
        by=by,
        at=now,
        data={
            "proposal": target.pk,
            "member": saved.member_id,
            "scores": {str(pk): s.points for pk, s in sorted(scores.items())},
            "comments": {str(pk): s.comment for pk, s in sorted(scores.items()) if s.comment},
            "comment": saved.comment,
        },
    )
    return saved


@transaction.atomic
def record_consensus(
    *,
    commission: Commission,
    proposal: Proposal,
    points: Mapping[int, Decimal],
    by: User,
    comments: Mapping[int, str] | None = None,
    at: datetime | None = None,
) -> list[ConsensusScore]:
    """Record the scores the commission agreed on for ``proposal``; only the chair may.

    Every leaf criterion needs points. Recording again replaces the earlier values (both
    are in the audit trail). Locks the call, then the commission. PermissionDenied unless
    ``by`` chairs the commission and the proposal is in its scope; ConflictOfInterest when
    the chair declared one; NotConsensusMethod unless the commission scores by consensus;
    EvaluationIncomplete or ValidationError on missing or out-of-range points.
    """
    _lock_call(commission.call_id)
    locked = Commission.objects.select_for_update(of=("self",)).get(pk=commission.pk)
    chair = CommissionMember.objects.filter(
        commission=locked, user=by, role=CommissionRole.CHAIR
    ).first()
    if chair is None:
        raise PermissionDenied("evaluation.chair_commission")
    found = selectors.commission_for(proposal=proposal)
    if found is None or found.pk != locked.pk:
        raise PermissionDenied("proposal outside the commission")
    ensure_standing(proposal)
    if ConflictDeclaration.objects.filter(
        member=chair, proposal=proposal, has_conflict=True
    ).exists():
        raise ConflictOfInterest
    if locked.method != ScoringMethod.CONSENSUS:
        raise NotConsensusMethod
    criteria = {c.pk: c for c in selectors.leaves_of(Criterion.objects.filter(call=locked.call_id))}
    errors = _points_errors(criteria, points)
    if errors:
        raise ValidationError(errors)
    missing = [str(c) for pk, c in criteria.items() if points.get(pk) is None]
    if missing:
        raise EvaluationIncomplete(
            _("Indica il punteggio concordato per ogni criterio. Mancano: %(missing)s.")
            % {"missing": "; ".join(missing)},
            missing=missing,
        )
    now = clock.resolve(at)
    comments = comments or {}
    previous = dict(
        ConsensusScore.objects.filter(commission=locked, proposal=proposal).values_list(
            "criterion_id", "points"
        )
    )
    saved = []
    for criterion_id in criteria:
        score, _created = ConsensusScore.objects.update_or_create(
            commission=locked,
            proposal=proposal,
            criterion_id=criterion_id,
            defaults={
                "points": points[criterion_id],
                "comment": comments.get(criterion_id, "").strip(),
                "recorded_by": by,
                "recorded_at": now,
            },
        )
        saved.append(score)
    record_event(
        locked,
        "consensus.recorded",
        by=by,
        at=now,
        data={
            "proposal": proposal.pk,
            "scores": {str(pk): points[pk].quantize(scoring.SCORE_STEP) for pk in sorted(criteria)},
            "previous": {str(pk): v for pk, v in sorted(previous.items())},
        },
    )
    return saved
