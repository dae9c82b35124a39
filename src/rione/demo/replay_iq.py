"""Replay the first iQ call (2020) through the services, with the clock at each step's own date.

Applicants register, start their drafts, save each step and submit (receipts 1..101);
after the deadline the programme manager decides admissibility, sets the rubric and the
selection rules and appoints a commission of three evaluators, who declare on conflicts
of interest and sign their scores; the manager computes and publishes the provisional
ranking, an appeal is filed and rejected, and the final ranking is published with its act.
Nothing is written directly: every object has the audit trail a real call would have.

The e-mails and background tasks those steps schedule (receipts, outcomes, rankings) are
held back: they belong to 2020, and the demo's people should not receive hundreds of them
today. Idempotent: once the call has proposals, the replay does nothing.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test.utils import override_settings
from fpdf import FPDF

from rione.applicants import services as applicants
from rione.applicants.models import InformalGroup, MemberRole, Organisation
from rione.applications import services as applications
from rione.applications.models import Proposal
from rione.core import clock
from rione.core.models import Role, User
from rione.demo.accounts import password_hash, staff_of
from rione.demo.data_iq_people import COMMENTS
from rione.demo.data_iq_stage1 import (
    ACT_DATE,
    ACT_NUMBER,
    ADMISSIBILITY_FROM,
    ADMISSIBLE_REASON,
    APPEAL_AT,
    APPEAL_DAYS,
    APPEAL_DECIDED_AT,
    APPEAL_DECISION,
    APPEAL_TEXT,
    ASSIGNED_AT,
    CALL_SLUG,
    CHECKLIST,
    COMPUTED_AT,
    CONFLICT_REASON,
    CRITERIA,
    DECLARATIONS_AT,
    FINAL_AT,
    GROUP,
    OVERALL_MIN,
    PROVISIONAL_AT,
    REASSIGNED_AT,
    SCORING_FROM,
    SELECTED,
    SETUP_AT,
    PersonPlan,
    ProposalPlan,
    criterion_points,
    proposals,
)
from rione.evaluation import services as evaluation
from rione.evaluation.models import (
    AppealOutcome,
    Assignment,
    CommissionMember,
    CommissionRole,
    EntryStatus,
    Participation,
    Ranking,
    ScoringMethod,
)
from rione.programmes.models import Call, CallPhase
from rione.programmes.services import advance_call
from rione.territory.models import CostCategory, Neighbourhood, Sector, TargetGroup

Count = Callable[[models.Model], None]
HELD_BACK = {
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
DECISIONS_PER_DAY = 12
EVALUATIONS_PER_DAY = 14


@contextmanager
def replaying() -> Iterator[None]:
    """Hold back the side effects scheduled on commit, and keep no log of the queries.

    Tasks go to a backend that keeps them in memory and mail stays local; with DEBUG on,
    Django would also keep and format each of the replay's 25 000 queries.
    """
    with override_settings(**HELD_BACK, DEBUG=False):
        yield


@cache
def _pdf_bytes(title: str) -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=14)
    document.multi_cell(w=0, text=f"{title}\n\nDocumento illustrativo dell'ambiente dimostrativo.")
    return bytes(document.output())


def pdf(name: str, title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _pdf_bytes(title), "application/pdf")


def working_slots(start: datetime, per_day: int, minutes: int = 30) -> Iterator[datetime]:
    """Moments from ``start``, ``per_day`` a day ``minutes`` apart, Monday to Friday."""
    day = start
    while True:
        if day.weekday() < 5:
            for slot in range(per_day):
                yield day + timedelta(minutes=minutes * slot)
        day += timedelta(days=1)


class Replay:
    def __init__(self, call: Call, count: Count) -> None:
        self.call = call
        self.count = count
        city = call.city
        by_role: dict[str, list[User]] = {}
        for account in staff_of(city.slug):
            by_role.setdefault(str(account.role), []).append(User.objects.get(email=account.email))
        self.manager = by_role[Role.PROGRAMME_MANAGER][0]
        self.evaluators = by_role[Role.EVALUATOR]
        self.sectors = {s.slug: s for s in Sector.objects.filter(city=city)}
        self.targets = {t.slug: t for t in TargetGroup.objects.filter(city=city)}
        self.costs = {c.slug: c for c in CostCategory.objects.filter(city=city)}
        self.areas = {n.name: n for n in Neighbourhood.objects.filter(city=city)}
        self.questions = list(call.extra_questions.order_by("order", "pk"))
        self.documents = list(call.required_documents.filter(is_mandatory=True))
        self.users: dict[int, User] = {}  # plan number -> the applicant's user
        self.proposals: dict[int, Proposal] = {}  # plan number -> proposal

    # Applicants

    def user(self, person: PersonPlan, at: datetime) -> User:
        user = User.objects.create(
            email=person.email,
            password=password_hash(),
            first_name=person.first_name,
            last_name=person.last_name,
            date_joined=at,
        )
        EmailAddress.objects.create(user=user, email=person.email, verified=True, primary=True)
        self.count(user)
        values = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "codice_fiscale": person.codice_fiscale,
            "phone": "",
        }
        applicants.save_profile(user=user, by=user, values=values)
        applicants.accept_privacy_notice(by=user, at=at)
        return user

    def applicant(self, plan: ProposalPlan, user: User) -> Organisation | InformalGroup:
        if plan.category == GROUP:
            members = [
                {
                    "first_name": m.first_name,
                    "last_name": m.last_name,
                    "codice_fiscale": m.codice_fiscale,
                }
                for m in plan.members
            ]
            group = applicants.create_group(by=user, name=plan.applicant, members=members)
            self.count(group)
            return group
        values = {
            "name": plan.applicant,
            "legal_form": plan.legal_form,
            "codice_fiscale": plan.codice_fiscale,
            "pec": f"protocollo.{plan.codice_fiscale}@pec.rione.demo",
            "runts_number": f"DEMO-{plan.number:05d}",
            "runts_registered_on": plan.runts_registered_on,
            "registered_office": plan.registered_office,
            "legal_rep_name": f"{plan.contact.first_name} {plan.contact.last_name}",
            "legal_rep_cf": plan.contact.codice_fiscale,
        }
        organisation = applicants.create_organisation(
            by=user, values=values, creator_role=MemberRole.LEGAL_REPRESENTATIVE
        )
        self.count(organisation)
        return organisation

    def submit(self, plan: ProposalPlan) -> None:
        """One applicant, from signing up to the receipt, each step at its own moment."""
        joined = plan.started_at - timedelta(minutes=20)
        with clock.travel_to(joined):
            user = self.user(plan.contact, joined)
            applicant = self.applicant(plan, user)
        at = plan.started_at
        with clock.travel_to(at):
            proposal = applications.start_proposal(
                call=self.call,
                by=user,
                organisation=applicant if isinstance(applicant, Organisation) else None,
                group=applicant if isinstance(applicant, InformalGroup) else None,
                is_network=plan.is_network,
                at=at,
            )
        self.count(proposal)
        self.fill(plan, proposal, user)
        at = plan.submitted_at
        with clock.travel_to(at):
            receipt = applications.submit_proposal(
                proposal=proposal, by=user, truthfulness=True, privacy=True, at=at
            )
        assert receipt.protocol_number == plan.number, (receipt.protocol_number, plan.number)
        self.count(receipt)
        self.users[plan.number] = user
        self.proposals[plan.number] = proposal

    def fill(self, plan: ProposalPlan, proposal: Proposal, user: User) -> None:
        texts = dict(plan.texts)
        steps: list[Callable[[datetime], object]] = [
            lambda at: applications.save_idea_step(
                proposal=proposal,
                by=user,
                at=at,
                values={**texts, "sector": self.sectors[plan.sector]},
                neighbourhoods=[self.areas[name] for name in plan.neighbourhoods],
            ),
            lambda at: applications.save_targets_step(
                proposal=proposal,
                by=user,
                at=at,
                rows=[(self.targets[slug], n) for slug, n in plan.targets],
            ),
            lambda at: applications.save_budget_step(
                proposal=proposal,
                by=user,
                at=at,
                lines=[
                    applications.LineInput(self.costs[slug], text, quantity, unit)
                    for slug, text, quantity, unit in plan.lines
                ],
                requested_grant=plan.requested_grant,
            ),
            lambda at: applications.save_answers_step(
                proposal=proposal,
                by=user,
                at=at,
                answers={
                    q.pk: answer for q, answer in zip(self.questions, plan.answers, strict=True)
                },
            ),
            lambda at: self.network(plan, proposal, user, at),
            lambda at: self.attach(proposal, user, at),
        ]
        for index, step in enumerate(steps, start=1):
            at = plan.step_at(index)
            with clock.travel_to(at):
                step(at)

    def network(self, plan: ProposalPlan, proposal: Proposal, user: User, at: datetime) -> None:
        for partner in plan.partners:
            values = {
                "name": partner.name,
                "kind": partner.kind,
                "codice_fiscale": "",
                "role": partner.role,
                "resources": partner.resources,
            }
            added = applications.add_partner(proposal=proposal, by=user, values=values, at=at)
            applications.add_attachment(
                proposal=proposal,
                by=user,
                upload=pdf("lettera-di-impegno.pdf", f"Lettera di impegno di {partner.name}"),
                partner=added,
                at=at,
            )

    def attach(self, proposal: Proposal, user: User, at: datetime) -> None:
        for document in self.documents:
            applications.add_attachment(
                proposal=proposal,
                by=user,
                upload=pdf("documento.pdf", document.title),
                required_document=document,
                at=at,
            )

    # The city's side

    def set_up(self) -> list[int]:
        """Evaluation phase, checklist, selection rules, rubric and commission. Criterion ids."""
        at, by, call = SETUP_AT, self.manager, self.call
        with clock.travel_to(at):
            advance_call(call=call, target=CallPhase.EVALUATION, by=by, at=at)
            self.checklist = [
                evaluation.create_checklist_item(
                    call=call, by=by, values={"text": text, "order": order}
                )
                for order, text in enumerate(CHECKLIST, start=1)
            ]
            rules = {
                "overall_min": OVERALL_MIN,
                "quotas": dict(SELECTED),
                "appeal_days": APPEAL_DAYS,
                "earlier_call_participation": Participation.SELECTED,
            }
            self.count(evaluation.save_selection_rules(call=call, by=by, values=rules))
            criteria = [
                evaluation.create_criterion(
                    call=call, by=by, code=code, title=title, max_points=Decimal(points), order=n
                )
                for n, (code, title, points) in enumerate(CRITERIA, start=1)
            ]
            self.commission = evaluation.create_commission(
                call=call,
                by=by,
                name="Commissione di valutazione dell'avviso iQ",
                method=ScoringMethod.MEAN,
                evaluators_per_proposal=1,
            )
            self.count(self.commission)
            for index, user in enumerate(self.evaluators):
                role = CommissionRole.CHAIR if index == 0 else CommissionRole.MEMBER
                evaluation.add_member(commission=self.commission, user=user, role=role, by=by)
        return [c.pk for c in criteria]

    def admissibility(self, plans: tuple[ProposalPlan, ...]) -> None:
        slots = working_slots(ADMISSIBILITY_FROM, DECISIONS_PER_DAY)
        for plan, at in zip(plans, slots, strict=False):
            failed = plan.not_admissible[0] if plan.not_admissible else None
            manual = {item.pk: index != failed for index, item in enumerate(self.checklist)}
            with clock.travel_to(at):
                review = evaluation.decide_admissibility(
                    proposal=self.proposals[plan.number],
                    by=self.manager,
                    outcome="admissible" if plan.admissible else "not_admissible",
                    reason=plan.not_admissible[1] if plan.not_admissible else ADMISSIBLE_REASON,
                    manual=manual,
                    at=at,
                )
            self.count(review)

    def assign(self) -> None:
        """One evaluator per proposal; the second declares two conflicts and is replaced."""
        by, commission = self.manager, self.commission
        with clock.travel_to(ASSIGNED_AT):
            evaluation.assign_all(commission=commission, by=by, at=ASSIGNED_AT)
        member = self.evaluators[1]
        conflicting = (
            Assignment.objects.filter(member__commission=commission, member__user=member)
            .order_by("proposal_id")
            .values_list("proposal_id", flat=True)[:2]
        )
        with clock.travel_to(DECLARATIONS_AT):
            for proposal in Proposal.objects.filter(pk__in=list(conflicting)):
                evaluation.declare_conflict(
                    proposal=proposal,
                    has_conflict=True,
                    reason=CONFLICT_REASON,
                    by=member,
                    at=DECLARATIONS_AT,
                )
        with clock.travel_to(REASSIGNED_AT):
            evaluation.assign_all(commission=commission, by=by, at=REASSIGNED_AT)

    def score(self, plans: tuple[ProposalPlan, ...], criteria: list[int]) -> None:
        seats = {
            seat.pk: seat.user
            for seat in CommissionMember.objects.filter(commission=self.commission).select_related(
                "user"
            )
        }
        assigned: dict[int, list[int]] = {}
        for seat_id, proposal_id in (
            Assignment.objects.filter(member__commission=self.commission)
            .order_by("member_id", "proposal_id")
            .values_list("member_id", "proposal_id")
        ):
            assigned.setdefault(proposal_id, []).append(seat_id)
        by_id = {p.pk: p for p in self.proposals.values()}
        # Each evaluator first declares on the proposals assigned, then scores them.
        declared_at = working_slots(REASSIGNED_AT + timedelta(hours=1), 60, minutes=5)
        for seat_id in sorted(seats):
            user = seats[seat_id]
            for proposal_id in sorted(pk for pk, ids in assigned.items() if seat_id in ids):
                at = next(declared_at)
                with clock.travel_to(at):
                    evaluation.declare_conflict(
                        proposal=by_id[proposal_id],
                        has_conflict=False,
                        reason="",
                        by=user,
                        at=at,
                    )
        slots = working_slots(SCORING_FROM, EVALUATIONS_PER_DAY, minutes=20)
        for plan, at in zip(plans, slots, strict=False):
            proposal = self.proposals[plan.number]
            (seat_id,) = assigned[proposal.pk]
            points = criterion_points(plan.score)
            with clock.travel_to(at):
                signed = evaluation.sign_evaluation(
                    by=seats[seat_id],
                    proposal=proposal,
                    points={pk: Decimal(p) for pk, p in zip(criteria, points, strict=True)},
                    comment=COMMENTS[plan.number % len(COMMENTS)],
                    at=at,
                )
            self.count(signed)

    def rank(self) -> Ranking:
        by, call = self.manager, self.call
        with clock.travel_to(COMPUTED_AT):
            provisional = evaluation.compute_ranking(call=call, by=by, at=COMPUTED_AT)
        self.count(provisional)
        with clock.travel_to(PROVISIONAL_AT):
            evaluation.publish_provisional(ranking=provisional, by=by, at=PROVISIONAL_AT)
            advance_call(call=call, target=CallPhase.PROVISIONAL_RANKING, by=by, at=PROVISIONAL_AT)
        waiting = (
            provisional.entries.filter(
                status=EntryStatus.ELIGIBLE_NOT_SELECTED, proposal__group__isnull=False
            )
            .order_by("position")
            .first()
        )
        if waiting is not None:
            number = next(n for n, p in self.proposals.items() if p.pk == waiting.proposal_id)
            with clock.travel_to(APPEAL_AT):
                appeal = evaluation.file_appeal(
                    ranking=provisional,
                    proposal=self.proposals[number],
                    by=self.users[number],
                    text=APPEAL_TEXT,
                    at=APPEAL_AT,
                )
            self.count(appeal)
            with clock.travel_to(APPEAL_DECIDED_AT):
                evaluation.decide_appeal(
                    appeal=appeal,
                    by=by,
                    outcome=AppealOutcome.REJECTED,
                    decision=APPEAL_DECISION,
                    at=APPEAL_DECIDED_AT,
                )
        with clock.travel_to(FINAL_AT):
            final = evaluation.publish_final(
                call=call, by=by, act_number=ACT_NUMBER, act_date=ACT_DATE, at=FINAL_AT
            )
            advance_call(call=call, target=CallPhase.FINAL_RANKING, by=by, at=FINAL_AT)
        self.count(final)
        return final

    def run(self) -> None:
        plans = proposals()
        for plan in plans:
            self.submit(plan)
        fresh = Proposal.objects.in_bulk([p.pk for p in self.proposals.values()])
        self.proposals = {number: fresh[p.pk] for number, p in self.proposals.items()}
        criteria = self.set_up()
        self.admissibility(plans)
        self.assign()
        self.score(plans, criteria)
        self.rank()


def replay_iq_stage_1(*, count: Count) -> bool:
    """Replay the first iQ call unless it already has proposals; whether it ran.

    Runs in its own transaction, with the side effects it schedules held back (see the
    module's docstring). Expects the Napoli demo (city, staff, call) to be loaded.
    """
    call = Call.objects.filter(city__slug="napoli", slug=CALL_SLUG).select_related("city").first()
    if call is None or Proposal.objects.filter(call=call).exists():
        return False
    with replaying(), transaction.atomic():
        Replay(call, count).run()
    return True
