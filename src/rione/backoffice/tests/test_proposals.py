"""Staff read the submitted proposals of their city's calls and answer applicants' questions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from rione.applications import services
from rione.applications.models import ApplicantQuestion
from rione.applications.tests.factories import (
    PDF_BYTES,
    ProposalFactory,
    add_partner,
    attach_bytes,
    complete_proposal,
    open_call,
)
from rione.core.models import AuditEvent, Role
from rione.programmes.models import FaqEntry
from rione.programmes.tests.factories import LotFactory

pytestmark = pytest.mark.django_db

# Session, user, roles, city, call, lots, count, one page of proposals with their latest
# version (subqueries in the same query, not one per row): 8 today, 2 to spare.
LIST_QUERIES = 10


@pytest.fixture
def call(city):
    return open_call(programme__city=city)


def submitted(call, *, title="Biblioteca di strada", **kwargs):
    """A proposal of ``call`` submitted through the service (first version)."""
    proposal = complete_proposal(ProposalFactory(call=call, **kwargs))
    proposal.title = title
    proposal.save(update_fields=["title"])
    services.submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
    )
    proposal.refresh_from_db()
    return proposal


def network_proposal(call, *, title, **kwargs):
    proposal = complete_proposal(ProposalFactory(call=call, is_network=True, **kwargs))
    add_partner(proposal)
    proposal.title = title
    proposal.save(update_fields=["title"])
    services.submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
    )
    return proposal


def list_url(call):
    return reverse("backoffice:proposal_list", args=[call.city.slug, call.pk])


def detail_url(proposal):
    call = proposal.call
    return reverse("backoffice:proposal_detail", args=[call.city.slug, call.pk, proposal.pk])


def download_url(proposal, attachment_pk):
    call = proposal.call
    return reverse(
        "backoffice:proposal_attachment",
        args=[call.city.slug, call.pk, proposal.pk, attachment_pk],
    )


def titles_in(response):
    return [row.title for row in response.context["rows"]]


class TestProposalList:
    def test_staff_see_submitted_and_reopened_never_drafts(self, call, manager, client_for):
        standing = submitted(call, title="Orti sui tetti")
        reopened = submitted(call, title="Cortili aperti")
        services.reopen_proposal(proposal=reopened, by=reopened.created_by)
        draft = complete_proposal(ProposalFactory(call=call))
        draft.title = "Bozza riservata"
        draft.save(update_fields=["title"])

        response = client_for(manager).get(list_url(call))

        assert response.status_code == 200
        assert sorted(titles_in(response)) == ["Cortili aperti", "Orti sui tetti"]
        assert "Bozza riservata" not in response.content.decode()
        row = next(r for r in response.context["rows"] if r.pk == standing.pk)
        assert row.protocol_number == standing.receipts.get().protocol_number
        assert row.requested_grant == "9000.00"
        assert "9.000,00" in response.content.decode()

    def test_reopened_proposal_shows_its_submitted_version_not_the_edits(
        self, call, manager, client_for
    ):
        proposal = submitted(call, title="Cortili aperti")
        services.reopen_proposal(proposal=proposal, by=proposal.created_by)
        services.save_idea_step(
            proposal=proposal,
            by=proposal.created_by,
            values={"title": "Titolo ancora in lavorazione"},
            neighbourhoods=list(proposal.neighbourhoods.all()),
        )
        attach_bytes(proposal, b"%PDF-1.4 nuovo", name="nuovo.pdf")

        response = client_for(manager).get(list_url(call))

        [row] = response.context["rows"]
        assert (row.title, row.status, row.attachments) == ("Cortili aperti", "reopened", 0)
        assert "Titolo ancora in lavorazione" not in response.content.decode()
        response = client_for(manager).get(list_url(call), {"testo": "lavorazione"})
        assert titles_in(response) == []

    def test_empty_state(self, call, evaluator, client_for):
        ProposalFactory(call=call)  # a draft only

        response = client_for(evaluator).get(list_url(call))

        assert response.status_code == 200
        assert response.context["rows"] == []
        assert "Non è ancora stata presentata nessuna proposta" in response.content.decode()

    def test_filters_by_status_kind_and_text(self, call, manager, client_for):
        # Names without digits, so that a protocol number matches no name.
        alone = submitted(call, title="Orti sui tetti", organisation__name="Associazione Alfa")
        submitted(call, title="Cortili aperti", by_group=True, group__name="Vicini di via Roma")
        network_proposal(call, title="Rete dei doposcuola", organisation__name="Rete Beta")
        withdrawn = submitted(call, title="Cinema in piazza", organisation__name="Circolo Gamma")
        services.withdraw_proposal(proposal=withdrawn, by=withdrawn.created_by, reason="Rinuncia")
        client = client_for(manager)

        def titles(**query):
            response = client.get(list_url(call), query)
            assert response.status_code == 200
            return sorted(titles_in(response))

        assert titles(stato="withdrawn") == ["Cinema in piazza"]
        assert titles(tipo="group") == ["Cortili aperti"]
        assert titles(tipo="network") == ["Rete dei doposcuola"]
        assert titles(tipo="organisation") == ["Cinema in piazza", "Orti sui tetti"]
        assert titles(testo="tetti") == ["Orti sui tetti"]
        assert titles(testo="vicini di via") == ["Cortili aperti"]
        number = alone.receipts.get().protocol_number
        assert titles(testo=str(number)) == ["Orti sui tetti"]
        assert titles(stato="submitted", tipo="organisation") == ["Orti sui tetti"]
        response = client.get(list_url(call), {"testo": "nessuna corrispondenza"})
        assert "Nessuna proposta corrisponde ai filtri." in response.content.decode()

    def test_filters_by_lot(self, call, manager, client_for):
        first, second = LotFactory(call=call), LotFactory(call=call)
        submitted(call, title="Nel primo lotto", lot=first)
        submitted(call, title="Nel secondo lotto", lot=second)

        response = client_for(manager).get(list_url(call), {"lotto": second.pk})

        assert titles_in(response) == ["Nel secondo lotto"]
        assert response.context["rows"][0].lot == str(second)

    def test_other_citys_manager_gets_404(self, call, other_manager, client_for):
        proposal = submitted(call)
        client = client_for(other_manager)

        assert client.get(list_url(call)).status_code == 404
        assert client.get(detail_url(proposal)).status_code == 404

    @pytest.mark.parametrize("n_proposals", [1, 25])
    def test_queries_do_not_grow_with_proposals(
        self, call, manager, client_for, n_proposals, django_assert_max_num_queries
    ):
        lot = LotFactory(call=call, budget=Decimal("500000.00"))
        for i in range(n_proposals):
            submitted(call, title=f"Proposta {i}", lot=lot)
        client = client_for(manager)

        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(list_url(call), {"tipo": "organisation", "lotto": lot.pk})

        assert len(response.context["rows"]) == n_proposals


class TestProposalDetail:
    def test_evaluator_reads_the_submitted_version(self, call, evaluator, client_for):
        proposal = complete_proposal(ProposalFactory(call=call))
        attachment = attach_bytes(proposal, PDF_BYTES, name="statuto.pdf")
        receipt = services.submit_proposal(
            proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
        )

        response = client_for(evaluator).get(detail_url(proposal))

        assert response.status_code == 200
        html = response.content.decode()
        assert "Biblioteca di strada" in html
        assert receipt.sha256 in html
        assert "9.000,00 €" in html and "10.000,00 €" in html
        assert download_url(proposal, attachment.pk) in html
        assert attachment.sha256 in html

    def test_group_members_and_network_partners_are_shown(self, call, manager, client_for):
        group = submitted(call, title="Cortili aperti", by_group=True)
        network = network_proposal(call, title="Rete dei doposcuola")
        client = client_for(manager)

        html = client.get(detail_url(group)).content.decode()
        assert "Componenti del gruppo" in html
        html = client.get(detail_url(network)).content.decode()
        assert "Scuola Media Belvedere" in html and "Scuola" in html

    def test_reopened_and_withdrawn_proposals_carry_a_note(self, call, manager, client_for):
        reopened = submitted(call, title="Cortili aperti")
        services.reopen_proposal(proposal=reopened, by=reopened.created_by)
        withdrawn = submitted(call, title="Cinema in piazza")
        services.withdraw_proposal(proposal=withdrawn, by=withdrawn.created_by, reason="Rinuncia")
        client = client_for(manager)

        html = client.get(detail_url(reopened)).content.decode()
        assert "Proposta riaperta dal proponente" in html
        html = client.get(detail_url(withdrawn)).content.decode()
        assert "Proposta ritirata" in html
        assert "Cinema in piazza" in html
        assert html.count('<code class="text-break">') >= 2  # both receipts listed

    def test_draft_is_404(self, call, manager, client_for):
        draft = complete_proposal(ProposalFactory(call=call))

        assert client_for(manager).get(detail_url(draft)).status_code == 404

    def test_proposal_under_another_call_is_404(self, call, city, manager, client_for):
        proposal = submitted(call)
        other_call = open_call(programme=call.programme)
        url = reverse("backoffice:proposal_detail", args=[city.slug, other_call.pk, proposal.pk])

        assert client_for(manager).get(url).status_code == 404


class TestAttachmentDownload:
    def test_staff_download_a_submitted_file_and_it_is_audited(self, call, evaluator, client_for):
        proposal = complete_proposal(ProposalFactory(call=call))
        attachment = attach_bytes(proposal, PDF_BYTES, name="statuto.pdf")
        services.submit_proposal(
            proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
        )

        response = client_for(evaluator).get(download_url(proposal, attachment.pk))

        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert "statuto.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF_BYTES
        event = AuditEvent.objects.get(action="attachment.downloaded")
        assert (event.actor, event.stream, event.data["attachment"]) == (
            evaluator,
            f"proposal:{proposal.pk}",
            attachment.pk,
        )

    def test_never_submitted_file_is_refused(self, call, manager, client_for):
        proposal = submitted(call)
        services.reopen_proposal(proposal=proposal, by=proposal.created_by)
        fresh = attach_bytes(proposal, b"%PDF-1.4 non ancora presentato", name="nuovo.pdf")
        other = submitted(call, title="Altra proposta")
        others_file = attach_bytes(other, PDF_BYTES, name="altrui.pdf")
        client = client_for(manager)

        assert client.get(download_url(proposal, fresh.pk)).status_code == 404
        assert client.get(download_url(proposal, others_file.pk)).status_code == 404
        assert not AuditEvent.objects.filter(action="attachment.downloaded").exists()

    def test_other_city_gets_404(self, call, other_manager, client_for):
        proposal = complete_proposal(ProposalFactory(call=call))
        attachment = attach_bytes(proposal, PDF_BYTES)
        services.submit_proposal(
            proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
        )

        response = client_for(other_manager).get(download_url(proposal, attachment.pk))

        assert response.status_code == 404
        assert not AuditEvent.objects.filter(action="attachment.downloaded").exists()


class TestApplicantQuestions:
    @pytest.fixture
    def question(self, call, citizen):
        return services.ask_question(
            call=call, by=citizen, text="Possono partecipare le associazioni non iscritte?"
        )

    def urls(self, question):
        call = question.call
        return (
            reverse("backoffice:applicant_question_list", args=[call.city.slug, call.pk]),
            reverse(
                "backoffice:applicant_question_answer",
                args=[call.city.slug, call.pk, question.pk],
            ),
        )

    def test_unanswered_questions_come_first(self, call, citizen, manager, question, client_for):
        answered = services.ask_question(
            call=call, by=citizen, text="Qual è la scadenza per i gruppi informali?"
        )
        services.answer_question(
            question=answered, by=manager, answer="La stessa.", publish_as_faq=False
        )
        list_url_, _answer = self.urls(question)

        response = client_for(manager).get(list_url_)

        assert response.status_code == 200
        assert [q.pk for q in response.context["page"]] == [question.pk, answered.pk]

    def test_answer_without_faq(self, manager, question, client_for):
        list_url_, answer_url = self.urls(question)
        faq_before = FaqEntry.objects.count()

        response = client_for(manager).post(answer_url, {"answer": "No, serve l'iscrizione."})

        assert response.status_code == 302
        assert response["Location"] == list_url_
        question.refresh_from_db()
        assert (question.answer, question.answered_by, question.faq_entry) == (
            "No, serve l'iscrizione.",
            manager,
            None,
        )
        assert FaqEntry.objects.count() == faq_before
        assert AuditEvent.objects.filter(action="question.answered", actor=manager).exists()

    def test_answer_published_as_faq(self, call, manager, question, client_for):
        _list, answer_url = self.urls(question)

        response = client_for(manager).post(
            answer_url, {"answer": "No, serve l'iscrizione.", "publish_as_faq": "on"}
        )

        assert response.status_code == 302
        question.refresh_from_db()
        entry = question.faq_entry
        assert entry is not None and entry.published_at is not None
        assert (entry.call, entry.question, entry.answer) == (
            call,
            question.text,
            "No, serve l'iscrizione.",
        )
        page = client_for(manager).get(answer_url)
        assert "publish_as_faq" not in page.context["form"].fields

    def test_empty_answer_is_refused(self, manager, question, client_for):
        _list, answer_url = self.urls(question)

        response = client_for(manager).post(answer_url, {"answer": "  "})

        assert response.status_code == 200
        question.refresh_from_db()
        assert question.answered_at is None

    @pytest.mark.parametrize("role", [Role.EVALUATOR, Role.MENTOR, Role.FINANCE_OFFICER])
    def test_other_roles_get_403(self, city, role, question, make_staff, client_for):
        client = client_for(make_staff(city, role))
        list_url_, answer_url = self.urls(question)

        assert client.get(list_url_).status_code == 403
        assert client.get(answer_url).status_code == 403
        assert client.post(answer_url, {"answer": "Sì."}).status_code == 403
        question.refresh_from_db()
        assert question.answered_at is None

    def test_other_citys_manager_gets_404(self, other_manager, question, client_for):
        client = client_for(other_manager)
        list_url_, answer_url = self.urls(question)

        assert client.get(list_url_).status_code == 404
        assert client.post(answer_url, {"answer": "Sì."}).status_code == 404
        assert ApplicantQuestion.objects.get(pk=question.pk).answered_at is None


def test_call_tabs_link_proposals_and_questions_by_role(call, manager, evaluator, client_for):
    detail = reverse("backoffice:call_detail", args=[call.city.slug, call.pk])
    proposals = reverse("backoffice:proposal_list", args=[call.city.slug, call.pk])
    questions = reverse("backoffice:applicant_question_list", args=[call.city.slug, call.pk])

    html = client_for(manager).get(detail).content.decode()
    assert proposals in html and questions in html
    html = client_for(evaluator).get(detail).content.decode()
    assert proposals in html and questions not in html
