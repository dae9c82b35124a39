"""Starting a proposal and saving its steps: right values are stored, wrong ones change nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import InformalGroupFactory, OrganisationFactory
from rione.applications.models import Answer, Proposal, ProposalStatus, Step
from rione.applications.services import (
    CallNotOpen,
    ProposalLocked,
    StepConflict,
    discard_draft,
    reopen_proposal,
    save_answers_step,
    save_applicant_step,
    save_budget_step,
    save_idea_step,
    save_targets_step,
    start_proposal,
    submit_proposal,
    withdraw_proposal,
)
from rione.applications.tests.factories import attach_bytes, complete_proposal
from rione.applications.tests.helpers import (
    NOW,
    call_in,
    fresh,
    line,
    member_of,
    step_events,
)
from rione.core import clock
from rione.core.tests.audit_helpers import only_event
from rione.programmes.models import ExtraQuestion, QuestionKind
from rione.programmes.tests.factories import CallFactory, LotFactory, ProgrammeFactory
from rione.territory.models import CostCategory, Sector, TargetGroup
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
    return OrganisationFactory()


@pytest.fixture
def rep(organisation):
    return member_of(organisation, MemberRole.LEGAL_REPRESENTATIVE)


@pytest.fixture
def colleague(organisation):
    """A plain member of the same organisation: may edit, may not submit."""
    return member_of(organisation, MemberRole.MEMBER)


@pytest.fixture
def proposal(call, organisation, rep):
    return start_proposal(call=call, by=rep, organisation=organisation)


@pytest.fixture
def sector(city):
    return Sector.objects.filter(city=city).first()


@pytest.fixture
def targets(city):
    return list(TargetGroup.objects.filter(city=city)[:2])


def idea_values(sector, **overrides):
    values = {
        "title": "  Biblioteca di strada  ",
        "summary": "Libri e letture nei cortili.",
        "sector": sector,
        "problem": "Pochi spazi di lettura.",
        "solution": "Prestito nei cortili.",
        "innovation": "Volontari di condominio.",
        "impact": "Più lettori.",
        "sustainability": "Rete di biblioteche.",
    }
    return {**values, **overrides}


def snapshot_of(proposal):
    """What a refused save must leave untouched."""
    proposal = Proposal.objects.get(pk=proposal.pk)
    return {
        "fields": {
            name: getattr(proposal, name)
            for name in ("title", "summary", "sector_id", "problem", "requested_grant", "lot_id")
        },
        "revisions": proposal.step_revisions,
        "saved": proposal.saved_steps,
        "neighbourhoods": sorted(proposal.neighbourhoods.values_list("pk", flat=True)),
        "targets": sorted(proposal.targets.values_list("target_group_id", "participants")),
        "lines": list(proposal.budget_lines.values_list("description", "quantity", "unit_cost")),
        "answers": sorted(proposal.answers.values_list("question_id", "value")),
        "events": step_events(proposal, "idea")
        + step_events(proposal, "targets")
        + step_events(proposal, "budget")
        + step_events(proposal, "questions")
        + step_events(proposal, "applicant"),
    }


# start_proposal


def test_start_opens_a_draft_with_the_applicant_step_saved(call, organisation, rep):
    proposal = start_proposal(call=call, by=rep, organisation=organisation)

    assert proposal.status == ProposalStatus.DRAFT
    assert (proposal.call, proposal.organisation, proposal.group) == (call, organisation, None)
    assert proposal.created_by == rep
    assert proposal.version == 0
    assert proposal.saved_steps == [Step.APPLICANT]
    assert proposal.step_revisions == {Step.APPLICANT: 1}
    event = only_event(proposal, "proposal.started")
    assert (event.actor, event.data, event.at) == (rep, {"call": call.pk}, NOW)


def test_any_member_may_start_for_the_organisation(call, organisation, colleague):
    proposal = start_proposal(call=call, by=colleague, organisation=organisation)

    assert proposal.organisation == organisation


def test_the_contact_person_starts_for_an_informal_group(call):
    group = InformalGroupFactory()

    proposal = start_proposal(call=call, by=group.contact, group=group)

    assert (proposal.group, proposal.organisation, proposal.is_network) == (group, None, False)


def test_a_network_with_a_lot_of_the_call(call, organisation, rep):
    lot = LotFactory(call=call)

    proposal = start_proposal(
        call=call, by=rep, organisation=organisation, is_network=True, lot=lot
    )

    assert (proposal.is_network, proposal.lot) == (True, lot)


@pytest.mark.parametrize("trait", ["upcoming", "closed"])
def test_start_is_refused_when_the_call_is_not_open(city, organisation, rep, trait):
    call = CallFactory(programme=ProgrammeFactory(city=city), **{trait: True})

    with pytest.raises(CallNotOpen):
        start_proposal(call=call, by=rep, organisation=organisation)

    assert not Proposal.objects.exists()


def test_start_is_refused_on_an_unpublished_call(city, organisation, rep):
    call = CallFactory(programme=ProgrammeFactory(city=city))  # a draft call

    with pytest.raises(CallNotOpen):
        start_proposal(call=call, by=rep, organisation=organisation)


def test_start_is_refused_at_the_deadline(call, organisation, rep):
    with clock.travel_to(call.closes_at), pytest.raises(CallNotOpen):
        start_proposal(call=call, by=rep, organisation=organisation)

    assert not Proposal.objects.exists()


def test_someone_who_does_not_act_for_the_organisation_is_refused(call, organisation, citizen):
    with pytest.raises(PermissionDenied):
        start_proposal(call=call, by=citizen, organisation=organisation)

    assert not Proposal.objects.exists()


def test_someone_who_is_not_the_group_contact_is_refused(call, rep):
    group = InformalGroupFactory()

    with pytest.raises(PermissionDenied):
        start_proposal(call=call, by=rep, group=group)

    assert not Proposal.objects.exists()


def test_a_network_led_by_a_group_is_refused(call):
    group = InformalGroupFactory()

    with pytest.raises(ValidationError) as raised:
        start_proposal(call=call, by=group.contact, group=group, is_network=True)

    assert "is_network" in raised.value.message_dict
    assert not Proposal.objects.exists()


def test_a_lot_of_another_call_is_refused(city, call, organisation, rep):
    other_lot = LotFactory(call=call_in(city))

    with pytest.raises(ValidationError) as raised:
        start_proposal(call=call, by=rep, organisation=organisation, lot=other_lot)

    assert "lot" in raised.value.message_dict
    assert not Proposal.objects.exists()


def test_exactly_one_applicant_is_required(call, organisation, rep):
    group = InformalGroupFactory(contact=rep)

    for choice in ({}, {"organisation": organisation, "group": group}):
        with pytest.raises(ValidationError):
            start_proposal(call=call, by=rep, **choice)

    assert not Proposal.objects.exists()


def test_anonymous_people_cannot_start(call, organisation):
    with pytest.raises(PermissionDenied):
        start_proposal(call=call, by=AnonymousUser(), organisation=organisation)


# save_applicant_step


def test_applicant_step_switches_to_a_network_with_a_lot(proposal, rep, call):
    lot = LotFactory(call=call)

    saved = save_applicant_step(
        proposal=proposal,
        by=rep,
        organisation=proposal.organisation,
        is_network=True,
        lot=lot,
        revision=1,
    )

    proposal.refresh_from_db()
    assert (proposal.is_network, proposal.lot) == (True, lot)
    assert saved.step_revisions[Step.APPLICANT] == 2
    [event] = step_events(proposal, Step.APPLICANT)
    assert event.actor == rep
    assert event.data == {
        "step": "applicant",
        "organisation": proposal.organisation_id,
        "group": None,
        "network": True,
    }


def test_applicant_step_refuses_an_organisation_the_user_does_not_act_for(proposal, rep):
    before = snapshot_of(proposal)

    with pytest.raises(PermissionDenied):
        save_applicant_step(
            proposal=proposal, by=rep, organisation=OrganisationFactory(), revision=1
        )

    assert snapshot_of(proposal) == before


def test_applicant_step_refuses_a_lot_of_another_call(proposal, rep, city):
    before = snapshot_of(proposal)

    with pytest.raises(ValidationError):
        save_applicant_step(
            proposal=proposal,
            by=rep,
            organisation=proposal.organisation,
            lot=LotFactory(call=call_in(city)),
            revision=1,
        )

    assert snapshot_of(proposal) == before


# save_idea_step


def test_idea_step_stores_the_texts_sector_and_neighbourhoods(proposal, rep, call, sector):
    neighbourhood = call.eligible_neighbourhoods.get()

    saved = save_idea_step(
        proposal=proposal,
        by=rep,
        values=idea_values(sector),
        neighbourhoods=[neighbourhood],
        revision=0,
    )

    proposal.refresh_from_db()
    assert proposal.title == "Biblioteca di strada"  # trimmed
    assert proposal.sector == sector
    assert proposal.sustainability == "Rete di biblioteche."
    assert list(proposal.neighbourhoods.all()) == [neighbourhood]
    assert Step.IDEA in proposal.saved_steps
    assert saved.step_revisions[Step.IDEA] == 1
    [event] = step_events(proposal, Step.IDEA)
    assert event.actor == rep
    assert event.data["fields"] == sorted(idea_values(sector))


def test_idea_step_may_be_saved_incomplete(proposal, rep):
    save_idea_step(proposal=proposal, by=rep, values={"title": "Solo il titolo"}, neighbourhoods=[])

    proposal.refresh_from_db()
    assert (proposal.title, proposal.summary) == ("Solo il titolo", "")
    assert Step.IDEA in proposal.saved_steps


def test_any_city_neighbourhood_is_allowed_when_the_call_names_none(proposal, rep, call, city):
    call.eligible_neighbourhoods.clear()
    anywhere = NeighbourhoodFactory(district__city=city)

    save_idea_step(proposal=proposal, by=rep, values={}, neighbourhoods=[anywhere])

    assert list(proposal.neighbourhoods.all()) == [anywhere]


@pytest.mark.parametrize("where", ["same_city", "other_city"])
def test_a_neighbourhood_the_call_does_not_admit_is_refused(
    proposal, rep, sector, city, other_city, where
):
    outside = NeighbourhoodFactory(district__city=city if where == "same_city" else other_city)
    before = snapshot_of(proposal)

    with pytest.raises(ValidationError) as raised:
        save_idea_step(
            proposal=proposal, by=rep, values=idea_values(sector), neighbourhoods=[outside]
        )

    assert "neighbourhoods" in raised.value.message_dict
    assert snapshot_of(proposal) == before


def test_another_city_neighbourhood_is_refused_when_the_call_names_none(
    proposal, rep, call, other_city
):
    call.eligible_neighbourhoods.clear()
    before = snapshot_of(proposal)

    with pytest.raises(ValidationError):
        save_idea_step(
            proposal=proposal,
            by=rep,
            values={},
            neighbourhoods=[NeighbourhoodFactory(district__city=other_city)],
        )

    assert snapshot_of(proposal) == before


def test_a_sector_of_another_city_is_refused(proposal, rep, other_city):
    before = snapshot_of(proposal)

    with pytest.raises(ValidationError) as raised:
        save_idea_step(
            proposal=proposal,
            by=rep,
            values=idea_values(Sector.objects.filter(city=other_city).first()),
            neighbourhoods=[],
        )

    assert "sector" in raised.value.message_dict
    assert snapshot_of(proposal) == before


@pytest.mark.parametrize(
    ("field", "limit"),
    [("title", 200), ("summary", 1000), ("problem", 4000), ("innovation", 3000)],
)
def test_a_text_over_its_limit_is_refused(proposal, rep, sector, field, limit):
    save_idea_step(proposal=proposal, by=rep, values={field: "x" * limit}, neighbourhoods=[])
    before = snapshot_of(proposal)

    with pytest.raises(ValidationError) as raised:
        save_idea_step(
            proposal=proposal, by=rep, values={field: "y" * (limit + 1)}, neighbourhoods=[]
        )

    assert field in raised.value.message_dict
    assert snapshot_of(proposal) == before


def test_a_field_outside_the_idea_step_is_a_programming_error(proposal, rep):
    with pytest.raises(ValueError, match="status"):
        save_idea_step(proposal=proposal, by=rep, values={"status": "submitted"}, neighbourhoods=[])

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT


# save_targets_step


def test_targets_step_replaces_the_rows(proposal, rep, targets):
    first, second = targets
    save_targets_step(proposal=proposal, by=rep, rows=[(first, 10), (second, 25)], revision=0)

    save_targets_step(proposal=proposal, by=rep, rows=[(second, 40)], revision=1)

    assert list(proposal.targets.values_list("target_group", "participants")) == [(second.pk, 40)]
    events = step_events(proposal, Step.TARGETS)
    assert [e.data["targets"] for e in events] == [2, 1]
    assert Proposal.objects.get(pk=proposal.pk).step_revisions[Step.TARGETS] == 2


@pytest.mark.parametrize(
    "bad_rows",
    [
        pytest.param(lambda t, o: [(t[0], 10), (t[0], 5)], id="duplicated-group"),
        pytest.param(lambda t, o: [(t[0], 10), (t[1], 0)], id="zero-participants"),
        pytest.param(lambda t, o: [(t[0], -3)], id="negative-participants"),
        pytest.param(lambda t, o: [(t[0], 1_000_001)], id="too-many-participants"),
        pytest.param(lambda t, o: [(o, 10)], id="group-of-another-city"),
    ],
)
def test_wrong_targets_are_refused_and_the_old_rows_stay(
    proposal, rep, targets, other_city, bad_rows
):
    save_targets_step(proposal=proposal, by=rep, rows=[(targets[1], 12)])
    before = snapshot_of(proposal)
    foreign = TargetGroup.objects.filter(city=other_city).first()

    with pytest.raises(ValidationError):
        save_targets_step(proposal=proposal, by=rep, rows=bad_rows(targets, foreign))

    assert snapshot_of(proposal) == before


# save_budget_step


def test_budget_step_replaces_the_lines_and_sets_the_grant(proposal, rep, city):
    save_budget_step(
        proposal=proposal,
        by=rep,
        lines=[line(city, description="Vecchia voce")],
        requested_grant=Decimal("10.00"),
        revision=0,
    )

    save_budget_step(
        proposal=proposal,
        by=rep,
        lines=[
            line(city, quantity="12.5", unit_cost="40.00", description=" Educatori "),
            line(city, quantity="1", unit_cost="0.00", description="Sala in comodato"),
        ],
        requested_grant=Decimal("400.00"),
        revision=1,
    )

    proposal.refresh_from_db()
    assert proposal.requested_grant == Decimal("400.00")
    rows = list(proposal.budget_lines.order_by("order"))
    assert [(r.description, r.quantity, r.unit_cost, r.amount, r.order) for r in rows] == [
        ("Educatori", Decimal("12.50"), Decimal("40.00"), Decimal("500.00"), 1),
        ("Sala in comodato", Decimal("1.00"), Decimal("0.00"), Decimal("0.00"), 2),
    ]
    event = step_events(proposal, Step.BUDGET)[-1]
    assert event.data == {"step": "budget", "lines": 2, "requested_grant": "400.00"}
    assert proposal.step_revisions[Step.BUDGET] == 2


def test_the_grant_may_be_left_empty(proposal, rep, city):
    save_budget_step(proposal=proposal, by=rep, lines=[line(city)], requested_grant=None)

    proposal.refresh_from_db()
    assert proposal.requested_grant is None
    assert proposal.budget_lines.count() == 1


@pytest.mark.parametrize(
    ("changes", "grant"),
    [
        pytest.param({"unit_cost": "-1.00"}, "100.00", id="negative-unit-cost"),
        pytest.param({"unit_cost": "10.005"}, "100.00", id="unit-cost-three-decimals"),
        pytest.param({"quantity": "0"}, "100.00", id="quantity-zero"),
        pytest.param({"quantity": "-2"}, "100.00", id="negative-quantity"),
        pytest.param({"quantity": "1.125"}, "100.00", id="quantity-three-decimals"),
        pytest.param({"quantity": "100000000"}, "100.00", id="quantity-too-large"),
        pytest.param({"description": "   "}, "100.00", id="blank-description"),
        pytest.param({"description": "x" * 301}, "100.00", id="description-too-long"),
        pytest.param({}, "-5.00", id="negative-grant"),
        pytest.param({}, "5.001", id="grant-three-decimals"),
        pytest.param({"unit_cost": "1000000000000.00"}, "100.00", id="unit-cost-too-large"),
        pytest.param({}, "1000000000000.00", id="grant-too-large"),
    ],
)
def test_a_wrong_budget_is_refused_and_the_old_lines_stay(proposal, rep, city, changes, grant):
    save_budget_step(
        proposal=proposal, by=rep, lines=[line(city)], requested_grant=Decimal("900.00")
    )
    before = snapshot_of(proposal)

    with pytest.raises(ValidationError):
        save_budget_step(
            proposal=proposal,
            by=rep,
            lines=[line(city, description="Buona"), line(city, **changes)],
            requested_grant=Decimal(grant),
        )

    assert snapshot_of(proposal) == before


def test_a_cost_category_of_another_city_is_refused(proposal, rep, city, other_city):
    before = snapshot_of(proposal)
    foreign = CostCategory.objects.filter(city=other_city).first()

    with pytest.raises(ValidationError):
        save_budget_step(
            proposal=proposal,
            by=rep,
            lines=[line(city, category=foreign)],
            requested_grant=Decimal("1.00"),
        )

    assert snapshot_of(proposal) == before


def test_more_than_a_hundred_lines_are_refused(proposal, rep, city):
    with pytest.raises(ValidationError):
        save_budget_step(proposal=proposal, by=rep, lines=[line(city)] * 101, requested_grant=None)

    assert proposal.budget_lines.count() == 0


# save_answers_step


@pytest.fixture
def questions(call):
    def ask(kind, **extra):
        return ExtraQuestion.objects.create(call=call, text=f"Domanda {kind}", kind=kind, **extra)

    return {
        "long": ask(QuestionKind.LONG_TEXT, max_length=20),
        "short": ask(QuestionKind.SHORT_TEXT),
        "yes_no": ask(QuestionKind.YES_NO),
        "number": ask(QuestionKind.NUMBER),
        "choice": ask(QuestionKind.CHOICE, choices="Centro\nPeriferia\n\n"),
    }


def test_answers_are_stored_cleaned(proposal, rep, questions):
    q = questions

    save_answers_step(
        proposal=proposal,
        by=rep,
        answers={
            q["long"].pk: "  Venti caratteri.   ",
            q["short"].pk: "Breve",
            q["yes_no"].pk: "yes",
            q["number"].pk: "12,5",
            q["choice"].pk: "Periferia",
        },
        revision=0,
    )

    stored = dict(Answer.objects.filter(proposal=proposal).values_list("question_id", "value"))
    assert stored == {
        q["long"].pk: "Venti caratteri.",
        q["short"].pk: "Breve",
        q["yes_no"].pk: "yes",
        q["number"].pk: "12.5",
        q["choice"].pk: "Periferia",
    }
    [event] = step_events(proposal, Step.QUESTIONS)
    assert event.data == {"step": "questions", "answers": 5}


def test_a_second_save_updates_the_answer(proposal, rep, questions):
    question = questions["yes_no"]
    save_answers_step(proposal=proposal, by=rep, answers={question.pk: "yes"})

    save_answers_step(proposal=proposal, by=rep, answers={question.pk: "no"})

    assert list(proposal.answers.values_list("question_id", "value")) == [(question.pk, "no")]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("choice", "Collina"),
        ("choice", "centro"),
        ("yes_no", "forse"),
        ("yes_no", "sì"),
        ("number", "dodici"),
        ("number", "12,5,3"),
        ("number", "NaN"),
        ("number", "Infinity"),
        ("long", "x" * 21),
        ("short", "x" * 401),
    ],
)
def test_a_wrong_answer_is_refused_and_nothing_changes(proposal, rep, questions, key, value):
    save_answers_step(proposal=proposal, by=rep, answers={questions["short"].pk: "Prima"})
    before = snapshot_of(proposal)

    with pytest.raises(ValidationError):
        save_answers_step(
            proposal=proposal,
            by=rep,
            answers={questions["yes_no"].pk: "yes", questions[key].pk: value},
        )

    assert snapshot_of(proposal) == before


def test_an_answer_to_a_question_of_another_call_is_refused(proposal, rep, city, questions):
    foreign = ExtraQuestion.objects.create(call=call_in(city), text="Altro avviso")
    before = snapshot_of(proposal)

    with pytest.raises(ValidationError):
        save_answers_step(
            proposal=proposal,
            by=rep,
            answers={questions["short"].pk: "Risposta", foreign.pk: "Risposta"},
        )

    assert snapshot_of(proposal) == before


# Conflicts, deadline, state and permission: the same for every step


def save_step(step, proposal, by, revision=None):
    """Save ``step`` of ``proposal`` with valid values."""
    city = proposal.call.city
    if step == Step.APPLICANT:
        return save_applicant_step(
            proposal=proposal, by=by, organisation=proposal.organisation, revision=revision
        )
    if step == Step.IDEA:
        return save_idea_step(
            proposal=proposal,
            by=by,
            values={"title": f"Da {by.pk}"},
            neighbourhoods=[],
            revision=revision,
        )
    if step == Step.TARGETS:
        group = TargetGroup.objects.filter(city=city).first()
        return save_targets_step(proposal=proposal, by=by, rows=[(group, by.pk)], revision=revision)
    if step == Step.BUDGET:
        return save_budget_step(
            proposal=proposal,
            by=by,
            lines=[line(city, description=f"Da {by.pk}")],
            requested_grant=Decimal("1.00"),
            revision=revision,
        )
    question = proposal.call.extra_questions.first() or ExtraQuestion.objects.create(
        call=proposal.call, text="Perché?"
    )
    return save_answers_step(
        proposal=proposal, by=by, answers={question.pk: f"Da {by.pk}"}, revision=revision
    )


EDIT_STEPS = [Step.APPLICANT, Step.IDEA, Step.TARGETS, Step.BUDGET, Step.QUESTIONS]


@pytest.mark.parametrize("step", EDIT_STEPS)
def test_a_save_on_a_stale_revision_is_a_conflict(proposal, rep, colleague, step):
    seen = Proposal.objects.get(pk=proposal.pk).step_revisions.get(step, 0)  # both open the page
    save_step(step, proposal, fresh(rep), revision=seen)
    before = snapshot_of(proposal)

    with pytest.raises(StepConflict):
        save_step(step, proposal, fresh(colleague), revision=seen)

    assert snapshot_of(proposal) == before
    assert before["revisions"][step] == seen + 1


def test_revisions_are_per_step(proposal, rep, colleague):
    save_step(Step.IDEA, proposal, rep, revision=0)

    save_step(Step.TARGETS, proposal, colleague, revision=0)  # another step: no conflict

    proposal.refresh_from_db()
    assert proposal.step_revisions == {"applicant": 1, "idea": 1, "targets": 1}


@pytest.mark.parametrize("step", EDIT_STEPS)
def test_no_step_can_be_saved_after_the_deadline(proposal, rep, step):
    before = snapshot_of(proposal)

    with (
        clock.travel_to(proposal.call.closes_at + timedelta(seconds=1)),
        pytest.raises(CallNotOpen),
    ):
        save_step(step, proposal, rep)

    assert snapshot_of(proposal) == before


def submitted(proposal, rep):
    complete_proposal(proposal)
    submit_proposal(proposal=proposal, by=rep, truthfulness=True, privacy=True)
    return proposal


@pytest.mark.parametrize("step", EDIT_STEPS)
def test_a_submitted_proposal_is_locked(proposal, rep, step):
    submitted(proposal, rep)
    before = snapshot_of(proposal)

    with pytest.raises(ProposalLocked):
        save_step(step, proposal, rep)

    assert snapshot_of(proposal) == before


def test_a_withdrawn_proposal_is_locked(proposal, rep):
    submitted(proposal, rep)
    withdraw_proposal(proposal=proposal, by=rep, reason="Non più attuale.")

    with pytest.raises(ProposalLocked):
        save_step(Step.IDEA, proposal, rep)


def test_a_reopened_proposal_may_be_edited_again(proposal, rep, colleague):
    submitted(proposal, rep)
    reopen_proposal(proposal=proposal, by=rep)

    save_step(Step.IDEA, proposal, colleague)

    assert Proposal.objects.get(pk=proposal.pk).title == f"Da {colleague.pk}"


@pytest.mark.parametrize("step", EDIT_STEPS)
def test_city_staff_cannot_edit_a_draft(proposal, manager, step):
    before = snapshot_of(proposal)

    with pytest.raises(PermissionDenied):
        save_step(step, proposal, manager)

    assert snapshot_of(proposal) == before


def test_city_staff_cannot_edit_a_submitted_proposal(proposal, rep, manager):
    submitted(proposal, rep)
    before = snapshot_of(proposal)

    with pytest.raises((PermissionDenied, ProposalLocked)):
        save_step(Step.IDEA, proposal, manager)

    assert snapshot_of(proposal) == before


@pytest.mark.parametrize("state", ["draft", "submitted"])
@pytest.mark.parametrize("step", EDIT_STEPS)
def test_another_applicant_cannot_edit(proposal, rep, step, state):
    if state == "submitted":
        submitted(proposal, rep)
    stranger = member_of(OrganisationFactory(), MemberRole.LEGAL_REPRESENTATIVE)
    before = snapshot_of(proposal)

    with pytest.raises(PermissionDenied):  # not ProposalLocked: it would tell that it exists
        save_step(step, proposal, stranger)

    assert snapshot_of(proposal) == before


# discard_draft


def test_a_draft_is_discarded_with_its_files(
    proposal, rep, targets, django_capture_on_commit_callbacks
):
    save_targets_step(proposal=proposal, by=rep, rows=[(targets[0], 10)])
    attachment = attach_bytes(proposal, b"%PDF-1.4 bozza")
    storage = attachment.file.storage
    assert storage.exists(attachment.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        discard_draft(proposal=proposal, by=rep)

    assert not Proposal.objects.filter(pk=proposal.pk).exists()
    assert not storage.exists(attachment.file.name)
    event = only_event(proposal, "proposal.discarded")
    assert (event.actor, event.data) == (rep, {"call": proposal.call_id})


def test_only_who_may_submit_discards_a_draft(proposal, colleague, manager):
    for user in (colleague, manager):
        with pytest.raises(PermissionDenied):
            discard_draft(proposal=proposal, by=user)

    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_a_submitted_proposal_cannot_be_discarded(proposal, rep):
    submitted(proposal, rep)
    reopen_proposal(proposal=proposal, by=rep)

    with pytest.raises(ProposalLocked):
        discard_draft(proposal=proposal, by=rep)

    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.REOPENED
