"""Every address of the evaluation is in a permission matrix; the ranking and appeal actions
refuse the wrong people and change nothing."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from rione.applications.tests.factories import PDF_BYTES
from rione.core.models import AuditEvent, Role
from rione.core.tests.factories import StaffRoleFactory
from rione.evaluation import urls as evaluation_urls
from rione.evaluation.models import Appeal, Ranking, RankingEntry
from rione.evaluation.services import compute_ranking, file_appeal, publish_provisional
from rione.evaluation.tests import (
    test_admissibility_views,
    test_minutes,
    test_scoring_views,
)
from rione.evaluation.tests.test_rankings import ranked_call

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {"ranking_public", "ranking_csv", "ranking_xlsx", "ranking_pdf"}
STAFF_PAGES = {"ranking", "ranking_rules"}  # test_ranking_views: managers 200, others 403/404


def url_names(patterns: list[Any]) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


@pytest.fixture
def world(city):
    world = ranked_call(city, [80, 70])
    ranking = publish_provisional(
        ranking=compute_ranking(call=world.call, by=world.manager), by=world.manager
    )
    proposal = world.proposals[1]
    appeal = file_appeal(
        ranking=ranking,
        proposal=proposal,
        by=proposal.created_by,
        text="Il criterio A non considera il piano allegato.",
        uploads=[SimpleUploadedFile("piano.pdf", PDF_BYTES, content_type="application/pdf")],
    )
    world.ranking, world.appeal = ranking, appeal
    world.entry = RankingEntry.objects.get(ranking=ranking, proposal=world.proposals[0])
    return world


def _staff_args(world) -> list[Any]:
    return [world.call.city.slug, world.call.pk]


# name: (method, args, data)
ACTIONS = {
    "ranking_compute": ("post", lambda w: _staff_args(w), {}),
    "ranking_publish": ("post", lambda w: [*_staff_args(w), w.ranking.pk], {}),
    "ranking_final": (
        "post",
        lambda w: _staff_args(w),
        {"act_number": "7", "act_date": "2025-06-01"},
    ),
    "entry_renounce": ("post", lambda w: [*_staff_args(w), w.entry.pk], {}),
    "entry_revoke": ("post", lambda w: [*_staff_args(w), w.entry.pk], {"reason": "Falso."}),
    "appeal_decide": (
        "post",
        lambda w: [*_staff_args(w), w.appeal.pk],
        {"outcome": "upheld", "decision": "Accolto."},
    ),
    "appeal_attachment": (
        "get",
        lambda w: [*_staff_args(w), w.appeal.pk, w.appeal.attachments.get().pk],
        {},
    ),
}
APPLICANT_PAGES = {
    "appeal_file": lambda w: [w.proposals[1].pk],
    "ranking_renounce": lambda w: [w.proposals[0].pk],
}


def fingerprint() -> dict[str, Any]:
    return {
        "rankings": sorted(Ranking.objects.values_list("pk", "kind", "published_at")),
        "entries": sorted(RankingEntry.objects.values_list("pk", "status")),
        "appeals": sorted(Appeal.objects.values_list("pk", "outcome")),
        "events": AuditEvent.objects.count(),
    }


def test_every_url_is_in_a_matrix():
    covered = (
        set(test_admissibility_views.MATRIX)
        | set(test_scoring_views.MATRIX)
        | set(test_minutes.MATRIX)
        | PUBLIC_PAGES
        | STAFF_PAGES
        | set(ACTIONS)
        | set(APPLICANT_PAGES)
    )
    assert url_names(evaluation_urls.urlpatterns) == covered


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_staff_actions_refuse_everyone_but_the_city_managers(name, city, other_city, world):
    method, args, data = ACTIONS[name]
    url = reverse(f"evaluation:{name}", args=args(world))
    expected = {
        "evaluator": (StaffRoleFactory(city=city, role=Role.EVALUATOR).user, 403),
        "other_manager": (StaffRoleFactory(city=other_city, role=Role.PROGRAMME_MANAGER).user, 404),
        "applicant": (world.proposals[1].created_by, 403),
        "anonymous": (None, 302),
    }
    before = fingerprint()

    for who, (user, status) in expected.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = getattr(client, method)(url, data)
        assert response.status_code == status, (name, who)
        if who == "anonymous":
            assert "login" in response["Location"]

    assert fingerprint() == before, name
    manager = Client()
    manager.force_login(world.manager)
    assert getattr(manager, method)(url, data).status_code in {200, 302}, name


@pytest.mark.parametrize("name", sorted(APPLICANT_PAGES))
def test_applicant_pages_are_404_to_staff_and_strangers(name, city, other_city, world, citizen):
    url = reverse(f"evaluation:{name}", args=APPLICANT_PAGES[name](world))
    before = fingerprint()

    for user in (world.manager, citizen, StaffRoleFactory(city=city, role=Role.EVALUATOR).user):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"text": "Io.", "confirm": "on"}).status_code == 404, name
    assert Client().get(url).status_code == 302

    assert fingerprint() == before
