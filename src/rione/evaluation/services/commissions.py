"""Commissions: members, declarations on conflicts of interest, and who scores which proposal.

Lock order, shared with ``services.scoring``: call, then commission, then member, then
evaluation. A call has either one commission for the whole call or one per lot, never
both, so each proposal has at most one commission (``selectors.commission_for``).
"""

from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rione.applications.models import STANDING, Proposal
from rione.core import clock
from rione.core.audit import changes, record_event, snapshot
from rione.core.errors import DomainError
from rione.core.models import StaffRole, User
from rione.core.permissions import ensure_perm
from rione.evaluation import selectors
from rione.evaluation.models import (
    SCORING_ROLES,
    Assignment,
    Commission,
    CommissionMember,
    CommissionRole,
    ConflictDeclaration,
    Evaluation,
    EvaluationStatus,
    ScoringMethod,
)
from rione.evaluation.rules import forget_seats
from rione.programmes.models import Call, Lot


class CommissionExists(DomainError):
    code = "commission_exists"
    message = _(
        "Esiste già una commissione per questo avviso o lotto: un avviso ha una commissione "
        "unica oppure una per ciascun lotto."
    )


class CommissionLocked(DomainError):
    code = "commission_locked"
    message = _(
        "Almeno una valutazione è già firmata: il metodo e il numero di valutatori per "
        "proposta non si possono più cambiare."
    )


class MemberHasSigned(DomainError):
    code = "member_has_signed"
    message = _("Chi ha già firmato una valutazione non può essere rimosso dalla commissione.")


class AlreadyDeclared(DomainError):
    code = "already_declared"
    message = _(
        "La dichiarazione sul conflitto di interessi per questa proposta è già stata resa "
        "e non si può modificare."
    )


class NotUnderEvaluation(DomainError):
    code = "not_under_evaluation"
    message = _("La proposta non è in valutazione: è stata ritirata o non è mai stata presentata.")


class ConflictOfInterest(DomainError):
    code = "conflict_of_interest"
    message = _(
        "Hai dichiarato un conflitto di interessi su questa proposta: non puoi occupartene."
    )


class AssignmentRefused(DomainError):
    code = "assignment_refused"


@dataclass(frozen=True)
class AssignmentReport:
    """What ``assign_all`` did: the pairs created and the proposals still short of evaluators."""

    created: list[tuple[int, int]] = field(default_factory=list)  # (member id, proposal id)
    short: dict[int, int] = field(default_factory=dict)  # proposal id -> evaluators missing


