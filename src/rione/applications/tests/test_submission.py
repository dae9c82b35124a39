"""Submitting, reopening and withdrawing: receipts numbered without gaps per call, idempotent."""

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from rione.applicants.models import LegalForm, MemberRole
from rione.applicants.tests.factories import (
    InformalGroupFactory,
    MembershipFactory,
    OrganisationFactory,
)
from rione.applications.models import (
    Proposal,
    ProposalStatus,
    ProtocolCounter,
    Receipt,
    ReceiptKind,
    Step,
    StepState,
)
from rione.applications.services import (
    CallNotOpen,
    NewerVersionExists,
    NotReadyToSubmit,
    reopen_proposal,
    save_answers_step,
    save_applicant_step,
    save_budget_step,
    save_idea_step,
    start_proposal,
    submit_proposal,
    withdraw_proposal,
)
from rione.applications.tests.factories import ProposalFactory, complete_proposal
from rione.applications.tests.helpers import NOW, call_in, line, member_of, reviewed
from rione.core import clock
from rione.core.errors import InvalidTransition
from rione.core.tests.audit_helpers import events_of, only_event
from rione.core.tests.factories import UserFactory
from rione.programmes.models import ExtraQuestion, RequiredDocument
from rione.programmes.tests.factories import LotFactory
from rione.territory.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now():
    with clock.travel_to(NOW):
        yield NOW


@pytest.fixture
def call(city):
    return call_in(city)


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Associazione Libri in Cortile")


@pytest.fixture
def rep(organisation):
    return member_of(organisation, MemberRole.LEGAL_REPRESENTATIVE)


@pytest.fixture
def colleague(organisation):
    return member_of(organisation, MemberRole.MEMBER)


@pytest.fixture
def draft(call, organisation, rep):
    return start_proposal(call=call, by=rep, organisation=organisation)


@pytest.fixture
def proposal(draft):
    """A draft with every step filled: 10 000 € of costs, 9 000 € asked (10 % own)."""
    return complete_proposal(draft)


def submit(proposal, by, **kwargs):
    return submit_proposal(proposal=proposal, by=by, truthfulness=True, privacy=True, **kwargs)


def new_proposal(call, organisation=None):
    """Another complete draft to ``call``, by a new organisation unless one is given."""
    organisation = organisation or OrganisationFactory()
    rep = organisation.memberships.filter(role=MemberRole.LEGAL_REPRESENTATIVE).first()
    user = rep.user if rep else member_of(organisation, MemberRole.LEGAL_REPRESENTATIVE)
    return complete_proposal(start_proposal(call=call, by=user, organisation=organisation)), user


def unchanged_draft(proposal):
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert (proposal.status, proposal.version, proposal.submitted_at) == (
        ProposalStatus.DRAFT,
        0,
        None,
    )
    assert not proposal.receipts.exists()
    assert not [e for e in events_of(Proposal, proposal.pk) if e.action == "proposal.submitted"]


# submit_proposal


