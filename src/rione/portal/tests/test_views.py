"""Public portal pages: they render, hide what is not public, and keep their query budget."""

from datetime import timedelta

import pytest
from django.urls import reverse

from rione.core import clock
from rione.portal.tests.conftest import PDF_BYTES, add_call_parts
from rione.portal.tests.factories import NewsFactory, StoryFactory
from rione.programmes.tests.factories import CallFactory, ProgrammeFactory
from rione.territory.tests.factories import CityFactory

pytestmark = pytest.mark.django_db


def get(client, name, *args, query=""):
    return client.get(reverse(name, args=args) + query)


# --- every page renders ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("portal:home", ()),
        ("portal:city", ("napoli",)),
        ("portal:programme", ("napoli", "iq")),
        ("portal:call_list", ("napoli",)),
        ("portal:call_detail", ("napoli", "iq-fase-2")),
        ("portal:news_list", ("napoli",)),
        ("portal:news_detail", ("napoli", "aperto")),
        ("portal:story_list", ("napoli",)),
        ("portal:story_detail", ("napoli", "palestra")),
        ("portal:contacts", ("napoli",)),
        ("portal:search", ()),
        ("portal:accessibility", ()),
        ("portal:privacy", ()),
    ],
)
def test_page_renders_with_one_h1_and_breadcrumbs(client, open_call, story, news, name, args):
    response = get(client, name, *args)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert 'class="breadcrumb-container' in html
    assert 'aria-label="Percorso di navigazione"' in html


def test_city_page_marks_its_menu_entry_and_shows_city_in_header(client, open_call):
    response = get(client, "portal:city", "napoli")
    assert response.context["city"].slug == "napoli"
    assert response.context["nav"] == "programmes"
    assert "Comune di Napoli" in response.content.decode()


def test_home_lists_cities_open_calls_and_news(client, open_call, news):
    html = get(client, "portal:home").content.decode()
    assert "Comune di Napoli" in html
    assert "Avviso iQ fase 2" in html
    assert "Aperto il nuovo avviso" in html


def test_programme_page_shows_budget_source_stages_and_calls(client, open_call):
    html = get(client, "portal:programme", "napoli", "iq").content.decode()
    assert "PON Metro 2014-2020" in html
    assert "3.500.000,00 €" in html
    assert html.index("Chiamata di idee") < html.index("Incubazione")
    assert "Avviso iQ fase 2" in html


def test_call_detail_shows_every_section(client, open_call):
    with clock.travel_to(open_call.closes_at - timedelta(days=3, hours=4, minutes=10)):
        response = get(client, "portal:call_detail", "napoli", "iq-fase-2")
    html = response.content.decode()
    assert "mancano 3 giorni e 4 ore" in html
    assert "(ora italiana)" in html
    assert '<time datetime="' in html
    assert "badge-phase-open" in html
    assert "Municipalità 8" in html and "Scampia" in html
    assert "50.000,00 €" in html and "140.000,00 €" in html
    assert "Portinerie sociali 0" in html and "indirizzo indicativo" in html
    assert 'id="faq"' in html and "Possono partecipare le scuole 0?" in html
    assert "Rettifica 0 all" in html
    assert reverse("portal:call_document", args=[open_call.documents.get().pk]) in html
    assert open_call.documents.get().sha256 in html
    assert "countdown.js" in html
    assert 'aria-live="polite"' in html


def test_call_detail_shows_restriction_and_illustrative_note(client, open_call, programme):
    follow_up = CallFactory(
        open=True, programme=programme, slug="seconda", restricted_to_call=open_call
    )
    follow_up.is_illustrative = True
    follow_up.save()
    html = get(client, "portal:call_detail", "napoli", "seconda").content.decode()
    assert reverse("portal:call_detail", args=["napoli", "iq-fase-2"]) in html
    assert "Dati illustrativi" in html


def test_unpublished_faq_is_hidden(client, open_call):
    open_call.faq_entries.update(published_at=None)
    html = get(client, "portal:call_detail", "napoli", "iq-fase-2").content.decode()
    assert "Possono partecipare le scuole" not in html


# --- what is not public is 404 ------------------------------------------------------------


