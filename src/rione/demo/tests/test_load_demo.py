import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client

from rione.core import clock
from rione.core.models import AuditEvent, StaffRole, User
from rione.demo.accounts import ACCOUNTS, APPLICANT, CITIZEN, PASSWORD, SUPERUSER
from rione.demo.loader import load_demo
from rione.programmes.models import AmendmentKind, Call, CallKind, CallPhase, FaqEntry
from rione.territory.models import ApplicantCategory, City, District, Neighbourhood, Site

pytestmark = pytest.mark.django_db

NAPOLI_AREAS = {
    "M2": {"Avvocata", "Montecalvario", "Mercato", "Pendino", "Porto", "San Giuseppe"},
    "M3": {"Stella", "San Carlo all'Arena"},
    "M6": {"Ponticelli", "Barra", "San Giovanni a Teduccio"},
    "M8": {"Piscinola", "Marianella", "Chiaiano", "Scampia"},
}
MILANO_LOTS = [
    (1, "Portinerie sociali", {"Boccioni", "Fratelli Zoia", "Omero"}, Decimal("120000.00")),
    (
        2,
        "Servizi e animazione",
        {"Faenza", "Alex Visconti", "Sant'Erlembaldo"},
        Decimal("171500.00"),
    ),
    (3, "Impresa e comunità", {"Palmanova", "Capuana", "Padre Luigi Monti"}, Decimal("225000.00")),
]


@pytest.fixture
def demo(loaded_demo):
    """The demo, loaded once for the module (see conftest); each test's changes roll back."""


def rome_date(moment):
    return moment.astimezone(clock.ROME).date()


def all_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_second_run_changes_nothing(demo, capsys):
    before = all_counts()
    call_command("load_demo")
    assert all_counts() == before
    assert "nothing to create" in capsys.readouterr().out
    assert before["programmes.Call"] == 5
    assert before["core.AuditEvent"] > 100


def test_audit_trail_verifies_and_covers_every_call(demo):
    call_command("verify_audit", stdout=io.StringIO())
    for call in Call.objects.all():
        actions = set(
            AuditEvent.objects.filter(stream=f"call:{call.pk}").values_list("action", flat=True)
        )
        assert {"call.created", "call.published"} <= actions


def test_napoli_areas_and_iq_calls(demo):
    napoli = City.objects.get(slug="napoli")
    assert napoli.official_name == "Comune di Napoli" and napoli.region == "Campania"
    districts = District.objects.filter(city=napoli)
    assert {d.code: {n.name for n in d.neighbourhoods.all()} for d in districts} == NAPOLI_AREAS
    assert Neighbourhood.objects.filter(city=napoli, is_target_area=True).count() == 15

    stage_1 = Call.objects.get(city=napoli, slug="iq-fase-1")
    assert stage_1.kind == CallKind.INCUBATION
    assert stage_1.programme.slug == "iq"
    assert stage_1.programme.funding_source == "PON Metro 2014-2020 Asse 3 Azione 3.3.1"
    assert rome_date(stage_1.opens_at) == date(2020, 6, 3)
    assert rome_date(stage_1.closes_at) == date(2020, 8, 10)
    assert stage_1.cap_selected == 60
    assert stage_1.phase == CallPhase.FINAL_RANKING  # replayed to its final ranking
    assert stage_1.published_at < stage_1.opens_at
    assert stage_1.eligible_neighbourhoods.count() == 15
    categories = set(stage_1.eligible_applicant_types.values_list("category", flat=True))
    assert categories == {ApplicantCategory.ETS, ApplicantCategory.INFORMAL_GROUP}
    assert FaqEntry.objects.filter(call=stage_1, published_at__isnull=False).count() >= 3
    assert stage_1.required_documents.exists() and stage_1.extra_questions.count() >= 2
    assert stage_1.news.exists()

    stage_2 = Call.objects.get(city=napoli, slug="iq-fase-2")
    assert stage_2.kind == CallKind.GRANT
    assert stage_2.restricted_to_call == stage_1
    assert rome_date(stage_2.opens_at).replace(day=1) == date(2021, 3, 1)
    rules = {
        r.category: (r.min_grant, r.max_grant, r.min_cofinancing_pct)
        for r in stage_2.grant_rules.all()
    }
    assert rules == {
        ApplicantCategory.INFORMAL_GROUP: (Decimal("30000.00"), Decimal("50000.00"), Decimal("5")),
        ApplicantCategory.ETS: (Decimal("50000.00"), Decimal("140000.00"), Decimal("10")),
    }
    assert [s.title[:6] for s in stage_1.programme.stages.all()][2:5] == [
        "Fase 1",
        "Worksh",
        "Fase 2",
    ]
    assert napoli.stories.filter(neighbourhood__name="Scampia", published_at__isnull=False)


def test_milano_codesign_call_lots_and_sites(demo):
    milano = City.objects.get(slug="milano")
    call = Call.objects.get(city=milano, slug="quartieri-connessi-coprogettazione")
    assert call.kind == CallKind.CODESIGN
    assert rome_date(call.closes_at) == date(2021, 2, 21)
    assert call.budget == Decimal("516500.00") and call.duration_months == 24
    assert set(call.eligible_applicant_types.values_list("category", flat=True)) == {"ets"}
    rule = call.grant_rules.get()
    assert (rule.category, rule.min_cofinancing_pct) == ("ets", Decimal("10"))
    lots = [
        (lot.number, lot.title, {s.name.removeprefix("Sede ") for s in lot.sites.all()}, lot.budget)
        for lot in call.lots.order_by("number")
    ]
    assert lots == MILANO_LOTS
    assert call.lots.aggregate(total=Sum("budget"))["total"] == Decimal("516500.00")
    sites = Site.objects.filter(city=milano)
    assert sites.count() == 9
    assert all(s.is_illustrative and s.neighbourhood.city_id == milano.pk for s in sites)


def test_one_open_call_per_city_today(demo):
    now = clock.now()
    for slug in ("napoli", "milano"):
        open_calls = Call.objects.public().open_at(now).filter(city__slug=slug)
        assert open_calls.count() == 1
        assert open_calls.get().is_illustrative


def test_open_calls_are_extended_when_the_demo_is_reloaded_later(demo):
    later = clock.now() + timedelta(days=90)
    report = load_demo(now=later)
    assert report.created == {"programmes.Amendment": 2}
    with clock.travel_to(later):
        open_calls = Call.objects.open_at(later)
        assert set(open_calls.values_list("city__slug", flat=True)) == {"napoli", "milano"}
        assert all(c.amendments.filter(kind=AmendmentKind.EXTENSION) for c in open_calls)
    call_command("verify_audit", stdout=io.StringIO())


def test_every_demo_account_has_its_role_and_logs_in(demo):
    for account in ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
        roles = set(StaffRole.objects.filter(user=user).values_list("city__slug", "role"))
        if account.role == SUPERUSER:
            assert user.is_superuser and not roles
        elif account.role in (APPLICANT, CITIZEN):
            assert not user.is_superuser and not roles
        else:
            assert roles == {(account.city_slug, account.role)}
        client = Client()
        response = client.post("/account/login/", {"login": account.email, "password": PASSWORD})
        assert response.status_code == 302, account.email
        assert client.session.get("_auth_user_id") == str(user.pk), account.email