def test_submit_issues_a_receipt_over_the_canonical_content(
    proposal, rep, call, django_capture_on_commit_callbacks
):
    save_idea_step(
        proposal=proposal,
        by=rep,
        values={"title": "Città più verde"},
        neighbourhoods=list(proposal.neighbourhoods.all()),
    )

    with django_capture_on_commit_callbacks() as callbacks:
        receipt = submit(proposal, rep, expected_version=0)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.version, proposal.submitted_at) == (
        ProposalStatus.SUBMITTED,
        1,
        NOW,
    )
    assert receipt == Receipt.objects.get()
    assert (receipt.call, receipt.proposal, receipt.kind) == (
        call,
        proposal,
        ReceiptKind.SUBMISSION,
    )
    assert (receipt.protocol_number, receipt.version) == (1, 1)
    assert (receipt.issued_at, receipt.issued_by) == (NOW, rep)
    assert receipt.sha256 == hashlib.sha256(receipt.content.encode("utf-8")).hexdigest()
    content = json.loads(receipt.content)
    assert receipt.content == json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert "Città più verde" in receipt.content  # non-ASCII written as itself
    assert content["schema"] == "rione.proposal/1"
    assert (content["proposal"], content["version"]) == (proposal.pk, 1)
    assert content["call"] == {
        "id": call.pk,
        "city": "napoli",
        "slug": call.slug,
        "title": call.title,
    }
    assert content["applicant"]["name"] == "Associazione Libri in Cortile"
    assert content["idea"]["title"] == "Città più verde"
    assert content["budget"]["lines"] == [
        {
            "cost_category": content["budget"]["lines"][0]["cost_category"],
            "description": "Educatori",
            "quantity": "100.00",
            "unit_cost": "100.00",
            "amount": "10000.00",
        }
    ]
    assert {k: v for k, v in content["budget"].items() if k != "lines"} == {
        "total_cost": "10000.00",
        "requested_grant": "9000.00",
        "own_contribution": "1000.00",
        "cofinancing_pct": "10.00",
    }
    assert content["declarations"] == {"truthfulness_dpr_445_2000": True, "privacy": True}
    event = only_event(proposal, "proposal.submitted")
    assert event.actor == rep
    assert event.data == {
        "old": "draft",
        "new": "submitted",
        "version": 1,
        "protocol_number": 1,
        "sha256": receipt.sha256,
    }
    assert len(callbacks) == 1  # the receipt is e-mailed once the submission is committed


def test_the_files_of_a_submission_are_marked(call, proposal, rep):
    document = RequiredDocument.objects.create(call=call, title="Statuto")
    complete_proposal(proposal)  # attaches the statute
    attachment = proposal.attachments.get(required_document=document)

    receipt = submit(proposal, rep)

    attachment.refresh_from_db()
    assert attachment.in_submission
    listed = json.loads(receipt.content)["attachments"]
    assert [(a["id"], a["sha256"], a["size"]) for a in listed] == [
        (attachment.pk, attachment.sha256, attachment.size)
    ]


def test_a_double_submit_returns_the_same_receipt(proposal, rep):
    first = submit(proposal, rep, expected_version=0)

    again = submit(proposal, rep, expected_version=0)
    without_version = submit(proposal, rep)

    assert again == first == without_version
    assert Receipt.objects.count() == 1
    assert ProtocolCounter.objects.get(call=proposal.call).last_number == 1
    only_event(proposal, "proposal.submitted")


def test_a_submit_from_a_tab_older_than_the_reopening_is_refused(proposal, rep):
    submit(proposal, rep, expected_version=0)
    reopen_proposal(proposal=proposal, by=rep)

    with pytest.raises(NewerVersionExists):
        submit(proposal, rep, expected_version=0)  # a second tab opened before the reopening

    assert Receipt.objects.count() == 1
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.REOPENED

    second = submit(proposal, rep, expected_version=1)

    assert (second.kind, second.protocol_number, second.version) == (
        ReceiptKind.NEW_VERSION,
        2,
        2,
    )


@pytest.mark.parametrize(("truthfulness", "privacy"), [(False, True), (True, False)])
def test_the_declarations_are_required(proposal, rep, truthfulness, privacy):
    with pytest.raises(NotReadyToSubmit) as raised:
        submit_proposal(proposal=proposal, by=rep, truthfulness=truthfulness, privacy=privacy)

    assert raised.value.problems == ["Spunta le dichiarazioni finali per presentare la domanda."]
    unchanged_draft(proposal)


def test_an_incomplete_proposal_is_refused_with_every_problem(call, draft, rep):
    with pytest.raises(NotReadyToSubmit) as raised:
        submit(draft, rep)

    problems = raised.value.problems
    assert problems == reviewed(draft).problems
    assert "Compila il campo «titolo»." in problems
    assert "Scegli il settore della proposta." in problems
    assert "Indica almeno un gruppo di destinatari con il numero stimato." in problems
    assert "Inserisci almeno una voce di costo." in problems
    unchanged_draft(draft)

    other, other_rep = new_proposal(call)
    assert submit(other, other_rep).protocol_number == 1  # the refusal took no number


