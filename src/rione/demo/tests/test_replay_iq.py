"""The first iQ call, replayed by load_demo through the services, ends as the programme reported.

Figures (PRODUCT.md, Napoli iQ): 101 proposals; 60 selected, 40 from ETS (17 of them in a
network) and 20 from informal groups; among the 60, the targets count young people 29,
local communities 13, children 7, migrants 7, NEET 7, fragile groups 6, unemployed 6,
women in fragile conditions 5. The tests read them from what the services stored.
"""

from collections import Counter
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from rione.applicants.validators import validate_entity_cf, validate_person_cf
from rione.applications.models import STANDING, Proposal, Receipt, Target
from rione.applications.services.checks import participated
from rione.core import clock
from rione.core.models import AuditEvent, Role, StaffRole
from rione.demo import data_iq_stage1 as plan
from rione.demo.accounts import PASSWORD
from rione.demo.loader import load_demo
from rione.demo.replay_iq import replay_iq_stage_1
from rione.evaluation.models import (
    AdmissibilityOutcome,
    AdmissibilityReview,
    AppealOutcome,
    CommissionRole,
    ConflictDeclaration,
    EntryStatus,
    Evaluation,
    EvaluationStatus,
    Ranking,
    RankingKind,
)
from rione.monitoring.selectors import call_indicators
from rione.programmes.models import Call, CallPhase

pytestmark = pytest.mark.django_db

SELECTED_TARGETS = {
    "Giovani e studenti fra i 15 e i 35 anni": 29,
    "Comunità locali": 13,
    "Bambini e preadolescenti": 7,
    "Migranti": 7,
    "NEET": 7,
    "Fasce fragili delle comunità": 6,
    "Disoccupati": 6,
    "Donne in condizioni di fragilità": 5,
}


@pytest.fixture
def call(loaded_demo) -> Call:
    return Call.objects.select_related("city").get(city__slug="napoli", slug="iq-fase-1")


@pytest.fixture
def final(call) -> Ranking:
    return Ranking.objects.get(call=call, kind=RankingKind.FINAL)


def selected_proposals(ranking: Ranking) -> list[Proposal]:
    ids = ranking.entries.filter(status=EntryStatus.SELECTED).values("proposal_id")
    return list(Proposal.objects.filter(pk__in=ids).select_related("organisation", "group"))


def rome_date(moment):
    return moment.astimezone(clock.ROME).date()


def test_101_proposals_submitted_in_time_with_receipts_1_to_101(call):
    proposals = Proposal.objects.filter(call=call)
    assert proposals.count() == 101
    assert set(proposals.values_list("status", flat=True)) <= set(STANDING)
    receipts = list(Receipt.objects.filter(call=call).order_by("protocol_number"))
    assert [r.protocol_number for r in receipts] == list(range(1, 102))
    issued = [r.issued_at for r in receipts]
    assert issued == sorted(issued)
    assert call.opens_at <= issued[0] and issued[-1] < call.closes_at
    assert {r.proposal_id for r in receipts} == set(proposals.values_list("pk", flat=True))
    families = Counter("group" if p.group_id else "ets" for p in proposals)
    assert families == {"ets": 66, "group": 35}
    assert all(r.emailed_at is None for r in receipts)  # 2020's receipts are not e-mailed today


def test_applicants_spread_over_areas_sectors_and_targets(call):
    proposals = Proposal.objects.filter(call=call)
    districts = set(proposals.values_list("neighbourhoods__district__code", flat=True))
    assert districts == {"M2", "M3", "M6", "M8"}
    assert proposals.values("neighbourhoods").distinct().count() == 15
    assert proposals.values("sector").distinct().count() == 5
    targets = Target.objects.filter(proposal__call=call)
    assert targets.values("target_group").distinct().count() == 8
    networks = proposals.filter(is_network=True)
    assert networks.count() == 25 and not networks.filter(organisation__isnull=True).exists()
    assert all(p.partners.exists() for p in networks)
    groups = proposals.filter(group__isnull=False)
    assert all(p.group.members.count() >= call.group_minimum for p in groups)


