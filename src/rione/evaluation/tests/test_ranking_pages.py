"""Ranking tables 50 rows a page (staff and public), filtered by outcome, with an accessible
page navigation that keeps the filter; downloads keep every row; queries per page flat."""

import json
import re

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rione.applications.models import Proposal, Receipt
from rione.evaluation.models import (
    EntryStatus,
    Evaluation,
    EvaluationStatus,
    Ranking,
    RankingEntry,
    Score,
)
from rione.evaluation.services import compute_ranking, publish_provisional
from rione.evaluation.tests.test_rankings import Ranked, ranked_call

pytestmark = pytest.mark.django_db


def grow(ranking: Ranking, n: int, status: str = EntryStatus.ELIGIBLE_NOT_SELECTED) -> None:
    """Add ``n`` entries to ``ranking``: copies of its first proposal, each with its own
    submitted version titled "Copia 001"…, written in bulk (the pages only read them)."""
    first = ranking.entries.order_by("pk").first()
    assert first is not None
    receipt = Receipt.objects.filter(proposal_id=first.proposal_id).latest("protocol_number")
    content = json.loads(receipt.content)
    start = Receipt.objects.filter(call=ranking.call).aggregate(m=Max("protocol_number"))["m"]
    position = ranking.entries.aggregate(m=Max("position"))["m"] or 0
    done = ranking.entries.count()
    clones = []
    for _ in range(n):
        clone = Proposal.objects.get(pk=first.proposal_id)
        clone.pk = None
        clone._state.adding = True
        clones.append(clone)
    Proposal.objects.bulk_create(clones)
    receipts = []
    for i, clone in enumerate(clones, start=1):
        content["idea"]["title"] = f"Copia {done + i:03d}"
        receipts.append(
            Receipt(
                call=ranking.call,
                proposal=clone,
                protocol_number=start + i,
                kind=receipt.kind,
                version=1,
                issued_at=receipt.issued_at,
                issued_by_id=receipt.issued_by_id,
                content=json.dumps(content),
                sha256=receipt.sha256,
            )
        )
    Receipt.objects.bulk_create(receipts)
    RankingEntry.objects.bulk_create(
        [
            RankingEntry(
                ranking=ranking,
                proposal=clone,
                position=position + i,
                score=first.score,
                status=status,
                reason="cap_reached",
            )
            for i, clone in enumerate(clones, start=1)
        ]
    )


def published(city) -> tuple[Ranked, Ranking]:
    """Two proposals, both selected, in a published provisional ranking."""
    world = ranked_call(city, [80, 70])
    ranking = compute_ranking(call=world.call, by=world.manager)
    return world, publish_provisional(ranking=ranking, by=world.manager)


def rows_in(response) -> int:
    return response.content.decode().count('<th scope="row">')


def staff_url(world: Ranked) -> str:
    return reverse("evaluation:ranking", args=[world.call.city.slug, world.call.pk])


def public_url(world: Ranked) -> str:
    return reverse("evaluation:ranking_public", args=[world.call.city.slug, world.call.slug])


@pytest.fixture
def sixty(city):
    world, ranking = published(city)
    grow(ranking, 58)
    return world, ranking


def test_staff_table_pages_fifty_rows_and_keeps_the_filter(sixty, client_for):
    world, _ranking = sixty
    client = client_for(world.manager)

    first = client.get(staff_url(world))
    second = client.get(staff_url(world), {"pagina": 2})
    eligible = client.get(staff_url(world), {"esito": "eligible_not_selected"})
    selected = client.get(staff_url(world), {"esito": "selected"})

    assert (rows_in(first), rows_in(second)) == (50, 10)
    page = first.content.decode()
    assert 'aria-label="Pagine"' in page and 'aria-current="page"' in page
    assert "Proposte da 1 a 50 di 60." in page
    assert "Copia 050" in page and "Copia 051" not in page
    assert "Copia 051" in second.content.decode()
    assert rows_in(eligible) == 50
    assert 'href="?esito=eligible_not_selected&amp;pagina=2"' in eligible.content.decode()
    assert rows_in(selected) == 2
    assert 'aria-label="Pagine"' not in selected.content.decode()


def test_public_page_pages_filters_and_keeps_the_filter(sixty, client):
    world, _ranking = sixty

    first = client.get(public_url(world))
    last = client.get(public_url(world), {"pagina": 99})
    eligible = client.get(public_url(world), {"esito": "eligible_not_selected", "pagina": 2})
    unknown = client.get(public_url(world), {"esito": "nessuno"})
    none = client.get(public_url(world), {"esito": "revoked"})

    page = first.content.decode()
    assert rows_in(first) == 50 and rows_in(last) == 10
    assert 'aria-label="Paginazione dei risultati"' in page
    assert re.search(r'aria-current="page"[^>]*>.*?1', page, re.S)
    assert 'href="?pagina=2"' in page
    assert rows_in(eligible) == 8
    assert 'href="?esito=eligible_not_selected&amp;pagina=1"' in eligible.content.decode()
    assert rows_in(unknown) == 50
    assert rows_in(none) == 0 and "Nessuna proposta con questo esito." in none.content.decode()
    assert '<label for="id_esito"' in page


def test_downloads_keep_every_row(sixty, client):
    world, _ranking = sixty
    args = [world.call.city.slug, world.call.slug]

    response = client.get(reverse("evaluation:ranking_csv", args=args), {"esito": "selected"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")

    assert len(text.strip().splitlines()) == 1 + 60


@pytest.mark.parametrize("page", ["ranking", "ranking_public"])
def test_queries_per_page_do_not_grow(city, client_for, django_assert_max_num_queries, page):
    world, ranking = published(city)
    grow(ranking, 3)  # 5 proposals
    client = client_for(world.manager)
    url = staff_url(world) if page == "ranking" else public_url(world)
    client.get(url)  # warm caches that a first request fills
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200

    grow(ranking, 55)  # 60 proposals

    with django_assert_max_num_queries(len(five)):
        assert rows_in(client.get(url)) == 50
    with django_assert_max_num_queries(len(five)):
        assert rows_in(client.get(url, {"pagina": 2, "esito": "eligible_not_selected"})) == 8


def test_a_ranking_with_unscored_proposals_warns_before_publication(city, client_for):
    world = ranked_call(city, [80, 70, 60])
    unscored = world.proposals[1:]
    Score.objects.filter(evaluation__proposal__in=unscored).delete()
    Evaluation.objects.filter(proposal__in=unscored).update(
        status=EvaluationStatus.DRAFT, signed_at=None
    )
    ranking = compute_ranking(call=world.call, by=world.manager)
    client = client_for(world.manager)

    before = client.get(staff_url(world)).content.decode()
    publish_provisional(ranking=ranking, by=world.manager)
    after = client.get(staff_url(world)).content.decode()

    assert ranking.entries.filter(reason="no_score").count() == 2
    warning = "2 proposte ammissibili non hanno un punteggio completo"
    assert warning in before and 'role="status"' in before
    assert warning not in after  # published: nothing left to correct before publication


def test_a_fully_scored_ranking_shows_no_warning(city, client_for):
    world = ranked_call(city, [80, 70])
    compute_ranking(call=world.call, by=world.manager)

    page = client_for(world.manager).get(staff_url(world)).content.decode()

    assert "punteggio completo" not in page