def test_a_refused_submission_between_two_others_leaves_no_gap(call, draft, rep):
    first, first_rep = new_proposal(call)
    second, second_rep = new_proposal(call)
    submit(first, first_rep)

    with pytest.raises(NotReadyToSubmit):
        submit(draft, rep)

    assert submit(second, second_rep).protocol_number == 2


def test_submit_is_refused_at_the_deadline(proposal, rep, call):
    with clock.travel_to(call.closes_at), pytest.raises(CallNotOpen):
        submit(proposal, rep)

    unchanged_draft(proposal)


def test_submit_a_second_before_the_deadline_is_accepted(proposal, rep, call):
    just_in_time = call.closes_at - timedelta(seconds=1)

    with clock.travel_to(just_in_time):
        receipt = submit(proposal, rep)

    assert receipt.issued_at == just_in_time


def test_an_applicant_type_the_call_does_not_admit_is_refused(call):
    company = OrganisationFactory(
        legal_form=LegalForm.COMPANY, runts_number="", runts_registered_on=None
    )
    proposal, user = new_proposal(call, company)

    with pytest.raises(NotReadyToSubmit) as raised:
        submit(proposal, user)

    assert raised.value.problems == ["L'avviso non ammette proponenti di questo tipo."]
    assert reviewed(proposal).state(proposal, Step.APPLICANT) == StepState.ERRORS
    unchanged_draft(proposal)


def test_a_neighbourhood_the_call_no_longer_admits_is_refused(proposal, rep, call, city):
    call.eligible_neighbourhoods.set([NeighbourhoodFactory(district__city=city)])

    with pytest.raises(NotReadyToSubmit) as raised:
        submit(proposal, rep)

    assert raised.value.problems == [
        "Alcuni quartieri scelti non sono tra quelli ammessi dall'avviso."
    ]
    assert list(reviewed(proposal).by_step) == [Step.IDEA]
    unchanged_draft(proposal)


def test_a_restricted_call_admits_only_who_took_part_in_the_earlier_one(city, organisation, rep):
    earlier = call_in(city, title="Prima fase")
    follow_up = call_in(city, restricted_to_call=earlier)
    proposal = complete_proposal(start_proposal(call=follow_up, by=rep, organisation=organisation))

    with pytest.raises(NotReadyToSubmit) as raised:
        submit(proposal, rep)

    assert raised.value.problems == [
        "L'avviso è riservato a chi ha partecipato all'avviso «Prima fase»."
    ]
    unchanged_draft(proposal)

    first_phase = complete_proposal(start_proposal(call=earlier, by=rep, organisation=organisation))
    submit(first_phase, rep)

    assert submit(proposal, rep).protocol_number == 1


@pytest.mark.parametrize("mode", ["admissible", "selected"])
def test_the_earlier_call_may_count_only_admitted_or_selected_participants(
    city, organisation, rep, mode
):
    from rione.evaluation.models import (
        AdmissibilityOutcome,
        AdmissibilityReview,
        EntryStatus,
        Ranking,
        RankingKind,
        SelectionRules,
    )

    earlier = call_in(city, title="Prima fase")
    SelectionRules.objects.create(call=earlier, earlier_call_participation=mode)
    follow_up = call_in(city, restricted_to_call=earlier)
    first_phase = complete_proposal(start_proposal(call=earlier, by=rep, organisation=organisation))
    submit(first_phase, rep)
    proposal = complete_proposal(start_proposal(call=follow_up, by=rep, organisation=organisation))

    with pytest.raises(NotReadyToSubmit):  # submitted is not enough
        submit(proposal, rep)

    AdmissibilityReview.objects.create(
        proposal=first_phase, outcome=AdmissibilityOutcome.ADMISSIBLE, reason="In regola."
    )
    if mode == "selected":
        with pytest.raises(NotReadyToSubmit):  # admitted is not enough either
            submit(proposal, rep)
        ranking = Ranking.objects.create(
            call=earlier,
            kind=RankingKind.FINAL,
            computed_at=NOW,
            computed_by=rep,
            published_at=NOW,
            act_number="D.D. 12/2026",
        )
        ranking.entries.create(
            proposal=first_phase, position=1, status=EntryStatus.SELECTED, reason="selected"
        )

    assert submit(proposal, rep).protocol_number == 1


