"""The pages of the rubric, the commissions and the evaluators: who gets in, what they see.

People: a manager of the call's city (manager), the commission's chair, a member and the
secretary, an evaluator of the city who sits on no commission (evaluator), a manager of
another city (other_manager), and an anonymous visitor.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import SUCCESS, get_messages
from django.db import transaction
from django.db.models import Max
from django.test import Client
from django.urls import URLResolver, reverse

from rione.core.models import AuditEvent, Role
from rione.evaluation.models import (
    Assignment,
    BonusRule,
    Commission,
    CommissionMember,
    ConflictDeclaration,
    ConsensusScore,
    Criterion,
    Evaluation,
    EvaluationStatus,
    Score,
    ScoringMethod,
)
from rione.evaluation.services import declare_conflict, sign_evaluation
from rione.evaluation.tests.test_commissions import (
    Panel,
    build_panel,
    full_marks,
    staff,
    submitted,
)
from rione.evaluation.views import commissions as commission_views
from rione.evaluation.views import scoring as scoring_views

pytestmark = pytest.mark.django_db

MANAGER = frozenset({"manager"})
CHAIR = frozenset({"chair"})
SCORERS = frozenset({"chair", "member"})
SEATS = frozenset({"chair", "member", "secretary"})
READERS = MANAGER | SEATS
CITY_STAFF = READERS | {"evaluator"}


@dataclass
class World:
    panel: Panel
    declared: Any  # chair and member declared no conflict
    undeclared: Any
    people: dict[str, Any]

    @property
    def call_args(self) -> list[Any]:
        return [self.panel.call.city.slug, self.panel.call.pk]

    @property
    def commission_args(self) -> list[Any]:
        return [*self.call_args, self.panel.commission.pk]


@dataclass(frozen=True)
class Case:
    method: str
    allowed: frozenset[str]
    args: Callable[[World], list[Any]]
    forbidden: frozenset[str] = frozenset()  # see the page's call but may not act: 403
    data: Callable[[World], dict[str, Any]] | None = None


def city_args(w: World) -> list[Any]:
    return [w.panel.call.city.slug]


MATRIX: dict[str, Case] = {
    "rubric": Case("get", READERS, lambda w: w.call_args),
    "criterion_create": Case("get", MANAGER, lambda w: w.call_args, forbidden=SEATS),
    "criterion_edit": Case(
        "get", MANAGER, lambda w: [*w.call_args, w.panel.criteria["B"].pk], forbidden=SEATS
    ),
    "criterion_delete": Case(
        "post", MANAGER, lambda w: [*w.call_args, w.panel.criteria["B"].pk], forbidden=SEATS
    ),
    "bonus_rule_edit": Case("get", MANAGER, lambda w: [*w.call_args, "network"], forbidden=SEATS),
    "commission_list": Case("get", READERS, lambda w: w.call_args),
    "commission_create": Case("get", MANAGER, lambda w: w.call_args, forbidden=SEATS),
    "commission_detail": Case("get", READERS, lambda w: w.commission_args),
    "commission_edit": Case("get", MANAGER, lambda w: w.commission_args, forbidden=SEATS),
    "commission_member_add": Case("get", MANAGER, lambda w: w.commission_args, forbidden=SEATS),
    "commission_member_remove": Case(
        "post",
        MANAGER,
        lambda w: [*w.commission_args, w.panel.seat(w.panel.secretary).pk],
        forbidden=SEATS,
    ),
    "commission_assign": Case("post", MANAGER, lambda w: w.commission_args, forbidden=SEATS),
    "commission_reassign": Case(
        "get",
        CHAIR,
        lambda w: [*w.commission_args, w.declared.pk],
        forbidden=frozenset({"manager", "member", "secretary"}),
    ),
    "scoring_consensus": Case(
        "get",
        CHAIR,
        lambda w: [*w.commission_args, w.declared.pk],
        forbidden=frozenset({"manager", "member", "secretary"}),
    ),
    "my_evaluations": Case("get", CITY_STAFF, city_args),
    "conflict_declare": Case("get", SCORERS, lambda w: [*city_args(w), w.undeclared.pk]),
    "scoring_form": Case("get", SCORERS, lambda w: [*city_args(w), w.declared.pk]),
}
WATCHED = [
    Criterion,
    BonusRule,
    Commission,
    CommissionMember,
    ConflictDeclaration,
    Assignment,
    Evaluation,
    Score,
    ConsensusScore,
    AuditEvent,
]


def fingerprint() -> dict[str, Any]:
    result: dict[str, Any] = {model.__name__: model.objects.count() for model in WATCHED}
    result["criteria changed"] = Criterion.objects.aggregate(m=Max("updated_at"))["m"]
    return result


def make_world(city, other_city) -> World:
    panel = build_panel(city, n_proposals=2, method=ScoringMethod.CONSENSUS)
    declared, undeclared = panel.proposals
    for user in (panel.chair, panel.member):
        declare_conflict(proposal=declared, has_conflict=False, reason="", by=user)
    return World(
        panel=panel,
        declared=declared,
        undeclared=undeclared,
        people={
            "manager": panel.manager,
            "chair": panel.chair,
            "member": panel.member,
            "secretary": panel.secretary,
            "evaluator": staff(city),
            "other_manager": staff(other_city, Role.PROGRAMME_MANAGER),
            "anonymous": None,
        },
    )


@pytest.fixture
def world(city, other_city) -> World:
    return make_world(city, other_city)


def url_names(patterns: list[Any]) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= url_names(pattern.url_patterns)
        else:
            names.add(pattern.name)
    return names


def test_every_url_is_in_the_matrix():
    mine = url_names(commission_views.urlpatterns) | url_names(scoring_views.urlpatterns)
    assert mine == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name, world):
    case = MATRIX[name]
    url = reverse(f"evaluation:{name}", args=case.args(world))
    for who, user in world.people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        label = f"{name} as {who}"
        with transaction.atomic():
            before = fingerprint()
            response = getattr(client, case.method)(url, case.data(world) if case.data else {})
            if who in case.allowed:
                expected = 200 if case.method == "get" else 302
                assert response.status_code == expected, (label, response.status_code)
                if case.method == "post":
                    levels = [m.level for m in get_messages(response.wsgi_request)]
                    assert SUCCESS in levels, label
            else:
                if user is None:
                    assert response.status_code == 302, label
                    assert response["Location"].startswith(reverse("account_login")), label
                else:
                    expected = 403 if who in case.forbidden else 404
                    assert response.status_code == expected, (label, response.status_code)
                assert fingerprint() == before, label
            transaction.set_rollback(True)


# Evaluators' journey


def declare_url(proposal) -> str:
    return reverse("evaluation:conflict_declare", args=[proposal.call.city.slug, proposal.pk])


def form_url(proposal) -> str:
    return reverse("evaluation:scoring_form", args=[proposal.call.city.slug, proposal.pk])


class TestDeclarationComesFirst:
    def test_the_content_opens_only_after_declaring_no_conflict(self, city, client_for):
        panel = build_panel(city)
        proposal = panel.proposals[0]
        client = client_for(panel.member)

        first = client.get(form_url(proposal))
        declaration = client.get(declare_url(proposal))
        answer = client.post(declare_url(proposal), {"has_conflict": "no", "reason": ""})
        page = client.get(form_url(proposal))

        assert first.status_code == 302 and first["Location"] == declare_url(proposal)
        html = declaration.content.decode()
        assert "Proposta 0" in html and "Testo di problem." not in html
        assert answer.status_code == 302 and answer["Location"] == form_url(proposal)
        assert "Testo di problem." in page.content.decode()
        assert ConflictDeclaration.objects.get().has_conflict is False

    def test_a_conflict_hides_the_proposal_for_good(self, city, client_for):
        panel = build_panel(city)
        proposal = panel.proposals[0]
        client = client_for(panel.member)

        refused = client.post(declare_url(proposal), {"has_conflict": "si", "reason": ""})
        answer = client.post(
            declare_url(proposal), {"has_conflict": "si", "reason": "Mio cugino è il presidente."}
        )

        assert refused.status_code == 200
        assert "Indica il motivo del conflitto" in refused.content.decode()
        assert answer["Location"] == reverse("evaluation:my_evaluations", args=[city.slug])
        assert client.get(form_url(proposal)).status_code == 404
        assert client.get(declare_url(proposal)).status_code == 404
        detail = reverse(
            "evaluation:commission_detail",
            args=[city.slug, panel.call.pk, panel.commission.pk],
        )
        assert "Proposta 0" not in client.get(detail).content.decode()
        assert (
            "Proposta 0"
            not in client.get(
                reverse("evaluation:my_evaluations", args=[city.slug])
            ).content.decode()
        )

    def test_an_evaluator_of_another_call_gets_404(self, city, client_for):
        here = build_panel(city)
        there = build_panel(city)
        declare_conflict(proposal=here.proposals[0], has_conflict=False, reason="", by=here.member)

        client = client_for(there.member)

        assert client.get(form_url(here.proposals[0])).status_code == 404
        assert client.get(declare_url(here.proposals[0])).status_code == 404


class TestScoringForm:
    @pytest.fixture
    def panel(self, city) -> Panel:
        panel = build_panel(city)
        declare_conflict(
            proposal=panel.proposals[0], has_conflict=False, reason="", by=panel.member
        )
        return panel

    def data(self, panel: Panel, points: dict[str, str], **extra: str) -> dict[str, str]:
        data = {f"points_{panel.criteria[code].pk}": value for code, value in points.items()}
        return {"comment": "", **data, **extra}

    def test_a_draft_takes_italian_decimals(self, panel, client_for):
        proposal = panel.proposals[0]

        response = client_for(panel.member).post(
            form_url(proposal), self.data(panel, {"A.1": "7,5", "B": ""}, azione="salva")
        )

        assert response.status_code == 302
        evaluation = Evaluation.objects.get()
        assert evaluation.status == EvaluationStatus.DRAFT
        assert list(evaluation.scores.values_list("points", flat=True)) == [Decimal("7.50")]

    def test_out_of_range_points_are_explained_and_nothing_is_saved(self, panel, client_for):
        proposal = panel.proposals[0]

        response = client_for(panel.member).post(
            form_url(proposal), self.data(panel, {"A.1": "11", "B": "3"}, azione="salva")
        )

        assert response.status_code == 200
        html = response.content.decode()
        assert "Il punteggio di «A.1 Chiarezza» deve essere tra 0 e 10." in html
        assert 'aria-invalid="true"' in html
        assert not Score.objects.exists()

    def test_signing_asks_for_confirmation_then_freezes(self, panel, client_for):
        proposal = panel.proposals[0]
        client = client_for(panel.member)
        marks = {"A.1": "10", "A.2": "20", "B": "20"}

        unconfirmed = client.post(form_url(proposal), self.data(panel, marks, azione="firma"))
        signed = client.post(
            form_url(proposal), self.data(panel, marks, azione="firma", confirm="on")
        )
        later = client.post(form_url(proposal), self.data(panel, {"A.1": "1"}, azione="salva"))

        assert unconfirmed.status_code == 200
        assert "Spunta la conferma" in unconfirmed.content.decode()
        assert signed.status_code == 302
        evaluation = Evaluation.objects.get()
        assert evaluation.status == EvaluationStatus.SIGNED
        assert later.status_code == 200 and "Valutazione firmata" in later.content.decode()
        assert sorted(evaluation.scores.values_list("points", flat=True)) == [
            Decimal(10),
            Decimal(20),
            Decimal(20),
        ]

    def test_the_page_has_inputs_for_leaves_only(self, panel, client_for):
        response = client_for(panel.member).get(form_url(panel.proposals[0]))

        html = response.content.decode()
        for code in ("A.1", "A.2", "B"):
            assert f'name="points_{panel.criteria[code].pk}"' in html
        assert f'name="points_{panel.criteria["A"].pk}"' not in html
        assert 'inputmode="decimal"' in html
        assert "Salva bozza" in html and "Firma la valutazione" in html


class TestManagerPages:
    def test_manager_builds_the_rubric_and_the_commission(self, city, client_for):
        panel = build_panel(city, assign=False)
        client = client_for(panel.manager)
        args = [city.slug, panel.call.pk]

        criterion = client.post(
            reverse("evaluation:criterion_create", args=args),
            {
                "code": "C",
                "title": "Sostenibilità",
                "max_points": "12,5",
                "weight": "1",
                "order": "2",
            },
        )
        bonus = client.post(
            reverse("evaluation:bonus_rule_edit", args=[*args, "network"]), {"points": "3"}
        )
        assigned = client.post(
            reverse("evaluation:commission_assign", args=[*args, panel.commission.pk])
        )

        assert criterion.status_code == bonus.status_code == assigned.status_code == 302
        assert Criterion.objects.get(code="C").max_points == Decimal("12.50")
        assert BonusRule.objects.get().points == Decimal(3)
        assert Assignment.objects.count() == 2
        rubric = client.get(reverse("evaluation:rubric", args=args)).content.decode()
        assert "Sostenibilità" in rubric and "Premialità" in rubric

    def test_progress_shows_who_signed_and_outliers(self, city, client_for):
        panel = build_panel(city, outlier_gap=Decimal(5))
        proposal = panel.proposals[0]
        for user, a1 in ((panel.member, Decimal(1)), (panel.chair, Decimal(9))):
            declare_conflict(proposal=proposal, has_conflict=False, reason="", by=user)
            sign_evaluation(
                proposal=proposal, by=user, points=full_marks(panel) | {panel.leaves[0].pk: a1}
            )

        response = client_for(panel.manager).get(
            reverse(
                "evaluation:commission_detail", args=[city.slug, panel.call.pk, panel.commission.pk]
            )
        )

        row = response.context["rows"][0]
        assert (row.signed, row.outliers) == (2, ["A.1"])
        assert "Scarto" in response.content.decode()

    def test_tab_and_sidebar(self, city, client_for):
        panel = build_panel(city, assign=False)
        detail = reverse("backoffice:call_detail", args=[city.slug, panel.call.pk])
        tab = reverse("evaluation:commission_list", args=[city.slug, panel.call.pk])

        for user, sees in ((panel.manager, True), (panel.secretary, True), (staff(city), False)):
            html = client_for(user).get(detail).content.decode()
            assert (tab in html) is sees
            assert reverse("evaluation:my_evaluations", args=[city.slug]) in html


# Query budgets
# Progress (as the chair): session, user, roles, seats, city, call, commission, members,
# criteria, count and page of proposals, assignments, declarations, evaluations, scores,
# consensus, and the tab's permission: 18 today, 2 to spare.
PROGRESS_QUERIES = 20
# My evaluations: session, user, roles, city, count and one page of assignments (version,
# declaration and evaluation as subqueries): 6 today, 2 to spare.
MINE_QUERIES = 8


@pytest.mark.parametrize("n_proposals", [1, 20])
def test_commission_progress_queries_do_not_grow(
    city, client_for, n_proposals, django_assert_max_num_queries
):
    panel = build_panel(city, n_proposals=n_proposals, outlier_gap=Decimal(2))
    for proposal in panel.proposals:
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.member)
        sign_evaluation(proposal=proposal, by=panel.member, points=full_marks(panel))
    client = client_for(panel.chair)
    url = reverse(
        "evaluation:commission_detail", args=[city.slug, panel.call.pk, panel.commission.pk]
    )

    with django_assert_max_num_queries(PROGRESS_QUERIES):
        response = client.get(url)

    assert len(response.context["rows"]) == n_proposals


@pytest.mark.parametrize("n_proposals", [1, 20])
def test_my_evaluations_queries_do_not_grow(
    city, client_for, n_proposals, django_assert_max_num_queries
):
    panel = build_panel(city, n_proposals=n_proposals)
    submitted(build_panel(city).call)  # another call's commission: not mine
    for proposal in panel.proposals[: n_proposals // 2]:
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.member)
    client = client_for(panel.member)

    with django_assert_max_num_queries(MINE_QUERIES):
        response = client.get(reverse("evaluation:my_evaluations", args=[city.slug]))

    assert len(response.context["rows"]) == n_proposals
    states = {row.state for row in response.context["rows"]}
    assert states <= {"to_declare", "to_score"}
