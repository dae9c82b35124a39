"""Starting a proposal and saving its steps, one at a time.

A step save accepts an incomplete step (the applicant may leave and come back) but
never a wrong value: a value that cannot be right is refused with a message and
nothing is stored. Each step carries a revision; a save made on an old revision is
refused, so two members editing the same step never overwrite each other silently.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils.translation import gettext as _

from rione.applicants.models import InformalGroup, Organisation, OrganisationMembership
from rione.applications.models import Answer, Attachment, BudgetLine, Proposal, Step, Target
from rione.applications.services.errors import CallNotOpen, ProposalLocked, StepConflict
from rione.core import clock
from rione.core.audit import record_event
from rione.core.files import private_storage
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.text import ensure_storable
from rione.programmes.models import Call, CallPhase, ExtraQuestion, Lot, QuestionKind
from rione.territory.models import CostCategory, Neighbourhood, Sector, TargetGroup

IDEA_FIELDS = frozenset(
    {"title", "summary", "sector", "problem", "solution", "innovation", "impact", "sustainability"}
)
MAX_BUDGET_LINES = 100
ANSWER_MAX_LENGTH = 4000
MAX_QUANTITY = Decimal("99999999.99")
DESCRIPTION_MAX_LENGTH = 300


def ensure_open(call: Call, *, at: datetime | None = None) -> None:
    if call.phase_at(clock.resolve(at)) != CallPhase.OPEN:
        raise CallNotOpen()


def may_act_for(
    user: User, *, organisation: Organisation | None, group: InformalGroup | None
) -> bool:
    if group is not None:
        return bool(group.contact_id == user.pk)
    if organisation is not None:
        return OrganisationMembership.objects.filter(organisation=organisation, user=user).exists()
    return False


def _check_applicant_choice(
    call: Call,
    by: User,
    *,
    organisation: Organisation | None,
    group: InformalGroup | None,
    is_network: bool,
    lot: Lot | None,
) -> None:
    if (organisation is None) == (group is None):
        raise ValidationError(_("Scegli un ente oppure un gruppo informale come proponente."))
    if not may_act_for(by, organisation=organisation, group=group):
        raise PermissionDenied("applications.act_for_applicant")
    if is_network and organisation is None:
        raise ValidationError(
            {
                "is_network": _(
                    "Una rete di partenariato è guidata da un ente, non da un gruppo informale."
                )
            }
        )
    if lot is not None and lot.call_id != call.pk:
        raise ValidationError({"lot": _("Il lotto scelto non appartiene a questo avviso.")})


@transaction.atomic
def start_proposal(
    *,
    call: Call,
    by: User,
    organisation: Organisation | None = None,
    group: InformalGroup | None = None,
    is_network: bool = False,
    lot: Lot | None = None,
    at: datetime | None = None,
) -> Proposal:
    """Open a draft for ``call`` in the name of an organisation or group ``by`` acts for.

    Requires `applications.start_proposal` and an open call. The applicant step is saved.
    """
    ensure_perm(by, "applications.start_proposal")
    ensure_open(call, at=at)
    _check_applicant_choice(
        call, by, organisation=organisation, group=group, is_network=is_network, lot=lot
    )
    proposal = Proposal.objects.create(
        call=call,
        organisation=organisation,
        group=group,
        is_network=is_network,
        lot=lot,
        created_by=by,
        saved_steps=[Step.APPLICANT.value],
        step_revisions={Step.APPLICANT.value: 1},
    )
    record_event(
        proposal, "proposal.started", by=by, data={"call": call.pk}, at=at, city_visible=False
    )
    return proposal


def begin_edit(
    proposal: Proposal, *, by: User, step: str, revision: int | None, at: datetime | None
) -> Proposal:
    """Lock the proposal and check permission, deadline, state and the step's revision."""
    locked = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
    if not locked.is_editable:
        ensure_perm(by, "applications.view_proposal", locked)
        raise ProposalLocked()
    ensure_perm(by, "applications.change_proposal", locked)
    ensure_open(locked.call, at=at)
    if revision is not None and locked.step_revisions.get(step, 0) != revision:
        raise StepConflict()
    return locked