def test_unknown_city_is_404(client):
    assert get(client, "portal:city", "atlantide").status_code == 404


def test_unpublished_city_is_404(client):
    CityFactory(slug="segreta", is_published=False)
    assert get(client, "portal:city", "segreta").status_code == 404
    assert get(client, "portal:call_list", "segreta").status_code == 404


def test_draft_call_is_404(client, draft_call):
    assert get(client, "portal:call_detail", "napoli", "bozza").status_code == 404


def test_unpublished_programme_is_404(client, city):
    ProgrammeFactory(city=city, slug="nascosto", is_published=False)
    assert get(client, "portal:programme", "napoli", "nascosto").status_code == 404


def test_unpublished_and_future_news_are_404(client, city):
    NewsFactory(city=city, slug="bozza", published_at=None)
    NewsFactory(city=city, slug="domani", published_at=clock.now() + timedelta(days=1))
    assert get(client, "portal:news_detail", "napoli", "bozza").status_code == 404
    assert get(client, "portal:news_detail", "napoli", "domani").status_code == 404
    html = get(client, "portal:news_list", "napoli").content.decode()
    assert "domani" not in html


def test_future_story_is_404(client, city):
    StoryFactory(city=city, slug="domani", published_at=clock.now() + timedelta(days=1))
    assert get(client, "portal:story_detail", "napoli", "domani").status_code == 404


def test_news_of_another_city_is_404_here(client, city, other_city):
    NewsFactory(city=other_city, slug="milanese")
    assert get(client, "portal:news_detail", "napoli", "milanese").status_code == 404


# --- draft preview ------------------------------------------------------------------------


def test_city_staff_may_preview_a_draft(client_for, manager, draft_call):
    response = get(
        client_for(manager), "portal:call_detail", "napoli", "bozza", query="?anteprima=1"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "preview-banner" in html
    assert "Anteprima: questo avviso non è pubblicato" in html
    assert response["X-Robots-Tag"].startswith("noindex")


def test_evaluator_of_the_city_may_preview_too(client_for, evaluator, draft_call):
    response = get(
        client_for(evaluator), "portal:call_detail", "napoli", "bozza", query="?anteprima=1"
    )
    assert response.status_code == 200


def test_manager_of_another_city_may_not_preview(client_for, other_manager, draft_call):
    response = get(
        client_for(other_manager), "portal:call_detail", "napoli", "bozza", query="?anteprima=1"
    )
    assert response.status_code == 404


def test_anonymous_may_not_preview(client, draft_call):
    response = get(client, "portal:call_detail", "napoli", "bozza", query="?anteprima=1")
    assert response.status_code == 404


def test_citizen_may_not_preview(client_for, citizen, draft_call):
    response = get(
        client_for(citizen), "portal:call_detail", "napoli", "bozza", query="?anteprima=1"
    )
    assert response.status_code == 404


def test_preview_of_a_public_call_shows_no_banner(client_for, manager, open_call):
    response = get(
        client_for(manager), "portal:call_detail", "napoli", "iq-fase-2", query="?anteprima=1"
    )
    assert response.status_code == 200
    assert "preview-banner" not in response.content.decode()


# --- call list filters by the clock -------------------------------------------------------


@pytest.fixture
def three_calls(programme):
    at = clock.now()
    CallFactory(
        open=True,
        programme=programme,
        slug="aperto",
        title="Avviso aperto",
        opens_at=at - timedelta(days=1),
        closes_at=at + timedelta(days=10),
    )
    CallFactory(
        open=True,
        programme=programme,
        slug="futuro",
        title="Avviso futuro",
        opens_at=at + timedelta(days=5),
        closes_at=at + timedelta(days=30),
    )
    CallFactory(
        open=True,
        programme=programme,
        slug="passato",
        title="Avviso passato",
        opens_at=at - timedelta(days=40),
        closes_at=at - timedelta(days=2),
    )
    CallFactory(programme=programme, slug="bozza", title="Avviso in bozza")
    return at


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        ("aperti", {"Avviso aperto"}),
        ("in-arrivo", {"Avviso futuro"}),
        ("chiusi", {"Avviso passato"}),
        ("", {"Avviso aperto", "Avviso futuro", "Avviso passato"}),
        ("sconosciuto", {"Avviso aperto", "Avviso futuro", "Avviso passato"}),
    ],
)
def test_call_list_filters_by_phase(client, three_calls, state, shown):
    response = get(client, "portal:call_list", "napoli", query=f"?stato={state}")
    titles = {call.title for call in response.context["page_obj"].object_list}
    assert titles == shown
    assert "Avviso in bozza" not in response.content.decode()


