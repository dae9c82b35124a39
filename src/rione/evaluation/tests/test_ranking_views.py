"""Ranking pages: who gets in (permission matrix), and query budgets flat in the proposals."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rione.core.models import Role
from rione.core.tests.factories import StaffRoleFactory
from rione.evaluation.models import Appeal, Ranking
from rione.evaluation.services import compute_ranking, publish_provisional
from rione.evaluation.tests.test_rankings import ranked_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    world = ranked_call(city, [80, 70])
    ranking = compute_ranking(call=world.call, by=world.manager)
    publish_provisional(ranking=ranking, by=world.manager)
    return world


def people(city, other_city, world) -> dict[str, Client | None]:
    clients: dict[str, Client | None] = {"anonymous": Client()}
    owner = world.proposals[0].created_by
    for name, user in {
        "manager": world.manager,
        "evaluator": StaffRoleFactory(city=city, role=Role.EVALUATOR).user,
        "other_manager": StaffRoleFactory(city=other_city, role=Role.PROGRAMME_MANAGER).user,
        "owner": owner,
    }.items():
        client = Client()
        client.force_login(user)
        clients[name] = client
    return clients


STAFF_GET = ["ranking", "ranking_rules"]
PUBLIC = ["ranking_public", "ranking_csv", "ranking_xlsx", "ranking_pdf"]


def test_staff_pages_only_for_the_city_managers(city, other_city, world):
    clients = people(city, other_city, world)
    args = [city.slug, world.call.pk]
    expected = {"manager": 200, "evaluator": 403, "other_manager": 404, "owner": 403}

    for name in STAFF_GET:
        url = reverse(f"evaluation:{name}", args=args)
        for who, status in expected.items():
            assert clients[who].get(url).status_code == status, (name, who)
        assert clients["anonymous"].get(url).status_code == 302


def test_staff_actions_refused_change_nothing(city, other_city, world):
    clients = people(city, other_city, world)
    args = [city.slug, world.call.pk]
    before = Ranking.objects.count()

    for who, status in {"evaluator": 403, "other_manager": 404, "owner": 403}.items():
        response = clients[who].post(reverse("evaluation:ranking_compute", args=args))
        assert response.status_code == status
    assert (
        clients["anonymous"].post(reverse("evaluation:ranking_compute", args=args)).status_code
        == 302
    )
    assert Ranking.objects.count() == before
    assert (
        clients["manager"].post(reverse("evaluation:ranking_compute", args=args)).status_code == 302
    )
    assert Ranking.objects.count() == before + 1


def test_public_pages_for_everyone_once_published(city, other_city, world):
    clients = people(city, other_city, world)
    args = [city.slug, world.call.slug]

    for name in PUBLIC:
        for who, client in clients.items():
            assert client.get(reverse(f"evaluation:{name}", args=args)).status_code == 200, (
                name,
                who,
            )


def test_public_page_is_404_before_publication(city, client):
    world = ranked_call(city, [80])
    compute_ranking(call=world.call, by=world.manager)

    response = client.get(reverse("evaluation:ranking_public", args=[city.slug, world.call.slug]))

    assert response.status_code == 404


def test_appeal_page_for_the_applicant_only(city, other_city, world):
    clients = people(city, other_city, world)
    proposal = world.proposals[0]
    url = reverse("evaluation:appeal_file", args=[proposal.pk])

    for who, status in {"manager": 404, "evaluator": 404, "other_manager": 404}.items():
        assert clients[who].get(url).status_code == status
    assert clients["owner"].get(url).status_code == 200
    response = clients["owner"].post(url, {"text": "Il punteggio del criterio A è errato."})

    assert response.status_code == 302
    assert Appeal.objects.get().proposal == proposal


@pytest.mark.parametrize("name", ["ranking", "ranking_public", "ranking_csv"])
def test_page_queries_do_not_grow(city, client_for, name):
    counts = []
    for n in (5, 30):
        world = ranked_call(city, list(range(50, 50 + n)))
        ranking = compute_ranking(call=world.call, by=world.manager)
        publish_provisional(ranking=ranking, by=world.manager)
        staff_page = name == "ranking"
        client = client_for(world.manager)
        args = [city.slug, world.call.pk if staff_page else world.call.slug]
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(f"evaluation:{name}", args=args))
            if name == "ranking_csv":
                b"".join(response.streaming_content)
        assert response.status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1], counts


def test_final_form_before_the_window_shows_the_error(city, client_for, world):
    client = client_for(world.manager)
    url = reverse("evaluation:ranking_final", args=[city.slug, world.call.pk])

    response = client.post(url, {"act_number": "3", "act_date": "2025-05-02"}, follow=True)

    assert "non è ancora scaduto" in response.content.decode()
    assert not Ranking.objects.filter(kind="final").exists()
    assert timedelta(days=10) == (
        Ranking.objects.get(kind="provisional", published_at__isnull=False).appeals_close_at
        - Ranking.objects.get(kind="provisional", published_at__isnull=False).published_at
    )