def test_a_withdrawn_proposal_does_not_open_a_restricted_call(city, organisation, rep):
    earlier = call_in(city)
    follow_up = call_in(city, restricted_to_call=earlier)
    first_phase = complete_proposal(start_proposal(call=earlier, by=rep, organisation=organisation))
    submit(first_phase, rep)
    withdraw_proposal(proposal=first_phase, by=rep, reason="")
    proposal = complete_proposal(start_proposal(call=follow_up, by=rep, organisation=organisation))

    with pytest.raises(NotReadyToSubmit):
        submit(proposal, rep)


def test_one_proposal_per_applicant_and_call(call, proposal, organisation, rep):
    submit(proposal, rep)
    second = complete_proposal(start_proposal(call=call, by=rep, organisation=organisation))

    with pytest.raises(NotReadyToSubmit) as raised:
        submit(second, rep)

    assert raised.value.problems == [
        "Questo proponente ha già presentato una proposta per l'avviso."
    ]
    unchanged_draft(second)

    reopen_proposal(proposal=proposal, by=rep)  # a reopened proposal still stands
    with pytest.raises(NotReadyToSubmit):
        submit(second, rep)

    withdraw_proposal(proposal=proposal, by=rep, reason="Ne presentiamo un'altra.")
    assert submit(second, rep).kind == ReceiptKind.SUBMISSION


def test_a_call_may_allow_several_proposals_per_applicant(city, organisation, rep):
    call = call_in(city, allows_multiple_proposals=True)
    first = complete_proposal(start_proposal(call=call, by=rep, organisation=organisation))
    second = complete_proposal(start_proposal(call=call, by=rep, organisation=organisation))

    numbers = [submit(first, rep).protocol_number, submit(second, rep).protocol_number]

    assert numbers == [1, 2]


def test_a_member_may_edit_but_not_submit(proposal, colleague):
    save_idea_step(proposal=proposal, by=colleague, values={"title": "Nuovo"}, neighbourhoods=[])

    with pytest.raises(PermissionDenied):
        submit(proposal, colleague)

    unchanged_draft(proposal)


def test_a_delegate_may_submit(proposal, organisation):
    delegate = member_of(organisation, MemberRole.DELEGATE)

    assert submit(proposal, delegate).issued_by == delegate


def test_city_staff_and_strangers_cannot_submit(proposal, manager, citizen):
    for user in (manager, citizen):
        with pytest.raises(PermissionDenied):
            submit(proposal, user)

    unchanged_draft(proposal)


def test_the_group_contact_submits_for_the_group(call):
    proposal = complete_proposal(ProposalFactory(call=call, by_group=True))

    receipt = submit(proposal, proposal.created_by)

    applicant = json.loads(receipt.content)["applicant"]
    assert (applicant["kind"], applicant["name"]) == ("informal_group", proposal.group.name)
    assert len(applicant["members"]) == 3


def test_a_group_needs_enough_members(call):
    group = InformalGroupFactory(members=2)
    proposal = complete_proposal(ProposalFactory(call=call, by_group=True, group=group))

    with pytest.raises(NotReadyToSubmit) as raised:
        submit(proposal, proposal.created_by)

    assert raised.value.problems == [
        "Il gruppo informale deve avere almeno 3 componenti con nome e codice fiscale."
    ]


