"""A manager builds a call through the forms; bad input is refused next to its field; edits never clobber."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rione.core import clock
from rione.core.models import AuditEvent, Role
from rione.programmes.models import Call, CallDocument, CallStatus, GrantRule, Lot
from rione.programmes.tests.factories import CallFactory, ProgrammeFactory
from rione.territory.models import ApplicantCategory
from rione.territory.tests.factories import NeighbourhoodFactory, SiteFactory, applicant_type

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def call_data(city, **overrides):
    year = clock.now().astimezone(clock.ROME).year + 2
    data = {
        "title": "Quartieri Connessi",
        "slug": "quartieri-connessi",
        "kind": "codesign",
        "summary": "Co-progettazione di servizi nei quartieri ERP.",
        "description": "Il testo completo.",
        "opens_at": f"{year}-01-10T09:00",
        "closes_at": f"{year}-02-21T12:00",
        "budget": "516500.00",
        "eligible_applicant_types": [applicant_type(city, ApplicantCategory.ETS).pk],
        "eligible_neighbourhoods": [NeighbourhoodFactory(district__city=city).pk],
    }
    data.update(overrides)
    return data


def field_errors(response, field):
    """The text of the error block tied to ``field`` (id_<field>-error), or ''."""
    match = re.search(
        rf'<div id="id_{field}-error" class="invalid-feedback d-block">(.*?)</div>',
        response.content.decode(),
        re.S,
    )
    return match.group(1) if match else ""


@pytest.fixture
def programme(city):
    return ProgrammeFactory(city=city)


def test_manager_builds_and_publishes_a_call(client_for, manager, city, programme):
    client = client_for(manager)
    response = client.post(
        reverse("backoffice:call_create", args=[city.slug, programme.pk]), call_data(city)
    )
    assert response.status_code == 302
    call = Call.objects.get(slug="quartieri-connessi")
    assert call.status == CallStatus.DRAFT
    year = clock.now().astimezone(clock.ROME).year + 2
    assert call.opens_at == datetime(year, 1, 10, 9, 0, tzinfo=clock.ROME)

    site = SiteFactory(city=city)
    response = client.post(
        reverse("backoffice:lot_create", args=[city.slug, call.pk]),
        {"title": "Portinerie sociali", "budget": "516500.00", "sites": [site.pk]},
    )
    assert response.status_code == 302
    assert list(Lot.objects.get(call=call).sites.all()) == [site]

    response = client.post(
        reverse("backoffice:grantrule_create", args=[city.slug, call.pk]),
        {
            "category": "ets",
            "min_grant": "50000",
            "max_grant": "140000",
            "min_cofinancing_pct": "10",
        },
    )
    assert response.status_code == 302
    assert GrantRule.objects.get(call=call).max_grant == Decimal("140000")

    response = client.post(
        reverse("backoffice:document_create", args=[city.slug, call.pk]),
        {"title": "Testo dell'avviso", "file": SimpleUploadedFile("avviso.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    assert CallDocument.objects.get(call=call).size == len(PDF_BYTES)

    detail = client.get(reverse("backoffice:call_detail", args=[city.slug, call.pk]))
    assert "Pronto per la pubblicazione" in detail.content.decode()
    response = client.post(
        reverse("backoffice:call_transition", args=[city.slug, call.pk]), {"target": "publish"}
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED


def test_closing_before_opening_is_shown_next_to_the_deadline(client_for, manager, city, programme):
    year = clock.now().astimezone(clock.ROME).year + 2
    response = client_for(manager).post(
        reverse("backoffice:call_create", args=[city.slug, programme.pk]),
        call_data(city, opens_at=f"{year}-03-01T09:00", closes_at=f"{year}-02-01T09:00"),
    )
    assert response.status_code == 200
    assert "successiva all&#x27;apertura" in field_errors(response, "closes_at")
    assert not Call.objects.exists()


def test_grant_rule_errors_are_next_to_their_fields(client_for, manager, city):
    call = CallFactory(programme__city=city)
    response = client_for(manager).post(
        reverse("backoffice:grantrule_create", args=[city.slug, call.pk]),
        {
            "category": "ets",
            "min_grant": "140000",
            "max_grant": "50000",
            "min_cofinancing_pct": "120",
        },
    )
    assert response.status_code == 200
    assert "non può essere inferiore" in field_errors(response, "max_grant")
    assert "100" in field_errors(response, "min_cofinancing_pct")
    assert not GrantRule.objects.exists()


def test_lot_budgets_cannot_exceed_the_call_budget(client_for, manager, city):
    call = CallFactory(programme__city=city, budget=Decimal("100000"))
    response = client_for(manager).post(
        reverse("backoffice:lot_create", args=[city.slug, call.pk]),
        {"title": "Troppo", "budget": "100000.01"},
    )
    assert response.status_code == 200
    assert "supera la dotazione" in field_errors(response, "budget")
    assert not Lot.objects.exists()


def test_a_file_that_is_not_a_pdf_is_refused(client_for, manager, city):
    call = CallFactory(programme__city=city)
    response = client_for(manager).post(
        reverse("backoffice:document_create", args=[city.slug, call.pk]),
        {"title": "Falso", "file": SimpleUploadedFile("avviso.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert response.status_code == 200
    assert "non è un PDF valido" in field_errors(response, "file")
    assert not CallDocument.objects.exists()


def test_second_of_two_concurrent_editors_gets_a_conflict(client_for, manager, city, make_staff):
    call = CallFactory(programme__city=city, title="Originale")
    url = reverse("backoffice:call_edit", args=[city.slug, call.pk])
    first, second = client_for(manager), client_for(make_staff(city, Role.PROGRAMME_MANAGER))
    stamp_first = first.get(url).context["form"]["updated_at"].value()
    stamp_second = second.get(url).context["form"]["updated_at"].value()
    assert stamp_first == stamp_second

    def edit(client, title, stamp):
        data = call_data(city, title=title, slug=call.slug, updated_at=stamp)
        data["opens_at"] = call.opens_at.astimezone(clock.ROME).strftime("%Y-%m-%dT%H:%M")
        data["closes_at"] = call.closes_at.astimezone(clock.ROME).strftime("%Y-%m-%dT%H:%M")
        return client.post(url, data)

    assert edit(first, "Versione di chi salva prima", stamp_first).status_code == 302
    response = edit(second, "Versione di chi salva dopo", stamp_second)
    assert response.status_code == 200
    assert "Qualcun altro ha modificato questi dati" in response.content.decode()
    call.refresh_from_db()
    assert call.title == "Versione di chi salva prima"


def test_an_extension_shows_on_the_call_and_in_its_history(client_for, manager, city):
    call = CallFactory(programme__city=city, open=True)
    new_deadline = (call.closes_at + timedelta(days=10)).astimezone(clock.ROME)
    client = client_for(manager)
    response = client.post(
        reverse("backoffice:amendment_create", args=[city.slug, call.pk]),
        {
            "kind": "extension",
            "text": "Proroga per l'alta partecipazione.",
            "new_closes_at": new_deadline.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.closes_at == new_deadline.replace(second=0, microsecond=0)
    page = client.get(reverse("backoffice:call_detail", args=[city.slug, call.pk])).content.decode()
    assert "Proroga dei termini n. 1" in page
    assert "Proroga per l&#x27;alta partecipazione." in page

    history = client.get(reverse("backoffice:call_history", args=[city.slug, call.pk]))
    text = history.content.decode()
    assert "Avviso · proroga o rettifica" in text
    assert new_deadline.strftime("%d/%m/%Y %H:%M") in text
    assert AuditEvent.objects.filter(stream=f"call:{call.pk}", action="call.amended").exists()


def test_history_lists_events_newest_first_with_changes(client_for, manager, city, programme):
    client = client_for(manager)
    client.post(reverse("backoffice:call_create", args=[city.slug, programme.pk]), call_data(city))
    call = Call.objects.get()
    client.post(
        reverse("backoffice:grantrule_create", args=[city.slug, call.pk]),
        {"category": "ets", "min_grant": "1", "max_grant": "2", "min_cofinancing_pct": "5"},
    )
    text = client.get(
        reverse("backoffice:call_history", args=[city.slug, call.pk])
    ).content.decode()
    assert text.index("Regola di contributo · creazione") < text.index("Avviso · creazione")
    assert "Quartieri Connessi" in text
    assert manager.email in text or str(manager) in text


def test_the_programme_history_lists_its_changes(client_for, manager, city):
    from rione.programmes.services import create_programme, update_programme

    programme = create_programme(
        city=city,
        by=manager,
        values={"title": "Quartieri al centro", "slug": "qac", "summary": "S"},
    )
    update_programme(programme=programme, by=manager, values={"title": "Quartieri al centro 2"})

    response = client_for(manager).get(
        reverse("backoffice:programme_history", args=[city.slug, programme.pk])
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Quartieri al centro 2" in body
    assert body.count('<li class="card card-bg mb-3">') == 2  # created, then renamed
    assert "programme.updated" in body or "Quartieri al centro</td>" in body
