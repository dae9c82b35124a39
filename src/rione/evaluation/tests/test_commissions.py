"""Commissions: set-up, members, declarations on conflicts of interest and assignment.

The givens here (``submitted``, ``build_panel``…) are shared by the scoring tests.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from rione.applications import services as application_services
from rione.applications.models import Proposal, ProposalStatus
from rione.applications.tests.factories import ProposalFactory, complete_proposal, open_call
from rione.core.models import AuditEvent, Role, User
from rione.core.tests.factories import StaffRoleFactory
from rione.evaluation import selectors
from rione.evaluation.models import (
    Assignment,
    Commission,
    CommissionMember,
    CommissionRole,
    ConflictDeclaration,
    Evaluation,
    ScoringMethod,
)
from rione.evaluation.services import (
    AlreadyDeclared,
    AssignmentRefused,
    CommissionExists,
    CommissionLocked,
    ConflictOfInterest,
    MemberHasSigned,
    NotUnderEvaluation,
    add_member,
    assign_all,
    create_commission,
    create_criterion,
    declare_conflict,
    reassign,
    remove_member,
    save_scores,
    sign_evaluation,
    update_commission,
)
from rione.evaluation.services.commissions import plan_assignments
from rione.programmes.tests.factories import LotFactory

pytestmark = pytest.mark.django_db


# Givens shared with test_scoring_services and test_scoring_views


def staff(city, role=Role.EVALUATOR) -> User:
    return StaffRoleFactory(city=city, role=role).user


def fresh(user: User) -> User:
    """The same user as the next request would load it (no cached roles or seats)."""
    return User.objects.get(pk=user.pk)


def submitted(call, *, title: str = "Biblioteca di strada", **kwargs: Any) -> Proposal:
    """A proposal of ``call`` submitted through the service (first version)."""
    proposal = complete_proposal(ProposalFactory(call=call, **kwargs))
    proposal.title = title
    proposal.save(update_fields=["title"])
    application_services.submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
    )
    proposal.refresh_from_db()
    return proposal


@dataclass
class Panel:
    call: Any
    commission: Commission
    manager: User
    chair: User
    member: User
    secretary: User
    proposals: list[Proposal]
    criteria: dict[str, Any] = field(default_factory=dict)

    @property
    def leaves(self) -> list[Any]:
        return [self.criteria[code] for code in ("A.1", "A.2", "B")]

    def seat(self, user: User) -> CommissionMember:
        return CommissionMember.objects.get(commission=self.commission, user=user)


def build_rubric(call, manager) -> dict[str, Any]:
    """A (weight 1) = A.1 (max 10) + A.2 (max 20); B (max 20, weight 2). Leaves: A.1, A.2, B."""
    a = create_criterion(call=call, by=manager, code="A", title="Qualità", max_points=Decimal(1))
    return {
        "A": a,
        "A.1": create_criterion(
            call=call, by=manager, code="A.1", title="Chiarezza", max_points=Decimal(10), parent=a
        ),
        "A.2": create_criterion(
            call=call, by=manager, code="A.2", title="Fattibilità", max_points=Decimal(20), parent=a
        ),
        "B": create_criterion(
            call=call,
            by=manager,
            code="B",
            title="Impatto",
            max_points=Decimal(20),
            weight=Decimal(2),
            order=1,
        ),
    }


def build_panel(
    city,
    *,
    n_proposals: int = 1,
    method: str = ScoringMethod.MEAN,
    per_proposal: int | None = None,
    outlier_gap: Decimal | None = None,
    assign: bool = True,
) -> Panel:
    """A call of ``city`` with a rubric, ``n_proposals`` submitted proposals, and a commission
    (chair, member, secretary) to which they are assigned."""
    call = open_call(programme__city=city)
    manager = staff(city, Role.PROGRAMME_MANAGER)
    criteria = build_rubric(call, manager)
    proposals = [submitted(call, title=f"Proposta {i}") for i in range(n_proposals)]
    commission = create_commission(
        call=call,
        by=manager,
        name="Commissione",
        method=method,
        evaluators_per_proposal=per_proposal,
        outlier_gap=outlier_gap,
    )
    chair, member, secretary = staff(city), staff(city), staff(city)
    add_member(commission=commission, user=chair, role=CommissionRole.CHAIR, by=manager)
    add_member(commission=commission, user=member, role=CommissionRole.MEMBER, by=manager)
    add_member(commission=commission, user=secretary, role=CommissionRole.SECRETARY, by=manager)
    if assign:
        assign_all(commission=commission, by=manager)
    return Panel(
        call=call,
        commission=commission,
        manager=fresh(manager),
        chair=fresh(chair),
        member=fresh(member),
        secretary=fresh(secretary),
        proposals=proposals,
        criteria=criteria,
    )


def full_marks(panel: Panel) -> dict[int, Decimal]:
    return {c.pk: c.max_points for c in panel.leaves}


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.fixture
def panel(city) -> Panel:
    return build_panel(city)


# Commission set-up


class TestCreateCommission:
    def test_manager_creates_it_and_it_is_audited(self, city):
        call = open_call(programme__city=city)
        manager = staff(city, Role.PROGRAMME_MANAGER)

        commission = create_commission(
            call=call,
            by=manager,
            name="Commissione tecnica",
            method=ScoringMethod.CONSENSUS,
            evaluators_per_proposal=2,
            outlier_gap=Decimal("5.00"),
        )

        assert (commission.call, commission.method, commission.evaluators_per_proposal) == (
            call,
            ScoringMethod.CONSENSUS,
            2,
        )
        event = events("commission.created")[0]
        assert (event.actor, event.stream, event.data["name"]) == (
            manager,
            f"call:{call.pk}",
            "Commissione tecnica",
        )

    @pytest.mark.parametrize("role", [Role.EVALUATOR, Role.MENTOR, Role.FINANCE_OFFICER])
    def test_other_roles_are_refused(self, city, role):
        call = open_call(programme__city=city)

        with pytest.raises(PermissionDenied):
            create_commission(call=call, by=staff(city, role), name="Commissione")

        assert not Commission.objects.exists()

    def test_manager_of_another_city_is_refused(self, city, other_city):
        call = open_call(programme__city=city)

        with pytest.raises(PermissionDenied):
            create_commission(
                call=call, by=staff(other_city, Role.PROGRAMME_MANAGER), name="Commissione"
            )

        assert not Commission.objects.exists()

    def test_whole_call_and_lot_commissions_do_not_mix(self, city):
        call = open_call(programme__city=city)
        lot_1, lot_2 = LotFactory(call=call), LotFactory(call=call)
        manager = staff(city, Role.PROGRAMME_MANAGER)
        create_commission(call=call, by=manager, name="Lotto 1", lot=lot_1)

        with pytest.raises(CommissionExists):
            create_commission(call=call, by=manager, name="Tutto l'avviso")
        with pytest.raises(CommissionExists):
            create_commission(call=call, by=manager, name="Ancora lotto 1", lot=lot_1)
        create_commission(call=call, by=manager, name="Lotto 2", lot=lot_2)

        assert sorted(Commission.objects.values_list("name", flat=True)) == ["Lotto 1", "Lotto 2"]

    def test_lot_of_another_call_and_bad_settings_are_refused(self, city):
        call = open_call(programme__city=city)
        manager = staff(city, Role.PROGRAMME_MANAGER)
        foreign_lot = LotFactory(call=open_call(programme=call.programme))

        with pytest.raises(ValidationError) as lot_error:
            create_commission(call=call, by=manager, name="X", lot=foreign_lot)
        with pytest.raises(ValidationError) as settings_error:
            create_commission(
                call=call, by=manager, name="X", evaluators_per_proposal=0, outlier_gap=Decimal(0)
            )

        assert "lot" in lot_error.value.message_dict
        assert set(settings_error.value.message_dict) == {"evaluators_per_proposal", "outlier_gap"}
        assert not Commission.objects.exists()


class TestUpdateCommission:
    def test_method_is_frozen_after_a_signature_but_the_name_is_not(self, panel):
        proposal = panel.proposals[0]
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.member)
        sign_evaluation(proposal=proposal, by=panel.member, points=full_marks(panel))

        with pytest.raises(CommissionLocked):
            update_commission(
                commission=panel.commission,
                by=panel.manager,
                name="Commissione",
                method=ScoringMethod.CONSENSUS,
                evaluators_per_proposal=None,
                outlier_gap=None,
            )
        update_commission(
            commission=panel.commission,
            by=panel.manager,
            name="Commissione giudicatrice",
            method=ScoringMethod.MEAN,
            evaluators_per_proposal=None,
            outlier_gap=Decimal(3),
        )

        panel.commission.refresh_from_db()
        assert (panel.commission.name, panel.commission.method) == (
            "Commissione giudicatrice",
            ScoringMethod.MEAN,
        )
        changes = events("commission.updated")[0].data["changes"]
        assert set(changes) == {"name", "outlier_gap"}


class TestMembers:
    def test_add_member_needs_a_staff_role_in_the_city(self, panel, other_city):
        outsider = staff(other_city, Role.EVALUATOR)

        with pytest.raises(ValidationError) as error:
            add_member(
                commission=panel.commission,
                user=outsider,
                role=CommissionRole.MEMBER,
                by=panel.manager,
            )

        assert "user" in error.value.message_dict
        assert not CommissionMember.objects.filter(user=outsider).exists()

    def test_one_chair_and_one_seat_per_person(self, panel, city):
        with pytest.raises(ValidationError) as second_chair:
            add_member(
                commission=panel.commission,
                user=staff(city),
                role=CommissionRole.CHAIR,
                by=panel.manager,
            )
        with pytest.raises(ValidationError) as twice:
            add_member(
                commission=panel.commission,
                user=panel.member,
                role=CommissionRole.SECRETARY,
                by=panel.manager,
            )

        assert "role" in second_chair.value.message_dict
        assert "user" in twice.value.message_dict
        assert panel.commission.members.count() == 3

    def test_chair_cannot_add_members(self, panel, city):
        with pytest.raises(PermissionDenied):
            add_member(
                commission=panel.commission,
                user=staff(city),
                role=CommissionRole.MEMBER,
                by=panel.chair,
            )

        assert panel.commission.members.count() == 3

    def test_add_member_is_audited(self, panel, city):
        newcomer = staff(city, Role.MENTOR)

        seat = add_member(
            commission=panel.commission, user=newcomer, role=CommissionRole.MEMBER, by=panel.manager
        )

        event = events("commission.member_added")[-1]
        assert (event.object_id, event.actor, event.data["user"], event.data["role"]) == (
            str(seat.pk),
            panel.manager,
            newcomer.pk,
            "member",
        )

    def test_remove_member_takes_assignments_and_drafts_away(self, panel):
        proposal = panel.proposals[0]
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.member)
        save_scores(proposal=proposal, by=panel.member, points={panel.leaves[0].pk: Decimal(5)})

        remove_member(member=panel.seat(panel.member), by=panel.manager)

        assert not CommissionMember.objects.filter(user=panel.member).exists()
        assert not Evaluation.objects.filter(proposal=proposal).exists()
        assert list(Assignment.objects.values_list("member__user", flat=True)) == [panel.chair.pk]
        event = events("commission.member_removed")[0]
        assert (event.data["assignments_removed"], event.data["drafts_removed"]) == (1, 1)

    def test_who_signed_stays(self, panel):
        proposal = panel.proposals[0]
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.member)
        sign_evaluation(proposal=proposal, by=panel.member, points=full_marks(panel))
        seat = panel.seat(panel.member)

        with pytest.raises(MemberHasSigned):
            remove_member(member=seat, by=panel.manager)

        assert CommissionMember.objects.filter(pk=seat.pk).exists()
        assert not events("commission.member_removed")

    def test_members_cannot_remove_each_other(self, panel):
        with pytest.raises(PermissionDenied):
            remove_member(member=panel.seat(panel.member), by=panel.chair)

        assert panel.commission.members.count() == 3


# Conflicts of interest


class TestDeclareConflict:
    def test_no_conflict_opens_the_proposal(self, panel):
        proposal = panel.proposals[0]

        declaration = declare_conflict(
            proposal=proposal, has_conflict=False, reason="", by=panel.member
        )

        assert (declaration.member.user, declaration.has_conflict) == (panel.member, False)
        assert Assignment.objects.filter(member__user=panel.member, proposal=proposal).exists()
        event = events("conflict.declared")[0]
        assert (event.actor, event.data["has_conflict"], event.data["assignment_removed"]) == (
            panel.member,
            False,
            False,
        )

    def test_a_conflict_removes_the_assignment_and_is_audited(self, panel):
        proposal = panel.proposals[0]

        declare_conflict(
            proposal=proposal,
            has_conflict=True,
            reason="Mia sorella presiede l'ente.",
            by=panel.member,
        )

        assert not Assignment.objects.filter(member__user=panel.member, proposal=proposal).exists()
        assert not selectors.my_assignments(user=panel.member, city=panel.call.city).exists()
        event = events("conflict.declared")[0]
        assert event.data == {
            "proposal": proposal.pk,
            "has_conflict": True,
            "reason": "Mia sorella presiede l'ente.",
            "assignment_removed": True,
        }

    def test_a_conflict_also_closes_the_proposal_in_the_back_office(self, panel, client):
        proposal = panel.proposals[0]
        call = panel.call
        url = reverse("backoffice:proposal_detail", args=[call.city.slug, call.pk, proposal.pk])
        client.force_login(panel.member)
        assert client.get(url).status_code == 200

        declare_conflict(proposal=proposal, has_conflict=True, reason="Socio.", by=panel.member)

        assert client.get(url).status_code == 404

    def test_a_conflict_needs_a_reason(self, panel):
        with pytest.raises(ValidationError) as error:
            declare_conflict(
                proposal=panel.proposals[0], has_conflict=True, reason="  ", by=panel.member
            )

        assert "reason" in error.value.message_dict
        assert not ConflictDeclaration.objects.exists()
        assert Assignment.objects.filter(member__user=panel.member).exists()

    def test_a_declaration_cannot_be_changed(self, panel):
        proposal = panel.proposals[0]
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.member)

        with pytest.raises(AlreadyDeclared):
            declare_conflict(
                proposal=proposal, has_conflict=True, reason="Ci ho ripensato", by=panel.member
            )

        assert list(ConflictDeclaration.objects.values_list("has_conflict", flat=True)) == [False]
        assert Assignment.objects.filter(member__user=panel.member, proposal=proposal).exists()
        assert len(events("conflict.declared")) == 1

    def test_only_chair_and_members_declare_and_only_for_themselves(self, panel, city):
        proposal = panel.proposals[0]

        for outsider in (panel.secretary, panel.manager, staff(city)):
            with pytest.raises(PermissionDenied):
                declare_conflict(proposal=proposal, has_conflict=False, reason="", by=outsider)
        with pytest.raises(PermissionDenied):
            declare_conflict(
                proposal=proposal,
                has_conflict=False,
                reason="",
                by=panel.chair,
                member_user=panel.member,
            )

        assert not ConflictDeclaration.objects.exists()

    def test_a_withdrawn_proposal_is_not_under_evaluation(self, panel):
        proposal = panel.proposals[0]
        application_services.withdraw_proposal(
            proposal=proposal, by=proposal.created_by, reason="Rinunciamo."
        )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN

        with pytest.raises(NotUnderEvaluation):
            declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.member)

        assert not ConflictDeclaration.objects.exists()


# Assignment


class TestAssignAll:
    def test_everyone_who_scores_gets_every_standing_proposal(self, city):
        panel = build_panel(city, n_proposals=3)

        pairs = set(Assignment.objects.values_list("member__user", "proposal"))

        assert pairs == {
            (user.pk, proposal.pk)
            for user in (panel.chair, panel.member)
            for proposal in panel.proposals
        }
        event = events("commission.assigned")[0]
        assert (event.actor, len(event.data["created"]), event.data["short"]) == (
            panel.manager,
            6,
            {},
        )

    def test_running_it_again_only_fills_gaps(self, city):
        panel = build_panel(city, n_proposals=2)
        late = submitted(panel.call, title="Arrivata dopo")

        report = assign_all(commission=panel.commission, by=panel.manager)

        assert sorted(p for _m, p in report.created) == [late.pk, late.pk]
        assert Assignment.objects.count() == 6

    def test_declared_conflicts_are_skipped(self, city):
        panel = build_panel(city, n_proposals=2, assign=False)
        conflicted = panel.proposals[0]
        declare_conflict(
            proposal=conflicted, has_conflict=True, reason="Sono socio dell'ente.", by=panel.chair
        )

        assign_all(commission=panel.commission, by=panel.manager)

        assert not Assignment.objects.filter(member__user=panel.chair, proposal=conflicted).exists()
        assert Assignment.objects.count() == 3

    def test_n_per_proposal_are_balanced_least_loaded_first(self, city):
        panel = build_panel(city, n_proposals=5, per_proposal=1)

        loads = Counter(Assignment.objects.values_list("member__user", flat=True))

        assert loads == {panel.chair.pk: 3, panel.member.pk: 2}  # ties go to the lower seat id
        assert Assignment.objects.values("proposal").distinct().count() == 5

    def test_short_of_evaluators_is_reported(self, city):
        panel = build_panel(city, n_proposals=1, per_proposal=2, assign=False)
        declare_conflict(
            proposal=panel.proposals[0], has_conflict=True, reason="Parente.", by=panel.member
        )

        report = assign_all(commission=panel.commission, by=panel.manager)

        assert report.short == {panel.proposals[0].pk: 1}
        assert events("commission.assigned")[0].data["short"] == {str(panel.proposals[0].pk): 1}

    def test_only_managers_assign(self, city):
        panel = build_panel(city, assign=False)

        with pytest.raises(PermissionDenied):
            assign_all(commission=panel.commission, by=panel.chair)

        assert not Assignment.objects.exists()

    def test_lot_commission_gets_only_its_lot(self, city):
        call = open_call(programme__city=city)
        lot_1, lot_2 = LotFactory(call=call), LotFactory(call=call)
        manager = staff(city, Role.PROGRAMME_MANAGER)
        mine = submitted(call, title="Nel lotto 1", lot=lot_1)
        submitted(call, title="Nel lotto 2", lot=lot_2)
        commission = create_commission(call=call, by=manager, name="Lotto 1", lot=lot_1)
        add_member(commission=commission, user=staff(city), role="member", by=manager)

        assign_all(commission=commission, by=manager)

        assert list(Assignment.objects.values_list("proposal", flat=True)) == [mine.pk]


@st.composite
def assignment_cases(draw):
    n_members = draw(st.integers(min_value=0, max_value=6))
    n_proposals = draw(st.integers(min_value=0, max_value=15))
    members = list(range(1, n_members + 1))
    proposals = list(range(100, 100 + n_proposals))
    pairs = st.tuples(st.sampled_from(members), st.sampled_from(proposals))
    has_pairs = bool(members and proposals)
    conflicts = draw(st.sets(pairs, max_size=8)) if has_pairs else set()
    existing = draw(st.sets(pairs, max_size=4)) if has_pairs else set()
    per_proposal = draw(st.none() | st.integers(min_value=1, max_value=max(1, n_members)))
    return members, proposals, existing - conflicts, conflicts, per_proposal


class TestBalancedProperty:
    """Whatever the sizes, conflicts and earlier assignments: nobody gets a proposal they
    declared a conflict on, nobody twice, every proposal gets as many as it can (up to N);
    starting from scratch without conflicts, loads differ by at most 1."""

    @settings(max_examples=300, deadline=None)
    @given(case=assignment_cases())
    def test_plan(self, case):
        members, proposals, existing, conflicts, per_proposal = case

        created, short = plan_assignments(
            members=members,
            proposals=proposals,
            existing=existing,
            conflicts=conflicts,
            per_proposal=per_proposal,
        )

        assert len(created) == len(set(created))
        assert not set(created) & (conflicts | existing)
        final = set(created) | existing
        for proposal in proposals:
            had = sum(1 for m in members if (m, proposal) in existing)
            free = sum(1 for m in members if (m, proposal) not in existing | conflicts)
            got = sum(1 for m in members if (m, proposal) in final)
            if per_proposal is None:
                assert got == had + free  # everyone without a conflict
            else:
                assert got == had + min(max(0, per_proposal - had), free)
                assert short.get(proposal, 0) == max(0, per_proposal - got)

    @settings(max_examples=200, deadline=None)
    @given(
        n_members=st.integers(min_value=1, max_value=7),
        n_proposals=st.integers(min_value=0, max_value=30),
        data=st.data(),
    )
    def test_loads_differ_by_at_most_one(self, n_members, n_proposals, data):
        per_proposal = data.draw(st.integers(min_value=1, max_value=n_members))
        members = list(range(1, n_members + 1))

        created, short = plan_assignments(
            members=members,
            proposals=list(range(n_proposals)),
            existing=set(),
            conflicts=set(),
            per_proposal=per_proposal,
        )

        loads = Counter(m for m, _p in created)
        counts = [loads.get(m, 0) for m in members]
        assert max(counts) - min(counts) <= 1
        assert len(created) == n_proposals * per_proposal
        assert short == {}

    def test_assign_all_with_conflicts_end_to_end(self, city):
        call = open_call(programme__city=city)
        manager = staff(city, Role.PROGRAMME_MANAGER)
        proposals = [submitted(call, title=f"P{i}") for i in range(4)]
        commission = create_commission(call=call, by=manager, name="C", evaluators_per_proposal=2)
        users = [staff(city) for _ in range(3)]
        for user in users:
            add_member(commission=commission, user=user, role="member", by=manager)
        declare_conflict(proposal=proposals[0], has_conflict=True, reason="Socio.", by=users[0])

        assign_all(commission=commission, by=manager)

        pairs = set(Assignment.objects.values_list("member__user", "proposal"))
        assert (users[0].pk, proposals[0].pk) not in pairs
        assert Counter(p for _u, p in pairs) == {p.pk: 2 for p in proposals}
        loads = Counter(u for u, _p in pairs)
        assert max(loads.values()) - min(loads.values()) <= 1


class TestReassign:
    def test_chair_moves_a_proposal_and_the_draft_goes(self, city):
        panel = build_panel(city, per_proposal=1)
        proposal = panel.proposals[0]
        newcomer = staff(city)
        add_member(commission=panel.commission, user=newcomer, role="member", by=panel.manager)
        holder = Assignment.objects.get(proposal=proposal).member
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=holder.user)
        save_scores(proposal=proposal, by=holder.user, points={panel.leaves[0].pk: Decimal(4)})

        reassign(
            proposal=proposal,
            from_member=holder,
            to_member=panel.seat(newcomer),
            by=panel.chair,
        )

        assert list(Assignment.objects.values_list("member__user", flat=True)) == [newcomer.pk]
        assert not Evaluation.objects.exists()
        event = events("assignment.reassigned")[0]
        assert (event.actor, event.data["from"], event.data["to"], event.data["draft_removed"]) == (
            panel.chair,
            holder.user_id,
            newcomer.pk,
            True,
        )

    @pytest.mark.parametrize("who", ["manager", "member", "secretary"])
    def test_only_the_chair(self, city, who):
        panel = build_panel(city, per_proposal=1)
        proposal = panel.proposals[0]
        holder = Assignment.objects.get(proposal=proposal).member
        other = (
            panel.commission.members.filter(role__in=["chair", "member"])
            .exclude(pk=holder.pk)
            .get()
        )

        with pytest.raises(PermissionDenied):
            reassign(proposal=proposal, from_member=holder, to_member=other, by=getattr(panel, who))

        assert list(Assignment.objects.values_list("member", flat=True)) == [holder.pk]
        assert not events("assignment.reassigned")

    def test_refused_after_signature_to_the_secretary_or_to_a_conflicted_member(self, city):
        panel = build_panel(city)
        proposal = panel.proposals[0]
        chair_seat, member_seat = panel.seat(panel.chair), panel.seat(panel.member)
        newcomer = staff(city)
        add_member(commission=panel.commission, user=newcomer, role="member", by=panel.manager)
        declare_conflict(proposal=proposal, has_conflict=True, reason="Parente.", by=newcomer)
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.member)
        sign_evaluation(proposal=proposal, by=panel.member, points=full_marks(panel))

        with pytest.raises(AssignmentRefused):
            reassign(
                proposal=proposal,
                from_member=member_seat,
                to_member=panel.seat(newcomer),
                by=panel.chair,
            )
        with pytest.raises(AssignmentRefused):
            reassign(
                proposal=proposal,
                from_member=chair_seat,
                to_member=panel.seat(panel.secretary),
                by=panel.chair,
            )
        with pytest.raises(AssignmentRefused):
            reassign(
                proposal=proposal,
                from_member=chair_seat,
                to_member=panel.seat(newcomer),
                by=panel.chair,
            )

        assert set(Assignment.objects.values_list("member", flat=True)) == {
            chair_seat.pk,
            member_seat.pk,
        }

    def test_a_conflicted_chair_cannot_reassign(self, city):
        panel = build_panel(city, per_proposal=1)
        proposal = panel.proposals[0]
        declare_conflict(proposal=proposal, has_conflict=True, reason="Parente.", by=panel.chair)
        assign_all(commission=panel.commission, by=panel.manager)
        newcomer = staff(city)
        add_member(commission=panel.commission, user=newcomer, role="member", by=panel.manager)

        with pytest.raises(ConflictOfInterest):
            reassign(
                proposal=proposal,
                from_member=panel.seat(panel.member),
                to_member=panel.seat(newcomer),
                by=panel.chair,
            )

        assert list(Assignment.objects.values_list("member__user", flat=True)) == [panel.member.pk]