def _validate_settings(evaluators_per_proposal: int | None, outlier_gap: Decimal | None) -> None:
    errors: dict[str, str] = {}
    if evaluators_per_proposal is not None and evaluators_per_proposal < 1:
        errors["evaluators_per_proposal"] = str(
            _("Indica almeno un valutatore per proposta, oppure lascia vuoto.")
        )
    if outlier_gap is not None and outlier_gap <= 0:
        errors["outlier_gap"] = str(_("Lo scarto deve essere maggiore di zero."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_commission(
    *,
    call: Call,
    by: User,
    name: str,
    lot: Lot | None = None,
    method: str = ScoringMethod.MEAN,
    evaluators_per_proposal: int | None = None,
    outlier_gap: Decimal | None = None,
) -> Commission:
    """Set up the commission of ``call`` (or of one of its lots).

    Locks the call. Requires ``evaluation.manage_commission``. Raises CommissionExists when
    the call (or the lot) already has one, or when lot and whole-call commissions would mix;
    ValidationError on a lot of another call or bad settings.
    """
    locked = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    ensure_perm(by, "evaluation.manage_commission", locked)
    if lot is not None and lot.call_id != locked.pk:
        raise ValidationError({"lot": _("Il lotto non appartiene a questo avviso.")})
    _validate_settings(evaluators_per_proposal, outlier_gap)
    existing = list(Commission.objects.filter(call=locked).values_list("lot_id", flat=True))
    if existing and (lot is None or None in existing or lot.pk in existing):
        raise CommissionExists
    commission = Commission.objects.create(
        call=locked,
        lot=lot,
        name=name,
        method=ScoringMethod(method),
        evaluators_per_proposal=evaluators_per_proposal,
        outlier_gap=outlier_gap,
    )
    record_event(commission, "commission.created", by=by, data=snapshot(commission))
    return commission


@transaction.atomic
def update_commission(
    *,
    commission: Commission,
    by: User,
    name: str,
    method: str,
    evaluators_per_proposal: int | None,
    outlier_gap: Decimal | None,
) -> Commission:
    """Rename the commission or change how it scores.

    Locks the commission. Requires ``evaluation.manage_commission``. Raises
    CommissionLocked when the method or the evaluators per proposal change after an
    evaluation of the commission has been signed.
    """
    locked = (
        Commission.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=commission.pk)
    )
    ensure_perm(by, "evaluation.manage_commission", locked)
    _validate_settings(evaluators_per_proposal, outlier_gap)
    before = snapshot(locked)
    scoring_changes = (
        method != locked.method or evaluators_per_proposal != locked.evaluators_per_proposal
    )
    if (
        scoring_changes
        and Evaluation.objects.filter(
            member__commission=locked, status=EvaluationStatus.SIGNED
        ).exists()
    ):
        raise CommissionLocked
    locked.name = name
    locked.method = ScoringMethod(method)
    locked.evaluators_per_proposal = evaluators_per_proposal
    locked.outlier_gap = outlier_gap
    locked.save(
        update_fields=["name", "method", "evaluators_per_proposal", "outlier_gap", "updated_at"]
    )
    diff = changes(before, snapshot(locked))
    if diff:
        record_event(locked, "commission.updated", by=by, data={"changes": diff})
    return locked


@transaction.atomic
def add_member(*, commission: Commission, user: User, role: str, by: User) -> CommissionMember:
    """Give ``user`` a seat on the commission as chair, member or secretary.

    Locks the commission. Requires ``evaluation.manage_commission``. ValidationError when
    ``user`` holds no staff role in the call's city, already sits on the commission, or a
    second chair is named.
    """
    locked = (
        Commission.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=commission.pk)
    )
    ensure_perm(by, "evaluation.manage_commission", locked)
    role = CommissionRole(role)
    if not StaffRole.objects.filter(user=user, city_id=locked.call.city_id).exists():
        raise ValidationError(
            {"user": _("Solo chi fa parte dello staff della città può sedere in commissione.")}
        )
    seats = dict(CommissionMember.objects.filter(commission=locked).values_list("user_id", "role"))
    if user.pk in seats:
        raise ValidationError({"user": _("Questa persona fa già parte della commissione.")})
    if role == CommissionRole.CHAIR and CommissionRole.CHAIR in seats.values():
        raise ValidationError(
            {
                "role": _(
                    "La commissione ha già un presidente: rimuovilo prima di nominarne un altro."
                )
            }
        )
    member = CommissionMember.objects.create(commission=locked, user=user, role=role)
    forget_seats(user)
    record_event(
        member,
        "commission.member_added",
        by=by,
        data={"commission": locked.pk, "user": user.pk, "role": role},
    )
    return member


@transaction.atomic
def remove_member(*, member: CommissionMember, by: User) -> None:
    """Take a seat away, with the member's assignments and draft evaluations.

    Locks the commission, then the seat. Requires ``evaluation.manage_commission``. Raises
    MemberHasSigned once the member has signed an evaluation (their scores must stand).
    """
    commission = (
        Commission.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=member.commission_id)
    )
    ensure_perm(by, "evaluation.manage_commission", commission)
    locked = (
        CommissionMember.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=member.pk)
    )
    evaluations = Evaluation.objects.filter(member=locked)
    if evaluations.filter(status=EvaluationStatus.SIGNED).exists():
        raise MemberHasSigned
    drafts = evaluations.count()
    assignments = Assignment.objects.filter(member=locked).count()
    data = {
        "commission": commission.pk,
        "user": locked.user_id,
        "role": locked.role,
        "assignments_removed": assignments,
        "drafts_removed": drafts,
    }
    record_event(locked, "commission.member_removed", by=by, data=data)
    evaluations.delete()
    locked.delete()
    forget_seats(locked.user)


def _scoring_seat(
    user: User, commission: Commission, *, lock: bool = False
) -> CommissionMember | None:
    seats = CommissionMember.objects.filter(
        commission=commission, user=user, role__in=SCORING_ROLES
    )
    if lock:
        seats = seats.select_for_update(of=("self",))
    return seats.first()


def ensure_standing(proposal: Proposal) -> None:
    if proposal.status not in STANDING:
        raise NotUnderEvaluation


