"""Admissibility of a closed call's proposals and integration requests (soccorso istruttorio).

Given a call of Napoli with proposals submitted before its deadline, the city's managers
decide after the deadline, with a reason, and may ask the applicant for an integration
that the applicant answers once, before its own deadline.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from rione.applicants.models import MemberRole
from rione.applications import services as application_services
from rione.applications.models import Attachment, Proposal, ProposalStatus
from rione.applications.tests.factories import PDF_BYTES, ProposalFactory, complete_proposal
from rione.applications.tests.helpers import NOW, call_in, member_of
from rione.core import clock
from rione.core.errors import InvalidTransition
from rione.core.models import AuditEvent
from rione.core.tests.audit_helpers import audit_count, only_event
from rione.evaluation.models import (
    AdmissibilityOutcome,
    AdmissibilityReview,
    ChecklistItem,
    IntegrationRequest,
)
from rione.evaluation.services import (
    CallNotClosed,
    ChecklistFrozen,
    IntegrationAnswered,
    IntegrationOverdue,
    IntegrationPending,
    NoSubmittedVersion,
    NotStanding,
    answer_integration,
    automatic_checks,
    create_checklist_item,
    decide_admissibility,
    delete_checklist_item,
    request_integration,
    update_checklist_item,
)
from rione.programmes.models import GrantRule, RequiredDocument
from rione.territory.models import ApplicantCategory
from rione.territory.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db

# The factories' calls close twenty days after NOW; staff work the day after.
AFTER = NOW + timedelta(days=21)
DUE = AFTER + timedelta(days=10)
REASON = "Requisiti formali rispettati: proponente, quartiere, documenti e budget."
CHECKS = ("on_time", "applicant_type", "neighbourhoods", "documents", "budget")


@pytest.fixture(autouse=True)
def now():
    with clock.travel_to(NOW):
        yield NOW


def submitted_in(call: Any, **kwargs: Any) -> Proposal:
    """A complete proposal of ``call`` submitted now by its legal representative."""
    proposal = complete_proposal(ProposalFactory(call=call, **kwargs))
    application_services.submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
    )
    proposal.refresh_from_db()
    return proposal


def state() -> dict[str, Any]:
    """Everything these services write: rows and the fields they change."""
    return {
        "reviews": sorted(
            AdmissibilityReview.objects.values_list("proposal_id", "outcome", "reason")
        ),
        "requests": sorted(IntegrationRequest.objects.values_list("pk", "answered_at", "answer")),
        "items": sorted(ChecklistItem.objects.values_list("pk", "text", "order")),
        "attachments": Attachment.objects.count(),
        "events": AuditEvent.objects.count(),
    }


@pytest.fixture
def call(city):
    return call_in(city, title="Quartieri in rete")


@pytest.fixture
def statute(call):
    return RequiredDocument.objects.create(call=call, title="Statuto", is_mandatory=True)


@pytest.fixture
def proposal(call, statute):
    return submitted_in(call)


@pytest.fixture
def item(call, manager):
    return create_checklist_item(
        call=call, by=manager, values={"text": "Lo spazio indicato è accessibile", "order": 1}
    )


def decide(proposal, by, outcome=AdmissibilityOutcome.ADMISSIBLE, **kwargs):
    values = {"reason": REASON, "manual": {}, "at": AFTER, **kwargs}
    return decide_admissibility(proposal=proposal, by=by, outcome=outcome, **values)


def ask(proposal, by, **kwargs):
    values = {"message": "Inviate lo statuto firmato.", "due_at": DUE, "at": AFTER, **kwargs}
    return request_integration(proposal=proposal, by=by, **values)


def pdf(name="statuto.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# automatic_checks


def test_a_complete_submission_passes_every_automatic_check(proposal):
    checks = automatic_checks(proposal=proposal)

    assert {code: checks[code] for code in CHECKS} == dict.fromkeys(CHECKS, True)
    assert {checks[f"{code}_note"] for code in CHECKS} == {""}
    receipt = proposal.receipts.get()
    assert (checks["protocol_number"], checks["sha256"]) == (
        str(receipt.protocol_number),
        receipt.sha256,
    )


def test_checks_judge_the_submitted_version_not_the_working_copy(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(requested_grant=Decimal("99999.00"))

    checks = automatic_checks(proposal=proposal)

    assert checks["budget"] is True


def test_checks_say_what_fails(call, proposal):
    # given: after submission the call asks for another document, other neighbourhoods,
    # and a larger minimum grant
    RequiredDocument.objects.create(call=call, title="Bilancio", is_mandatory=True)
    call.eligible_neighbourhoods.set([NeighbourhoodFactory(district__city=call.city)])
    GrantRule.objects.filter(call=call, category=ApplicantCategory.ETS).update(
        min_grant=Decimal("20000.00")
    )

    checks = automatic_checks(proposal=proposal)

    assert (checks["on_time"], checks["applicant_type"]) == (True, True)
    assert (checks["documents"], checks["neighbourhoods"], checks["budget"]) == (
        False,
        False,
        False,
    )
    assert checks["documents_note"] == "Manca il documento obbligatorio «Bilancio»."
    assert str(checks["neighbourhoods_note"]).startswith("Quartieri non ammessi:")
    assert "deve essere tra" in str(checks["budget_note"])


def test_an_applicant_type_the_call_does_not_admit_fails(call, proposal):
    call.eligible_applicant_types.set(
        call.eligible_applicant_types.filter(category=ApplicantCategory.INFORMAL_GROUP)
    )

    checks = automatic_checks(proposal=proposal)

    assert checks["applicant_type"] is False
    assert checks["applicant_type_note"] == "L'avviso non ammette proponenti di questo tipo."


def test_a_draft_has_no_version_to_check(call):
    draft = ProposalFactory(call=call)

    with pytest.raises(NoSubmittedVersion):
        automatic_checks(proposal=draft)


# Checklist


def test_a_manager_writes_the_checklist_and_each_change_is_audited(call, manager):
    item = create_checklist_item(call=call, by=manager, values={"text": "  Spazio accessibile "})
    assert (item.call, item.text, item.order) == (call, "Spazio accessibile", 0)
    assert only_event(item, "checklistitem.created").actor == manager

    update_checklist_item(item=item, by=manager, values={"text": "Spazio senza barriere"})
    item.refresh_from_db()
    assert item.text == "Spazio senza barriere"
    changed = only_event(item, "checklistitem.updated")
    assert changed.data["changes"]["text"] == {
        "old": "Spazio accessibile",
        "new": "Spazio senza barriere",
    }

    pk = item.pk
    delete_checklist_item(item=item, by=manager)
    assert not ChecklistItem.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_id=str(pk), action="checklistitem.deleted").exists()


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_only_the_citys_managers_write_the_checklist(call, item, who, request):
    user = request.getfixturevalue(who)
    before = state()

    with pytest.raises(PermissionDenied):
        create_checklist_item(call=call, by=user, values={"text": "Altro"})
    with pytest.raises(PermissionDenied):
        update_checklist_item(item=item, by=user, values={"text": "Altro"})
    with pytest.raises(PermissionDenied):
        delete_checklist_item(item=item, by=user)

    assert state() == before


def test_a_checklist_item_needs_a_text(call, manager):
    before = state()

    with pytest.raises(ValidationError) as raised:
        create_checklist_item(call=call, by=manager, values={"text": "   "})

    assert "text" in raised.value.message_dict
    assert state() == before


def test_the_checklist_is_frozen_once_an_outcome_is_decided(call, proposal, item, manager):
    decide(proposal, manager, manual={item.pk: True})
    before = state()

    with pytest.raises(ChecklistFrozen):
        create_checklist_item(call=call, by=manager, values={"text": "Nuova"})
    with pytest.raises(ChecklistFrozen):
        update_checklist_item(item=item, by=manager, values={"text": "Cambiata"})
    with pytest.raises(ChecklistFrozen):
        delete_checklist_item(item=item, by=manager)

    assert state() == before


def test_an_integration_request_does_not_freeze_the_checklist(call, proposal, manager):
    ask(proposal, manager)

    created = create_checklist_item(call=call, by=manager, values={"text": "Nuova"})

    assert created.pk is not None


# decide_admissibility


def test_a_manager_decides_with_a_reason_and_the_applicant_is_told(
    proposal, item, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = decide(proposal, manager, manual={item.pk: True})

    review.refresh_from_db()
    assert (review.outcome, review.reason, review.decided_by, review.decided_at) == (
        AdmissibilityOutcome.ADMISSIBLE,
        REASON,
        manager,
        AFTER,
    )
    assert review.automatic["documents"] is True
    assert review.automatic["sha256"] == proposal.receipts.get().sha256
    assert review.manual == {
        str(item.pk): {"text": "Lo spazio indicato è accessibile", "passed": True}
    }
    event = only_event(review, "admissibility.decided")
    assert (event.actor, event.at, event.stream) == (manager, AFTER, f"call:{proposal.call_id}")
    assert (event.data["old"], event.data["new"], event.data["reason"]) == (
        "pending",
        "admissible",
        REASON,
    )
    assert event.data["proposal"] == proposal.pk
    [mail] = mailoutbox
    assert mail.to == [proposal.created_by.email]
    assert "Ammissibile" in mail.body and REASON in mail.body


def test_items_left_out_count_as_not_passed(proposal, item, manager):
    review = decide(proposal, manager, outcome=AdmissibilityOutcome.NOT_ADMISSIBLE, manual={})

    assert review.manual[str(item.pk)]["passed"] is False


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_only_the_citys_managers_decide(proposal, who, request, mailoutbox):
    user = request.getfixturevalue(who)
    before = state()

    with pytest.raises(PermissionDenied):
        decide(proposal, user)

    assert state() == before
    assert mailoutbox == []


def test_the_applicant_cannot_decide_their_own_admissibility(proposal):
    before = state()

    with pytest.raises(PermissionDenied):
        decide(proposal, proposal.created_by)

    assert state() == before


def test_no_decision_before_the_call_closes(proposal, manager):
    before = state()

    with pytest.raises(CallNotClosed):
        decide(proposal, manager, at=NOW)

    assert state() == before


def test_a_reason_is_always_required(proposal, manager):
    before = state()

    with pytest.raises(ValidationError) as raised:
        decide(proposal, manager, reason="   \n")

    assert "reason" in raised.value.message_dict
    assert state() == before


def test_deciding_the_same_outcome_again_is_an_invalid_transition(proposal, manager):
    decide(proposal, manager)
    before = state()

    with pytest.raises(InvalidTransition):
        decide(proposal, manager, reason="Di nuovo.")

    assert state() == before


@pytest.mark.parametrize(
    "outcome", [AdmissibilityOutcome.PENDING, AdmissibilityOutcome.INTEGRATION_REQUESTED, "bogus"]
)
def test_only_admissible_or_not_are_decisions(proposal, manager, outcome):
    before = state()

    with pytest.raises(InvalidTransition):
        decide(proposal, manager, outcome=outcome)

    assert state() == before


def test_an_outcome_may_be_reviewed_with_a_new_reason(proposal, manager):
    decide(proposal, manager)

    review = decide(
        proposal,
        manager,
        outcome=AdmissibilityOutcome.NOT_ADMISSIBLE,
        reason="Dopo il ricorso: lo statuto non è quello vigente.",
        at=AFTER + timedelta(days=5),
    )

    assert review.outcome == AdmissibilityOutcome.NOT_ADMISSIBLE
    events = AuditEvent.objects.filter(
        action="admissibility.decided", object_id=str(review.pk)
    ).order_by("seq")
    assert [(e.data["old"], e.data["new"]) for e in events] == [
        ("pending", "admissible"),
        ("admissible", "not_admissible"),
    ]


def test_a_withdrawn_proposal_is_not_reviewed(proposal, manager):
    application_services.withdraw_proposal(
        proposal=proposal, by=proposal.created_by, reason="Rinunciamo."
    )
    before = state()

    with pytest.raises(NotStanding):
        decide(proposal, manager)

    assert state() == before


def test_manual_checks_must_belong_to_the_call(city, proposal, manager):
    other = create_checklist_item(
        call=call_in(city), by=manager, values={"text": "Di un altro avviso"}
    )
    before = state()

    with pytest.raises(ValidationError) as raised:
        decide(proposal, manager, manual={other.pk: True})

    assert "manual" in raised.value.message_dict
    assert state() == before


def test_no_decision_while_an_integration_request_is_open(proposal, manager):
    ask(proposal, manager)
    before = state()

    with pytest.raises(IntegrationPending):
        decide(proposal, manager, at=DUE - timedelta(minutes=1))
    assert state() == before

    review = decide(proposal, manager, outcome=AdmissibilityOutcome.NOT_ADMISSIBLE, at=DUE)
    assert only_event(review, "admissibility.decided").data["old"] == "integration_requested"


# request_integration


def test_a_manager_asks_for_an_integration_and_the_applicant_gets_a_link(
    proposal, statute, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(proposal, manager, required_document=statute)

    request.refresh_from_db()
    assert (request.proposal, request.requested_by, request.due_at, request.required_document) == (
        proposal,
        manager,
        DUE,
        statute,
    )
    review = AdmissibilityReview.objects.get(proposal=proposal)
    assert (review.outcome, review.reason) == (
        AdmissibilityOutcome.INTEGRATION_REQUESTED,
        "Inviate lo statuto firmato.",
    )
    event = only_event(request, "admissibility.integration_requested")
    assert (event.actor, event.at) == (manager, AFTER)
    assert (event.data["old"], event.data["new"], event.data["required_document"]) == (
        "pending",
        "integration_requested",
        statute.pk,
    )
    [mail] = mailoutbox
    assert mail.to == [proposal.created_by.email]
    assert f"/area-personale/domande/{proposal.pk}/integrazioni/{request.pk}/" in mail.body


def test_more_requests_may_follow_while_integration_is_requested(proposal, manager):
    ask(proposal, manager)

    ask(proposal, manager, message="Inviate anche il bilancio.")

    assert IntegrationRequest.objects.filter(proposal=proposal).count() == 2
    review = AdmissibilityReview.objects.get(proposal=proposal)
    assert review.outcome == AdmissibilityOutcome.INTEGRATION_REQUESTED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"due_at": AFTER}, "due_at"),
        ({"due_at": AFTER - timedelta(hours=1)}, "due_at"),
        ({"message": "  "}, "message"),
    ],
)
def test_a_request_needs_a_message_and_a_future_deadline(proposal, manager, changes, field):
    before = state()

    with pytest.raises(ValidationError) as raised:
        ask(proposal, manager, **changes)

    assert field in raised.value.message_dict
    assert state() == before


def test_the_required_document_must_be_of_the_call(city, proposal, manager):
    elsewhere = RequiredDocument.objects.create(call=call_in(city), title="Altro")
    before = state()

    with pytest.raises(ValidationError) as raised:
        ask(proposal, manager, required_document=elsewhere)

    assert "required_document" in raised.value.message_dict
    assert state() == before


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_only_the_citys_managers_ask_for_integrations(proposal, who, request, mailoutbox):
    before = state()

    with pytest.raises(PermissionDenied):
        ask(proposal, request.getfixturevalue(who))

    assert state() == before
    assert mailoutbox == []


def test_no_integration_request_before_the_call_closes(proposal, manager):
    before = state()

    with pytest.raises(CallNotClosed):
        ask(proposal, manager, at=NOW, due_at=NOW + timedelta(days=5))

    assert state() == before


def test_no_integration_request_after_a_decision(proposal, manager):
    decide(proposal, manager)
    before = state()

    with pytest.raises(InvalidTransition):
        ask(proposal, manager)

    assert state() == before


# answer_integration


@pytest.fixture
def missing(call):
    """A mandatory document the call added after the proposal was submitted."""
    return RequiredDocument.objects.create(call=call, title="Bilancio", is_mandatory=True)


@pytest.fixture
def integration(proposal, missing, manager):
    return ask(proposal, manager, message="Manca il bilancio.", required_document=missing)


def test_the_applicant_answers_with_a_file_that_joins_the_submission(
    proposal, missing, integration, manager, mailoutbox, django_capture_on_commit_callbacks
):
    assert automatic_checks(proposal=proposal)["documents"] is False
    applicant = proposal.created_by
    answered_at = AFTER + timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        answer_integration(
            request=integration,
            by=applicant,
            answer=" Ecco il bilancio 2025. ",
            upload=pdf("bilancio.pdf"),
            at=answered_at,
        )

    integration.refresh_from_db()
    assert (integration.answer, integration.answered_by, integration.answered_at) == (
        "Ecco il bilancio 2025.",
        applicant,
        answered_at,
    )
    attachment = integration.attachment
    assert (attachment.proposal, attachment.required_document, attachment.original_name) == (
        proposal,
        missing,
        "bilancio.pdf",
    )
    assert (attachment.is_current, attachment.in_submission, attachment.uploaded_by) == (
        True,
        True,
        applicant,
    )
    assert attachment.file.read() == PDF_BYTES
    event = only_event(integration, "admissibility.integration_answered")
    assert (event.actor, event.data["attachment"], event.data["sha256"]) == (
        applicant,
        attachment.pk,
        attachment.sha256,
    )
    assert automatic_checks(proposal=proposal)["documents"] is True
    [mail] = mailoutbox
    assert mail.to == [manager.email]


def test_an_answer_without_a_file_is_fine(proposal, integration):
    answer_integration(
        request=integration, by=proposal.created_by, answer="Lo abbiamo già inviato.", at=AFTER
    )

    integration.refresh_from_db()
    assert (integration.answer, integration.attachment) == ("Lo abbiamo già inviato.", None)


def test_an_answer_after_the_deadline_is_refused(proposal, integration):
    before = state()

    with pytest.raises(IntegrationOverdue):
        answer_integration(
            request=integration, by=proposal.created_by, answer="In ritardo", upload=pdf(), at=DUE
        )

    assert state() == before


def test_a_request_is_answered_once(proposal, integration):
    answer_integration(request=integration, by=proposal.created_by, answer="Prima", at=AFTER)
    before = state()

    with pytest.raises(IntegrationAnswered):
        answer_integration(
            request=integration, by=proposal.created_by, answer="Seconda", upload=pdf(), at=AFTER
        )

    assert state() == before
    integration.refresh_from_db()
    assert integration.answer == "Prima"


@pytest.mark.parametrize("who", ["citizen", "manager", "member"])
def test_only_who_commits_the_applicant_answers(proposal, integration, who, request):
    user = (
        member_of(proposal.organisation, MemberRole.MEMBER)
        if who == "member"
        else request.getfixturevalue(who)
    )
    before = state()

    with pytest.raises(PermissionDenied):
        answer_integration(request=integration, by=user, answer="Ecco", upload=pdf(), at=AFTER)

    assert state() == before


def test_a_delegate_may_answer(proposal, integration):
    delegate = member_of(proposal.organisation, MemberRole.DELEGATE)

    answer_integration(request=integration, by=delegate, answer="Ecco", at=AFTER)

    integration.refresh_from_db()
    assert integration.answered_by == delegate


def test_a_file_of_a_type_not_accepted_is_refused(proposal, integration):
    before = state()

    with pytest.raises(ValidationError) as raised:
        answer_integration(
            request=integration,
            by=proposal.created_by,
            answer="Ecco",
            upload=SimpleUploadedFile("bilancio.pdf", b"#!/bin/sh\necho no\n"),
            at=AFTER,
        )

    assert "file" in raised.value.message_dict
    assert state() == before


def test_a_file_over_the_size_limit_is_refused(proposal, integration, settings):
    settings.PROPOSAL_FILE_MAX_BYTES = len(PDF_BYTES) - 1
    before = state()

    with pytest.raises(ValidationError) as raised:
        answer_integration(
            request=integration, by=proposal.created_by, answer="Ecco", upload=pdf(), at=AFTER
        )

    assert "dimensione massima" in raised.value.message_dict["file"][0]
    assert state() == before


def test_an_empty_answer_is_refused(proposal, integration):
    before = state()

    with pytest.raises(ValidationError) as raised:
        answer_integration(request=integration, by=proposal.created_by, answer=" ", at=AFTER)

    assert "answer" in raised.value.message_dict
    assert state() == before


def test_audit_count_grows_by_one_per_use_case(proposal, item, manager):
    start = audit_count()
    request = ask(proposal, manager)
    answer_integration(request=request, by=proposal.created_by, answer="Ecco", at=AFTER)
    decide(proposal, manager, manual={item.pk: True}, at=AFTER + timedelta(hours=1))

    assert audit_count() == start + 3
    assert proposal.status == ProposalStatus.SUBMITTED
