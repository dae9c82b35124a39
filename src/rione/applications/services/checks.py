"""What a proposal still lacks, step by step, and whether its applicant may apply to the call.

One function gathers every problem; the step list, the summary page, the API's
``validate`` and the submission itself all read it, so they never disagree.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol, TypeVar

from django.utils.translation import gettext as _

from rione.applicants.models import ETS_FORMS, LegalForm
from rione.applications.budget import BudgetSummary
from rione.applications.models import STANDING, Proposal, Step, StepState
from rione.core.money import format_eur
from rione.programmes.models import Call, CallPhase, GrantRule, QuestionKind
from rione.territory.models import ApplicantCategory, ApplicantType

BUSINESS_FORMS = frozenset({LegalForm.COMPANY, LegalForm.COOPERATIVE})

TEXT_LIMITS = {"title": 200, "summary": 1000}
IDEA_REQUIRED = (
    "title",
    "summary",
    "problem",
    "solution",
    "innovation",
    "impact",
    "sustainability",
)


def applicant_category(proposal: Proposal) -> str:
    """The family the applicant belongs to: ETS, informal group, business or other."""
    if proposal.group_id is not None:
        return ApplicantCategory.INFORMAL_GROUP
    assert proposal.organisation is not None
    return category_for(is_group=False, legal_form=proposal.organisation.legal_form)


def category_for(*, is_group: bool, legal_form: str | None) -> str:
    """The family of an informal group, or of an organisation by its legal form."""
    if is_group:
        return ApplicantCategory.INFORMAL_GROUP
    form = legal_form
    if form in ETS_FORMS:
        return ApplicantCategory.ETS
    if form in BUSINESS_FORMS:
        return ApplicantCategory.BUSINESS
    return ApplicantCategory.OTHER


def matches_type(proposal: Proposal, applicant_type: ApplicantType) -> bool:
    if proposal.is_network and applicant_type.category == ApplicantCategory.NETWORK:
        return True
    if applicant_type.category != applicant_category(proposal):
        return False
    if applicant_type.runts_section and proposal.organisation is not None:
        return applicant_type.runts_section == proposal.organisation.legal_form
    return True


class GrantLimits(Protocol):
    """What a call's grant rule asks of a category: a GrantRule or its frozen copy."""

    @property
    def min_grant(self) -> Decimal: ...
    @property
    def max_grant(self) -> Decimal: ...
    @property
    def min_cofinancing_pct(self) -> Decimal: ...


R = TypeVar("R", bound=GrantLimits)


def pick_grant_rule(rules: Mapping[str, R], *, category: str, is_network: bool) -> R | None:
    """A network takes the call's network rule when there is one, else its lead's."""
    if is_network and ApplicantCategory.NETWORK in rules:
        return rules[ApplicantCategory.NETWORK]
    return rules.get(category)


def grant_rule_for(proposal: Proposal, rules: Iterable[GrantRule]) -> GrantRule | None:
    return pick_grant_rule(
        {rule.category: rule for rule in rules},
        category=applicant_category(proposal),
        is_network=proposal.is_network,
    )


def budget_rule_problems(
    summary: BudgetSummary,
    *,
    rule: GrantLimits | None,
    lot_budget: Decimal | None,
    call_budget: Decimal | None,
) -> list[str]:
    """The call's money rules on a budget that has lines and a requested grant.

    The applicant's step checks and the admissibility review both read these messages.
    """
    grant = summary.requested_grant
    problems: list[str] = []
    if grant > summary.total_cost:
        problems.append(_("Il contributo richiesto supera il costo totale del progetto."))
    if rule is not None:
        if not rule.min_grant <= grant <= rule.max_grant:
            problems.append(
                _("Il contributo richiesto deve essere tra %(min)s e %(max)s.")
                % {"min": format_eur(rule.min_grant), "max": format_eur(rule.max_grant)}
            )
        if not summary.cofinancing_reaches(rule.min_cofinancing_pct):
            problems.append(
                _(
                    "Il cofinanziamento è il %(pct)s%% del costo totale; l'avviso chiede almeno "
                    "il %(min)s%%, cioè almeno %(amount)s di risorse proprie."
                )
                % {
                    "pct": summary.cofinancing_pct,
                    "min": rule.min_cofinancing_pct,
                    "amount": format_eur(
                        summary.minimum_own_contribution(rule.min_cofinancing_pct)
                    ),
                }
            )
    if lot_budget is not None and grant > lot_budget:
        problems.append(
            _("Il contributo richiesto supera la dotazione del lotto (%(budget)s).")
            % {"budget": format_eur(lot_budget)}
        )
    if call_budget is not None and grant > call_budget:
        problems.append(_("Il contributo richiesto supera la dotazione dell'avviso."))
    return problems


