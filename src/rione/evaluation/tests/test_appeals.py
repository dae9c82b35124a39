"""Appeals with files, their downloads, and re-scoring after an upheld appeal.

Givens come from ``test_rankings.ranked_call``: one commission with one chair who signed
one score per proposal, every proposal admissible, the call closed.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rione.applications.models import Attachment, Proposal
from rione.applications.tests.factories import PDF_BYTES
from rione.core import clock
from rione.core.models import AuditEvent, Role, User
from rione.core.tests.factories import StaffRoleFactory
from rione.evaluation.models import (
    AdmissibilityOutcome,
    AdmissibilityReview,
    Appeal,
    AppealOutcome,
    CommissionMember,
    ConflictDeclaration,
    ConsensusScore,
    Criterion,
    Evaluation,
    EvaluationStatus,
    Ranking,
    RankingEntry,
    RankingKind,
    Score,
    ScoringMethod,
)
from rione.evaluation.services import (
    MAX_APPEAL_FILES,
    AlreadyAppealed,
    AppealNotUpheld,
    AppealWindowClosed,
    NothingToReopen,
    ScoringAlreadyReopened,
    ScoringReopened,
    compute_ranking,
    decide_appeal,
    file_appeal,
    publish_final,
    publish_provisional,
    record_consensus,
    reopen_scoring,
    sign_evaluation,
)
from rione.evaluation.tests.test_rankings import Ranked, ranked_call

pytestmark = pytest.mark.django_db


def pdf(name: str = "verbale.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class World:
    ranked: Ranked
    ranking: Ranking
    proposal: Proposal  # the appellant: second of two, scored 70
    owner: User
    seat: CommissionMember

    @property
    def after_window(self) -> Any:
        assert self.ranking.appeals_close_at is not None
        return self.ranking.appeals_close_at + timedelta(minutes=1)


@pytest.fixture
def world(city) -> World:
    ranked = ranked_call(city, [80, 70])
    ranking = publish_provisional(
        ranking=compute_ranking(call=ranked.call, by=ranked.manager), by=ranked.manager
    )
    proposal = ranked.proposals[1]
    seat = CommissionMember.objects.get(commission__call=ranked.call)
    return World(ranked, ranking, proposal, proposal.created_by, seat)


def file_it(world: World, *uploads: SimpleUploadedFile, **kwargs: Any) -> Appeal:
    return file_appeal(
        ranking=world.ranking,
        proposal=world.proposal,
        by=kwargs.pop("by", world.owner),
        text=kwargs.pop("text", "Il criterio A è stato valutato senza leggere il piano."),
        uploads=list(uploads),
        **kwargs,
    )


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def final(world: World) -> Ranking:
    return publish_final(
        call=world.ranked.call,
        by=world.ranked.manager,
        act_number="42",
        act_date=date(2025, 6, 1),
        at=world.after_window,
    )


# Filing with files


def test_files_are_kept_with_the_appeal_outside_the_submission(world):
    appeal = file_it(world, pdf("verbale.pdf"), pdf("perizia.pdf", PDF_BYTES + b"%extra\n"))

    files = list(appeal.attachments.order_by("pk"))
    assert [f.original_name for f in files] == ["verbale.pdf", "perizia.pdf"]
    for f, content in zip(files, [PDF_BYTES, PDF_BYTES + b"%extra\n"], strict=True):
        assert (f.proposal, f.is_current, f.in_submission, f.uploaded_by) == (
            world.proposal,
            False,
            False,
            world.owner,
        )
        assert (f.content_type, f.size) == ("application/pdf", len(content))
        assert f.sha256 == hashlib.sha256(content).hexdigest()
        with f.file.open("rb") as handle:
            assert handle.read() == content
    assert not world.proposal.attachments.filter(is_current=True).exists()
    event = AuditEvent.objects.get(action="appeal.filed")
    assert event.stream == f"call:{world.ranked.call.pk}"
    assert [(a["name"], a["sha256"]) for a in event.data["attachments"]] == [
        (f.original_name, f.sha256) for f in files
    ]


def test_an_appeal_without_files_is_fine(world):
    appeal = file_it(world)

    assert appeal.attachments.count() == 0
    assert AuditEvent.objects.get(action="appeal.filed").data["attachments"] == []


def _wrong_type(world, settings):
    return {"uploads": [pdf(), SimpleUploadedFile("piano.pdf", b"#!/bin/sh\necho no\n")]}


def _too_big(world, settings):
    settings.PROPOSAL_FILE_MAX_BYTES = len(PDF_BYTES) - 1
    return {"uploads": [pdf()]}


def _all_together_too_big(world, settings):
    settings.PROPOSAL_FILES_MAX_BYTES = len(PDF_BYTES) * 2 - 1  # each one fits, both do not
    return {"uploads": [pdf("a.pdf"), pdf("b.pdf")]}


def _too_many(world, settings):
    return {"uploads": [pdf(f"{i}.pdf") for i in range(MAX_APPEAL_FILES + 1)]}


def _empty_text(world, settings):
    return {"uploads": [pdf()], "text": "  "}


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        (_wrong_type, "documents", "«piano.pdf»: Tipo di file non ammesso"),
        (_too_big, "documents", "«verbale.pdf»: Il file supera la dimensione massima"),
        (_all_together_too_big, "documents", "supererebbero in tutto"),
        (_too_many, "documents", f"al massimo {MAX_APPEAL_FILES} file"),
        (_empty_text, "text", "Scrivi i motivi del ricorso"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(world, settings, given, field, message):
    kwargs = given(world, settings)
    before = stored_files(settings)

    with pytest.raises(ValidationError) as refused:
        file_it(world, *kwargs.pop("uploads"), **kwargs)

    assert message in " ".join(refused.value.message_dict[field])
    assert not Appeal.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == before
    assert not AuditEvent.objects.filter(action="appeal.filed").exists()


def test_after_the_window_twice_or_by_a_stranger_nothing_is_stored(world, settings, citizen):
    before = stored_files(settings)
    with pytest.raises(AppealWindowClosed):
        file_it(world, pdf(), at=world.ranking.appeals_close_at)
    with pytest.raises(PermissionDenied):
        file_it(world, pdf(), by=citizen)
    with pytest.raises(PermissionDenied):  # the applicant of another proposal
        file_it(world, pdf(), by=world.ranked.proposals[0].created_by)
    assert not Appeal.objects.exists() and not Attachment.objects.exists()
    assert stored_files(settings) == before

    first = file_it(world, pdf("primo.pdf"))
    with pytest.raises(AlreadyAppealed):
        file_it(world, pdf("secondo.pdf"))

    assert list(Appeal.objects.all()) == [first]
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["primo.pdf"]
    assert len(stored_files(settings)) == len(before) + 1


# The applicant's page and downloads


def test_the_applicant_files_with_several_files_and_sees_them(world, client_for):
    client = client_for(world.owner)
    url = reverse("evaluation:appeal_file", args=[world.proposal.pk])

    response = client.post(
        url,
        {"text": "Punteggio errato.", "documents": [pdf("verbale.pdf"), pdf("perizia.pdf")]},
    )

    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert sorted(appeal.attachments.values_list("original_name", flat=True)) == [
        "perizia.pdf",
        "verbale.pdf",
    ]
    page = client.get(url).content.decode()
    for file in appeal.attachments.all():
        assert reverse("applications:attachment", args=[world.proposal.pk, file.pk]) in page
        assert file.original_name in page
    assert 'type="file"' not in page  # filed once: no form any more


def test_a_refused_file_shows_the_message_and_stores_nothing(world, client_for, settings):
    before = stored_files(settings)
    client = client_for(world.owner)
    url = reverse("evaluation:appeal_file", args=[world.proposal.pk])

    response = client.post(
        url,
        {"text": "Punteggio errato.", "documents": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00")]},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Non è stato salvato nulla" in page and "Tipo di file non ammesso" in page
    assert "multiple" in page and 'enctype="multipart/form-data"' in page
    assert not Appeal.objects.exists() and not Attachment.objects.exists()
    assert stored_files(settings) == before


def test_the_applicant_page_after_the_window_has_no_form(world, client_for, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: world.after_window)
    client = client_for(world.owner)
    url = reverse("evaluation:appeal_file", args=[world.proposal.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"text": "Tardi.", "documents": [pdf()]})

    assert "termine per presentare ricorso è scaduto" in page
    assert response.status_code == 200
    assert not Appeal.objects.exists() and not Attachment.objects.exists()


def people(city, other_city, world: World) -> dict[str, Any]:
    clients = {}
    for name, user in {
        "manager": world.ranked.manager,
        "evaluator": StaffRoleFactory(city=city, role=Role.EVALUATOR).user,
        "other_manager": StaffRoleFactory(city=other_city, role=Role.PROGRAMME_MANAGER).user,
        "owner": world.owner,
        "other_applicant": world.ranked.proposals[0].created_by,
    }.items():
        client = Client()
        client.force_login(user)
        clients[name] = client
    return clients


def test_downloads_for_the_managers_audited_and_for_the_applicant(city, other_city, world):
    appeal = file_it(world, pdf("verbale.pdf"))
    file = appeal.attachments.get()
    clients = people(city, other_city, world)
    staff_url = reverse(
        "evaluation:appeal_attachment", args=[city.slug, world.ranked.call.pk, appeal.pk, file.pk]
    )
    own_url = reverse("applications:attachment", args=[world.proposal.pk, file.pk])

    expected_staff = {
        "evaluator": 403,
        "other_manager": 404,
        "owner": 403,
        "other_applicant": 403,
    }
    for who, status in expected_staff.items():
        assert clients[who].get(staff_url).status_code == status, who
    assert not AuditEvent.objects.filter(action="attachment.downloaded").exists()
    response = clients["manager"].get(staff_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "verbale.pdf" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="attachment.downloaded")
    assert (event.actor, event.data["attachment"], event.data["sha256"]) == (
        world.ranked.manager,
        file.pk,
        file.sha256,
    )

    for who, status in {"manager": 404, "other_applicant": 404, "owner": 200}.items():
        assert clients[who].get(own_url).status_code == status, who


def test_a_file_of_the_proposal_outside_the_appeal_is_not_served(city, world, client_for):
    appeal = file_it(world, pdf())
    stranger = Attachment.objects.create(
        proposal=world.proposal,
        title="Altro",
        file=pdf("altro.pdf"),
        original_name="altro.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=world.owner,
        uploaded_at=clock.now(),
    )
    client = client_for(world.ranked.manager)

    url = reverse(
        "evaluation:appeal_attachment",
        args=[city.slug, world.ranked.call.pk, appeal.pk, stranger.pk],
    )

    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="attachment.downloaded").exists()


def test_the_ranking_page_lists_the_files_with_their_download_links(world, client_for):
    appeal = file_it(world, pdf("verbale.pdf"), pdf("perizia.pdf"))
    call = world.ranked.call

    page = (
        client_for(world.ranked.manager)
        .get(reverse("evaluation:ranking", args=[call.city.slug, call.pk]))
        .content.decode()
    )

    for file in appeal.attachments.all():
        url = reverse(
            "evaluation:appeal_attachment", args=[call.city.slug, call.pk, appeal.pk, file.pk]
        )
        assert url in page and file.original_name in page
    assert "riapri la valutazione della proposta" in page.lower()


# Deciding, with and without reopening the scoring


def test_the_ranking_page_queries_do_not_grow_with_appeals_and_files(world, client_for):
    call = world.ranked.call
    client = client_for(world.ranked.manager)
    url = reverse("evaluation:ranking", args=[call.city.slug, call.pk])
    file_it(world, pdf("a.pdf"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    other = world.ranked.proposals[0]
    appeal = file_appeal(
        ranking=world.ranking,
        proposal=other,
        by=other.created_by,
        text="Anche io.",
        uploads=[pdf("b.pdf"), pdf("c.pdf"), pdf("d.pdf")],
    )
    decide_appeal(
        appeal=appeal, by=world.ranked.manager, outcome=AppealOutcome.UPHELD, decision="Sì."
    )
    reopen_scoring(appeal=appeal, by=world.ranked.manager)

    with CaptureQueriesContext(connection) as two:
        page = client.get(url).content.decode()

    assert len(two) <= len(one) + 2, (len(one), len(two))  # the pending check reads more
    assert "valutazione riaperta" in page and "d.pdf" in page


def test_reopening_needs_an_upheld_appeal(world):
    appeal = file_it(world)

    with pytest.raises(ValidationError) as refused:
        decide_appeal(
            appeal=appeal,
            by=world.ranked.manager,
            outcome=AppealOutcome.REJECTED,
            decision="Corretto.",
            reopen=True,
        )
    with pytest.raises(AppealNotUpheld):
        reopen_scoring(appeal=appeal, by=world.ranked.manager)

    assert "reopen" in refused.value.message_dict
    appeal.refresh_from_db()
    assert appeal.outcome == AppealOutcome.PENDING
    assert not Evaluation.objects.filter(status=EvaluationStatus.DRAFT).exists()


def test_upheld_without_reopening_keeps_the_scores_and_the_final_follows(world):
    appeal = file_it(world)

    decide_appeal(
        appeal=appeal,
        by=world.ranked.manager,
        outcome=AppealOutcome.UPHELD,
        decision="Accolto: si ricalcola.",
    )

    assert not Evaluation.objects.filter(status=EvaluationStatus.DRAFT).exists()
    assert AuditEvent.objects.get(action="appeal.decided").data["reopen"] is False
    assert not AuditEvent.objects.filter(action="appeal.scoring_reopened").exists()
    assert final(world).kind == RankingKind.FINAL


def test_upheld_with_reopening_drafts_the_evaluations_audits_and_mails(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    appeal = file_it(world, pdf())
    evaluation = Evaluation.objects.get(proposal=world.proposal)
    criterion = Criterion.objects.get(call=world.ranked.call)
    signed_at = evaluation.signed_at

    with django_capture_on_commit_callbacks(execute=True):
        decide_appeal(
            appeal=appeal,
            by=world.ranked.manager,
            outcome=AppealOutcome.UPHELD,
            decision="Il piano non era stato letto.",
            reopen=True,
        )

    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.signed_at) == (EvaluationStatus.DRAFT, None)
    assert Score.objects.get(evaluation=evaluation).points == Decimal("70.00")  # the draft
    other = Evaluation.objects.get(proposal=world.ranked.proposals[0])
    assert other.status == EvaluationStatus.SIGNED  # only the appellant's proposal reopens
    event = AuditEvent.objects.get(action="appeal.scoring_reopened")
    assert (event.actor, event.stream) == (world.ranked.manager, f"call:{world.ranked.call.pk}")
    assert (event.data["appeal"], event.data["proposal"]) == (appeal.pk, world.proposal.pk)
    [before] = event.data["evaluations"]
    assert (before["evaluation"], before["evaluator"], before["member"]) == (
        evaluation.pk,
        world.seat.user_id,
        world.seat.pk,
    )
    assert before["signed_at"] == signed_at.isoformat()
    assert before["scores"] == [
        {"criterion": criterion.pk, "code": "A", "points": "70.00", "comment": ""}
    ]
    assert event.data["consensus"] == []
    reopened = AuditEvent.objects.get(action="evaluation.reopened")
    assert (reopened.object_id, reopened.data["scores"]) == (str(evaluation.pk), before["scores"])
    mails = {tuple(m.to): m for m in mailoutbox}
    to_evaluator = mails[(world.seat.user.email,)]
    assert "Valutazione da rifare" in to_evaluator.subject
    assert reverse("evaluation:scoring_form", args=["napoli", world.proposal.pk]) in (
        to_evaluator.body
    )
    to_applicant = mails[(world.owner.email,)]
    assert "riaperta" in to_applicant.body and "Accolto" in to_applicant.body


def _resign(world: World, points: str) -> None:
    criterion = Criterion.objects.get(call=world.ranked.call)
    ConflictDeclaration.objects.get_or_create(
        member=world.seat,
        proposal=world.proposal,
        defaults={"has_conflict": False, "declared_at": clock.now()},
    )
    sign_evaluation(
        by=world.seat.user, proposal=world.proposal, points={criterion.pk: Decimal(points)}
    )


def test_no_ranking_until_the_reopened_evaluation_is_signed_again(world, client_for):
    appeal = file_it(world)
    decide_appeal(
        appeal=appeal,
        by=world.ranked.manager,
        outcome=AppealOutcome.UPHELD,
        decision="Da rivalutare.",
        reopen=True,
    )

    with pytest.raises(ScoringReopened) as refused:
        final(world)
    with pytest.raises(ScoringReopened):
        compute_ranking(call=world.ranked.call, by=world.ranked.manager)

    assert "1 proposta" in str(refused.value.message)
    assert not Ranking.objects.filter(kind=RankingKind.FINAL).exists()
    assert Ranking.objects.count() == 1
    ConflictDeclaration.objects.create(
        member=world.seat, proposal=world.proposal, has_conflict=False, declared_at=clock.now()
    )
    form = client_for(world.seat.user).get(
        reverse("evaluation:scoring_form", args=["napoli", world.proposal.pk])
    )
    assert form.status_code == 200 and 'name="points_' in form.content.decode()

    _resign(world, "95")
    ranking = final(world)

    entries = dict(
        RankingEntry.objects.filter(ranking=ranking).values_list("proposal_id", "position")
    )
    assert entries[world.proposal.pk] == 1  # 95 now beats 80
    assert RankingEntry.objects.get(ranking=ranking, proposal=world.proposal).score == Decimal(
        "95.00"
    )


def test_consensus_scores_are_removed_kept_in_the_audit_and_must_be_recorded_again(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    commission = world.seat.commission
    commission.method = ScoringMethod.CONSENSUS
    commission.save(update_fields=["method"])
    criterion = Criterion.objects.get(call=world.ranked.call)
    for proposal, points in zip(world.ranked.proposals, ("80", "70"), strict=True):
        record_consensus(
            commission=commission,
            proposal=proposal,
            points={criterion.pk: Decimal(points)},
            by=world.seat.user,
        )
    appeal = file_it(world)

    with django_capture_on_commit_callbacks(execute=True):
        decide_appeal(
            appeal=appeal,
            by=world.ranked.manager,
            outcome=AppealOutcome.UPHELD,
            decision="Da rivalutare.",
            reopen=True,
        )

    assert not ConsensusScore.objects.filter(proposal=world.proposal).exists()
    assert ConsensusScore.objects.filter(proposal=world.ranked.proposals[0]).exists()
    [agreed] = AuditEvent.objects.get(action="appeal.scoring_reopened").data["consensus"]
    assert (agreed["commission"], agreed["criterion"], agreed["points"]) == (
        commission.pk,
        criterion.pk,
        "70.00",
    )
    consensus_url = reverse(
        "evaluation:scoring_consensus",
        args=["napoli", world.ranked.call.pk, commission.pk, world.proposal.pk],
    )
    [to_chair] = [m for m in mailoutbox if m.to == [world.seat.user.email]]
    assert consensus_url in to_chair.body
    _resign(world, "70")  # the member's own evaluation signed again: the consensus still lacks
    with pytest.raises(ScoringReopened):
        final(world)

    record_consensus(
        commission=commission,
        proposal=world.proposal,
        points={criterion.pk: Decimal("85")},
        by=world.seat.user,
    )

    ranking = final(world)
    assert RankingEntry.objects.get(ranking=ranking, proposal=world.proposal).position == 1


def test_nothing_to_reopen_undoes_the_decision(world, mailoutbox):
    appeal = file_it(world)
    Score.objects.filter(evaluation__proposal=world.proposal).delete()
    Evaluation.objects.filter(proposal=world.proposal).delete()

    with pytest.raises(NothingToReopen):
        decide_appeal(
            appeal=appeal,
            by=world.ranked.manager,
            outcome=AppealOutcome.UPHELD,
            decision="Da rivalutare.",
            reopen=True,
        )

    appeal.refresh_from_db()
    assert appeal.outcome == AppealOutcome.PENDING
    assert not AuditEvent.objects.filter(action="appeal.decided").exists()
    assert mailoutbox == []


def test_reopening_is_once_and_for_the_managers_only(city, world):
    appeal = file_it(world)
    decide_appeal(
        appeal=appeal, by=world.ranked.manager, outcome=AppealOutcome.UPHELD, decision="Sì."
    )

    with pytest.raises(PermissionDenied):
        reopen_scoring(appeal=appeal, by=world.seat.user)
    assert not Evaluation.objects.filter(status=EvaluationStatus.DRAFT).exists()
    reopen_scoring(appeal=appeal, by=world.ranked.manager)
    with pytest.raises(ScoringAlreadyReopened):
        reopen_scoring(appeal=appeal, by=world.ranked.manager)

    assert AuditEvent.objects.filter(action="appeal.scoring_reopened").count() == 1


def test_the_decision_view_reopens_and_the_final_form_explains_the_refusal(
    world, client_for, monkeypatch
):
    appeal = file_it(world)
    call = world.ranked.call
    client = client_for(world.ranked.manager)

    response = client.post(
        reverse("evaluation:appeal_decide", args=[call.city.slug, call.pk, appeal.pk]),
        {"outcome": "upheld", "decision": "Da rivalutare.", "reopen": "on"},
        follow=True,
    )

    assert "La valutazione della proposta è riaperta" in response.content.decode()
    assert Evaluation.objects.get(proposal=world.proposal).status == EvaluationStatus.DRAFT
    assert "attende di essere firmata di nuovo" in response.content.decode()
    monkeypatch.setattr(clock, "now", lambda: world.after_window)
    response = client.post(
        reverse("evaluation:ranking_final", args=[call.city.slug, call.pk]),
        {"act_number": "3", "act_date": "2025-06-02"},
        follow=True,
    )
    assert "non è ancora stata firmata di nuovo" in response.content.decode()
    assert not Ranking.objects.filter(kind=RankingKind.FINAL).exists()


def test_the_decision_view_is_for_the_city_managers_only(city, other_city, world):
    appeal = file_it(world)
    clients = people(city, other_city, world)
    url = reverse("evaluation:appeal_decide", args=[city.slug, world.ranked.call.pk, appeal.pk])
    data = {"outcome": "upheld", "decision": "Sì.", "reopen": "on"}

    for who, status in {"evaluator": 403, "other_manager": 404, "owner": 403}.items():
        assert clients[who].post(url, data).status_code == status, who
    assert clients["manager"].get(url).status_code == 405

    appeal.refresh_from_db()
    assert appeal.outcome == AppealOutcome.PENDING
    assert not Evaluation.objects.filter(status=EvaluationStatus.DRAFT).exists()


# An appeal about admissibility: the outcome is reviewed on the admissibility page


def test_admissibility_is_reviewed_after_the_provisional_ranking(world, client_for):
    AdmissibilityReview.objects.filter(proposal=world.proposal).update(
        outcome=AdmissibilityOutcome.NOT_ADMISSIBLE, reason="Manca lo statuto."
    )
    ranking = publish_provisional(
        ranking=compute_ranking(call=world.ranked.call, by=world.ranked.manager),
        by=world.ranked.manager,
    )
    world.ranking = ranking
    appeal = file_it(world, pdf("statuto.pdf"))
    decide_appeal(
        appeal=appeal,
        by=world.ranked.manager,
        outcome=AppealOutcome.UPHELD,
        decision="Lo statuto era allegato.",
    )
    call = world.ranked.call

    response = client_for(world.ranked.manager).post(
        reverse(
            "evaluation:admissibility_review", args=[call.city.slug, call.pk, world.proposal.pk]
        ),
        {"outcome": "admissible", "reason": "Ricorso accolto: lo statuto c'era."},
    )

    assert response.status_code == 302
    assert AdmissibilityReview.objects.get(proposal=world.proposal).outcome == "admissible"
    entry = RankingEntry.objects.get(ranking=final(world), proposal=world.proposal)
    assert entry.status != "not_admissible" and entry.score == Decimal("70.00")


def test_my_proposals_links_the_appeal_while_the_window_is_open(world):
    client = Client()
    client.force_login(world.owner)
    appeal_url = reverse("evaluation:appeal_file", args=[world.proposal.pk])

    page = client.get(reverse("applications:list")).content.decode()
    assert appeal_url in page
    assert "Graduatoria provvisoria" in page

    with clock.travel_to(world.after_window):
        page = client.get(reverse("applications:list")).content.decode()
    assert appeal_url not in page
