"""The rubric, evaluators' scores (draft, sign-off), the chair's consensus and the results."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.applications.models import Proposal
from rione.core.models import Role
from rione.evaluation import selectors
from rione.evaluation.models import (
    BonusKind,
    BonusRule,
    ConsensusScore,
    Criterion,
    Evaluation,
    EvaluationStatus,
    Score,
    ScoringMethod,
    SelectionRules,
)
from rione.evaluation.services import (
    ConflictOfInterest,
    DeclarationMissing,
    EvaluationIncomplete,
    EvaluationSigned,
    NotConsensusMethod,
    RubricLocked,
    create_criterion,
    declare_conflict,
    delete_criterion,
    record_consensus,
    save_scores,
    set_bonus_rule,
    sign_evaluation,
    update_criterion,
)
from rione.evaluation.tests.test_commissions import (
    Panel,
    build_panel,
    events,
    full_marks,
    staff,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(city) -> Panel:
    return build_panel(city)


def declared(panel: Panel, *users) -> Proposal:
    """The panel's first proposal, after ``users`` declared no conflict on it."""
    proposal = panel.proposals[0]
    for user in users:
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=user)
    return proposal


def scores_of(user, proposal) -> dict[str, Decimal]:
    return dict(
        Score.objects.filter(evaluation__member__user=user, evaluation__proposal=proposal)
        .values_list("criterion__code", "points")
        .order_by("criterion__code")
    )


# Rubric


class TestRubric:
    def test_a_parent_is_worth_the_sum_of_its_sub_criteria(self, panel):
        a = Criterion.objects.get(pk=panel.criteria["A"].pk)

        assert a.max_points == Decimal(30)
        created = [e.data["after"]["code"] for e in events("criterion.created")]
        assert created == ["A", "A.1", "A.2", "B"]

    def test_changing_a_leaf_maximum_changes_the_parent_and_is_audited(self, panel):
        a1 = panel.criteria["A.1"]

        update_criterion(
            criterion=a1,
            by=panel.manager,
            code="A.1",
            title="Chiarezza dell'idea",
            description="",
            max_points=Decimal(15),
            weight=Decimal(1),
            min_points=Decimal(5),
            order=0,
        )

        assert Criterion.objects.get(pk=panel.criteria["A"].pk).max_points == Decimal(35)
        changes = events("criterion.updated")[0].data["changes"]
        assert set(changes) == {"title", "max_points", "min_points"}

    def test_sub_criteria_carry_no_weight_and_codes_are_unique(self, panel):
        before = Criterion.objects.count()

        with pytest.raises(ValidationError) as weighted:
            create_criterion(
                call=panel.call,
                by=panel.manager,
                code="A.3",
                title="Rete",
                max_points=Decimal(5),
                weight=Decimal(2),
                parent=panel.criteria["A"],
            )
        with pytest.raises(ValidationError) as duplicate:
            create_criterion(
                call=panel.call, by=panel.manager, code="B", title="Altro", max_points=Decimal(5)
            )
        with pytest.raises(ValidationError) as minimum:
            create_criterion(
                call=panel.call,
                by=panel.manager,
                code="C",
                title="Costi",
                max_points=Decimal(5),
                min_points=Decimal(6),
            )

        assert "weight" in weighted.value.message_dict
        assert "code" in duplicate.value.message_dict
        assert minimum.value.message_dict["min_points"] == [
            "Il punteggio minimo deve essere tra 0 e 5."
        ]
        assert Criterion.objects.count() == before

    @pytest.mark.parametrize("who", ["chair", "member", "secretary"])
    def test_only_managers_edit_the_rubric(self, panel, who):
        with pytest.raises(PermissionDenied):
            create_criterion(
                call=panel.call, by=getattr(panel, who), code="C", title="C", max_points=Decimal(5)
            )
        with pytest.raises(PermissionDenied):
            set_bonus_rule(
                call=panel.call, kind=BonusKind.NETWORK, points=Decimal(3), by=getattr(panel, who)
            )

        assert not Criterion.objects.filter(code="C").exists()
        assert not BonusRule.objects.exists()

    def test_manager_of_another_city_is_refused(self, panel, other_city):
        with pytest.raises(PermissionDenied):
            delete_criterion(
                criterion=panel.criteria["B"], by=staff(other_city, Role.PROGRAMME_MANAGER)
            )

        assert Criterion.objects.filter(pk=panel.criteria["B"].pk).exists()

    def test_deleting_removes_sub_criteria_and_their_drafts(self, panel):
        proposal = declared(panel, panel.member)
        save_scores(
            proposal=proposal, by=panel.member, points={panel.criteria["A.1"].pk: Decimal(3)}
        )

        delete_criterion(criterion=panel.criteria["A"], by=panel.manager)

        assert list(Criterion.objects.filter(call=panel.call).values_list("code", flat=True)) == [
            "B"
        ]
        assert not Score.objects.exists()
        event = events("criterion.deleted")[0]
        assert (event.data["sub_criteria"], event.data["draft_scores_removed"]) == (2, 1)

    def test_bonus_rules_are_set_changed_and_removed(self, panel):
        set_bonus_rule(call=panel.call, kind=BonusKind.NETWORK, points=Decimal(3), by=panel.manager)
        set_bonus_rule(call=panel.call, kind=BonusKind.NETWORK, points=Decimal(4), by=panel.manager)
        set_bonus_rule(call=panel.call, kind=BonusKind.NETWORK, points=None, by=panel.manager)

        assert not BonusRule.objects.exists()
        assert [(e.data["old"], e.data["new"]) for e in events("bonus_rule.set")] == [
            (None, "3.00"),
            ("3.00", "4.00"),
            ("4.00", None),
        ]

    def test_the_rubric_is_frozen_once_an_evaluation_is_signed(self, panel):
        proposal = declared(panel, panel.member)
        sign_evaluation(proposal=proposal, by=panel.member, points=full_marks(panel))
        before = list(Criterion.objects.values_list("code", "max_points", "weight"))

        with pytest.raises(RubricLocked):
            create_criterion(
                call=panel.call, by=panel.manager, code="C", title="Nuovo", max_points=Decimal(5)
            )
        with pytest.raises(RubricLocked):
            update_criterion(
                criterion=panel.criteria["B"],
                by=panel.manager,
                code="B",
                title="Impatto",
                description="",
                max_points=Decimal(40),
                weight=Decimal(3),
                min_points=None,
                order=1,
            )
        with pytest.raises(RubricLocked):
            delete_criterion(criterion=panel.criteria["B"], by=panel.manager)
        with pytest.raises(RubricLocked):
            set_bonus_rule(
                call=panel.call, kind=BonusKind.NETWORK, points=Decimal(3), by=panel.manager
            )

        assert list(Criterion.objects.values_list("code", "max_points", "weight")) == before
        assert not BonusRule.objects.exists()