def budget_of(proposal: Proposal) -> BudgetSummary:
    lines = [(line.quantity, line.unit_cost) for line in proposal.budget_lines.all()]
    return BudgetSummary.of(lines, proposal.requested_grant)


@dataclass
class Review:
    """Every problem of a proposal by step, plus those that only submission checks."""

    by_step: dict[str, list[str]] = field(default_factory=dict)
    not_needed: set[str] = field(default_factory=set)

    def add(self, step: str, message: str) -> None:
        self.by_step.setdefault(step, []).append(message)

    @property
    def problems(self) -> list[str]:
        return [message for messages in self.by_step.values() for message in messages]

    @property
    def ready(self) -> bool:
        return not self.problems

    def state(self, proposal: Proposal, step: str) -> StepState:
        if step in self.not_needed:
            return StepState.NOT_NEEDED
        if self.by_step.get(step):
            return StepState.ERRORS if step in proposal.saved_steps else StepState.TODO
        if step == Step.SUMMARY:
            return StepState.DONE if proposal.status in STANDING else StepState.TODO
        return StepState.DONE


def _check_applicant(proposal: Proposal, call: Call, review: Review) -> None:
    step = Step.APPLICANT
    types = list(call.eligible_applicant_types.all())
    if types and not any(matches_type(proposal, t) for t in types):
        review.add(step, _("L'avviso non ammette proponenti di questo tipo."))
    lots = list(call.lots.all())
    if lots and proposal.lot_id is None:
        review.add(step, _("Scegli il lotto per cui presenti la proposta."))
    if proposal.group is not None:
        minimum = call.group_minimum
        if len(proposal.group.members.all()) < minimum:
            review.add(
                step,
                _(
                    "Il gruppo informale deve avere almeno %(n)d componenti con nome e codice fiscale."
                )
                % {"n": minimum},
            )
    if proposal.is_network:
        partners = list(proposal.partners.all())
        if not partners:
            review.add(step, _("Una rete deve avere almeno un partner oltre al capofila."))
        with_letter = {a.partner_id for a in proposal.attachments.all() if a.is_current}
        for partner in partners:
            if partner.pk not in with_letter:
                review.add(
                    step,
                    _("Manca la lettera di impegno del partner «%(name)s».")
                    % {"name": partner.name},
                )


def _check_idea(proposal: Proposal, call: Call, review: Review) -> None:
    step = Step.IDEA
    labels = {f.name: f.verbose_name for f in Proposal._meta.fields}
    for name in IDEA_REQUIRED:
        if not str(getattr(proposal, name)).strip():
            review.add(step, _("Compila il campo «%(field)s».") % {"field": labels[name]})
    if proposal.sector_id is None:
        review.add(step, _("Scegli il settore della proposta."))
    chosen = list(proposal.neighbourhoods.all())
    if not chosen:
        review.add(step, _("Indica almeno un quartiere in cui si svolge la proposta."))
    allowed = {n.pk for n in call.eligible_neighbourhoods.all()}
    if allowed and any(n.pk not in allowed for n in chosen):
        review.add(step, _("Alcuni quartieri scelti non sono tra quelli ammessi dall'avviso."))


def _check_targets(proposal: Proposal, review: Review) -> None:
    if not proposal.targets.all():
        review.add(Step.TARGETS, _("Indica almeno un gruppo di destinatari con il numero stimato."))