def test_the_person_who_submits_needs_a_profile(call, organisation):
    no_profile = UserFactory()
    MembershipFactory(
        organisation=organisation, user=no_profile, role=MemberRole.LEGAL_REPRESENTATIVE
    )
    proposal = complete_proposal(
        start_proposal(call=call, by=no_profile, organisation=organisation)
    )

    with pytest.raises(NotReadyToSubmit) as raised:
        submit(proposal, no_profile)

    assert raised.value.problems == [
        "Completa il tuo profilo (nome, cognome e codice fiscale) prima di presentare."
    ]


def test_receipts_of_different_calls_are_numbered_independently(city):
    call_a, call_b = call_in(city), call_in(city)
    a1, a2, b1 = new_proposal(call_a), new_proposal(call_a), new_proposal(call_b)

    numbers = [(p.call_id, submit(p, user).protocol_number) for p, user in (a1, b1, a2)]

    assert numbers == [(call_a.pk, 1), (call_b.pk, 1), (call_a.pk, 2)]


# reopen_proposal


def test_reopening_then_submitting_issues_a_new_version(proposal, rep):
    first = submit(proposal, rep)
    first_fields = (first.content, first.sha256, first.kind, first.protocol_number, first.version)

    reopened = reopen_proposal(proposal=proposal, by=rep)

    assert (reopened.status, reopened.version) == (ProposalStatus.REOPENED, 1)
    event = only_event(proposal, "proposal.reopened")
    assert (event.actor, event.data) == (rep, {"old": "submitted", "new": "reopened", "version": 1})

    save_idea_step(
        proposal=proposal,
        by=rep,
        values={"title": "Seconda versione"},
        neighbourhoods=list(proposal.neighbourhoods.all()),
    )
    second = submit(proposal, rep, expected_version=1)

    assert (second.kind, second.protocol_number, second.version) == (
        ReceiptKind.NEW_VERSION,
        2,
        2,
    )
    assert json.loads(second.content)["idea"]["title"] == "Seconda versione"
    assert json.loads(second.content)["version"] == 2
    first.refresh_from_db()
    assert (
        first.content,
        first.sha256,
        first.kind,
        first.protocol_number,
        first.version,
    ) == first_fields
    proposal.refresh_from_db()
    assert (proposal.status, proposal.version) == (ProposalStatus.SUBMITTED, 2)
    latest = [e for e in events_of(Proposal, proposal.pk) if e.action == "proposal.submitted"][-1]
    assert (latest.data["old"], latest.data["version"]) == ("reopened", 2)


def test_only_a_submitted_proposal_can_be_reopened(draft, proposal, rep):
    with pytest.raises(InvalidTransition):
        reopen_proposal(proposal=draft, by=rep)

    submit(proposal, rep)
    reopen_proposal(proposal=proposal, by=rep)
    with pytest.raises(InvalidTransition):
        reopen_proposal(proposal=proposal, by=rep)


def test_reopening_after_the_deadline_is_refused(proposal, rep, call):
    submit(proposal, rep)

    with clock.travel_to(call.closes_at), pytest.raises(CallNotOpen):
        reopen_proposal(proposal=proposal, by=rep)

    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED


def test_a_member_cannot_reopen(proposal, rep, colleague):
    submit(proposal, rep)

    with pytest.raises(PermissionDenied):
        reopen_proposal(proposal=proposal, by=colleague)

    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED


# withdraw_proposal


