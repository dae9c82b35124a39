"""The admissibility pages: who gets in (every URL, every kind of person), what they do, query budgets.

People: a manager of the call's city, an evaluator of that city, a manager of another
city, the applicant (legal representative of the proposing organisation), a stranger
with an account, and an anonymous visitor.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import SUCCESS, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from rione.applications.models import Attachment, Proposal
from rione.applications.tests.factories import PDF_BYTES
from rione.applications.tests.helpers import NOW, call_in
from rione.core import clock
from rione.core.models import AuditEvent
from rione.evaluation import selectors
from rione.evaluation.models import (
    AdmissibilityOutcome,
    AdmissibilityReview,
    ChecklistItem,
    IntegrationRequest,
)
from rione.evaluation.services import (
    answer_integration,
    create_checklist_item,
    request_integration,
)
from rione.evaluation.tests.test_admissibility import AFTER, DUE, submitted_in
from rione.evaluation.views import admissibility as admissibility_views
from rione.evaluation.views import integration as integration_views
from rione.programmes.models import RequiredDocument

pytestmark = pytest.mark.django_db

PEOPLE = ("manager", "evaluator", "other_manager", "applicant", "stranger", "anonymous")
MANAGER = frozenset({"manager"})
APPLICANT = frozenset({"applicant"})
# A refused staff page: 403 for staff of the city without the role and for people without
# any staff role, 404 for staff of another city (as in the rest of the back office).
STAFF_REFUSAL = {"evaluator": 403, "other_manager": 404, "applicant": 403, "stranger": 403}
# Session, user, roles, city, call; the page's count and rows, their integration requests;
# the call's rules (5) for the automatic checks; outcome counts; checklist size.
LIST_QUERY_BUDGET = 15


@dataclass
class World:
    call: Any
    proposal: Proposal
    statute: RequiredDocument
    item: ChecklistItem
    answered: IntegrationRequest
    pending: IntegrationRequest
    people: dict[str, Any]


@pytest.fixture
def world(city, manager, evaluator, other_manager, citizen):
    with clock.travel_to(NOW):
        call = call_in(city, title="Quartieri in rete")
        statute = RequiredDocument.objects.create(call=call, title="Statuto")
        proposal = submitted_in(call)
        item = create_checklist_item(call=call, by=manager, values={"text": "Spazio accessibile"})
    answered = request_integration(
        proposal=proposal, by=manager, message="Lo statuto firmato.", due_at=DUE, at=AFTER
    )
    answer_integration(
        request=answered,
        by=proposal.created_by,
        answer="Eccolo.",
        upload=SimpleUploadedFile("statuto.pdf", PDF_BYTES),
        at=AFTER,
    )
    pending = request_integration(
        proposal=proposal,
        by=manager,
        message="Il bilancio.",
        due_at=DUE,
        required_document=statute,
        at=AFTER,
    )
    return World(
        call=call,
        proposal=proposal,
        statute=statute,
        item=item,
        answered=answered,
        pending=pending,
        people={
            "manager": manager,
            "evaluator": evaluator,
            "other_manager": other_manager,
            "applicant": proposal.created_by,
            "stranger": citizen,
            "anonymous": None,
        },
    )


@pytest.fixture(autouse=True)
def after_deadline():
    with clock.travel_to(AFTER + timedelta(hours=1)):
        yield


@dataclass(frozen=True)
class Case:
    method: str
    allowed: frozenset[str]
    args: Callable[[World], list[Any]]
    data: Callable[[World], dict[str, Any]] | None = None


def local(moment: Any) -> str:
    """``moment`` as a datetime-local input on the Rome wall clock."""
    return timezone.localtime(moment, clock.ROME).strftime("%Y-%m-%dT%H:%M")


def on_call(w: World) -> list[Any]:
    return [w.call.city.slug, w.call.pk]


def on_proposal(w: World) -> list[Any]:
    return [*on_call(w), w.proposal.pk]


MATRIX: dict[str, Case] = {
    "admissibility_list": Case("get", MANAGER, on_call),
    "checklist": Case("get", MANAGER, on_call),
    "checklist_item_create": Case("get", MANAGER, on_call),
    "checklist_item_edit": Case("get", MANAGER, lambda w: [*on_call(w), w.item.pk]),
    "checklist_item_delete": Case("post", MANAGER, lambda w: [*on_call(w), w.item.pk]),
    "admissibility_review": Case("get", MANAGER, on_proposal),
    "integration_request": Case(
        "post",
        MANAGER,
        on_proposal,
        data=lambda w: {
            "message": "Anche la carta d'identità.",
            "due_at": local(DUE),
            "required_document": "",
        },
    ),
    "integration_attachment": Case("get", MANAGER, lambda w: [*on_proposal(w), w.answered.pk]),
    "integration_answer": Case(
        "post",
        APPLICANT,
        lambda w: [w.proposal.pk, w.pending.pk],
        data=lambda w: {
            "answer": "Ecco il bilancio.",
            "file": SimpleUploadedFile("b.pdf", PDF_BYTES),
        },
    ),
}
WATCHED = [AdmissibilityReview, IntegrationRequest, ChecklistItem, Attachment, AuditEvent]


def fingerprint() -> dict[str, Any]:
    result: dict[str, Any] = {model.__name__: model.objects.count() for model in WATCHED}
    result["answers"] = sorted(IntegrationRequest.objects.values_list("pk", "answered_at"))
    result["outcomes"] = sorted(AdmissibilityReview.objects.values_list("pk", "outcome"))
    result["items"] = ChecklistItem.objects.aggregate(m=Max("updated_at"))["m"]
    return result


def url_names(patterns: list[Any]) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_url_is_in_the_matrix():
    patterns = admissibility_views.urlpatterns + integration_views.urlpatterns
    assert url_names(patterns) == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name, world):
    case = MATRIX[name]
    url = reverse(f"evaluation:{name}", args=case.args(world))
    staff_page = case.allowed == MANAGER
    for who in PEOPLE:
        user = world.people[who]
        client = Client()
        if user is not None:
            client.force_login(user)
        label = f"{name} as {who}"
        with transaction.atomic():
            before = fingerprint()
            data = case.data(world) if case.data else {}
            response = getattr(client, case.method)(url, data)
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
                    expected = STAFF_REFUSAL[who] if staff_page else 404
                    assert response.status_code == expected, (label, response.status_code)
                # A refused request changes nothing, whatever it sends.
                if case.method == "get":
                    response = client.post(url, {"message": "x", "answer": "x", "text": "x"})
                    assert response.status_code in {302, 403, 404}, label
                assert fingerprint() == before, label
            transaction.set_rollback(True)


# What the pages do


def test_the_call_tabs_show_admissibility_to_managers_only(world, client_for):
    url = reverse("backoffice:call_detail", args=on_call(world))
    tab = reverse("evaluation:admissibility_list", args=on_call(world))

    assert tab in client_for(world.people["manager"]).get(url).content.decode()
    assert tab not in client_for(world.people["evaluator"]).get(url).content.decode()


def test_the_list_shows_outcome_checks_and_filters_by_outcome(world, client_for):
    client = client_for(world.people["manager"])
    url = reverse("evaluation:admissibility_list", args=on_call(world))

    page = client.get(url).content.decode()
    assert "Biblioteca di strada" in page
    assert "Integrazione richiesta" in page
    assert "1 in attesa di risposta" in page and "1 con risposta" in page
    assert "Tutte superate" in page

    filtered = client.get(url, {"esito": AdmissibilityOutcome.ADMISSIBLE}).content.decode()
    assert "Biblioteca di strada" not in filtered
    assert "Nessuna proposta corrisponde ai filtri." in filtered


def test_the_review_page_shows_checks_requests_and_waits_for_the_open_request(world, client_for):
    response = client_for(world.people["manager"]).get(
        reverse("evaluation:admissibility_review", args=on_proposal(world))
    )

    page = response.content.decode()
    assert "Presentata entro la scadenza" in page
    assert "Lo statuto firmato." in page and "Eccolo." in page
    assert "C'è una richiesta di integrazione aperta" in page
    assert 'name="outcome"' not in page


def _decidable(world):
    IntegrationRequest.objects.filter(pk=world.pending.pk).update(due_at=AFTER)


def test_a_manager_decides_from_the_review_page(world, client_for):
    _decidable(world)
    url = reverse("evaluation:admissibility_review", args=on_proposal(world))

    response = client_for(world.people["manager"]).post(
        url,
        {"outcome": "admissible", "reason": "Tutto in regola.", "passed": [str(world.item.pk)]},
    )

    assert response.status_code == 302
    review = AdmissibilityReview.objects.get(proposal=world.proposal)
    assert (review.outcome, review.reason) == ("admissible", "Tutto in regola.")
    assert review.manual[str(world.item.pk)]["passed"] is True


def test_a_decision_without_reason_is_shown_with_its_error_and_saves_nothing(world, client_for):
    _decidable(world)
    before = fingerprint()

    response = client_for(world.people["manager"]).post(
        reverse("evaluation:admissibility_review", args=on_proposal(world)),
        {"outcome": "admissible", "reason": ""},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Non è stato salvato nulla" in page
    assert "Scrivi la motivazione dell&#x27;esito" in page
    assert fingerprint() == before


def test_a_request_with_a_past_deadline_is_refused_on_the_page(world, client_for):
    before = fingerprint()

    response = client_for(world.people["manager"]).post(
        reverse("evaluation:integration_request", args=on_proposal(world)),
        {"message": "Altro", "due_at": "2020-01-01T10:00"},
    )

    assert response.status_code == 200
    assert "Il termine per rispondere deve essere nel futuro." in response.content.decode()
    assert fingerprint() == before


def test_the_applicant_reads_the_request_and_answers_it(world, client_for):
    client = client_for(world.people["applicant"])
    url = reverse("evaluation:integration_answer", args=[world.proposal.pk, world.pending.pk])
    assert "Il bilancio." in client.get(url).content.decode()

    response = client.post(url, {"answer": "Ecco il bilancio."})

    assert response.status_code == 302
    world.pending.refresh_from_db()
    assert world.pending.answer == "Ecco il bilancio."
    again = client.get(url).content.decode()
    assert "Hai già risposto" in again
    assert 'name="answer"' not in again


def test_an_answer_after_the_deadline_is_refused_with_a_clear_message(world, client_for):
    client = client_for(world.people["applicant"])
    url = reverse("evaluation:integration_answer", args=[world.proposal.pk, world.pending.pk])
    before = fingerprint()

    with clock.travel_to(DUE + timedelta(minutes=1)):
        shown = client.get(url).content.decode()
        response = client.post(url, {"answer": "In ritardo"})

    assert "Il termine per rispondere è scaduto" in shown
    assert response.status_code == 200
    assert "Il termine per rispondere è scaduto" in response.content.decode()
    assert fingerprint() == before


def test_a_bad_file_is_refused_on_the_page(world, client_for):
    before = fingerprint()

    response = client_for(world.people["applicant"]).post(
        reverse("evaluation:integration_answer", args=[world.proposal.pk, world.pending.pk]),
        {"answer": "Ecco", "file": SimpleUploadedFile("b.pdf", b"non sono un pdf")},
    )

    assert response.status_code == 200
    assert "Tipo di file non ammesso" in response.content.decode()
    assert fingerprint() == before


def test_the_applicant_include_shows_requests_and_the_decided_reason(world):
    info = selectors.applicant_admissibility(proposals=[world.proposal], at=clock.now())

    html = render_to_string(
        "evaluation/_applicant_admissibility.html",
        {"proposal": world.proposal, "admissibility": info[world.proposal.pk]},
    )

    assert "Integrazione richiesta" in html
    assert (
        reverse("evaluation:integration_answer", args=[world.proposal.pk, world.pending.pk]) in html
    )
    assert "Leggi e rispondi" in html


def test_the_applicant_include_shows_nothing_for_pending_proposals(world):
    with clock.travel_to(NOW):
        other = submitted_in(world.call)

    assert selectors.applicant_admissibility(proposals=[other], at=clock.now()) == {}


# Query budget


def _more_proposals(world: World, n: int) -> None:
    for _ in range(n):
        with clock.travel_to(NOW):
            proposal = submitted_in(world.call)
        request_integration(
            proposal=proposal,
            by=world.people["manager"],
            message="Lo statuto.",
            due_at=DUE,
            at=AFTER,
        )


def test_the_list_runs_the_same_queries_for_1_and_20_proposals(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.people["manager"])
    url = reverse("evaluation:admissibility_list", args=on_call(world))
    client.get(url)  # warm the session and the content types

    with django_assert_max_num_queries(LIST_QUERY_BUDGET) as one:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1

    _more_proposals(world, 19)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET) as twenty:
        response = client.get(url)
    assert len(response.context["rows"]) == 20

    assert len(twenty.captured_queries) == len(one.captured_queries)