# Scores


class TestSaveScores:
    def test_a_draft_keeps_points_and_comments(self, panel):
        proposal = declared(panel, panel.member)
        a1, a2, _b = panel.leaves

        evaluation = save_scores(
            proposal=proposal,
            by=panel.member,
            points={a1.pk: Decimal("7.5"), a2.pk: Decimal(12)},
            comments={a1.pk: "Chiara."},
            comment="Buona proposta.",
        )

        assert evaluation.status == EvaluationStatus.DRAFT
        assert scores_of(panel.member, proposal) == {"A.1": Decimal("7.50"), "A.2": Decimal(12)}
        assert Score.objects.get(criterion=a1).comment == "Chiara."
        assert evaluation.comment == "Buona proposta."
        event = events("evaluation.draft_saved")[0]
        assert (event.actor, event.data["criteria"]) == (panel.member, sorted([a1.pk, a2.pk]))

    def test_none_clears_a_score_and_left_out_criteria_keep_theirs(self, panel):
        proposal = declared(panel, panel.member)
        a1, a2, _b = panel.leaves
        save_scores(
            proposal=proposal, by=panel.member, points={a1.pk: Decimal(5), a2.pk: Decimal(5)}
        )

        save_scores(proposal=proposal, by=panel.member, points={a1.pk: None})

        assert scores_of(panel.member, proposal) == {"A.2": Decimal(5)}

    def test_points_out_of_range_are_refused_with_a_clear_message(self, panel):
        proposal = declared(panel, panel.member)
        a1, a2, b = panel.leaves
        save_scores(proposal=proposal, by=panel.member, points={b.pk: Decimal(10)})

        with pytest.raises(ValidationError) as error:
            save_scores(
                proposal=proposal,
                by=panel.member,
                points={a1.pk: Decimal("10.5"), a2.pk: Decimal(-1), b.pk: Decimal("3.333")},
            )

        assert error.value.message_dict == {
            f"points_{a1.pk}": ["Il punteggio di «A.1 Chiarezza» deve essere tra 0 e 10."],
            f"points_{a2.pk}": ["Il punteggio di «A.2 Fattibilità» deve essere tra 0 e 20."],
            f"points_{b.pk}": ["Il punteggio di «B Impatto» deve essere tra 0 e 20."],
        }
        assert scores_of(panel.member, proposal) == {"B": Decimal(10)}

    def test_only_leaf_criteria_of_the_call(self, panel, city):
        proposal = declared(panel, panel.member)
        elsewhere = build_panel(city, assign=False)

        for criterion in (panel.criteria["A"], elsewhere.criteria["A.1"]):
            with pytest.raises(ValidationError):
                save_scores(proposal=proposal, by=panel.member, points={criterion.pk: Decimal(1)})

        assert not Score.objects.exists()

    def test_a_comment_needs_points(self, panel):
        proposal = declared(panel, panel.member)
        a1 = panel.leaves[0]

        with pytest.raises(ValidationError) as error:
            save_scores(proposal=proposal, by=panel.member, points={}, comments={a1.pk: "Bene"})

        assert f"comment_{a1.pk}" in error.value.message_dict
        assert not Score.objects.exists()

    def test_the_declaration_comes_first(self, panel):
        with pytest.raises(DeclarationMissing):
            save_scores(
                proposal=panel.proposals[0],
                by=panel.member,
                points={panel.leaves[0].pk: Decimal(1)},
            )

        assert not Evaluation.objects.exists()

    def test_a_conflicted_proposal_cannot_be_scored(self, panel):
        proposal = panel.proposals[0]
        declare_conflict(proposal=proposal, has_conflict=True, reason="Socio.", by=panel.member)

        with pytest.raises(PermissionDenied):
            save_scores(proposal=proposal, by=panel.member, points={panel.leaves[0].pk: Decimal(1)})
        with pytest.raises(PermissionDenied):
            sign_evaluation(proposal=proposal, by=panel.member, points=full_marks(panel))

        assert not Evaluation.objects.exists()

    def test_conflict_still_refused_if_an_assignment_reappears(self, panel):
        proposal = panel.proposals[0]
        declare_conflict(proposal=proposal, has_conflict=True, reason="Socio.", by=panel.member)
        # An assignment written around the services (e.g. by hand in the admin).
        from rione.core import clock
        from rione.evaluation.models import Assignment

        Assignment.objects.create(
            member=panel.seat(panel.member), proposal=proposal, assigned_at=clock.now()
        )

        with pytest.raises(ConflictOfInterest):
            save_scores(proposal=proposal, by=panel.member, points={panel.leaves[0].pk: Decimal(1)})

        assert not Evaluation.objects.exists()

    @pytest.mark.parametrize("who", ["secretary", "manager"])
    def test_only_assigned_members_score(self, panel, who):
        with pytest.raises(PermissionDenied):
            save_scores(
                proposal=panel.proposals[0],
                by=getattr(panel, who),
                points={panel.leaves[0].pk: Decimal(1)},
            )

        assert not Evaluation.objects.exists()

    def test_an_evaluation_is_personal(self, panel):
        proposal = declared(panel, panel.member, panel.chair)

        with pytest.raises(PermissionDenied):
            save_scores(
                proposal=proposal,
                by=panel.chair,
                member_user=panel.member,
                points={panel.leaves[0].pk: Decimal(1)},
            )

        assert not Evaluation.objects.exists()