def test_final_ranking_selects_60_forty_ets_seventeen_in_network_and_twenty_groups(call, final):
    assert (rome_date(final.published_at), final.act_number, final.act_date) == (
        date(2020, 10, 15),
        "12",
        date(2020, 10, 15),
    )
    selected = selected_proposals(final)
    assert len(selected) == 60
    ets = [p for p in selected if p.organisation is not None and p.organisation.is_ets]
    groups = [p for p in selected if p.group is not None]
    assert (len(ets), len(groups)) == (40, 20)
    assert sum(p.is_network for p in ets) == 17
    statuses = Counter(final.entries.values_list("status", flat=True))
    assert statuses[EntryStatus.NOT_ADMISSIBLE] == 5
    assert statuses[EntryStatus.ELIGIBLE_NOT_SELECTED] > 0  # quota full, not a low score
    assert sum(statuses.values()) == 101
    assert call.phase == CallPhase.FINAL_RANKING


def test_targets_of_the_60_selected_are_the_programmes(final):
    selected = selected_proposals(final)
    targets = Counter(
        Target.objects.filter(proposal__in=selected).values_list("target_group__name", flat=True)
    )
    assert targets == SELECTED_TARGETS
    assert sum(targets.values()) == 80


def test_the_dashboard_of_the_call_computes_the_same_figures(call):
    figures = call_indicators(call=call)

    funnel = {step.key: step.count.value for step in figures.funnel if step.count is not None}
    assert (funnel["submitted"], funnel["admissible"], funnel["selected"]) == (101, 96, 60)
    tables = {table.slug: table for table in figures.breakdowns}
    applicants = {row.key: row.selected.value for row in tables["applicant"].rows}
    assert (applicants["ets"], applicants["ets_network"], applicants["informal_group"]) == (
        23,
        17,
        20,
    )
    targets = {row.label: row.selected.value for row in tables["target"].rows}
    assert {label: targets.get(label) for label in SELECTED_TARGETS} == SELECTED_TARGETS


def test_provisional_then_an_appeal_then_final(call, final):
    provisional = Ranking.objects.get(call=call, kind=RankingKind.PROVISIONAL)
    assert provisional.published_at < provisional.appeals_close_at <= final.published_at
    assert (provisional.appeals_close_at - provisional.published_at).days == plan.APPEAL_DAYS
    appeal = provisional.appeals.get()
    assert appeal.outcome == AppealOutcome.REJECTED and appeal.decision
    assert provisional.published_at < appeal.filed_at < provisional.appeals_close_at
    entry = provisional.entries.get(proposal=appeal.proposal)
    assert entry.status == EntryStatus.ELIGIBLE_NOT_SELECTED
    assert appeal.filed_by == appeal.proposal.created_by


def test_admissibility_scores_and_decisions_are_audited_in_2020(call):
    reviews = AdmissibilityReview.objects.filter(proposal__call=call)
    outcomes = Counter(reviews.values_list("outcome", flat=True))
    assert outcomes == {AdmissibilityOutcome.ADMISSIBLE: 96, AdmissibilityOutcome.NOT_ADMISSIBLE: 5}
    assert all(call.closes_at < r.decided_at for r in reviews)
    events = AuditEvent.objects.filter(stream=f"call:{call.pk}")
    actions = Counter(events.values_list("action", flat=True))
    assert actions["admissibility.decided"] == 101
    assert actions["evaluation.signed"] == 101
    assert actions["ranking.computed"] == 2 and actions["ranking.published"] == 2
    assert actions["conflict.declared"] == 103  # 101 declarations without conflict, 2 with
    assert {"appeal.filed", "appeal.decided", "call.status_changed"} <= set(actions)
    decided = events.filter(action__in=["admissibility.decided", "ranking.published"])
    assert {rome_date(e.at).year for e in decided} == {2020}
    published = events.filter(action="ranking.published").order_by("seq")
    assert [e.data["kind"] for e in published] == ["provisional", "final"]
    assert published.last().data["act_number"] == "12"
    moments = list(events.order_by("seq").values_list("at", flat=True))
    assert moments == sorted(moments)  # the call's history reads in the order it happened
    first = Proposal.objects.filter(call=call).order_by("pk").first()
    steps = AuditEvent.objects.filter(stream=f"proposal:{first.pk}").order_by("seq")
    actions = [e.action for e in steps]
    assert (actions[0], actions[-1]) == ("proposal.started", "proposal.submitted")
    assert list(steps.values_list("at", flat=True)) == sorted(steps.values_list("at", flat=True))