def test_call_list_tabs_count_each_phase(client, three_calls):
    response = get(client, "portal:call_list", "napoli")
    counts = {value: count for value, _label, count in response.context["tabs"]}
    assert counts == {"": 3, "aperti": 1, "in-arrivo": 1, "chiusi": 1}


def test_call_list_follows_the_clock(client, three_calls):
    with clock.travel_to(three_calls + timedelta(days=7)):
        response = get(client, "portal:call_list", "napoli", query="?stato=aperti")
    titles = {call.title for call in response.context["page_obj"].object_list}
    assert titles == {"Avviso aperto", "Avviso futuro"}


def test_call_list_is_paginated_and_has_an_empty_state(client, programme):
    empty = get(client, "portal:call_list", "napoli", query="?stato=aperti").content.decode()
    assert "In questo momento non ci sono avvisi aperti." in empty
    CallFactory.create_batch(12, open=True, programme=programme, eligibility=False)
    first = get(client, "portal:call_list", "napoli")
    assert len(first.context["page_obj"].object_list) == 10
    assert 'aria-label="Paginazione dei risultati"' in first.content.decode()
    second = get(client, "portal:call_list", "napoli", query="?pagina=2")
    assert len(second.context["page_obj"].object_list) == 2


def test_story_list_filters_by_neighbourhood(client, story, city):
    StoryFactory(city=city, title="Una storia di altrove")
    response = get(client, "portal:story_list", "napoli", query="?quartiere=scampia")
    assert [s.title for s in response.context["page_obj"].object_list] == ["La palestra popolare"]
    assert '<label for="filter-neighbourhood">' in response.content.decode()


def test_contacts_list_open_calls_emails(client, open_call):
    html = get(client, "portal:contacts", "napoli").content.decode()
    assert "iq@comune.napoli.it" in html
    assert "urp@example.org" in html


# --- documents, sitemap, robots -----------------------------------------------------------


def test_call_document_streams_the_pdf(client, open_call):
    document = open_call.documents.get()
    response = get(client, "portal:call_document", document.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "avviso-0" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_draft_call_document_is_404(client, draft_call):
    add_call_parts(draft_call)
    document = draft_call.documents.get()
    assert get(client, "portal:call_document", document.pk).status_code == 404


def test_sitemap_lists_public_calls_not_drafts(client, open_call, draft_call, story, news):
    response = client.get(reverse("django.contrib.sitemaps.views.sitemap"))
    xml = response.content.decode()
    assert response.status_code == 200
    assert "/napoli/bandi/iq-fase-2/" in xml
    assert "/napoli/bandi/bozza/" not in xml
    assert "/napoli/programmi/iq/" in xml
    assert "/napoli/notizie/aperto/" in xml
    assert "/napoli/voci-dai-quartieri/palestra/" in xml
    assert "/accessibilita/" in xml


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /gestione/" in body and "Disallow: /account/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


# --- error pages and account pages --------------------------------------------------------


def test_404_page_uses_the_project_look(client):
    response = client.get("/atlantide/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina non trovata" in html and "it-header-wrapper" in html


def test_500_page_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Si è verificato un errore" in html


@pytest.mark.parametrize("url", ["/account/login/", "/account/signup/", "/account/password/reset/"])
def test_account_pages_render_inside_the_portal(client, url):
    html = client.get(url).content.decode()
    assert "it-header-wrapper" in html
    assert html.count("<h1") == 1
    assert '<label for="id_' in html
    assert 'class="btn btn-primary"' in html


def test_login_errors_are_announced(client, citizen):
    response = client.post("/account/login/", {"login": citizen.email, "password": "sbagliata"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