class TestSignEvaluation:
    def test_signing_needs_every_leaf(self, panel):
        proposal = declared(panel, panel.member)
        a1, a2, _b = panel.leaves

        with pytest.raises(EvaluationIncomplete) as error:
            sign_evaluation(
                proposal=proposal, by=panel.member, points={a1.pk: Decimal(5), a2.pk: Decimal(5)}
            )

        assert "B Impatto" in str(error.value.message)
        assert not Evaluation.objects.exists()  # the save before signing was rolled back too
        assert not events("evaluation.signed")

    def test_sign_off_is_audited_with_the_scores(self, panel):
        proposal = declared(panel, panel.member)
        a1, a2, b = panel.leaves

        evaluation = sign_evaluation(
            proposal=proposal,
            by=panel.member,
            points={a1.pk: Decimal(8), a2.pk: Decimal("15.5"), b.pk: Decimal(20)},
            comment="Solida.",
        )

        assert (evaluation.status, evaluation.signed_at is not None) == (
            EvaluationStatus.SIGNED,
            True,
        )
        event = events("evaluation.signed")[0]
        assert (event.actor, event.stream) == (panel.member, f"call:{panel.call.pk}")
        assert event.data["scores"] == {str(a1.pk): "8.00", str(a2.pk): "15.50", str(b.pk): "20.00"}
        assert event.data["comment"] == "Solida."

    def test_nothing_changes_after_sign_off(self, panel):
        proposal = declared(panel, panel.member)
        evaluation = sign_evaluation(proposal=proposal, by=panel.member, points=full_marks(panel))
        before = scores_of(panel.member, proposal)

        with pytest.raises(EvaluationSigned):
            save_scores(
                evaluation=evaluation, by=panel.member, points={panel.leaves[0].pk: Decimal(0)}
            )
        with pytest.raises(EvaluationSigned):
            sign_evaluation(evaluation=evaluation, by=panel.member)
        with pytest.raises(EvaluationSigned):
            save_scores(proposal=proposal, by=panel.member, points={}, comment="Ripensamento")

        assert scores_of(panel.member, proposal) == before
        evaluation.refresh_from_db()
        assert evaluation.comment == ""
        assert len(events("evaluation.signed")) == 1