@transaction.atomic
def declare_conflict(
    *,
    proposal: Proposal,
    has_conflict: bool,
    reason: str,
    by: User,
    member_user: User | None = None,
    at: datetime | None = None,
) -> ConflictDeclaration:
    """Declare, before opening ``proposal``, whether ``by`` has a conflict of interest with it.

    The declaration is personal: ``member_user``, when given, must be ``by``. ``by`` must
    hold a scoring seat (chair or member) on the proposal's commission (else
    PermissionDenied). Locks the seat. A conflict needs a reason (ValidationError) and
    removes ``by``'s assignment to the proposal, so it disappears from their list and
    assignment skips it from then on. Raises AlreadyDeclared on a second declaration,
    NotUnderEvaluation unless the proposal is submitted or reopened.
    """
    if member_user is not None and member_user.pk != by.pk:
        raise PermissionDenied("a declaration is personal")
    commission = selectors.commission_for(proposal=proposal)
    seat = _scoring_seat(by, commission, lock=True) if commission is not None else None
    if seat is None:
        raise PermissionDenied("evaluation.declare_conflict")
    ensure_standing(proposal)
    reason = reason.strip()
    if has_conflict and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Indica il motivo del conflitto di interessi (ad esempio: parente del legale rappresentante)."
                )
            }
        )
    if ConflictDeclaration.objects.filter(member=seat, proposal=proposal).exists():
        raise AlreadyDeclared
    now = clock.resolve(at)
    declaration = ConflictDeclaration.objects.create(
        member=seat, proposal=proposal, has_conflict=has_conflict, reason=reason, declared_at=now
    )
    removed = 0
    if has_conflict:
        removed, _deleted = Assignment.objects.filter(member=seat, proposal=proposal).delete()
    record_event(
        seat,
        "conflict.declared",
        by=by,
        at=now,
        data={
            "proposal": proposal.pk,
            "has_conflict": has_conflict,
            "reason": reason,
            "assignment_removed": bool(removed),
        },
    )
    return declaration


def plan_assignments(
    *,
    members: Sequence[int],
    proposals: Sequence[int],
    existing: AbstractSet[tuple[int, int]],
    conflicts: AbstractSet[tuple[int, int]],
    per_proposal: int | None,
) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """The (member, proposal) pairs to add, and the proposals left short: pure, no database.

    ``per_proposal`` None means every member gets every proposal (short: nobody may score
    it). Otherwise proposals, in
    the order given, are topped up to ``per_proposal`` members, least-loaded first (load:
    assignments in ``existing`` plus those planned so far), ties broken by member id.
    Pairs in ``existing`` or ``conflicts`` are never planned.
    """
    load = Counter(member_id for member_id, _p in existing)
    wanted = per_proposal or len(members)
    created: list[tuple[int, int]] = []
    short: dict[int, int] = {}
    for proposal_id in proposals:
        have = sum(1 for m in members if (m, proposal_id) in existing)
        free = sorted(
            (
                m
                for m in members
                if (m, proposal_id) not in existing and (m, proposal_id) not in conflicts
            ),
            key=lambda m: (load[m], m),
        )
        chosen = free[: max(0, wanted - have)]
        for member_id in chosen:
            load[member_id] += 1
            created.append((member_id, proposal_id))
        if per_proposal is None:
            # Everyone who may score it does; short only when nobody may.
            if members and have + len(chosen) == 0:
                short[proposal_id] = 1
        elif have + len(chosen) < wanted:
            short[proposal_id] = wanted - have - len(chosen)
    return created, short