def _check_budget(proposal: Proposal, call: Call, review: Review) -> None:
    step = Step.BUDGET
    summary = budget_of(proposal)
    if summary.total_cost <= 0:
        review.add(step, _("Inserisci almeno una voce di costo."))
        return
    if proposal.requested_grant is None:
        review.add(step, _("Indica il contributo richiesto."))
        return
    lot = proposal.lot
    for problem in budget_rule_problems(
        summary,
        rule=grant_rule_for(proposal, call.grant_rules.all()),
        lot_budget=lot.budget if lot is not None else None,
        call_budget=call.budget,
    ):
        review.add(step, problem)


def _check_questions(proposal: Proposal, call: Call, review: Review) -> None:
    questions = list(call.extra_questions.all())
    if not questions:
        review.not_needed.add(Step.QUESTIONS)
        return
    answers = {a.question_id: a.value for a in proposal.answers.all()}
    for question in questions:
        value = answers.get(question.pk, "").strip()
        if question.is_required and not value:
            review.add(
                Step.QUESTIONS, _("Rispondi alla domanda «%(text)s».") % {"text": question.text}
            )
        elif value and question.kind == QuestionKind.NUMBER:
            try:
                Decimal(value)
            except ArithmeticError:
                review.add(
                    Step.QUESTIONS,
                    _("La risposta a «%(text)s» deve essere un numero.") % {"text": question.text},
                )


def _check_attachments(proposal: Proposal, call: Call, review: Review) -> None:
    present = {a.required_document_id for a in proposal.attachments.all() if a.is_current}
    for document in call.required_documents.all():
        if document.is_mandatory and document.pk not in present:
            review.add(
                Step.ATTACHMENTS,
                _("Manca il documento obbligatorio «%(title)s».") % {"title": document.title},
            )


def review_proposal(proposal: Proposal) -> Review:
    """Every problem that stops the proposal from being submitted, by step.

    Expects ``proposal`` loaded by ``selectors.get_proposal`` (or pays for the queries).
    """
    call = proposal.call
    review = Review()
    _check_applicant(proposal, call, review)
    _check_idea(proposal, call, review)
    _check_targets(proposal, review)
    _check_budget(proposal, call, review)
    _check_questions(proposal, call, review)
    _check_attachments(proposal, call, review)
    return review


def participated(earlier: Call, applicant: dict[str, int | None]) -> bool:
    """Whether the applicant counts as a participant of ``earlier``, as that call's rules say.

    By default whoever has a standing submission; a call may ask for admitted or selected ones.
    """
    from rione.evaluation.models import (
        AdmissibilityOutcome,
        EntryStatus,
        Participation,
        RankingKind,
        SelectionRules,
    )

    rules = SelectionRules.objects.filter(call=earlier).first()
    mode = rules.earlier_call_participation if rules else Participation.SUBMITTED
    proposals = Proposal.objects.filter(call=earlier, status__in=STANDING, **applicant)
    if mode == Participation.ADMISSIBLE:
        proposals = proposals.filter(admissibility__outcome=AdmissibilityOutcome.ADMISSIBLE)
    elif mode == Participation.SELECTED:
        final = (
            earlier.rankings.filter(kind=RankingKind.FINAL, published_at__isnull=False)
            .order_by("-published_at")
            .first()
        )
        if final is None:
            return False
        selected = final.entries.filter(status=EntryStatus.SELECTED).values("proposal_id")
        proposals = proposals.filter(pk__in=selected)
    return proposals.exists()


def eligibility_problems(proposal: Proposal, *, at: datetime) -> list[str]:
    """What only the moment of submission can tell: deadline, earlier call, one per applicant."""
    call = proposal.call
    problems: list[str] = []
    if call.phase_at(at) != CallPhase.OPEN:
        problems.append(
            str(_("L'avviso non è aperto: la scadenza è passata o non è ancora iniziato."))
        )
    others = Proposal.objects.filter(call=call, status__in=STANDING).exclude(pk=proposal.pk)
    applicant = {"organisation_id": proposal.organisation_id, "group_id": proposal.group_id}
    if not call.allows_multiple_proposals and others.filter(**applicant).exists():
        problems.append(str(_("Questo proponente ha già presentato una proposta per l'avviso.")))
    earlier = call.restricted_to_call
    if earlier is not None and not participated(earlier, applicant):
        problems.append(
            str(
                _("L'avviso è riservato a chi ha partecipato all'avviso «%(title)s».")
                % {"title": earlier.title}
            )
        )
    return problems