class TestConsensus:
    @pytest.fixture
    def consensus_panel(self, city) -> Panel:
        return build_panel(city, method=ScoringMethod.CONSENSUS)

    def test_the_chair_records_it_and_again_replaces_it(self, consensus_panel):
        panel = consensus_panel
        proposal = declared(panel, panel.chair)
        a1, a2, b = panel.leaves

        record_consensus(
            commission=panel.commission,
            proposal=proposal,
            points={a1.pk: Decimal(6), a2.pk: Decimal(10), b.pk: Decimal(12)},
            comments={b.pk: "Impatto discusso a lungo."},
            by=panel.chair,
        )
        record_consensus(
            commission=panel.commission,
            proposal=proposal,
            points={a1.pk: Decimal(7), a2.pk: Decimal(10), b.pk: Decimal(12)},
            by=panel.chair,
        )

        agreed = dict(ConsensusScore.objects.values_list("criterion__code", "points"))
        assert agreed == {"A.1": Decimal(7), "A.2": Decimal(10), "B": Decimal(12)}
        second = events("consensus.recorded")[1]
        assert (
            second.actor,
            second.data["previous"][str(a1.pk)],
            second.data["scores"][str(a1.pk)],
        ) == (
            panel.chair,
            "6.00",
            "7.00",
        )

    @pytest.mark.parametrize("who", ["member", "secretary", "manager"])
    def test_chair_only(self, consensus_panel, who):
        panel = consensus_panel
        proposal = declared(panel, panel.member)

        with pytest.raises(PermissionDenied):
            record_consensus(
                commission=panel.commission,
                proposal=proposal,
                points=full_marks(panel),
                by=getattr(panel, who),
            )

        assert not ConsensusScore.objects.exists()

    def test_every_criterion_in_range_and_only_by_consensus(self, consensus_panel, city):
        panel = consensus_panel
        proposal = declared(panel, panel.chair)
        a1, a2, b = panel.leaves

        with pytest.raises(EvaluationIncomplete):
            record_consensus(
                commission=panel.commission,
                proposal=proposal,
                points={a1.pk: Decimal(1)},
                by=panel.chair,
            )
        with pytest.raises(ValidationError):
            record_consensus(
                commission=panel.commission,
                proposal=proposal,
                points={a1.pk: Decimal(11), a2.pk: Decimal(1), b.pk: Decimal(1)},
                by=panel.chair,
            )
        mean = build_panel(city)
        with pytest.raises(NotConsensusMethod):
            record_consensus(
                commission=mean.commission,
                proposal=declared(mean, mean.chair),
                points=full_marks(mean),
                by=mean.chair,
            )

        assert not ConsensusScore.objects.exists()

    def test_a_conflicted_chair_cannot_record_it(self, consensus_panel):
        panel = consensus_panel
        proposal = panel.proposals[0]
        declare_conflict(proposal=proposal, has_conflict=True, reason="Parente.", by=panel.chair)

        with pytest.raises(ConflictOfInterest):
            record_consensus(
                commission=panel.commission,
                proposal=proposal,
                points=full_marks(panel),
                by=panel.chair,
            )

        assert not ConsensusScore.objects.exists()


