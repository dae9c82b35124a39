"""File exports: CSV and XLSX hold the same rows, progress moves, files are reused or rebuilt."""

import csv
import hashlib
import io
import os
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from openpyxl import load_workbook

from rione.core import clock, services_exports
from rione.core import exports as core_exports
from rione.core.exports import (
    Dataset,
    Value,
    build_export_file,
    csv_lines,
    csv_text,
)
from rione.core.models import Export, ExportKind, ExportStatus
from rione.core.services_exports import request_export
from rione.core.tests.factories import UserFactory
from rione.core.xlsx import write_xlsx
from rione.territory.models import City

pytestmark = pytest.mark.django_db

ROWS: list[list[Value]] = [
    [1, clock.rome(2026, 3, 1, 9, 30), 'Libri, "cortili"\ne piazze', Decimal("9000.00"), None],
    [2, clock.rome(2026, 3, 2, 18, 5), '=HYPERLINK("http://x")', Decimal("1234.5"), "sì"],
    [3, clock.rome(2026, 7, 1, 0, 0), "Caffè sospeso", Decimal("0.00"), "no"],
]
COLUMNS = ["numero", "presentata", "titolo", "importo", "rete"]


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_as_text(data: bytes) -> list[list[str]]:
    """The cells of the first sheet as the CSV writes them (numbers with two decimals)."""
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = []
    for index, row in enumerate(sheet.iter_rows(values_only=True)):
        cells: list[str] = []
        row = tuple(row) + (None,) * (len(COLUMNS) - len(row))  # trailing empty cells
        for column, value in enumerate(row):
            if index and COLUMNS[column] == "importo" and isinstance(value, int | float):
                value = Decimal(str(value))
            cells.append(csv_text(value) if index else str(value))
        rows.append(cells)
    return rows


def test_csv_is_rfc_4180_and_guards_formulas():
    text = "".join(csv_lines(COLUMNS, ROWS))

    assert text.endswith("\r\n")
    assert '"Libri, ""cortili""\ne piazze"' in text
    rows = read_csv(text)
    assert rows[0] == COLUMNS
    assert rows[1] == ["1", "2026-03-01 09:30:00", 'Libri, "cortili"\ne piazze', "9000.00", ""]
    assert rows[2][2] == '\'=HYPERLINK("http://x")'  # never a formula in a spreadsheet
    assert rows[2][3] == "1234.50"


def test_xlsx_read_back_equals_the_csv_with_numbers_and_dates_typed():
    out = io.BytesIO()
    written = write_xlsx(out, columns=COLUMNS, rows=iter(ROWS))

    assert written == 3
    assert xlsx_as_text(out.getvalue()) == read_csv("".join(csv_lines(COLUMNS, ROWS)))
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    amount, when, formula = sheet["D2"], sheet["B2"], sheet["C3"]
    assert amount.value == 9000 and amount.number_format == "#,##0.00"
    assert when.value.hour == 9  # Rome wall clock, not UTC
    assert formula.data_type == "s" and formula.value.startswith("=")


def test_progress_callback_every_n_rows():
    seen: list[int] = []

    write_xlsx(
        io.BytesIO(), columns=["n"], rows=([i] for i in range(7)), on_progress=seen.append, every=3
    )

    assert seen == [3, 6]


class FakeDataset(Dataset):
    """Rows 1..n of a city; watches the export's progress while the rows are read."""

    kind = ExportKind.PROPOSALS
    perm = "core.view_city_backoffice"

    def __init__(self) -> None:
        self.n = 5
        self.version = "v1"
        self.fail_at: int | None = None
        self.seen: list[tuple[str, int]] = []

    def columns(self, params: dict[str, Any]) -> list[str]:
        return ["n", "importo"]

    def rows(self, city: City, params: dict[str, Any]):
        for i in range(1, self.n + 1):
            export = Export.objects.get(status=ExportStatus.RUNNING)
            self.seen.append((export.status, export.rows_done))
            if self.fail_at == i:
                raise RuntimeError("database went away")
            yield [i, Decimal(i)]

    def count(self, city: City, params: dict[str, Any]) -> int:
        return self.n

    def fingerprint(self, city: City, params: dict[str, Any]) -> str:
        return self.version

    def file_stem(self, city: City, params: dict[str, Any]) -> str:
        return "prova"

    def target(self, city: City, params: dict[str, Any]) -> City | None:
        return city


@pytest.fixture
def fake(monkeypatch):
    made = FakeDataset()
    core_exports.dataset.cache_clear()
    monkeypatch.setitem(core_exports.DATASETS, ExportKind.PROPOSALS, f"{__name__}.CURRENT")
    monkeypatch.setattr(f"{__name__}.CURRENT", made, raising=False)
    monkeypatch.setattr(core_exports, "PROGRESS_EVERY", 2)
    yield made
    core_exports.dataset.cache_clear()


CURRENT: FakeDataset | None = None