def finish_edit(
    proposal: Proposal, *, by: User, step: str, at: datetime | None, data: dict[str, Any]
) -> Proposal:
    revisions = dict(proposal.step_revisions)
    revisions[step] = revisions.get(step, 0) + 1
    proposal.step_revisions = revisions
    if step not in proposal.saved_steps:
        proposal.saved_steps = [*proposal.saved_steps, step]
    proposal.save()
    record_event(
        proposal,
        "proposal.step_saved",
        by=by,
        data={"step": step, **data},
        at=at,
        city_visible=False,
    )
    return proposal


def detach_attachment(attachment: Attachment) -> None:
    """Keep a submitted file for its receipts; forget a never-submitted one entirely."""
    if attachment.in_submission:
        attachment.is_current = False
        attachment.save(update_fields=["is_current"])
        return
    name = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: private_storage().delete(name))


def step_revision(proposal: Proposal, step: str) -> int:
    return int(proposal.step_revisions.get(step, 0))


@transaction.atomic
def save_applicant_step(
    *,
    proposal: Proposal,
    by: User,
    organisation: Organisation | None = None,
    group: InformalGroup | None = None,
    is_network: bool = False,
    lot: Lot | None = None,
    revision: int | None = None,
    at: datetime | None = None,
) -> Proposal:
    """Change who applies (among those ``by`` acts for), whether as a network, and the lot.

    Who applies can change only before the first submission, and only by someone who may
    commit the current applicant (legal representative, delegate, group contact).
    """
    locked = begin_edit(proposal, by=by, step=Step.APPLICANT, revision=revision, at=at)
    if (organisation, group) != (locked.organisation, locked.group):
        if locked.version > 0:
            raise ValidationError(
                _(
                    "Dopo la prima presentazione il proponente non si può cambiare. Per "
                    "presentare con un altro proponente ritira questa domanda e iniziane una nuova."
                )
            )
        ensure_perm(by, "applications.submit_proposal", locked)
    _check_applicant_choice(
        locked.call, by, organisation=organisation, group=group, is_network=is_network, lot=lot
    )
    locked.organisation, locked.group = organisation, group
    locked.is_network, locked.lot = is_network, lot
    if not is_network:
        for letter in locked.attachments.filter(partner__isnull=False, is_current=True):
            detach_attachment(letter)
        locked.partners.all().delete()
    return finish_edit(
        locked,
        by=by,
        step=Step.APPLICANT,
        at=at,
        data={
            "organisation": locked.organisation_id,
            "group": locked.group_id,
            "network": is_network,
        },
    )


def check_text_lengths(instance: models.Model, names: Iterable[str]) -> None:
    """Text fields' limits, which ``full_clean`` does not check (TextField has no validator)."""
    errors: dict[str, list[str]] = {}
    for name in names:
        field = instance._meta.get_field(name)
        if isinstance(field, models.TextField) and field.max_length:
            try:
                MaxLengthValidator(field.max_length)(getattr(instance, name))
            except ValidationError as error:
                errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_idea_step(
    *,
    proposal: Proposal,
    by: User,
    values: Mapping[str, Any],
    neighbourhoods: Sequence[Neighbourhood],
    revision: int | None = None,
    at: datetime | None = None,
) -> Proposal:
    """Save the idea: texts, sector and the neighbourhoods (only those the call admits)."""
    unknown = set(values) - IDEA_FIELDS
    if unknown:
        raise ValueError(f"Fields not editable here: {sorted(unknown)}")
    ensure_storable(values)
    locked = begin_edit(proposal, by=by, step=Step.IDEA, revision=revision, at=at)
    call = locked.call
    sector = values.get("sector")
    if sector is not None and (not isinstance(sector, Sector) or sector.city_id != call.city_id):
        raise ValidationError({"sector": _("Il settore scelto non è tra quelli della città.")})
    allowed = set(call.eligible_neighbourhoods.values_list("pk", flat=True)) or set(
        Neighbourhood.objects.filter(city_id=call.city_id).values_list("pk", flat=True)
    )
    if any(n.pk not in allowed for n in neighbourhoods):
        raise ValidationError({"neighbourhoods": _("Scegli solo quartieri ammessi dall'avviso.")})
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    check_text_lengths(locked, values)
    locked.full_clean(
        exclude=["created_by", "call", "organisation", "group", "lot"], validate_constraints=False
    )
    locked.neighbourhoods.set(neighbourhoods)
    return finish_edit(locked, by=by, step=Step.IDEA, at=at, data={"fields": sorted(values)})