# Results


class TestProposalResults:
    def test_mean_of_signed_evaluations_with_weights_and_bonus(self, panel):
        proposal = declared(panel, panel.member, panel.chair)
        a1, a2, b = panel.leaves
        set_bonus_rule(call=panel.call, kind=BonusKind.NETWORK, points=Decimal(3), by=panel.manager)
        set_bonus_rule(
            call=panel.call,
            kind=BonusKind.PRIORITY_NEIGHBOURHOOD,
            points=Decimal(2),
            by=panel.manager,
        )
        Proposal.objects.filter(pk=proposal.pk).update(is_network=True)
        proposal.neighbourhoods.update(is_target_area=True)
        sign_evaluation(
            proposal=proposal,
            by=panel.member,
            points={a1.pk: Decimal(8), a2.pk: Decimal(10), b.pk: Decimal(10)},
        )

        halfway = selectors.proposal_results(call=panel.call)[proposal.pk]
        sign_evaluation(
            proposal=proposal,
            by=panel.chair,
            points={a1.pk: Decimal(6), a2.pk: Decimal(20), b.pk: Decimal(15)},
        )
        result = selectors.proposal_results(call=panel.call)[proposal.pk]

        assert halfway.complete is False  # the chair had not signed yet
        assert dict(result.points) == {
            a1.pk: Decimal(7),
            a2.pk: Decimal(15),
            b.pk: Decimal("12.50"),
        }
        assert result.parent_sums[panel.criteria["A"].pk] == Decimal(22)
        # 22 × 1 + 12,5 × 2 + 3 (network) + 2 (priority neighbourhood)
        assert (result.total, result.complete) == (Decimal("52.00"), True)

    def test_overall_minimum_and_outliers_are_flagged(self, city):
        panel = build_panel(city, outlier_gap=Decimal(5))
        SelectionRules.objects.create(call=panel.call, overall_min=Decimal(60))
        proposal = declared(panel, panel.member, panel.chair)
        a1, a2, b = panel.leaves
        sign_evaluation(
            proposal=proposal,
            by=panel.member,
            points={a1.pk: Decimal(1), a2.pk: Decimal(10), b.pk: Decimal(10)},
        )
        sign_evaluation(
            proposal=proposal,
            by=panel.chair,
            points={a1.pk: Decimal(9), a2.pk: Decimal(12), b.pk: Decimal(10)},
        )

        result = selectors.proposal_results(call=panel.call)[proposal.pk]

        assert result.outliers == (a1.pk,)
        assert result.below_overall is True

    def test_consensus_scores_are_the_result(self, city):
        panel = build_panel(city, method=ScoringMethod.CONSENSUS)
        proposal = declared(panel, panel.chair)
        a1, a2, b = panel.leaves
        record_consensus(
            commission=panel.commission,
            proposal=proposal,
            points={a1.pk: Decimal(5), a2.pk: Decimal(5), b.pk: Decimal(5)},
            by=panel.chair,
        )

        result = selectors.proposal_results(call=panel.call)[proposal.pk]

        assert (result.total, result.complete) == (Decimal("20.00"), True)

    @pytest.mark.parametrize("n_proposals", [1, 6])
    def test_queries_do_not_grow_with_proposals(
        self, city, n_proposals, django_assert_max_num_queries
    ):
        panel = build_panel(city, n_proposals=n_proposals)
        for proposal in panel.proposals:
            declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.member)
            sign_evaluation(proposal=proposal, by=panel.member, points=full_marks(panel))
        extra = submitted(panel.call, title="Senza valutazioni")

        with django_assert_max_num_queries(10):
            results = selectors.proposal_results(call=panel.call)

        assert len(results) == n_proposals + 1
        assert results[extra.pk].complete is False