def test_three_demo_evaluators_sign_and_a_conflict_moves_the_proposal(call):
    commission = call.commissions.get()
    seats = list(commission.members.select_related("user").order_by("pk"))
    assert [s.user.email for s in seats] == [
        "evaluator.napoli@rione.demo",
        "evaluator2.napoli@rione.demo",
        "evaluator3.napoli@rione.demo",
    ]
    assert [s.role for s in seats] == [CommissionRole.CHAIR, *[CommissionRole.MEMBER] * 2]
    for seat in seats:
        assert StaffRole.objects.filter(user=seat.user, city=call.city, role=Role.EVALUATOR)
        client = Client()
        response = client.post("/account/login/", {"login": seat.user.email, "password": PASSWORD})
        assert response.status_code == 302
    signed = Evaluation.objects.filter(member__commission=commission)
    assert signed.count() == 101
    assert set(signed.values_list("status", flat=True)) == {EvaluationStatus.SIGNED}
    assert Counter(signed.values_list("member_id", flat=True)).keys() == {s.pk for s in seats}
    conflicts = ConflictDeclaration.objects.filter(member__commission=commission, has_conflict=True)
    assert conflicts.count() == 2
    for conflict in conflicts:
        scorer = signed.get(proposal=conflict.proposal).member
        assert scorer != conflict.member


def test_stage_two_is_open_to_the_selected_only(final):
    entries = final.entries.select_related("proposal")
    chosen = entries.filter(status=EntryStatus.SELECTED).first().proposal
    left_out = entries.exclude(status=EntryStatus.SELECTED).first().proposal

    def applicant(p):
        return {"organisation_id": p.organisation_id, "group_id": p.group_id}

    assert participated(final.call, applicant(chosen))
    assert not participated(final.call, applicant(left_out))


def test_replay_happens_once(call):
    counted = []

    assert replay_iq_stage_1(count=counted.append) is False
    report = load_demo()

    assert counted == [] and report.created == {}
    assert Proposal.objects.filter(call=call).count() == 101


def test_replay_needs_the_call(loaded_demo):
    Call.objects.filter(slug="iq-fase-1").update(slug="iq-fase-1-altro")

    assert replay_iq_stage_1(count=lambda obj: None) is False
    assert not Call.objects.filter(slug="iq-fase-1").exists()


def test_the_e_mails_of_2020_are_held_back(loaded_demo):
    applicants = {p.contact.email for p in plan.proposals()}
    recipients = {address for message in loaded_demo for address in message.to}
    assert not recipients & applicants
    assert len(loaded_demo) < 10


class TestPlan:
    def test_identifiers_are_valid_and_unique(self):
        proposals = plan.proposals()
        people = {m.codice_fiscale for p in proposals for m in (p.contact, *p.members)}
        for code in people:
            validate_person_cf(code)
        for p in proposals:
            if p.codice_fiscale:
                validate_entity_cf(p.codice_fiscale)
        assert len({p.codice_fiscale for p in proposals if p.codice_fiscale}) == 66
        assert len({p.contact.email for p in proposals}) == 101

    def test_a_wrong_check_letter_is_refused(self):
        code = plan.person_cf("Esposito", "Anna", date(1980, 1, 1), female=True)
        wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
        with pytest.raises(ValidationError):
            validate_person_cf(wrong)

    @pytest.mark.parametrize("total", range(30, 101))
    def test_criterion_points_add_up_within_their_maxima(self, total):
        points = plan.criterion_points(total)
        assert sum(points) == total
        assert all(0 <= p <= m for p, (_c, _t, m) in zip(points, plan.CRITERIA, strict=True))

    def test_selected_and_others_never_tie(self):
        proposals = plan.proposals()
        lowest = min(p.score for p in proposals if p.selected)
        highest = max(p.score for p in proposals if not p.selected)
        assert lowest > highest and lowest >= plan.OVERALL_MIN