@transaction.atomic
def assign_all(*, commission: Commission, by: User, at: datetime | None = None) -> AssignmentReport:
    """Assign the standing proposals in the commission's scope to its scoring members.

    Without ``evaluators_per_proposal`` every chair and member gets every proposal. With N,
    each proposal is topped up to N evaluators, choosing the least-loaded members first
    (ties broken by member id), so loads stay within one of each other when no conflict
    intervenes. Either way declared conflicts are skipped and existing assignments kept,
    so running it again only fills the gaps (new proposals, declared conflicts).

    Locks the commission. Requires ``evaluation.manage_commission``. Returns what was
    created and the proposals left short of evaluators.
    """
    locked = (
        Commission.objects.select_for_update(of=("self",))
        .select_related("call", "lot")
        .get(pk=commission.pk)
    )
    ensure_perm(by, "evaluation.manage_commission", locked)
    members = list(
        CommissionMember.objects.filter(commission=locked, role__in=SCORING_ROLES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    proposal_ids = sorted(
        selectors.evaluated_proposals(commission=locked).values_list("pk", flat=True)
    )
    existing = set(
        Assignment.objects.filter(
            member__commission=locked, proposal_id__in=proposal_ids
        ).values_list("member_id", "proposal_id")
    )
    conflicts = set(
        ConflictDeclaration.objects.filter(
            member__commission=locked, proposal_id__in=proposal_ids, has_conflict=True
        ).values_list("member_id", "proposal_id")
    )
    created, short = plan_assignments(
        members=members,
        proposals=proposal_ids,
        existing=existing,
        conflicts=conflicts,
        per_proposal=locked.evaluators_per_proposal,
    )
    now = clock.resolve(at)
    Assignment.objects.bulk_create(
        [
            Assignment(member_id=m, proposal_id=p, assigned_by=by, assigned_at=now)
            for m, p in created
        ]
    )
    record_event(
        locked,
        "commission.assigned",
        by=by,
        at=now,
        data={"created": [list(pair) for pair in created], "short": short},
    )
    return AssignmentReport(created=created, short=short)


@transaction.atomic
def reassign(
    *,
    proposal: Proposal,
    from_member: CommissionMember,
    to_member: CommissionMember,
    by: User,
    at: datetime | None = None,
) -> Assignment:
    """Move ``proposal`` from one member to another; only the chair may.

    Locks the commission, then both seats. ``by`` must chair the commission and have no
    declared conflict on the proposal (PermissionDenied, ConflictOfInterest). Refused
    (AssignmentRefused) when ``from_member`` is not assigned or has signed, or when
    ``to_member`` cannot score, is already assigned or declared a conflict. A draft of
    ``from_member`` is discarded.
    """
    commission = (
        Commission.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=from_member.commission_id)
    )
    chair = CommissionMember.objects.filter(
        commission=commission, user=by, role=CommissionRole.CHAIR
    ).first()
    if chair is None:
        raise PermissionDenied("evaluation.chair_commission")
    if ConflictDeclaration.objects.filter(
        member=chair, proposal=proposal, has_conflict=True
    ).exists():
        raise ConflictOfInterest
    seats = {
        m.pk: m
        for m in CommissionMember.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(commission=commission, pk__in=[from_member.pk, to_member.pk])
    }
    source, target = seats.get(from_member.pk), seats.get(to_member.pk)
    if source is None or target is None or source.pk == target.pk:
        raise AssignmentRefused(_("Scegli due componenti diversi della stessa commissione."))
    ensure_standing(proposal)
    current = Assignment.objects.filter(member=source, proposal=proposal).first()
    if current is None:
        raise AssignmentRefused(
            _("%(name)s non ha questa proposta da valutare.") % {"name": source.user}
        )
    evaluation = Evaluation.objects.filter(member=source, proposal=proposal).first()
    if evaluation is not None and evaluation.status == EvaluationStatus.SIGNED:
        raise AssignmentRefused(
            _("%(name)s ha già firmato la valutazione: non si può riassegnare.")
            % {"name": source.user}
        )
    if target.role not in SCORING_ROLES:
        raise AssignmentRefused(_("Il segretario non valuta le proposte."))
    if Assignment.objects.filter(member=target, proposal=proposal).exists():
        raise AssignmentRefused(
            _("%(name)s ha già questa proposta da valutare.") % {"name": target.user}
        )
    if ConflictDeclaration.objects.filter(
        member=target, proposal=proposal, has_conflict=True
    ).exists():
        raise AssignmentRefused(
            _("%(name)s ha dichiarato un conflitto di interessi su questa proposta.")
            % {"name": target.user}
        )
    now = clock.resolve(at)
    if evaluation is not None:
        evaluation.delete()
    current.delete()
    assignment = Assignment.objects.create(
        member=target, proposal=proposal, assigned_by=by, assigned_at=now
    )
    record_event(
        commission,
        "assignment.reassigned",
        by=by,
        at=now,
        data={
            "proposal": proposal.pk,
            "from": source.user_id,
            "to": target.user_id,
            "draft_removed": evaluation is not None,
        },
    )
    return assignment
