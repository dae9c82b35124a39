"""XLSX writing in constant memory, with openpyxl's write-only workbook.

Its own module so that only the process that builds a file (the task worker) imports
openpyxl, about 22 MB per process: web workers serve built files and never load it.
"""

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from rione.core.exports import PROGRESS_EVERY, Value, rome_naive

logger = logging.getLogger(__name__)

AMOUNT_FORMAT = "#,##0.00"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
DATE_FORMAT = "dd/mm/yyyy"
# Characters XML 1.0 (and so XLSX) cannot hold; openpyxl refuses them.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Value) -> Any:
    """A cell for a write-only sheet: numbers as numbers, times as dates, text never a formula."""
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = AMOUNT_FORMAT
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, rome_naive(value))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    if value is None or isinstance(value, int):
        return value
    text = _ILLEGAL.sub("", str(value))
    if text.startswith("="):
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"
        return cell
    return text


def write_xlsx(
    out: IO[bytes],
    *,
    columns: Sequence[str],
    rows: Iterable[Sequence[Value]],
    sheet_title: str = "dati",
    on_progress: Callable[[int], None] | None = None,
    every: int | None = None,
) -> int:
    """Write a one-sheet XLSX into ``out`` in constant memory; return the number of rows.

    ``on_progress(n)`` is called after every ``every`` rows (default ``PROGRESS_EVERY``).
    """
    step = every or PROGRESS_EVERY
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_ILLEGAL.sub("", str(c)) for c in columns])
    done = 0
    try:
        for row in rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
            done += 1
            if on_progress is not None and done % step == 0:
                on_progress(done)
    except BaseException:
        _discard(sheet)
        raise
    workbook.save(out)
    return done


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Close a half-written sheet and remove its temporary file, which openpyxl keeps."""
    try:
        sheet.close()
        sheet._writer.cleanup()
    except (OSError, ValueError, AttributeError):  # the cleanup must not hide the first error
        logger.warning("Could not remove the temporary file of a failed XLSX", exc_info=True)
