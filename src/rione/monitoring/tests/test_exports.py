"""Open data of a call as XLSX: built in the background, same rows as the CSV, public only."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rione.core.models import Export, ExportKind, ExportStatus
from rione.evaluation.models import RankingKind
from rione.monitoring.opendata import FIELD_NAMES
from rione.monitoring.tests.givens import known_call, publish_ranking
from rione.programmes.models import CallStatus

pytestmark = pytest.mark.django_db

AMOUNTS = ("importo_richiesto", "importo_assegnato", "cofinanziamento", "costo_totale")


@pytest.fixture
def world(city):
    return known_call(city)


def xlsx_url(city, call) -> str:
    return reverse("monitoring:opendata_xlsx", args=[city.slug, call.slug])


def file_url(city, export) -> str:
    return reverse("monitoring:opendata_file", args=[city.slug, export.token])


def download_url(city, export) -> str:
    return reverse("monitoring:opendata_file_download", args=[city.slug, export.token])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def ask(client, city, call, capture) -> Export:
    with capture(execute=True):
        response = client.get(xlsx_url(city, call))
    assert response.status_code == 302
    export = Export.objects.latest("pk")
    assert response["Location"] == file_url(city, export)
    return Export.objects.get(token=export.token)


def as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"
    if hasattr(value, "date"):
        return value.date().isoformat()
    return str(value)


def test_xlsx_holds_the_csv_rows_with_amounts_as_numbers(
    city, client, world, django_capture_on_commit_callbacks
):
    export = ask(client, city, world.call, django_capture_on_commit_callbacks)
    response = client.get(download_url(city, export))
    data = body(response)
    csv_rows = list(
        csv.reader(
            io.StringIO(
                body(
                    client.get(
                        reverse("monitoring:opendata_csv", args=[city.slug, world.call.slug])
                    )
                ).decode(),
                newline="",
            )
        )
    )

    assert export.status == ExportStatus.DONE and export.public
    assert export.requested_by is None
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="progetti-{world.call.slug}.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(FIELD_NAMES)
    assert [[as_csv_text(v) for v in row] for row in rows[1:]] == csv_rows[1:]
    assert len(rows) == 3
    first_amount = sheet.cell(row=2, column=FIELD_NAMES.index("importo_richiesto") + 1)
    assert isinstance(first_amount.value, int | float) and first_amount.value == 9000
    assert first_amount.number_format == "#,##0.00"
    for name in AMOUNTS:
        assert isinstance(sheet.cell(row=3, column=FIELD_NAMES.index(name) + 1).value, int | float)


def test_same_data_reuses_the_file_and_a_new_ranking_rebuilds_it(
    city, client, world, django_capture_on_commit_callbacks
):
    first = ask(client, city, world.call, django_capture_on_commit_callbacks)
    again = ask(client, city, world.call, django_capture_on_commit_callbacks)
    p = world.proposals
    publish_ranking(
        world.call, world.manager, {p["p1"]: "9000.00"}, others=(p["p3"],), kind=RankingKind.FINAL
    )
    rebuilt = ask(client, city, world.call, django_capture_on_commit_callbacks)

    assert again.pk == first.pk
    assert Export.objects.count() == 2
    assert rebuilt.pk != first.pk and rebuilt.status == ExportStatus.DONE
    assert (first.rows_done, rebuilt.rows_done) == (2, 1)


def test_progress_page_is_accessible_and_refreshes_until_done(city, client, world):
    export = Export.objects.create(
        kind=ExportKind.OPEN_DATA_PROJECTS,
        city=city,
        params={"call": world.call.pk},
        fingerprint="x",
        public=True,
        status=ExportStatus.RUNNING,
        rows_total=200,
        rows_done=50,
        created_at=world.call.created_at,
    )

    page = client.get(file_url(city, export)).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="export-progress-bar"' in page and 'value="25"' in page
    assert '<label for="export-progress-bar"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "50 righe scritte su 200 (25%)" in page
    assert download_url(city, export) not in page
    assert client.get(download_url(city, export)).status_code == 404  # not ready yet


def test_done_page_links_the_file_and_states_the_licence(
    city, client, world, django_capture_on_commit_callbacks
):
    export = ask(client, city, world.call, django_capture_on_commit_callbacks)

    page = client.get(file_url(city, export)).content.decode()

    assert 'http-equiv="refresh"' not in page
    assert download_url(city, export) in page
    assert "CC BY 4.0" in page
    assert "Il file è pronto: 2 righe." in page
    assert "<h1>" in page


def test_failed_file_says_so_with_a_retry(city, client, world):
    export = Export.objects.create(
        kind=ExportKind.OPEN_DATA_PROJECTS,
        city=city,
        params={"call": world.call.pk},
        fingerprint="x",
        public=True,
        status=ExportStatus.FAILED,
        error="OperationalError: boom",
        created_at=world.call.created_at,
    )

    page = client.get(file_url(city, export)).content.decode()

    assert "Non è stato possibile preparare il file" in page
    assert xlsx_url(city, world.call) in page
    assert "boom" not in page  # the error is for the operators, not the public
    assert 'http-equiv="refresh"' not in page


def test_files_of_calls_the_public_may_not_see_are_404(
    city, other_city, client, world, django_capture_on_commit_callbacks
):
    export = ask(client, city, world.call, django_capture_on_commit_callbacks)
    staff_file = Export.objects.create(
        kind=ExportKind.PROPOSALS,
        city=city,
        params={"call": world.call.pk},
        fingerprint="y",
        public=False,
        status=ExportStatus.DONE,
        file=export.file.name,
        created_at=export.created_at,
    )

    assert client.get(download_url(other_city, export)).status_code == 404
    assert client.get(file_url(city, staff_file)).status_code == 404
    assert client.get(download_url(city, staff_file)).status_code == 404
    world.call.status = CallStatus.DRAFT
    world.call.save(update_fields=["status"])
    assert client.get(file_url(city, export)).status_code == 404
    assert client.get(download_url(city, export)).status_code == 404
    assert client.get(xlsx_url(city, world.call)).status_code == 404


def test_post_is_refused(city, client, world):
    assert client.post(xlsx_url(city, world.call)).status_code == 405


def test_public_dashboard_links_the_xlsx(city, client, world):
    page = client.get(
        reverse("monitoring:call_public", args=[city.slug, world.call.slug])
    ).content.decode()

    assert xlsx_url(city, world.call) in page


def test_open_data_is_never_a_staff_export_and_needs_a_public_call(city, world):
    from rione.core.services_exports import ExportNotAvailable, request_export

    with pytest.raises(ExportNotAvailable):
        request_export(
            kind=ExportKind.OPEN_DATA_PROJECTS,
            params={"call": world.call.pk},
            city=city,
            public=False,
            by=world.manager,
        )
    with pytest.raises(ExportNotAvailable):
        request_export(
            kind=ExportKind.OPEN_DATA_PROJECTS,
            params={"call": "not a number"},
            city=city,
            public=True,
            by=None,
        )
    assert not Export.objects.exists()


def test_a_revocation_rebuilds_the_file(city, client, world, django_capture_on_commit_callbacks):
    """Revoking an entry of the final ranking touches no ranking and no receipt, only entries."""
    from rione.evaluation.models import RankingEntry
    from rione.evaluation.services import revoke
    from rione.evaluation.tests.test_rankings import final_ranking, ranked_call

    ranked = ranked_call(city, [90, 80], budget=Decimal(9000))
    final = final_ranking(ranked)
    first = ask(client, city, ranked.call, django_capture_on_commit_callbacks)
    entry = RankingEntry.objects.get(ranking=final, proposal=ranked.proposals[0])

    revoke(entry=entry, by=ranked.manager, reason="Documenti non conformi.")
    rebuilt = ask(client, city, ranked.call, django_capture_on_commit_callbacks)

    assert rebuilt.pk != first.pk
    sheet = load_workbook(io.BytesIO(body(client.get(download_url(city, rebuilt))))).worksheets[0]
    titles = [
        row[FIELD_NAMES.index("titolo")] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert titles == ["Proposta 1"]
