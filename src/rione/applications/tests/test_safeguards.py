"""What applicants may not do to each other, what staff may not see, and input that must not crash."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import InformalGroupFactory, MembershipFactory, PersonFactory
from rione.applications import services
from rione.applications.models import Proposal, ProposalStatus, Step
from rione.applications.tests.factories import PDF_BYTES, ProposalFactory, complete_proposal
from rione.core.models import AuditEvent, Role
from rione.core.tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db


def submitted(proposal):
    complete_proposal(proposal)
    services.submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
    )
    proposal.refresh_from_db()
    return proposal


def test_a_plain_member_cannot_move_the_proposal_to_a_group_of_theirs():
    proposal = ProposalFactory()
    member = PersonFactory().user
    MembershipFactory(organisation=proposal.organisation, user=member, role=MemberRole.MEMBER)
    own_group = InformalGroupFactory(contact=member)
    with pytest.raises(PermissionDenied):
        services.save_applicant_step(proposal=proposal, by=member, group=own_group)
    proposal.refresh_from_db()
    assert (proposal.organisation_id, proposal.group_id) != (None, own_group.pk)


def test_who_applies_is_frozen_after_the_first_submission():
    proposal = submitted(ProposalFactory())
    owner = proposal.created_by
    services.reopen_proposal(proposal=proposal, by=owner)
    group = InformalGroupFactory(contact=owner)
    with pytest.raises(ValidationError, match="non si può cambiare"):
        services.save_applicant_step(proposal=proposal, by=owner, group=group)
    assert Proposal.objects.get(pk=proposal.pk).organisation_id == proposal.organisation_id


def test_drafts_stay_out_of_the_citys_activity_log(client_for):
    proposal = ProposalFactory()
    services.save_idea_step(
        proposal=proposal, by=proposal.created_by, values={"title": "SEGRETO"}, neighbourhoods=[]
    )
    city = proposal.call.city
    manager = StaffRoleFactory(city=city, role=Role.PROGRAMME_MANAGER).user
    page = client_for(manager).get(reverse("backoffice:audit_log", args=[city.slug]))
    assert page.status_code == 200
    assert "SEGRETO" not in page.content.decode()
    assert not AuditEvent.objects.filter(city_id=city.pk, object_type="applications.proposal")


def test_staff_cannot_read_a_reopened_working_copy_through_the_api(client_for):
    proposal = submitted(ProposalFactory())
    services.reopen_proposal(proposal=proposal, by=proposal.created_by)
    services.save_idea_step(
        proposal=proposal,
        by=proposal.created_by,
        values={"title": "BOZZA NON PRESENTATA"},
        neighbourhoods=list(proposal.neighbourhoods.all()),
        revision=services.step_revision(proposal, Step.IDEA),
    )
    evaluator = StaffRoleFactory(city=proposal.call.city, role=Role.EVALUATOR).user
    response = client_for(evaluator).get(f"/api/applicant/proposals/{proposal.pk}")
    assert response.status_code == 404
    assert "BOZZA NON PRESENTATA" not in response.content.decode()


def test_a_withdrawal_records_the_submitted_version_not_the_working_copy():
    proposal = submitted(ProposalFactory())
    owner = proposal.created_by
    services.reopen_proposal(proposal=proposal, by=owner)
    services.save_idea_step(
        proposal=proposal,
        by=owner,
        values={"title": "Modifica mai presentata"},
        neighbourhoods=list(proposal.neighbourhoods.all()),
        revision=services.step_revision(proposal, Step.IDEA),
    )
    receipt = services.withdraw_proposal(proposal=proposal, by=owner, reason="Rinuncia")
    content = json.loads(receipt.content)
    assert content["title"] == "Biblioteca di strada"
    assert content["withdrawn_version"] == 1
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.WITHDRAWN


@pytest.mark.parametrize("text", ["con\x00nul", "mezzo \ud800 carattere"])
def test_text_no_database_can_store_is_refused_with_a_message(text):
    proposal = ProposalFactory()
    with pytest.raises(ValidationError, match="caratteri non validi"):
        services.save_idea_step(
            proposal=proposal, by=proposal.created_by, values={"title": text}, neighbourhoods=[]
        )
    assert Proposal.objects.get(pk=proposal.pk).title == ""


def test_partner_texts_have_limits():
    proposal = ProposalFactory(is_network=True)
    with pytest.raises(ValidationError):
        services.add_partner(
            proposal=proposal,
            by=proposal.created_by,
            values={"name": "Scuola", "kind": "school", "role": "x" * 1001, "resources": "Aule"},
        )
    assert not proposal.partners.exists()


def test_a_huge_amount_is_a_message_not_a_crash(client_for):
    proposal = ProposalFactory()
    response = client_for(proposal.created_by).post(
        reverse("applications:step", args=[proposal.pk, Step.BUDGET]),
        {
            "revision": 0,
            "requested_grant": "1e30",
            "voci-TOTAL_FORMS": "0",
            "voci-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "troppo grande" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).requested_grant is None


def test_a_long_accented_file_name_is_kept_but_not_used_on_disk():
    proposal = ProposalFactory()
    name = "è" * 150 + ".pdf"
    attachment = services.add_attachment(
        proposal=proposal, by=proposal.created_by, upload=SimpleUploadedFile(name, PDF_BYTES)
    )
    assert attachment.original_name == name[:200]
    assert attachment.file.name.endswith(f"{attachment.sha256}.pdf")


def test_reminders_speak_of_the_standing_version_of_a_reopened_proposal(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal = submitted(ProposalFactory())
    services.reopen_proposal(proposal=proposal, by=proposal.created_by)
    assert proposal.call.closes_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_deadline_reminders(at=proposal.call.closes_at - timedelta(hours=20))
    assert sent == 1
    (message,) = [
        m for m in mailoutbox if m.to == [proposal.created_by.email] and "riaperto" in m.body
    ]
    assert "resta valida la versione presentata" in message.body
