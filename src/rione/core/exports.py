"""Files built from a dataset: streamed CSV lines, and XLSX built in the background.

A dataset (one per ``ExportKind``) says which columns it has, gives its rows one by one
for some parameters (a call, list filters…), how many rows to expect, the file name, and
a fingerprint of the data it reads: the same fingerprint means the same rows, so a file
already built is reused; new data means a new fingerprint and a new file.

Datasets live in the apps that own the data and are named here by dotted path, so that
``core`` imports no app at load time and a task worker finds them without a registry
filled by side effects. Params may name a ``lang``: the file's headers and labels are
written in it (the worker has no request to take the language from).

Memory stays constant whatever the number of rows: rows come from
``QuerySet.iterator(chunk_size=...)``, CSV lines are yielded one by one, and openpyxl's
write-only workbook writes each row to a temporary file as it comes (inline strings, no
shared-string table). The builder writes ``rows_done`` every ``PROGRESS_EVERY`` rows
with a plain UPDATE, outside any long transaction, so other requests see the progress.
"""

import csv
import hashlib
import logging
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from rione.core import clock
from rione.core.clock import ROME
from rione.core.models import Export, ExportKind, ExportStatus, export_path
from rione.territory.models import City

logger = logging.getLogger(__name__)

Value = str | Decimal | datetime | date | int | None

PROGRESS_EVERY = 1000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet would run a CSV cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Dataset(ABC):
    """The rows of one kind of export. ``params`` is the JSON stored on the Export."""

    kind: str
    #: permission a staff member needs on ``target``; None for open data
    perm: str | None = None

    @abstractmethod
    def columns(self, params: dict[str, Any]) -> list[str]: ...

    @abstractmethod
    def rows(self, city: City, params: dict[str, Any]) -> Iterable[Sequence[Value]]:
        """Rows in column order, streamed (never a whole list in memory)."""

    @abstractmethod
    def count(self, city: City, params: dict[str, Any]) -> int:
        """How many rows to expect, for the progress bar (one cheap query)."""

    @abstractmethod
    def fingerprint(self, city: City, params: dict[str, Any]) -> str:
        """A digest of the data the rows read: it changes whenever the rows would."""

    @abstractmethod
    def file_stem(self, city: City, params: dict[str, Any]) -> str:
        """The file name without extension, e.g. ``proposte-avviso-2026``."""

    @abstractmethod
    def target(self, city: City, params: dict[str, Any]) -> models.Model | None:
        """The object the export is about (a call): permission and audit; None if gone."""

    def sheet_title(self, params: dict[str, Any]) -> str:
        return "dati"


DATASETS: dict[str, str] = {
    ExportKind.OPEN_DATA_PROJECTS: "rione.monitoring.opendata_xlsx.OPEN_DATA_PROJECTS",
    ExportKind.PROPOSALS: "rione.applications.exports.PROPOSALS",
}


@cache
def dataset(kind: str) -> Dataset:
    found: Dataset = import_string(DATASETS[kind])
    return found


def param_id(params: dict[str, Any], key: str) -> int:
    """An id in an export's params (0 when missing or not a number: matches nothing)."""
    try:
        return int(params.get(key) or 0)
    except (TypeError, ValueError):
        return 0


def digest(*parts: Any) -> str:
    """A SHA-256 of the parts' text: the fingerprint datasets return."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


# Cells


def rome_naive(value: datetime) -> datetime:
    """Rome wall-clock time without zone and microseconds: what a spreadsheet can hold."""
    local = timezone.localtime(value, ROME) if timezone.is_aware(value) else value
    return local.replace(tzinfo=None, microsecond=0)


def csv_text(value: Value) -> str:
    """A cell as CSV text: amounts with two decimals and a point, times in Rome.

    Text that a spreadsheet would take for a formula gets a leading apostrophe.
    """
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01'))}"
    if isinstance(value, datetime):
        return rome_naive(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class Echo:
    """A file-like object that hands back what is written, for ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[Value]]) -> Iterator[str]:
    """RFC 4180 lines (CRLF, quotes doubled), the header first, one row at a time."""
    writer = csv.writer(Echo(), lineterminator="\r\n")
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([csv_text(value) for value in row])


def _sha256_and_size(handle: IO[bytes]) -> tuple[str, int]:
    handle.seek(0)
    sha = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: handle.read(1 << 16), b""):
        sha.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return sha.hexdigest(), size


def build_export_file(export_id: int) -> Export | None:
    """Build the XLSX of a queued export; None when it is not queued (taken or gone).

    Claims the export with an UPDATE on its status, so two workers never build the same
    file. On any error the export is marked failed with the error, and the error is
    raised again for the task runner to log.
    """
    claimed = Export.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=clock.now(), rows_done=0, error=""
    )
    if not claimed:
        return None
    export = Export.objects.select_related("city").get(pk=export_id)
    same = Export.objects.filter(pk=export_id)

    def progress(rows_done: int) -> None:
        same.update(rows_done=rows_done)

    try:
        source = dataset(export.kind)
        city, params = export.city, export.params
        same.update(rows_total=source.count(city, params))
        file_name = f"{source.file_stem(city, params)}.xlsx"
        language = params.get("lang") or settings.LANGUAGE_CODE
        from rione.core.xlsx import write_xlsx  # openpyxl only in the process that builds

        with translation.override(language), tempfile.TemporaryFile(suffix=".xlsx") as handle:
            rows = write_xlsx(
                handle,
                columns=source.columns(params),
                rows=source.rows(city, params),
                sheet_title=source.sheet_title(params),
                on_progress=progress,
                every=PROGRESS_EVERY,
            )
            sha256, size = _sha256_and_size(handle)
            stored = export.file.storage.save(export_path(export, file_name), File(handle))
        finished = same.filter(status=ExportStatus.RUNNING).update(
            status=ExportStatus.DONE,
            file=stored,
            file_name=file_name,
            size=size,
            sha256=sha256,
            rows_done=rows,
            rows_total=rows,
            finished_at=clock.now(),
        )
        if not finished:  # given up as abandoned meanwhile: a newer export replaces it
            export.file.storage.delete(stored)
            return None
    except Exception as error:
        logger.exception("Export %s (%s) failed", export.token, export.kind)
        same.update(
            status=ExportStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=clock.now(),
        )
        raise
    export.refresh_from_db()
    return export


def download_response(export: Export, *, cache_control: str) -> FileResponse:
    """The finished file of ``export`` as an attachment; 404 while it is not built, or when
    its file is gone."""
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=export.file_name, content_type=XLSX_CONTENT_TYPE
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response