def test_withdrawal_has_its_own_receipt(proposal, rep):
    submit(proposal, rep)

    receipt = withdraw_proposal(proposal=proposal, by=rep, reason="  Il progetto è sospeso.  ")

    assert (receipt.kind, receipt.protocol_number, receipt.version) == (
        ReceiptKind.WITHDRAWAL,
        2,
        1,
    )
    assert receipt.sha256 == hashlib.sha256(receipt.content.encode("utf-8")).hexdigest()
    content = json.loads(receipt.content)
    assert content["schema"] == "rione.withdrawal/1"
    assert (content["withdrawn_version"], content["reason"]) == (1, "Il progetto è sospeso.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.withdrawn_at) == (ProposalStatus.WITHDRAWN, NOW)
    event = only_event(proposal, "proposal.withdrawn")
    assert event.data == {"old": "submitted", "new": "withdrawn", "protocol_number": 2}


def test_withdrawing_twice_returns_the_same_receipt(proposal, rep):
    submit(proposal, rep)
    first = withdraw_proposal(proposal=proposal, by=rep, reason="")

    again = withdraw_proposal(proposal=proposal, by=rep, reason="Di nuovo")

    assert again == first
    assert Receipt.objects.count() == 2
    only_event(proposal, "proposal.withdrawn")


def test_a_reopened_proposal_can_be_withdrawn(proposal, rep):
    submit(proposal, rep)
    reopen_proposal(proposal=proposal, by=rep)

    receipt = withdraw_proposal(proposal=proposal, by=rep, reason="")

    assert receipt.kind == ReceiptKind.WITHDRAWAL
    assert only_event(proposal, "proposal.withdrawn").data["old"] == "reopened"


def test_a_withdrawn_proposal_cannot_be_submitted_again(proposal, rep):
    submit(proposal, rep)
    withdraw_proposal(proposal=proposal, by=rep, reason="")

    with pytest.raises(InvalidTransition):
        submit(proposal, rep)

    assert Receipt.objects.count() == 2


def test_withdrawing_after_the_deadline_is_refused(proposal, rep, call):
    submit(proposal, rep)

    with clock.travel_to(call.closes_at + timedelta(days=1)), pytest.raises(CallNotOpen):
        withdraw_proposal(proposal=proposal, by=rep, reason="")

    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED
    assert Receipt.objects.count() == 1


def test_members_and_staff_cannot_withdraw(proposal, rep, colleague, manager):
    submit(proposal, rep)

    for user in (colleague, manager):
        with pytest.raises(PermissionDenied):
            withdraw_proposal(proposal=proposal, by=user, reason="")

    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED


def test_numbers_follow_each_other_across_kinds(call, proposal, rep):
    other, other_rep = new_proposal(call)

    receipts = [
        submit(proposal, rep),
        submit(other, other_rep),
        withdraw_proposal(proposal=other, by=other_rep, reason=""),
        reopen_proposal(proposal=proposal, by=rep) and submit(proposal, rep, expected_version=1),
    ]

    assert [(r.protocol_number, r.kind) for r in receipts] == [
        (1, ReceiptKind.SUBMISSION),
        (2, ReceiptKind.SUBMISSION),
        (3, ReceiptKind.WITHDRAWAL),
        (4, ReceiptKind.NEW_VERSION),
    ]


# Budget problems


def budget_problems(proposal, rep, grant):
    save_budget_step(
        proposal=proposal,
        by=rep,
        lines=[line(proposal.call.city, quantity="100", unit_cost="100.00")],
        requested_grant=None if grant is None else Decimal(grant),
    )
    review = reviewed(proposal)
    assert set(review.by_step) <= {Step.BUDGET}
    return review.by_step.get(Step.BUDGET, [])


def test_a_grant_exactly_at_the_minimum_cofinancing_is_fine(proposal, rep):
    assert budget_problems(proposal, rep, "9000.00") == []


def test_cofinancing_below_the_minimum_is_a_budget_problem(proposal, rep):
    problems = budget_problems(proposal, rep, "9000.01")

    assert problems == [
        "Il cofinanziamento è il 10.00% del costo totale; l'avviso chiede almeno il 10.00%, "
        "cioè almeno 1.000,00 € di risorse proprie."
    ]
    with pytest.raises(NotReadyToSubmit) as raised:
        submit(proposal, rep)
    assert raised.value.problems == problems


@pytest.mark.parametrize("grant", ["999.99", "50000.01"])
def test_a_grant_out_of_the_range_is_a_budget_problem(proposal, rep, city, grant):
    save_budget_step(
        proposal=proposal,
        by=rep,
        lines=[line(city, quantity="100", unit_cost="1000.00")],  # 100 000 € of costs
        requested_grant=Decimal(grant),
    )

    assert reviewed(proposal).by_step == {
        Step.BUDGET: ["Il contributo richiesto deve essere tra 1.000,00 € e 50.000,00 €."]
    }


def test_a_grant_above_the_total_cost_is_a_budget_problem(proposal, rep):
    problems = budget_problems(proposal, rep, "10000.01")

    assert "Il contributo richiesto supera il costo totale del progetto." in problems


def test_a_missing_grant_is_a_budget_problem(proposal, rep):
    assert budget_problems(proposal, rep, None) == ["Indica il contributo richiesto."]


def test_a_grant_above_the_lot_budget_is_a_budget_problem(proposal, rep, call):
    lot = LotFactory(call=call, budget=Decimal("5000.00"))
    save_applicant_step(proposal=proposal, by=rep, organisation=proposal.organisation, lot=lot)

    problems = budget_problems(proposal, rep, "5000.01")

    assert problems == ["Il contributo richiesto supera la dotazione del lotto (5.000,00 €)."]
    assert budget_problems(proposal, rep, "5000.00") == []


def test_a_grant_above_the_call_budget_is_a_budget_problem(proposal, rep, call):
    call.budget = Decimal("5000.00")
    call.save()

    assert budget_problems(proposal, rep, "5000.01") == [
        "Il contributo richiesto supera la dotazione dell'avviso."
    ]


def test_a_call_with_lots_needs_the_lot(proposal, rep, call):
    LotFactory(call=call)

    assert reviewed(proposal).by_step == {
        Step.APPLICANT: ["Scegli il lotto per cui presenti la proposta."]
    }


def test_a_network_needs_a_partner(call, organisation, rep):
    network = complete_proposal(
        start_proposal(call=call, by=rep, organisation=organisation, is_network=True)
    )

    assert reviewed(network).by_step == {
        Step.APPLICANT: ["Una rete deve avere almeno un partner oltre al capofila."]
    }


# review_proposal: the state of each step


def states(proposal):
    proposal = Proposal.objects.get(pk=proposal.pk)
    review = reviewed(proposal)
    return {step.value: review.state(proposal, step) for step in Step}


def test_a_new_draft_has_every_step_to_do_but_the_applicant(draft):
    assert states(draft) == {
        "applicant": StepState.DONE,
        "idea": StepState.TODO,
        "targets": StepState.TODO,
        "budget": StepState.TODO,
        "questions": StepState.NOT_NEEDED,  # the call asks no extra question
        "attachments": StepState.DONE,  # and no document
        "summary": StepState.TODO,
    }
    assert not reviewed(draft).ready


def test_a_saved_step_with_problems_is_to_be_corrected(draft, rep):
    save_idea_step(proposal=draft, by=rep, values={"title": "Solo il titolo"}, neighbourhoods=[])

    assert states(draft)["idea"] == StepState.ERRORS
    assert states(draft)["targets"] == StepState.TODO


def test_questions_and_documents_of_the_call_are_steps_to_do(call, draft, rep):
    question = ExtraQuestion.objects.create(call=call, text="Perché voi?", is_required=True)
    RequiredDocument.objects.create(call=call, title="Statuto", is_mandatory=True)

    assert (states(draft)["questions"], states(draft)["attachments"]) == (
        StepState.TODO,
        StepState.TODO,
    )

    save_answers_step(
        proposal=draft, by=rep, answers={question.pk: "Perché conosciamo il quartiere."}
    )

    assert states(draft)["questions"] == StepState.DONE


def test_a_complete_proposal_is_ready_and_done_once_submitted(proposal, rep):
    before = states(proposal)

    assert before == {step.value: StepState.DONE for step in Step} | {
        "questions": StepState.NOT_NEEDED,
        "summary": StepState.TODO,
    }
    assert reviewed(proposal).ready

    submit(proposal, rep)

    assert states(proposal)["summary"] == StepState.DONE
