"""Search over public calls (and their neighbourhoods), news, FAQ and stories."""

import pytest
from django.urls import reverse

from rione.portal.tests.factories import NewsFactory
from rione.programmes.tests.factories import CallFactory, FaqEntryFactory

pytestmark = pytest.mark.django_db


def search(client, query="", **params):
    return client.get(reverse("portal:search"), {"q": query, **params})


def titles(response, kind):
    group = next(g for g in response.context["groups"] if g.kind == kind)
    return [getattr(item, "title", None) or item.question for item in group.items]


def test_finds_a_call_by_the_name_of_an_eligible_neighbourhood(client, open_call):
    response = search(client, "Scampia")
    assert titles(response, "avvisi") == ["Avviso iQ fase 2"]


def test_finds_a_call_by_a_word_of_its_description(client, open_call):
    assert titles(search(client, "accelerazione"), "avvisi") == ["Avviso iQ fase 2"]


def test_every_word_must_match(client, open_call):
    assert titles(search(client, "accelerazione Scampia"), "avvisi") == ["Avviso iQ fase 2"]
    assert titles(search(client, "accelerazione Ponticelli"), "avvisi") == []


def test_drafts_are_never_found(client, draft_call, open_call):
    draft_call.eligible_neighbourhoods.add(open_call.eligible_neighbourhoods.get(name="Scampia"))
    assert titles(search(client, "Scampia"), "avvisi") == ["Avviso iQ fase 2"]


def test_finds_a_published_faq_entry(client, open_call):
    FaqEntryFactory(call=open_call, question="Serve la firma digitale?", answer="Sì, qualificata.")
    FaqEntryFactory(call=open_call, question="Serve la firma autografa?", published_at=None)
    assert titles(search(client, "firma"), "faq") == ["Serve la firma digitale?"]


def test_faq_of_a_draft_call_is_not_found(client, draft_call):
    FaqEntryFactory(call=draft_call, question="Domanda riservata sul cofinanziamento?")
    assert titles(search(client, "riservata"), "faq") == []


def test_finds_a_news_item(client, city):
    NewsFactory(city=city, title="Proroga dei termini", body="Nuova scadenza al 21 febbraio.")
    assert titles(search(client, "febbraio"), "notizie") == ["Proroga dei termini"]


def test_finds_a_story_by_its_neighbourhood(client, story):
    assert titles(search(client, "scampia"), "storie") == ["La palestra popolare"]


def test_limits_to_one_city(client, open_call, other_city):
    CallFactory(open=True, programme__city=other_city, description="Accelerazione a Milano.")
    assert titles(search(client, "accelerazione", citta="napoli"), "avvisi") == ["Avviso iQ fase 2"]
    assert len(titles(search(client, "accelerazione"), "avvisi")) == 2


def test_groups_are_capped_and_link_to_all_results(client, city):
    NewsFactory.create_batch(8, city=city, body="Laboratori di quartiere.")
    response = search(client, "laboratori")
    group = next(g for g in response.context["groups"] if g.kind == "notizie")
    assert (group.count, len(group.items)) == (8, 5)
    assert "tipo=notizie" in response.content.decode()
    page = search(client, "laboratori", tipo="notizie")
    assert len(page.context["page_obj"].object_list) == 8


def test_empty_query_shows_a_helpful_message(client):
    response = search(client, "   ")
    assert response.status_code == 200
    assert "Che cosa vuoi cercare?" in response.content.decode()


def test_no_results_shows_a_message(client, open_call):
    html = search(client, "zzzzzz").content.decode()
    assert "Nessun risultato" in html


def test_a_300_character_query_is_cut_not_an_error(client, open_call):
    response = search(client, "Scampia " + "x" * 292)
    assert response.status_code == 200
    assert response.context["search_query"] == ("Scampia " + "x" * 292)[:200].strip()
    assert "primi 200 caratteri" in response.content.decode()


def test_odd_characters_do_not_break_search(client, open_call):
    for query in ["%", "_", "'; DROP TABLE", "\\", "«Scampia»", "a" * 5000]:
        assert search(client, query).status_code == 200
