"""List pages run the same bounded number of queries with 1 row and with many."""

from datetime import timedelta

import pytest
from django.urls import reverse

from rione.core import clock
from rione.core.audit import record_event
from rione.core.models import Invitation, Role
from rione.core.tests.factories import StaffRoleFactory
from rione.portal.tests.factories import NewsFactory, StoryFactory
from rione.programmes.models import ExtraQuestion, RequiredDocument
from rione.programmes.tests.factories import (
    CallFactory,
    FaqEntryFactory,
    GrantRuleFactory,
    LotFactory,
    ProgrammeFactory,
    StageFactory,
)
from rione.territory.models import Sector
from rione.territory.tests.factories import (
    CityFactory,
    DistrictFactory,
    NeighbourhoodFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db
MAX_QUERIES = 16
# The call page reads each part of the call once: lots (+ sites), rules, documents, FAQ...
BUDGETS = {"call_detail": 18}


def _home(city, admin, n):
    for _ in range(n):
        other = CityFactory(taxonomies=False)
        StaffRoleFactory(city=other, user=admin, role=Role.MENTOR)
        CallFactory(programme__city=other, eligibility=False)
    return reverse("backoffice:home")


def _programmes(city, admin, n):
    for _ in range(n):
        programme = ProgrammeFactory(city=city)
        StageFactory(programme=programme)
        CallFactory(programme=programme, eligibility=False)
    return reverse("backoffice:programme_list", args=[city.slug])


def _programme_edit(city, admin, n):
    programme = ProgrammeFactory(city=city)
    for _ in range(n):
        StageFactory(programme=programme)
    return reverse("backoffice:programme_edit", args=[city.slug, programme.pk])


def _calls(city, admin, n):
    for _ in range(n):
        CallFactory(programme__city=city, eligibility=False)
    return reverse("backoffice:call_list", args=[city.slug]) + "?fase=draft"


def _call_detail(city, admin, n):
    call = CallFactory(programme__city=city, budget=None)
    for _ in range(n):
        lot = LotFactory(call=call)
        lot.sites.set([SiteFactory(city=city)])
        FaqEntryFactory(call=call)
        RequiredDocument.objects.create(call=call, title="Doc")
        ExtraQuestion.objects.create(call=call, text="Domanda?")
    GrantRuleFactory(call=call)
    return reverse("backoffice:call_detail", args=[city.slug, call.pk])


def _call_history(city, admin, n):
    call = CallFactory(programme__city=city)
    for i in range(n):
        record_event(
            call, "call.updated", by=admin, data={"changes": {"title": {"old": i, "new": i + 1}}}
        )
    return reverse("backoffice:call_history", args=[city.slug, call.pk])


def _audit(city, admin, n):
    for i in range(n):
        record_event(
            city, "city.updated", by=admin, data={"changes": {"name": {"old": i, "new": i}}}
        )
    return reverse("backoffice:audit_log", args=[city.slug])


def _sites(city, admin, n):
    for _ in range(n):
        SiteFactory(city=city, neighbourhood=NeighbourhoodFactory(district__city=city))
    return reverse("backoffice:site_list", args=[city.slug])


def _districts(city, admin, n):
    for _ in range(n):
        DistrictFactory(city=city)
    return reverse("backoffice:district_list", args=[city.slug])


def _neighbourhoods(city, admin, n):
    for _ in range(n):
        NeighbourhoodFactory(district__city=city)
    return reverse("backoffice:neighbourhood_list", args=[city.slug])


def _terms(city, admin, n):
    Sector.objects.filter(city=city).delete()
    for i in range(n):
        Sector.objects.create(city=city, name=f"Settore {i}", slug=f"settore-{i}")
    return reverse("backoffice:term_list", args=[city.slug, "settori"])


def _news(city, admin, n):
    for _ in range(n):
        NewsFactory(city=city)
    return reverse("backoffice:news_list", args=[city.slug])


def _stories(city, admin, n):
    for _ in range(n):
        StoryFactory(city=city)
    return reverse("backoffice:story_list", args=[city.slug])


def _staff(city, admin, n):
    for i in range(n):
        StaffRoleFactory(city=city, role=Role.EVALUATOR, granted_by=admin)
        Invitation.objects.create(
            email=f"p{i}@example.org",
            city=city,
            role=Role.MENTOR,
            token=f"t-{i}",
            invited_by=admin,
            expires_at=clock.now() + timedelta(days=3),
        )
    return reverse("backoffice:staff_list", args=[city.slug])


PAGES = {
    "home": _home,
    "programme_list": _programmes,
    "programme_edit": _programme_edit,
    "call_list": _calls,
    "call_detail": _call_detail,
    "call_history": _call_history,
    "audit_log": _audit,
    "site_list": _sites,
    "district_list": _districts,
    "neighbourhood_list": _neighbourhoods,
    "term_list": _terms,
    "news_list": _news,
    "story_list": _stories,
    "staff_list": _staff,
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("n_rows", [1, 16])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_list_pages_have_a_flat_query_budget(
    page, n_rows, city, city_admin, client_for, django_assert_max_num_queries
):
    url = PAGES[page](city, city_admin, n_rows)
    client = client_for(city_admin)
    with django_assert_max_num_queries(BUDGETS.get(page, MAX_QUERIES)):
        response = client.get(url)
    assert response.status_code == 200