@transaction.atomic
def save_targets_step(
    *,
    proposal: Proposal,
    by: User,
    rows: Sequence[tuple[TargetGroup, int]],
    revision: int | None = None,
    at: datetime | None = None,
) -> Proposal:
    """Replace the target groups with ``rows`` of (target group, estimated participants)."""
    locked = begin_edit(proposal, by=by, step=Step.TARGETS, revision=revision, at=at)
    seen: set[int] = set()
    for target_group, participants in rows:
        if target_group.city_id != locked.call.city_id:
            raise ValidationError(
                _("Il gruppo di destinatari scelto non è tra quelli della città.")
            )
        if target_group.pk in seen:
            raise ValidationError(
                _("Il gruppo «%(name)s» compare due volte.") % {"name": target_group.label}
            )
        if participants < 1 or participants > 1_000_000:
            raise ValidationError(
                _("Il numero di partecipanti di «%(name)s» deve essere tra 1 e 1.000.000.")
                % {"name": target_group.label}
            )
        seen.add(target_group.pk)
    locked.targets.all().delete()
    Target.objects.bulk_create(
        Target(proposal=locked, target_group=group, participants=n) for group, n in rows
    )
    return finish_edit(locked, by=by, step=Step.TARGETS, at=at, data={"targets": len(rows)})


@dataclass(frozen=True)
class LineInput:
    cost_category: CostCategory
    description: str
    quantity: Decimal
    unit_cost: Decimal


def _check_line(line: LineInput, city_id: int, index: int) -> None:
    where = _("Voce %(n)d: ") % {"n": index}
    ensure_storable({"description": line.description})
    if line.cost_category.city_id != city_id:
        raise ValidationError(where + _("la categoria di costo non è tra quelle della città."))
    if not line.description.strip():
        raise ValidationError(where + _("scrivi una descrizione."))
    try:
        MaxLengthValidator(DESCRIPTION_MAX_LENGTH)(line.description.strip())
    except ValidationError as error:
        raise ValidationError(where + " ".join(error.messages)) from None
    if not Decimal("0") < line.quantity <= MAX_QUANTITY:
        raise ValidationError(where + _("la quantità deve essere maggiore di zero."))
    if line.quantity != line.quantity.quantize(Decimal("0.01")):
        raise ValidationError(where + _("la quantità ammette al massimo due decimali."))
    if line.unit_cost < 0 or line.unit_cost != line.unit_cost.quantize(Decimal("0.01")):
        raise ValidationError(
            where + _("il costo unitario deve essere un importo non negativo, al centesimo.")
        )
    try:  # the column's own limit (digits), or the database refuses the row
        BudgetLine._meta.get_field("unit_cost").run_validators(line.unit_cost)
    except ValidationError as error:
        raise ValidationError(where + " ".join(error.messages)) from None


