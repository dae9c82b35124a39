"""Staff export a call's proposals: a streamed CSV and an XLSX built in the background."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from rione.applications.exports import columns, proposal_rows
from rione.applications.models import Proposal, Receipt, ReceiptKind
from rione.applications.tests.factories import open_call
from rione.core.exports import csv_text
from rione.core.models import AuditEvent, Export, ExportKind, ExportStatus, Role
from rione.core.tests.factories import StaffRoleFactory
from rione.monitoring.tests.givens import known_call, proposal, territory
from rione.programmes.models import Lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    return known_call(city)


def csv_url(world, **query) -> str:
    url = reverse("backoffice:proposal_export_csv", args=[world.call.city.slug, world.call.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def xlsx_url(world) -> str:
    return reverse("backoffice:proposal_export_xlsx", args=[world.call.city.slug, world.call.pk])


def progress_url(export) -> str:
    return reverse("backoffice:export_progress", args=[export.city.slug, export.token])


def download_url(export) -> str:
    return reverse("backoffice:export_download", args=[export.city.slug, export.token])


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(streamed(response), newline="")))


def by_number(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row for row in rows[1:]}


def xlsx_as_csv(data: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    width = len(columns())
    result = []
    for index, row in enumerate(sheet.iter_rows(values_only=True)):
        row = tuple(row) + (None,) * (width - len(row))
        if index == 0:
            result.append([str(v) for v in row])
            continue
        cells = []
        for column, value in enumerate(row):
            if column in (10, 11, 12) and isinstance(value, int | float):
                value = Decimal(str(value))
            cells.append(csv_text(value))
        result.append(cells)
    return result


def number_of(item: Proposal) -> str:
    """The protocol number of the latest submitted version of ``item``."""
    receipt = (
        Receipt.objects.filter(proposal=item)
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .order_by("protocol_number")
        .last()
    )
    return str(receipt.protocol_number)


def test_csv_streams_every_submitted_proposal_with_the_list_columns(city, world, client_for):
    receipt = Receipt.objects.get(proposal=world.proposals["p1"], kind=ReceiptKind.SUBMISSION)
    content = json.loads(receipt.content)
    content["idea"]["title"] = 'Libri, "cortili"\ne piazze'
    receipt.content = json.dumps(content, ensure_ascii=False)
    receipt.save(update_fields=["content"])

    response = client_for(world.manager).get(csv_url(world))

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    text = streamed(response)
    assert '"Libri, ""cortili""\ne piazze"' in text and text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == columns()
    assert len(rows) == 6  # p1…p5, drafts never
    p = world.proposals
    found = by_number(rows)
    first = found[str(receipt.protocol_number)]
    assert first[2] == 'Libri, "cortili"\ne piazze'
    assert first[3] == p["p1"].organisation.name
    assert first[5:10] == [
        "no",
        "Presentata",
        "Turismo, arte e cultura",
        "San Ferdinando",
        "1. Centro",
    ]
    assert first[10:] == ["9000.00", "1000.00", "10000.00", "Ammissibile"]
    network = found[number_of(p["p2"])]
    assert network[5] == "sì" and network[8] == "Arenella; San Ferdinando"
    group = found[number_of(p["p3"])]
    assert (group[4], group[5]) == ("Gruppo informale", "no")
    assert found[number_of(p["p4"])][6] == "Ritirata"
    assert found[number_of(p["p5"])][13] == "Non ammissibile"


def test_csv_follows_the_list_filters(city, world, client_for):
    client = client_for(world.manager)
    lot2 = Lot.objects.get(call=world.call, number=2)
    p = world.proposals

    groups = csv_rows(client.get(csv_url(world, tipo="group")))
    withdrawn = csv_rows(client.get(csv_url(world, stato="withdrawn")))
    in_lot2 = csv_rows(client.get(csv_url(world, lotto=lot2.pk)))

    assert [r[0] for r in groups[1:]] == [number_of(p["p3"])]
    assert [r[0] for r in withdrawn[1:]] == [number_of(p["p4"])]
    assert sorted(r[0] for r in in_lot2[1:]) == sorted([number_of(p["p2"]), number_of(p["p5"])])


def test_csv_download_is_audited(city, world, client_for):
    streamed(client_for(world.manager).get(csv_url(world, tipo="group")))

    event = AuditEvent.objects.get(action="export.downloaded")
    assert event.actor == world.manager
    assert event.object_id == str(world.call.pk)
    assert event.data["format"] == "csv"
    assert event.data["params"]["kind"] == "group"


def test_xlsx_is_built_in_the_background_and_equals_the_csv(
    city, world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(xlsx_url(world), {"tipo": "organisation"})
    export = Export.objects.get()

    assert response.status_code == 302 and response["Location"] == progress_url(export)
    assert (export.kind, export.public, export.status) == (
        ExportKind.PROPOSALS,
        False,
        ExportStatus.DONE,
    )
    assert export.params["kind"] == "organisation"
    page = client.get(progress_url(export)).content.decode()
    assert download_url(export) in page and 'http-equiv="refresh"' not in page
    assert "Il file è pronto: 3 righe." in page
    download = client.get(download_url(export))
    assert download["Cache-Control"] == "private, no-store"
    data = b"".join(download.streaming_content)
    assert xlsx_as_csv(data) == csv_rows(client.get(csv_url(world, tipo="organisation")))
    requested = AuditEvent.objects.get(action="export.requested")
    downloaded = AuditEvent.objects.filter(action="export.downloaded", data__format="xlsx").get()
    assert requested.actor == downloaded.actor == world.manager
    assert downloaded.data["sha256"] == export.sha256


def test_a_second_request_for_the_same_data_reuses_the_file(
    city, world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.manager)
    colleague = StaffRoleFactory(city=city, role=Role.PROGRAMME_MANAGER).user
    with django_capture_on_commit_callbacks(execute=True):
        client.post(xlsx_url(world))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(colleague).post(xlsx_url(world))

    export = Export.objects.get()
    assert callbacks == []
    assert response["Location"] == progress_url(export)
    assert AuditEvent.objects.filter(action="export.requested").count() == 2


def test_progress_page_while_building(city, world, client_for):
    export = Export.objects.create(
        kind=ExportKind.PROPOSALS,
        city=city,
        params={"call": world.call.pk, "kind": "group", "q": "orti"},
        fingerprint="x",
        status=ExportStatus.QUEUED,
        created_at=world.call.created_at,
    )

    client = client_for(world.manager)
    page = client.get(progress_url(export)).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="export-progress-bar"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "In coda" in page
    assert "«Gruppo informale»" in page and "«orti»" in page
    assert client.get(download_url(export)).status_code == 404


def test_failed_export_says_so_and_retry_builds_a_new_one(
    city, world, client_for, django_capture_on_commit_callbacks
):
    failed = Export.objects.create(
        kind=ExportKind.PROPOSALS,
        city=city,
        params={"call": world.call.pk},
        fingerprint="x",
        status=ExportStatus.FAILED,
        error="OperationalError: boom",
        created_at=world.call.created_at,
    )
    client = client_for(world.manager)
    retry = reverse("backoffice:export_retry", args=[city.slug, failed.token])

    page = client.get(progress_url(failed)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)

    assert "Non è stato possibile preparare il file" in page and f'action="{retry}"' in page
    new = Export.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == progress_url(new)
    assert new.status == ExportStatus.DONE and new.rows_done == 5


@pytest.fixture
def staff_export(city, world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.manager).post(xlsx_url(world))
    return Export.objects.get()


def test_who_may_export(city, world, staff_export, client, client_for, other_manager, citizen):
    applicant = world.proposals["p1"].created_by
    urls = {
        "csv": ("get", csv_url(world)),
        "xlsx": ("post", xlsx_url(world)),
        "progress": ("get", progress_url(staff_export)),
        "download": ("get", download_url(staff_export)),
        "retry": ("post", reverse("backoffice:export_retry", args=[city.slug, staff_export.token])),
    }
    events = AuditEvent.objects.count()

    for name, (method, url) in urls.items():
        anonymous = getattr(client, method)(url)
        assert anonymous.status_code == 302, name
        assert anonymous["Location"].startswith(reverse("account_login")), name
        assert getattr(client_for(applicant), method)(url).status_code == 403, name
        assert getattr(client_for(citizen), method)(url).status_code == 403, name
        other_city_slug = url.replace(
            f"/{city.slug}/", f"/{other_manager.staff_roles.get().city.slug}/"
        )
        assert getattr(client_for(other_manager), method)(other_city_slug).status_code == 404, name
        assert getattr(client_for(other_manager), method)(url).status_code == 404, name

    evaluator = client_for(StaffRoleFactory(city=city, role=Role.EVALUATOR).user)
    for name, (method, url) in urls.items():
        assert getattr(evaluator, method)(url).status_code == 403, name
    assert AuditEvent.objects.count() == events
    assert Export.objects.count() == 1
    listing = reverse("backoffice:proposal_list", args=[city.slug, world.call.pk])
    assert "Prepara XLSX" not in evaluator.get(listing).content.decode()
    assert "Prepara XLSX" in client_for(world.manager).get(listing).content.decode()


def test_an_export_of_another_city_is_404_even_by_token(
    city, other_city, world, staff_export, client_for
):
    manager_there = StaffRoleFactory(city=other_city, role=Role.CITY_ADMIN).user
    url = reverse("backoffice:export_progress", args=[other_city.slug, staff_export.token])

    assert client_for(manager_there).get(url).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_csv_queries_do_not_grow(city, client_for, size):
    _districts, places = territory(city)
    call = open_call(programme__city=city)
    call.eligible_neighbourhoods.set(places.values())
    for i in range(size):
        proposal(call, group=i % 2 == 0, places=[places["N1"]], targets=["giovani-15-35"])
    manager = StaffRoleFactory(city=city, role=Role.PROGRAMME_MANAGER).user
    client = client_for(manager)
    url = reverse("backoffice:proposal_export_csv", args=[city.slug, call.pk])

    with CaptureQueriesContext(connection) as queries:
        text = streamed(client.get(url))

    assert text.count("\r\n") == size + 1
    assert len(queries) == CSV_QUERIES, "\n".join(q["sql"][:90] for q in queries)


# Session, user, roles, city, call, lots (filters), the call again (the audited target),
# audit (stream head insert and lock, event, head update), the rows.
CSV_QUERIES = 12


def test_proposal_rows_take_any_queryset(city, world):
    everything = list(proposal_rows(Proposal.objects.all(), chunk_size=2))
    groups = list(proposal_rows(Proposal.objects.filter(group__isnull=False)))

    assert len(everything) == 5
    assert [row[4] for row in groups] == ["Gruppo informale"]


def test_the_list_offers_both_exports_with_its_filters(city, world, client_for):
    url = reverse("backoffice:proposal_list", args=[city.slug, world.call.pk])

    page = client_for(world.manager).get(url, {"tipo": "group", "pagina": "1"}).content.decode()

    assert f'href="{csv_url(world)}?tipo=group"' in page
    assert f'action="{xlsx_url(world)}"' in page
    assert '<input type="hidden" name="tipo" value="group">' in page
    assert "Scarica CSV" in page and "Prepara XLSX" in page
