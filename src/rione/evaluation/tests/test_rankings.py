"""Rankings: computation, publication, appeals, final ranking and scorrimento; public outputs.

The givens (``ranked_call``) are shared with test_ranking_views.
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rione.applications.models import Proposal
from rione.core import clock
from rione.core.models import AuditEvent, Role, User
from rione.evaluation import exports
from rione.evaluation.models import (
    AdmissibilityOutcome,
    AdmissibilityReview,
    Appeal,
    AppealOutcome,
    Assignment,
    Commission,
    CommissionMember,
    CommissionRole,
    Criterion,
    EntryStatus,
    Evaluation,
    EvaluationStatus,
    Ranking,
    RankingEntry,
    RankingKind,
    Score,
    SelectionRules,
)
from rione.evaluation.services import (
    AdmissibilityPending,
    AlreadyAppealed,
    AppealsPending,
    AppealWindowClosed,
    AppealWindowOpen,
    CallNotClosed,
    FinalRankingExists,
    RankingFinal,
    RubricLocked,
    compute_ranking,
    create_criterion,
    decide_admissibility,
    decide_appeal,
    file_appeal,
    publish_final,
    publish_provisional,
    renounce,
    revoke,
    save_selection_rules,
)
from rione.evaluation.tests.test_commissions import staff, submitted

pytestmark = pytest.mark.django_db


@dataclass
class Ranked:
    call: Any
    manager: User
    proposals: list[Proposal]


def ranked_call(
    city,
    scores: list[int],
    *,
    groups: frozenset[int] = frozenset(),
    admissible: bool | None = True,
    budget: Decimal | None = Decimal("100000.00"),
    close: bool = True,
) -> Ranked:
    """A call of ``city`` with one proposal per score (grant 9 000 €), signed and admitted.

    Proposals whose index is in ``groups`` come from informal groups. Scores, assignments
    and admissibility are written directly (givens of other use cases); ``admissible=None``
    leaves admissibility pending. ``close`` moves the deadline into the past.
    """
    from rione.applications.tests.factories import open_call

    call = open_call(programme__city=city, budget=budget)
    manager = User.objects.get(pk=staff(city, Role.PROGRAMME_MANAGER).pk)
    proposals = [
        submitted(call, title=f"Proposta {i}", **({"by_group": True} if i in groups else {}))
        for i in range(len(scores))
    ]
    criterion = Criterion.objects.create(call=call, code="A", title="Qualità", max_points=100)
    commission = Commission.objects.create(call=call, name="Commissione")
    seat = CommissionMember.objects.create(
        commission=commission, user=staff(city), role=CommissionRole.CHAIR
    )
    now = clock.now()
    Assignment.objects.bulk_create(
        [Assignment(member=seat, proposal=p, assigned_at=now) for p in proposals]
    )
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(member=seat, proposal=p, status=EvaluationStatus.SIGNED, signed_at=now)
            for p in proposals
        ]
    )
    Score.objects.bulk_create(
        [
            Score(evaluation=e, criterion=criterion, points=Decimal(points))
            for e, points in zip(evaluations, scores, strict=True)
        ]
    )
    if admissible is not None:
        AdmissibilityReview.objects.bulk_create(
            [
                AdmissibilityReview(
                    proposal=p,
                    outcome="admissible" if admissible else "not_admissible",
                    reason="Verificata.",
                )
                for p in proposals
            ]
        )
    if close:
        type(call).objects.filter(pk=call.pk).update(closes_at=now - timedelta(minutes=1))
        call.refresh_from_db()
    return Ranked(call=call, manager=manager, proposals=proposals)


def entries(ranking: Ranking) -> list[tuple[int, str]]:
    return [
        (e.proposal_id, e.status)
        for e in RankingEntry.objects.filter(ranking=ranking).order_by("pk")
    ]


def published(world: Ranked) -> Ranking:
    ranking = compute_ranking(call=world.call, by=world.manager)
    return publish_provisional(ranking=ranking, by=world.manager)


class TestComputeRanking:
    def test_orders_by_score_stores_the_content_and_its_hash(self, city):
        world = ranked_call(city, [70, 90, 80])
        p0, p1, p2 = world.proposals

        ranking = compute_ranking(call=world.call, by=world.manager)

        assert [(e.proposal_id, e.position, e.score) for e in ranking.entries.order_by("pk")] == [
            (p1.pk, 1, Decimal("90.00")),
            (p2.pk, 2, Decimal("80.00")),
            (p0.pk, 3, Decimal("70.00")),
        ]
        assert ranking.kind == RankingKind.PROVISIONAL and ranking.published_at is None
        assert ranking.sha256 == hashlib.sha256(ranking.content.encode()).hexdigest()
        content = json.loads(ranking.content)
        assert content["rows"][0]["requested"] == "9000.00"
        assert list(json.loads(ranking.content)) == sorted(content)
        event = AuditEvent.objects.get(action="ranking.computed")
        assert (event.stream, event.data["sha256"]) == (f"call:{world.call.pk}", ranking.sha256)

    def test_an_evaluator_or_another_city_is_refused(self, city, other_manager):
        world = ranked_call(city, [70])

        for user in (staff(city), other_manager):
            with pytest.raises(PermissionDenied):
                compute_ranking(call=world.call, by=user)

        assert not Ranking.objects.exists()

    def test_before_the_deadline_is_refused(self, city):
        world = ranked_call(city, [70], close=False)

        with pytest.raises(CallNotClosed):
            compute_ranking(call=world.call, by=world.manager)

        assert not Ranking.objects.exists()

    def test_pending_admissibility_refuses_and_says_how_many(self, city):
        world = ranked_call(city, [70, 60], admissible=None)

        with pytest.raises(AdmissibilityPending) as refused:
            compute_ranking(call=world.call, by=world.manager)

        assert "2 proposte" in str(refused.value.message)
        assert not Ranking.objects.exists()

    def test_queries_do_not_grow_with_the_proposals(self, city):
        counts = []
        for n in (5, 30):
            world = ranked_call(city, list(range(50, 50 + n)))
            with CaptureQueriesContext(connection) as captured:
                compute_ranking(call=world.call, by=world.manager)
            counts.append(len(captured))

        assert counts[0] == counts[1], counts
        assert counts[1] <= 30


class TestSelectionRules:
    def test_saves_and_audits_the_changes(self, city):
        world = ranked_call(city, [70])

        save_selection_rules(
            call=world.call,
            by=world.manager,
            values={"quotas": {"informal_group": 1}, "appeal_days": 5},
        )

        rules = SelectionRules.objects.get(call=world.call)
        assert (rules.quotas, rules.appeal_days) == ({"informal_group": 1}, 5)
        event = AuditEvent.objects.get(action="selection_rules.saved")
        assert event.data["changes"]["appeal_days"] == {"old": 10, "new": 5}

    def test_a_tie_break_criterion_must_be_one_of_the_call(self, city):
        world = ranked_call(city, [70])
        other = ranked_call(city, [60])
        own = Criterion.objects.get(call=world.call)
        foreign = Criterion.objects.get(call=other.call)

        with pytest.raises(ValidationError) as refused:
            save_selection_rules(
                call=world.call,
                by=world.manager,
                values={"tie_breaks": [{"kind": "criterion", "criterion_id": foreign.pk}]},
            )
        assert "tie_breaks" in refused.value.message_dict
        assert not SelectionRules.objects.filter(call=world.call).exists()

        save_selection_rules(
            call=world.call,
            by=world.manager,
            values={"tie_breaks": [{"kind": "criterion", "criterion_id": own.pk}]},
        )
        assert SelectionRules.objects.get(call=world.call).tie_breaks == [
            {"kind": "criterion", "criterion_id": own.pk}
        ]

    def test_unknown_category_is_refused(self, city):
        world = ranked_call(city, [70])

        with pytest.raises(ValidationError):
            save_selection_rules(call=world.call, by=world.manager, values={"quotas": {"x": 1}})

        assert not SelectionRules.objects.exists()


class TestPublicationAndAppeals:
    def test_publish_opens_the_window_and_notifies(self, city, django_capture_on_commit_callbacks):
        world = ranked_call(city, [70, 60])
        ranking = compute_ranking(call=world.call, by=world.manager)

        with django_capture_on_commit_callbacks() as callbacks:
            publish_provisional(ranking=ranking, by=world.manager)

        ranking.refresh_from_db()
        assert ranking.appeals_close_at - ranking.published_at == timedelta(days=10)
        assert len(callbacks) == 2
        assert AuditEvent.objects.filter(action="ranking.published").count() == 1

    def test_final_before_the_window_closes_is_refused_and_changes_nothing(self, city):
        world = ranked_call(city, [70])
        published(world)

        with pytest.raises(AppealWindowOpen):
            publish_final(
                call=world.call, by=world.manager, act_number="12", act_date=date(2025, 5, 2)
            )

        assert not Ranking.objects.filter(kind=RankingKind.FINAL).exists()
        assert not AuditEvent.objects.filter(action="ranking.computed", data__kind="final")

    def test_final_needs_the_act(self, city):
        world = ranked_call(city, [70])
        published(world)

        with pytest.raises(ValidationError) as refused:
            publish_final(call=world.call, by=world.manager, act_number=" ", act_date=None)

        assert set(refused.value.message_dict) == {"act_number", "act_date"}

    def test_appeal_once_within_the_window_then_decided_then_final(self, city):
        world = ranked_call(city, [70, 60])
        ranking = published(world)
        proposal = world.proposals[1]

        appeal = file_appeal(
            ranking=ranking, proposal=proposal, by=proposal.created_by, text="Punteggio errato."
        )
        with pytest.raises(AlreadyAppealed):
            file_appeal(ranking=ranking, proposal=proposal, by=proposal.created_by, text="Ancora.")
        later = ranking.appeals_close_at + timedelta(minutes=1)
        with pytest.raises(AppealsPending):
            publish_final(
                call=world.call,
                by=world.manager,
                act_number="7",
                act_date=date(2025, 6, 1),
                at=later,
            )
        decide_appeal(
            appeal=appeal, by=world.manager, outcome=AppealOutcome.REJECTED, decision="Corretto."
        )
        final = publish_final(
            call=world.call, by=world.manager, act_number="7", act_date=date(2025, 6, 1), at=later
        )

        assert Appeal.objects.get().outcome == AppealOutcome.REJECTED
        assert (final.kind, final.act_number, final.published_at) == (RankingKind.FINAL, "7", later)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"appeal.filed", "appeal.decided", "ranking.published"} <= actions

    def test_appeal_after_the_window_or_by_a_stranger_is_refused(self, city, citizen):
        world = ranked_call(city, [70])
        ranking = published(world)
        proposal = world.proposals[0]

        with pytest.raises(AppealWindowClosed):
            file_appeal(
                ranking=ranking,
                proposal=proposal,
                by=proposal.created_by,
                text="Tardi.",
                at=ranking.appeals_close_at,
            )
        with pytest.raises(PermissionDenied):
            file_appeal(ranking=ranking, proposal=proposal, by=citizen, text="Io.")

        assert not Appeal.objects.exists()


def final_ranking(world: Ranked) -> Ranking:
    ranking = published(world)
    later = ranking.appeals_close_at + timedelta(minutes=1)
    return publish_final(
        call=world.call, by=world.manager, act_number="1", act_date=date(2025, 1, 1), at=later
    )


class TestScorrimento:
    def test_promotion_respects_quotas_and_budget(self, city):
        # given: 18 000 € for 9 000 € requests (two fit); groups at most one
        world = ranked_call(city, [90, 80, 70, 60], groups=frozenset({1, 2}), budget=Decimal(18000))
        save_selection_rules(
            call=world.call, by=world.manager, values={"quotas": {"informal_group": 1}}
        )
        p0, p1, p2, p3 = world.proposals
        final = final_ranking(world)
        assert entries(final) == [
            (p0.pk, "selected"),
            (p1.pk, "selected"),
            (p2.pk, "eligible_not_selected"),
            (p3.pk, "eligible_not_selected"),
        ]

        # when: the first renounces
        promotion = renounce(entry=final.entries.get(proposal=p0), by=world.manager)

        # then: the second group (quota full) is skipped, the organisation moves up
        assert promotion.promoted is not None and promotion.promoted.proposal_id == p3.pk
        assert dict(entries(final))[p0.pk] == EntryStatus.RENOUNCED
        assert RankingEntry.objects.get(ranking=final, proposal=p3).awarded == Decimal("9000.00")
        event = AuditEvent.objects.get(action="ranking.promoted")
        assert (event.data["proposal"], event.data["replaces"]) == (p3.pk, p0.pk)

    def test_the_promoted_applicant_is_told(
        self, city, mailoutbox, django_capture_on_commit_callbacks
    ):
        world = ranked_call(city, [90, 80, 70], budget=Decimal(18000))
        final = final_ranking(world)
        p0, _p1, p2 = world.proposals
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            renounce(entry=final.entries.get(proposal=p0), by=world.manager)

        told = [m for m in mailoutbox if m.to == [p2.created_by.email]]
        assert len(told) == 1
        assert "ora selezionata" in told[0].subject
        assert "9.000,00" in told[0].body
        assert not [m for m in mailoutbox if m.to == [p0.created_by.email]]

    def test_revoke_needs_a_reason_and_a_manager(self, city):
        world = ranked_call(city, [90, 80], budget=Decimal(9000))
        final = final_ranking(world)
        entry = final.entries.get(proposal=world.proposals[0])

        with pytest.raises(ValidationError):
            revoke(entry=entry, by=world.manager, reason="")
        with pytest.raises(PermissionDenied):
            revoke(entry=entry, by=staff(city), reason="Irregolarità")
        promotion = revoke(entry=entry, by=world.manager, reason="Irregolarità")

        assert promotion.promoted is not None
        assert promotion.promoted.proposal_id == world.proposals[1].pk


class TestPublicOutputs:
    def test_no_natural_person_in_public_outputs(self, city, client, monkeypatch):
        world = ranked_call(city, [90, 80], groups=frozenset({1}))
        ranking = published(world)
        group = world.proposals[1].group
        secrets = [
            text
            for m in group.members.all()
            for text in (m.first_name + " " + m.last_name, m.last_name, m.codice_fiscale)
        ]
        secrets += [group.name, str(world.proposals[1].created_by.get_full_name() or "§")]
        args = [city.slug, world.call.slug]
        from django.urls import reverse

        page = client.get(reverse("evaluation:ranking_public", args=args)).content.decode()
        csv_text = b"".join(
            client.get(reverse("evaluation:ranking_csv", args=args)).streaming_content
        ).decode("utf-8-sig")
        book = zipfile.ZipFile(
            io.BytesIO(client.get(reverse("evaluation:ranking_xlsx", args=args)).content)
        )
        xlsx_text = "".join(book.read(name).decode("utf-8", "ignore") for name in book.namelist())
        drawn: list[str] = []

        from rione.core import pdf as core_pdf

        class Spy(core_pdf.Document):
            def simple_table(self, headings, rows, **kwargs):
                drawn.extend(str(c) for row in rows for c in row)
                return super().simple_table(headings, rows, **kwargs)

        monkeypatch.setattr(core_pdf, "Document", Spy)  # imported when a PDF is made
        pdf = exports.pdf_bytes(ranking, exports.rows_of(ranking))

        assert "Gruppo informale" in page and "Gruppo informale" in csv_text
        assert "Gruppo informale" in xlsx_text and "Gruppo informale" in drawn
        assert pdf.startswith(b"%PDF")
        for text in (page, csv_text, xlsx_text, " ".join(drawn)):
            for secret in secrets:
                assert secret not in text
        assert csv_text.splitlines()[0].startswith("Posizione,Protocollo")
        assert "\r\n" in csv_text


class TestAfterTheFinalRanking:
    """Once the final ranking is out only scorrimento changes it: no recomputation, no
    second publication, no new admissibility outcome."""

    def test_no_second_final_and_no_recomputation(self, city):
        world = ranked_call(city, [90, 80])
        final = final_ranking(world)
        later = final.published_at + timedelta(days=1)
        rankings_before = Ranking.objects.count()

        with pytest.raises(FinalRankingExists):
            publish_final(
                call=world.call,
                by=world.manager,
                act_number="2",
                act_date=date(2025, 2, 1),
                at=later,
            )
        with pytest.raises(FinalRankingExists):
            compute_ranking(call=world.call, by=world.manager, at=later)

        assert Ranking.objects.count() == rankings_before
        final.refresh_from_db()
        assert final.act_number == "1"

    def test_admissibility_cannot_change(self, city):
        world = ranked_call(city, [90, 80])
        final_ranking(world)
        proposal = world.proposals[1]
        before = proposal.admissibility.outcome

        with pytest.raises(RankingFinal):
            decide_admissibility(
                proposal=proposal,
                by=world.manager,
                outcome=AdmissibilityOutcome.NOT_ADMISSIBLE,
                reason="Ripensamento.",
                manual={},
            )

        proposal.admissibility.refresh_from_db()
        assert proposal.admissibility.outcome == before

    def test_a_sole_trader_is_published_without_the_owners_name(self):
        applicant = {"kind": "organisation", "name": "Ciclofficina di Rossi Mario"}
        applicant |= {"legal_form": "company", "legal_representative": "Mario Rossi"}
        content = json.dumps({"idea": {"title": "Bici per tutti"}, "applicant": applicant})
        entry = (1, 2, 1, 7, content, Decimal("80"), EntryStatus.SELECTED)
        entry += ("selected", "", Decimal("1000"))

        (row,) = exports.rows_from([entry])

        assert row.applicant == "Ciclofficina di Rossi Mario"
        assert row.public_applicant == "Impresa individuale"


def test_the_rubric_stays_frozen_once_a_ranking_is_published(city):
    world = ranked_call(city, [80, 70])
    publish_provisional(
        ranking=compute_ranking(call=world.call, by=world.manager), by=world.manager
    )
    # Every signed evaluation reopened (an upheld appeal, say): the ranking still used the rubric.
    Evaluation.objects.filter(proposal__call=world.call).update(
        status=EvaluationStatus.DRAFT, signed_at=None
    )
    before = list(Criterion.objects.filter(call=world.call).values_list("code", "max_points"))

    with pytest.raises(RubricLocked):
        create_criterion(
            call=world.call, by=world.manager, code="B", title="Nuovo", max_points=Decimal(5)
        )

    after = list(Criterion.objects.filter(call=world.call).values_list("code", "max_points"))
    assert after == before


def test_a_ranking_computed_before_any_signature_leaves_the_rubric_open(city):
    world = ranked_call(city, [80])
    Evaluation.objects.filter(proposal__call=world.call).update(
        status=EvaluationStatus.DRAFT, signed_at=None
    )
    compute_ranking(call=world.call, by=world.manager)  # a look at it, nothing published

    create_criterion(
        call=world.call, by=world.manager, code="B", title="Nuovo", max_points=Decimal(5)
    )

    assert Criterion.objects.filter(call=world.call, code="B").exists()