@transaction.atomic
def save_budget_step(
    *,
    proposal: Proposal,
    by: User,
    lines: Sequence[LineInput],
    requested_grant: Decimal | None,
    revision: int | None = None,
    at: datetime | None = None,
) -> Proposal:
    """Replace the budget lines and set the requested grant. Totals are computed, never typed."""
    locked = begin_edit(proposal, by=by, step=Step.BUDGET, revision=revision, at=at)
    if len(lines) > MAX_BUDGET_LINES:
        raise ValidationError(_("Al massimo %(n)d voci di costo.") % {"n": MAX_BUDGET_LINES})
    for index, line in enumerate(lines, start=1):
        _check_line(line, locked.call.city_id, index)
    if requested_grant is not None and (
        requested_grant < 0 or requested_grant != requested_grant.quantize(Decimal("0.01"))
    ):
        raise ValidationError(
            {
                "requested_grant": _(
                    "Il contributo richiesto deve essere un importo non negativo, al centesimo."
                )
            }
        )
    if requested_grant is not None:
        try:
            Proposal._meta.get_field("requested_grant").run_validators(requested_grant)
        except ValidationError as error:
            raise ValidationError({"requested_grant": error.messages}) from None
    locked.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(
            proposal=locked,
            cost_category=line.cost_category,
            description=line.description.strip(),
            quantity=line.quantity,
            unit_cost=line.unit_cost,
            order=index,
        )
        for index, line in enumerate(lines, start=1)
    )
    locked.requested_grant = requested_grant
    return finish_edit(
        locked,
        by=by,
        step=Step.BUDGET,
        at=at,
        data={"lines": len(lines), "requested_grant": requested_grant},
    )


def _clean_answer(question: ExtraQuestion, value: str) -> str:
    value = value.strip()
    if not value:
        return value
    ensure_storable({"answer": value})
    limit = question.max_length or ANSWER_MAX_LENGTH
    if len(value) > limit:
        raise ValidationError(
            _("La risposta a «%(text)s» supera i %(n)d caratteri.")
            % {"text": question.text, "n": limit}
        )
    if question.kind == QuestionKind.NUMBER:
        number: Decimal | None
        try:
            number = Decimal(value.replace(",", "."))
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite():  # "NaN" and "Infinity" parse too
            raise ValidationError(
                _("La risposta a «%(text)s» deve essere un numero.") % {"text": question.text}
            )
        return value.replace(",", ".")
    if question.kind == QuestionKind.YES_NO and value not in {"yes", "no"}:
        raise ValidationError(_("Rispondi sì o no a «%(text)s».") % {"text": question.text})
    if question.kind == QuestionKind.CHOICE:
        options = [line.strip() for line in question.choices.splitlines() if line.strip()]
        if value not in options:
            raise ValidationError(
                _("Scegli una delle opzioni proposte per «%(text)s».") % {"text": question.text}
            )
    if question.kind == QuestionKind.SHORT_TEXT and len(value) > 400:
        raise ValidationError(
            _("La risposta a «%(text)s» è troppo lunga.") % {"text": question.text}
        )
    return value


@transaction.atomic
def save_answers_step(
    *,
    proposal: Proposal,
    by: User,
    answers: Mapping[int, str],
    revision: int | None = None,
    at: datetime | None = None,
) -> Proposal:
    """Save the answers to the call's extra questions, keyed by question id."""
    locked = begin_edit(proposal, by=by, step=Step.QUESTIONS, revision=revision, at=at)
    questions = {q.pk: q for q in locked.call.extra_questions.all()}
    if set(answers) - set(questions):
        raise ValidationError(_("Una delle domande non appartiene a questo avviso."))
    cleaned = {pk: _clean_answer(questions[pk], value) for pk, value in answers.items()}
    for pk, value in cleaned.items():
        Answer.objects.update_or_create(proposal=locked, question_id=pk, defaults={"value": value})
    return finish_edit(locked, by=by, step=Step.QUESTIONS, at=at, data={"answers": len(cleaned)})


@transaction.atomic
def discard_draft(*, proposal: Proposal, by: User) -> None:
    """Delete a draft that was never submitted, with its files."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    ensure_perm(by, "applications.submit_proposal", locked)
    if locked.status != "draft":
        raise ProposalLocked()
    files = [a.file.name for a in locked.attachments.all()]
    record_event(
        locked, "proposal.discarded", by=by, data={"call": locked.call_id}, city_visible=False
    )
    locked.attachments.all().delete()
    locked.partners.all().delete()
    locked.delete()

    def remove_files() -> None:
        storage = private_storage()
        for name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