def ask(city, by, **params):
    return request_export(kind=ExportKind.PROPOSALS, params=params, city=city, public=False, by=by)


def test_a_build_moves_the_progress_and_stores_the_file_with_its_digest(
    city, city_admin, fake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = ask(city, city_admin, call=1)

    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert (export.rows_total, export.rows_done, export.percent) == (5, 5, 100)
    assert fake.seen == [
        ("running", 0),
        ("running", 0),
        ("running", 2),
        ("running", 2),
        ("running", 4),
    ]
    data = export.file.read()
    assert export.size == len(data)
    assert export.sha256 == hashlib.sha256(data).hexdigest()
    assert export.file_name == "prova.xlsx"
    assert export.started_at and export.finished_at and not export.error
    assert load_workbook(io.BytesIO(data)).worksheets[0].max_row == 6


def test_same_data_reuses_the_file_and_new_data_rebuilds_it(
    city, city_admin, fake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as first_build:
        first = ask(city, city_admin, call=1)
    with django_capture_on_commit_callbacks(execute=True) as second_build:
        again = ask(city, city_admin, call=1)
    other_params = ask(city, city_admin, call=2)
    fake.version = "v2"  # e.g. a new ranking
    with django_capture_on_commit_callbacks(execute=True):
        rebuilt = ask(city, city_admin, call=1)

    assert (len(first_build), len(second_build)) == (1, 0)
    assert again.pk == first.pk
    assert other_params.pk != first.pk
    assert rebuilt.pk != first.pk
    rebuilt.refresh_from_db()
    assert rebuilt.status == ExportStatus.DONE


def test_a_queued_export_is_reused_unless_stale(city, city_admin, fake):
    queued = ask(city, city_admin, call=1)  # the task never runs: no commit

    assert ask(city, city_admin, call=1).pk == queued.pk
    Export.objects.filter(pk=queued.pk).update(created_at=clock.now() - timedelta(hours=3))
    assert ask(city, city_admin, call=1).pk != queued.pk
    queued.refresh_from_db()
    assert queued.status == ExportStatus.FAILED and queued.error.startswith("abandoned")


def test_two_requests_at_once_share_one_export(city, city_admin, fake, monkeypatch):
    first = ask(city, city_admin, call=1)
    # The second request looked before the first one committed, and found nothing.
    monkeypatch.setattr(services_exports, "reusable_export", lambda **kwargs: None)

    second = ask(city, city_admin, call=1)

    assert second.pk == first.pk
    assert Export.objects.get().status == ExportStatus.QUEUED


def test_a_build_given_up_meanwhile_leaves_no_file(city, city_admin, fake, monkeypatch, settings):
    export = ask(city, city_admin, call=1)
    rows = fake.rows

    def abandoned_while_writing(city, params):
        yield from rows(city, params)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)

    monkeypatch.setattr(fake, "rows", abandoned_while_writing)

    assert build_export_file(export.pk) is None
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.file
    assert [f for _d, _s, files in os.walk(settings.PRIVATE_MEDIA_ROOT) for f in files] == []


def test_a_failed_build_records_the_error_and_is_never_reused(
    city, city_admin, fake, django_capture_on_commit_callbacks
):
    fake.fail_at = 4
    with django_capture_on_commit_callbacks(execute=True):
        failed = ask(city, city_admin, call=1)

    failed.refresh_from_db()
    assert failed.status == ExportStatus.FAILED
    assert "database went away" in failed.error
    assert failed.rows_done == 2 and not failed.file and failed.finished_at
    fake.fail_at = None
    with django_capture_on_commit_callbacks(execute=True):
        retried = ask(city, city_admin, call=1)
    retried.refresh_from_db()
    assert retried.pk != failed.pk and retried.status == ExportStatus.DONE


def test_a_build_runs_once(city, city_admin, fake):
    export = ask(city, city_admin, call=1)

    assert build_export_file(export.pk) is not None
    assert build_export_file(export.pk) is None  # already done: not built again


def test_staff_export_needs_the_permission_and_is_audited(city, other_city, city_admin, fake):
    from rione.core.models import AuditEvent

    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        ask(city, stranger, call=1)
    assert not Export.objects.exists()

    export = ask(city, city_admin, call=1)
    event = AuditEvent.objects.get(action="export.requested")
    assert event.actor == city_admin
    assert event.data["export"] == str(export.token)
    assert event.data["params"] == {"call": 1}


def test_purge_deletes_old_files_and_rows(
    city, city_admin, fake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = ask(city, city_admin, call=1)
        new = ask(city, city_admin, call=2)
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    Export.objects.filter(pk=old.pk).update(created_at=clock.now() - timedelta(days=8))

    out = io.StringIO()
    call_command("purge_exports", "--days", "7", stdout=out)

    assert not storage.exists(name)
    assert list(Export.objects.values_list("pk", flat=True)) == [new.pk]
    assert "Deleted 1 exports (1 files)" in out.getvalue()
