"""Dashboard pages and PDFs: who sees what, filters, empty state, printable version, queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rione.applications.tests.factories import open_call
from rione.applications.tests.test_pdf import flat, pdf_text
from rione.core.models import Role
from rione.core.tests.factories import StaffRoleFactory, UserFactory
from rione.monitoring import urls as monitoring_urls
from rione.monitoring.tests.givens import admit, known_call, proposal, publish_ranking, territory
from rione.programmes.models import CallStatus
from rione.programmes.tests.factories import CallFactory, StageFactory

pytestmark = pytest.mark.django_db

STAFF = ["call", "call_pdf", "programme", "programme_pdf"]
PUBLIC = ["call_public", "call_public_pdf", "programme_public", "programme_public_pdf"]


@pytest.fixture
def world(city):
    return known_call(city)


def people(city, other_city, world) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for name, user in {
        "manager": world.manager,
        "evaluator": StaffRoleFactory(city=city, role=Role.EVALUATOR).user,
        "other_manager": StaffRoleFactory(city=other_city, role=Role.PROGRAMME_MANAGER).user,
        "applicant": world.proposals["p1"].created_by,
        "citizen": UserFactory(),
    }.items():
        client = Client()
        client.force_login(user)
        clients[name] = client
    return clients


def url(name: str, city, call) -> str:
    if name in ("call", "call_pdf"):
        args = [city.slug, call.pk]
    elif name in ("programme", "programme_pdf"):
        args = [city.slug, call.programme.pk]
    elif name.startswith("call_public"):
        args = [city.slug, call.slug]
    else:
        args = [city.slug, call.programme.slug]
    return reverse(f"monitoring:{name}", args=args)


def test_every_url_is_in_the_matrix():
    opendata = {"opendata_csv", "opendata_json", "opendata_dictionary"}  # test_opendata.py
    opendata |= {"opendata_programme_csv", "opendata_programme_json"}  # test_opendata.py
    opendata |= {"opendata_catalogue", "opendata_catalogue_jsonld"}  # test_catalogue.py
    opendata |= {"opendata_xlsx", "opendata_file", "opendata_file_download"}  # test_exports.py
    assert {p.name for p in monitoring_urls.urlpatterns} == set(STAFF) | set(PUBLIC) | opendata


def test_staff_dashboards_for_any_staff_of_the_city(city, other_city, world):
    clients = people(city, other_city, world)
    expected = {
        "manager": 200,
        "evaluator": 200,
        "other_manager": 404,
        "applicant": 403,
        "citizen": 403,
    }

    for name in STAFF:
        for who, status in expected.items():
            response = clients[who].get(url(name, city, world.call))
            assert response.status_code == status, (name, who)
        response = clients["anonymous"].get(url(name, city, world.call))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_public_dashboards_for_everyone(city, other_city, world):
    clients = people(city, other_city, world)

    for name in PUBLIC:
        for who, client in clients.items():
            assert client.get(url(name, city, world.call)).status_code == 200, (name, who)


def test_public_dashboards_404_for_a_draft_call_or_an_unpublished_programme(city, client):
    draft = CallFactory(programme__city=city)
    assert draft.status == CallStatus.DRAFT
    hidden = CallFactory(programme__city=city, programme__is_published=False, open=True)

    assert client.get(url("call_public", city, draft)).status_code == 404
    assert client.get(url("call_public_pdf", city, draft)).status_code == 404
    assert client.get(url("call_public", city, hidden)).status_code == 404
    assert client.get(url("programme_public", city, hidden)).status_code == 404
    assert client.get(url("programme_public_pdf", city, hidden)).status_code == 404


def test_a_public_programme_counts_only_its_public_calls(city, client, world):
    draft = CallFactory(programme=world.call.programme)
    manager = world.manager
    staff = Client()
    staff.force_login(manager)

    public = client.get(url("programme_public", city, world.call))
    inside = staff.get(url("programme", city, world.call))

    assert [c.pk for c in public.context["data"].calls] == [world.call.pk]
    assert {c.pk for c in inside.context["data"].calls} == {world.call.pk, draft.pk}


def test_staff_page_shows_every_figure_and_the_tab(city, world, client_for):
    response = client_for(world.manager).get(url("call", city, world.call))
    page = response.content.decode()

    assert response.status_code == 200
    assert 'aria-current="page">Monitoraggio</a>' in page
    assert "&lt;3" not in page
    assert response.context["data"].funnel[3].count.text == "2"
    detail = client_for(world.manager).get(
        reverse("backoffice:call_detail", args=[city.slug, world.call.pk])
    )
    assert reverse("monitoring:call", args=[city.slug, world.call.pk]) in detail.content.decode()


def test_public_page_hides_small_counts_and_names_no_one(city, client, world):
    response = client.get(url("call_public", city, world.call))
    page = response.content.decode()

    assert response.status_code == 200
    assert "&lt;3" in page and "n.d." in page
    for item in world.proposals.values():
        applicant = item.organisation or item.group
        assert applicant.name not in page
        assert item.created_by.email not in page
    assert world.proposals["p1"].organisation.legal_rep_name not in page


def test_charts_are_accessible_svg_with_a_table_beside(city, client, world):
    page = client.get(url("call_public", city, world.call)).content.decode()

    assert page.count('role="img"') >= 6
    assert '<title id="chart-applicant-title">' in page
    assert 'aria-labelledby="chart-applicant-title chart-applicant-desc"' in page
    assert "Gruppo informale: &lt;3" in page  # the text alternative carries the figures
    assert (
        '<caption id="applicant-caption">Proposte e contributi per tipologia di proponente' in page
    )
    assert '<th scope="row">Gruppo informale</th>' in page
    assert "cdn" not in page.lower()
    assert "rione/monitoring.css" in page
    # Coordinates are never localised (no "12,5" in SVG attributes).
    assert 'width="0,' not in page and 'y="8,' not in page


def test_print_stylesheet_hides_the_page_furniture():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("rione/monitoring.css")).read_text(encoding="utf-8")

    assert "@media print" in css
    assert ".monitoring-filters" in css and ".it-header-wrapper" in css


def test_links_from_the_public_call_and_programme_pages(city, client, world):
    call_page = client.get(reverse("portal:call_detail", args=[city.slug, world.call.slug]))
    programme_page = client.get(
        reverse("portal:programme", args=[city.slug, world.call.programme.slug])
    )

    assert url("call_public", city, world.call) in call_page.content.decode()
    assert url("programme_public", city, world.call) in programme_page.content.decode()


def test_district_filter_by_get(city, client, world):
    response = client.get(
        url("call_public", city, world.call), {"municipalita": world.districts["D2"].pk}
    )

    data = response.context["data"]
    assert data.district == world.districts["D2"]
    assert data.funnel[1].count.value == 2
    assert "Vomero" in response.content.decode()


def test_an_invalid_filter_is_reported_and_not_applied(city, client, world):
    response = client.get(url("call_public", city, world.call), {"municipalita": "999999"})
    page = response.content.decode()

    assert response.status_code == 200
    assert response.context["data"].district is None
    assert response.context["data"].funnel[1].count.value == 4
    assert 'aria-invalid="true"' in page
    assert "Il filtro non è stato applicato." in page


def test_programme_filters_by_call_and_stage(city, world, client_for):
    programme = world.call.programme
    stage_one = StageFactory(programme=programme, order=1, title="Idee")
    stage_two = StageFactory(programme=programme, order=2, title="Progetti")
    world.call.stage = stage_one
    world.call.save(update_fields=["stage"])
    other = open_call(programme=programme, stage=stage_two)
    proposal(other, places=list(other.eligible_neighbourhoods.all()), targets=["giovani-15-35"])
    staff = client_for(world.manager)
    page = url("programme", city, world.call)

    everything = staff.get(page).context["data"]
    by_stage = staff.get(page, {"fase": stage_two.pk}).context["data"]
    by_call = staff.get(page, {"avviso": world.call.pk}).context["data"]

    assert everything.funnel[1].count.value == 5
    assert [c.pk for c in by_stage.calls] == [other.pk]
    assert by_stage.funnel[1].count.value == 1
    assert by_call.funnel[1].count.value == 4


def test_empty_state(city, client):
    call = open_call(programme__city=city)

    response = client.get(url("call_public", city, call))

    assert response.status_code == 200
    assert response.context["data"].is_empty
    assert "Non ci sono ancora domande da contare" in response.content.decode()
    assert 'role="img"' not in response.content.decode()


def test_pdf_holds_the_same_tables(city, world, client_for):
    response = client_for(world.manager).get(
        url("call_pdf", city, world.call), {"municipalita": world.districts["D1"].pk}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    text = flat(pdf_text(response.content))
    for expected in ("Dallebozzeallaselezione", "Tipologiadiproponente", "Chiaia", "Lotto1"):
        assert expected in text


def test_public_pdf_hides_small_counts(city, client, world):
    response = client.get(url("call_public_pdf", city, world.call))

    text = flat(pdf_text(response.content))
    assert "<3" in text
    assert world.proposals["p3"].group.name.replace(" ", "") not in text


def test_pages_refuse_post(city, client, world, client_for):
    assert client.post(url("call_public", city, world.call)).status_code == 405
    assert client_for(world.manager).post(url("call", city, world.call)).status_code == 405


@pytest.mark.parametrize("size", [3, 30])
def test_staff_page_queries_do_not_grow(city, size, client_for, django_assert_num_queries):
    _districts, places = territory(city)
    call = open_call(programme__city=city)
    call.eligible_neighbourhoods.set(places.values())
    made = [
        proposal(call, group=i % 2 == 0, places=[places["N1"]], targets=["giovani-15-35"])
        for i in range(size)
    ]
    for item in made:
        admit(item, "admissible")
    manager = StaffRoleFactory(city=city, role=Role.PROGRAMME_MANAGER).user
    publish_ranking(call, manager, {made[0]: "9000.00"})
    staff = client_for(manager)
    staff.get(url("call", city, call))  # the session is warm

    with CaptureQueriesContext(connection) as public_queries:
        Client().get(url("call_public", city, call))
    with django_assert_num_queries(STAFF_PAGE_QUERIES):
        response = staff.get(url("call", city, call))

    assert response.context["data"].funnel[1].count.value == size
    assert len(public_queries) == PUBLIC_PAGE_QUERIES, [q["sql"][:80] for q in public_queries]


STAFF_PAGE_QUERIES = 14
PUBLIC_PAGE_QUERIES = 11


def test_the_programme_list_links_each_programme_dashboard(city, other_city, world):
    clients = people(city, other_city, world)
    programme = world.call.programme
    dashboard = reverse("monitoring:programme", args=[city.slug, programme.pk])

    for who in ("manager", "evaluator"):
        page = clients[who].get(reverse("backoffice:programme_list", args=[city.slug]))
        assert f'href="{dashboard}"' in page.content.decode(), who
