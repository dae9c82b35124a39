"""The applicant's pages: every step renders, saves, refuses bad input, and the journey ends in a receipt."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import MembershipFactory, PersonFactory
from rione.applications import selectors, services
from rione.applications.models import Proposal, ProposalStatus, Receipt, Step
from rione.applications.tests.factories import (
    PDF_BYTES,
    ProposalFactory,
    complete_proposal,
    open_call,
)
from rione.core import clock
from rione.programmes.models import ExtraQuestion, QuestionKind, RequiredDocument
from rione.territory.models import CostCategory, Sector, TargetGroup

pytestmark = pytest.mark.django_db


def step_url(proposal, step):
    return reverse("applications:step", args=[proposal.pk, step])


@pytest.fixture
def proposal():
    return ProposalFactory()


@pytest.fixture
def client(client_for, proposal):
    return client_for(proposal.created_by)


@pytest.mark.parametrize("step", [s.value for s in Step])
def test_every_step_renders_with_the_step_list(client, proposal, step):
    response = client.get(step_url(proposal, step))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-current="step"' in body
    for label in ("Proponente", "L&#x27;idea", "Budget", "Riepilogo e invio"):
        assert label in body


def test_someone_else_gets_404_on_every_page(client_for, proposal, citizen, manager):
    for user in (citizen, manager):
        client = client_for(user)
        for step in Step:
            assert client.get(step_url(proposal, step)).status_code == 404
        assert client.get(reverse("applications:proposal", args=[proposal.pk])).status_code == 404


def test_idea_step_saves_and_moves_on(client, proposal):
    call = proposal.call
    sector = Sector.objects.filter(city=call.city).first()
    neighbourhood = call.eligible_neighbourhoods.first()
    response = client.post(
        step_url(proposal, Step.IDEA),
        {
            "revision": 0,
            "title": "Orti nei cortili",
            "summary": "Orti condivisi.",
            "sector": sector.pk,
            "neighbourhoods": [neighbourhood.pk],
            "save_next": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == step_url(proposal, Step.TARGETS)
    proposal.refresh_from_db()
    assert proposal.title == "Orti nei cortili"
    assert list(proposal.neighbourhoods.all()) == [neighbourhood]


def test_stale_revision_is_a_conflict_and_nothing_is_saved(client, proposal):
    client.post(step_url(proposal, Step.IDEA), {"revision": 0, "title": "Prima"})
    response = client.post(step_url(proposal, Step.IDEA), {"revision": 0, "title": "Seconda"})
    assert response.status_code == 200
    assert "Qualcun altro ha salvato questa sezione" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "Prima"


def test_budget_step_accepts_italian_amounts_and_shows_totals(client, proposal):
    category = CostCategory.objects.filter(city=proposal.call.city).first()
    data = {
        "revision": 0,
        "requested_grant": "9.000,00",
        "voci-TOTAL_FORMS": "2",
        "voci-INITIAL_FORMS": "0",
        "voci-0-cost_category": category.pk,
        "voci-0-description": "Educatori",
        "voci-0-quantity": "100",
        "voci-0-unit_cost": "100,00",
    }
    response = client.post(step_url(proposal, Step.BUDGET), data)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.requested_grant == Decimal("9000.00")
    page = client.get(step_url(proposal, Step.BUDGET)).content.decode()
    assert "10.000,00 €" in page
    assert "1.000,00 €" in page


def test_budget_step_refuses_a_half_filled_line(client, proposal):
    data = {
        "revision": 0,
        "requested_grant": "",
        "voci-TOTAL_FORMS": "1",
        "voci-INITIAL_FORMS": "0",
        "voci-0-description": "Senza categoria",
    }
    response = client.post(step_url(proposal, Step.BUDGET), data)
    assert response.status_code == 200
    assert "Completa la voce" in response.content.decode()
    assert not proposal.budget_lines.exists()


def test_budget_step_refuses_words_for_amounts(client, proposal):
    response = client.post(
        step_url(proposal, Step.BUDGET),
        {
            "revision": 0,
            "requested_grant": "diecimila",
            "voci-TOTAL_FORMS": "0",
            "voci-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Scrivi un importo in cifre" in response.content.decode()


def test_targets_and_questions_steps(client, proposal):
    group = TargetGroup.objects.filter(city=proposal.call.city).first()
    assert (
        client.post(
            step_url(proposal, Step.TARGETS), {"revision": 0, f"group_{group.pk}": "25"}
        ).status_code
        == 302
    )
    assert proposal.targets.get().participants == 25
    question = ExtraQuestion.objects.create(
        call=proposal.call, text="Avete già uno spazio?", kind=QuestionKind.YES_NO
    )
    response = client.post(
        step_url(proposal, Step.QUESTIONS), {"revision": 0, f"q_{question.pk}": "forse"}
    )
    assert response.status_code == 200
    assert not proposal.answers.exists()
    client.post(step_url(proposal, Step.QUESTIONS), {"revision": 0, f"q_{question.pk}": "yes"})
    assert proposal.answers.get().value == "yes"


def test_upload_checks_content_not_name(client, proposal):
    document = RequiredDocument.objects.create(call=proposal.call, title="Statuto")
    fake = SimpleUploadedFile("statuto.pdf", b"not really a pdf", content_type="application/pdf")
    client.post(
        reverse("applications:upload", args=[proposal.pk]),
        {"file": fake, "required_document": document.pk},
    )
    assert not proposal.attachments.exists()
    real = SimpleUploadedFile("statuto.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(
        reverse("applications:upload", args=[proposal.pk]),
        {"file": real, "required_document": document.pk},
    )
    attachment = proposal.attachments.get()
    download = client.get(reverse("applications:attachment", args=[proposal.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["X-Content-Type-Options"] == "nosniff"


def test_full_submission_gives_a_receipt_and_downloads(client, proposal):
    complete_proposal(proposal)
    response = client.post(
        step_url(proposal, Step.SUMMARY),
        {"expected_version": 0, "truthfulness": "on", "privacy": "on"},
    )
    receipt = Receipt.objects.get(proposal=proposal)
    assert response["Location"] == reverse("applications:receipt", args=[receipt.pk])
    page = client.get(response["Location"]).content.decode()
    assert receipt.sha256 in page
    content = client.get(reverse("applications:receipt_content", args=[receipt.pk]))
    import hashlib

    assert hashlib.sha256(content.content).hexdigest() == receipt.sha256
    again = client.post(
        step_url(proposal, Step.SUMMARY),
        {"expected_version": 0, "truthfulness": "on", "privacy": "on"},
    )
    assert again.status_code == 302
    assert Receipt.objects.filter(proposal=proposal).count() == 1


def test_submit_without_declarations_is_refused(client, proposal):
    complete_proposal(proposal)
    response = client.post(step_url(proposal, Step.SUMMARY), {"expected_version": 0})
    assert response.status_code == 200
    assert not Receipt.objects.exists()


def test_member_without_signing_power_sees_no_submit_button(client_for, proposal):
    member = PersonFactory().user
    MembershipFactory(organisation=proposal.organisation, user=member, role=MemberRole.MEMBER)
    complete_proposal(proposal)
    client = client_for(member)
    page = client.get(step_url(proposal, Step.SUMMARY)).content.decode()
    assert "Solo il legale rappresentante" in page
    response = client.post(
        step_url(proposal, Step.SUMMARY),
        {"expected_version": 0, "truthfulness": "on", "privacy": "on"},
    )
    assert response.status_code == 200
    assert not Receipt.objects.exists()


def test_after_deadline_the_proposal_is_read_only(client, proposal):
    with clock.travel_to(proposal.call.closes_at + timedelta(minutes=1)):
        page = client.get(step_url(proposal, Step.IDEA)).content.decode()
        assert "non modificare" in page
        assert "Salva e continua" not in page
        response = client.post(step_url(proposal, Step.IDEA), {"revision": 1, "title": "Tardi"})
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.title == ""


def test_start_a_proposal_from_a_call(client_for):
    call = open_call()
    user = PersonFactory().user
    MembershipFactory(user=user, role=MemberRole.LEGAL_REPRESENTATIVE)
    client = client_for(user)
    url = reverse("applications:start", args=[call.pk])
    page = client.get(url).content.decode()
    assert "Inizia la domanda" in page
    organisation_id = user.organisation_memberships.get().organisation_id
    response = client.post(url, {"applicant": f"org:{organisation_id}"})
    created = Proposal.objects.get()
    assert response["Location"] == step_url(created, Step.IDEA)
    assert created.organisation_id == organisation_id


def test_start_refuses_someone_elses_organisation(client_for, proposal):
    user = PersonFactory().user
    client = client_for(user)
    response = client.post(
        reverse("applications:start", args=[proposal.call.pk]),
        {"applicant": f"org:{proposal.organisation_id}"},
    )
    assert response.status_code == 200
    assert Proposal.objects.count() == 1


def test_my_proposals_lists_state_and_next_step(client, proposal):
    page = client.get(reverse("applications:list")).content.decode()
    assert "Bozza: completa i passi" in page


def test_reopen_and_withdraw_from_the_pages(client, proposal):
    complete_proposal(proposal)
    services.submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
    )
    client.post(reverse("applications:reopen", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REOPENED
    response = client.post(
        reverse("applications:withdraw", args=[proposal.pk]),
        {"reason": "Rinuncia", "confirm": "on"},
    )
    withdrawal = Receipt.objects.get(proposal=proposal, kind="withdrawal")
    assert response["Location"] == reverse("applications:receipt", args=[withdrawal.pk])
    assert withdrawal.protocol_number == 2


def test_verify_receipt_page(client, proposal):
    complete_proposal(proposal)
    receipt = services.submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
    )
    call = proposal.call
    url = reverse("applications:verify_receipt", args=[call.city.slug, call.slug])
    anonymous = type(client)()
    ok = anonymous.get(
        url, {"protocol_number": receipt.protocol_number, "sha256": receipt.sha256.upper()}
    )
    assert "Ricevuta valida" in ok.content.decode()
    wrong = anonymous.get(url, {"protocol_number": receipt.protocol_number, "sha256": "0" * 64})
    assert "Nessuna ricevuta" in wrong.content.decode()
    bad = anonymous.get(url, {"protocol_number": "abc", "sha256": "xyz"})
    assert bad.status_code == 200
    assert "64 caratteri" in bad.content.decode()


def test_ask_a_question(client_for, proposal):
    user = proposal.created_by
    client = client_for(user)
    response = client.post(
        reverse("applications:ask", args=[proposal.call.pk]),
        {"text": "Si può presentare con due enti?"},
    )
    assert response["Location"] == reverse("applications:questions")
    assert "Si può presentare con due enti?" in client.get(response["Location"]).content.decode()


def test_a_call_may_ask_informal_groups_for_more_members(client_for):
    proposal = ProposalFactory(by_group=True)
    call = proposal.call
    complete_proposal(proposal)
    assert services.review_proposal(proposal).ready
    call.min_group_members = 5
    call.save(update_fields=["min_group_members"])
    review = services.review_proposal(selectors.get_proposal(pk=proposal.pk))
    assert any("almeno 5 componenti" in p for p in review.by_step["applicant"])
    page = client_for(proposal.created_by).get(
        reverse("portal:call_detail", args=[call.city.slug, call.slug])
    )
    assert "almeno 5 componenti" in page.content.decode()
