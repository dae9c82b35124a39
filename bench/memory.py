"""Memory and time of exporting every proposal of a generated database: CSV and XLSX.

Run (on a database filled by bench/generate.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/memory.py
    DATABASE_URL=... .venv/bin/python bench/memory.py --only csv --limit 10000

Each measurement runs in a fresh Python process, so that its peak resident memory (VmHWM
in /proc/self/status) is its own:

- ``csv``: every proposal (or the first ``--limit``) through the staff export's row source
  (``rione.applications.exports.proposal_rows``) and ``rione.core.exports.csv_lines``,
  encoded to UTF-8 and written to /dev/null: time to the first byte (the header), to the
  first data row, the total, and the growth of resident memory;
- ``csv-traced``: the same under ``tracemalloc`` (peak of the Python heap; slower);
- ``view``: the streamed CSV view of the biggest call through Django's test Client;
- ``xlsx``: the same rows as ``csv`` through ``rione.core.xlsx.write_xlsx`` (openpyxl's
  write-only workbook) into a temporary file, as the background task builds it (resident
  memory only: ``tracemalloc`` would slow openpyxl several times).

Without ``rione.applications.exports`` the CSV falls back to the open-data rows
(``rione.monitoring.opendata.project_rows``) of every public call. Nothing is written to the
database (the view's audit rows are rolled back). The figures are printed and written to
``bench/results/<date>-memory.json``. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

KINDS = ("csv", "csv-traced", "view", "xlsx")
TARGET_GROWTH_MB = 100.0
TARGET_FIRST_BYTE_S = 1.0


def proc_status() -> dict[str, float]:
    """VmRSS and VmHWM (peak) of this process, in MB; empty where /proc is missing."""
    figures: dict[str, float] = {}
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return figures
    for line in lines:
        key, _sep, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            figures[key] = int(value.split()[0]) / 1024
    return figures


def reset_peak() -> None:
    """Make VmHWM start again from the current resident size (Linux ≥ 4.0)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _setup() -> None:
    import warnings

    from bench.pages import BENCH_ENV

    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def proposals(limit: int | None) -> Any:
    from django.db.models import Count

    from rione.applications.models import Proposal

    everything = Proposal.objects.ever_submitted()
    if not limit:
        return everything
    # Whole calls, in id order, until about ``limit`` proposals: a few ids, not a long list.
    calls, total = [], 0
    counted = everything.values("call_id").annotate(n=Count("pk")).order_by("call_id")
    for row in counted.values_list("call_id", "n"):
        if total >= limit:
            break
        calls.append(row[0])
        total += row[1]
    return everything.filter(call_id__in=calls)


def source(limit: int | None) -> tuple[str, list[str], Iterable[Sequence[Any]]]:
    """(name, columns, rows) of the export to measure."""
    try:
        from rione.applications.exports import columns, proposal_rows
    except ImportError:
        return _opendata(limit)
    return "applications.exports.proposal_rows", columns(), proposal_rows(proposals(limit))


def _opendata(limit: int | None) -> tuple[str, list[str], Iterable[Sequence[Any]]]:
    from itertools import islice

    from rione.monitoring.opendata import FIELD_NAMES, project_rows
    from rione.programmes.models import Call

    rows = (list(r.values()) for r in project_rows(calls=Call.objects.public()))
    return "monitoring.opendata.project_rows", list(FIELD_NAMES), islice(rows, limit)


def _lines(columns: list[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    try:
        from rione.core.exports import csv_lines
    except ImportError:
        import csv

        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo(), lineterminator="\r\n")
        return iter([writer.writerow(columns), *(writer.writerow(list(r)) for r in rows)])
    return csv_lines(columns, rows)


def measure_csv(limit: int | None, *, traced: bool) -> dict[str, Any]:
    """Stream the rows as CSV into /dev/null; times and memory growth."""
    before = proc_status()
    reset_peak()
    if traced:
        tracemalloc.start()
    name, columns, rows = source(limit)  # lazy: the rows' query runs on the first row
    started = time.perf_counter()
    lines = _lines(columns, rows)
    count, size = 0, 0
    first_byte = first_row = None
    with open(os.devnull, "wb") as out:
        for line in lines:
            data = line.encode("utf-8")
            out.write(data)
            size += len(data)
            if first_byte is None:
                first_byte = time.perf_counter() - started
            elif first_row is None:
                first_row = time.perf_counter() - started
            count += 1
    total = time.perf_counter() - started
    result = _memory(before, traced)
    result.update(
        source=name,
        rows=max(count - 1, 0),
        bytes=size,
        first_byte_s=round(first_byte or 0, 3),
        first_row_s=round(first_row or 0, 3),
        seconds=round(total, 1),
        rows_per_second=round(max(count - 1, 0) / total) if total else None,
    )
    return result


def measure_view() -> dict[str, Any]:
    """The streamed CSV view of the biggest call, through the test Client."""
    from bench.pages import _client, no_trace, pick_objects
    from django.urls import reverse

    with no_trace():
        objects = pick_objects()
        call = objects.big_call
        client = _client(objects.manager, {})
        url = reverse("backoffice:proposal_export_csv", args=[call.city.slug, call.pk])
        before = proc_status()
        reset_peak()
        started = time.perf_counter()
        response = client.get(url)
        chunks = iter(response.streaming_content)
        first_byte = first_row = None
        size, count = 0, 0
        for chunk in chunks:
            size += len(chunk)
            if first_byte is None:
                first_byte = time.perf_counter() - started
            elif first_row is None:
                first_row = time.perf_counter() - started
            count += 1
        total = time.perf_counter() - started
    result = _memory(before, traced=False)
    result.update(
        source=url,
        status=response.status_code,
        rows=max(count - 1, 0),
        bytes=size,
        first_byte_s=round(first_byte or 0, 3),
        first_row_s=round(first_row or 0, 3),
        seconds=round(total, 1),
    )
    return result


def measure_xlsx(limit: int | None) -> dict[str, Any]:
    """Write the rows into an XLSX file (write-only workbook) as the background task does."""
    from rione.core.xlsx import write_xlsx

    before = proc_status()
    reset_peak()
    name, columns, rows = source(limit)
    started = time.perf_counter()
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        count = write_xlsx(handle, columns=columns, rows=rows, sheet_title="proposte")
        size = handle.seek(0, os.SEEK_END)
    total = time.perf_counter() - started
    result = _memory(before, traced=False)
    result.update(
        source=name,
        rows=count,
        bytes=size,
        seconds=round(total, 1),
        rows_per_second=round(count / total) if total else None,
    )
    return result


def _memory(before: dict[str, float], traced: bool) -> dict[str, Any]:
    after = proc_status()
    result: dict[str, Any] = {
        "rss_before_mb": round(before.get("VmRSS", 0), 1),
        "rss_after_mb": round(after.get("VmRSS", 0), 1),
        "rss_peak_mb": round(after.get("VmHWM", 0), 1),
        "rss_growth_mb": round(after.get("VmHWM", 0) - before.get("VmRSS", 0), 1),
    }
    if traced:
        result["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return result


def one(kind: str, limit: int | None) -> dict[str, Any]:
    _setup()
    if kind == "view":
        return measure_view()
    if kind == "xlsx":
        return measure_xlsx(limit)
    return measure_csv(limit, traced=kind == "csv-traced")


def verdict(kind: str, result: dict[str, Any]) -> list[str]:
    """What misses the targets: growth over 100 MB, or (CSV) a first byte after 1 s."""
    found = []
    growth = max(result.get("rss_growth_mb", 0), result.get("tracemalloc_peak_mb", 0))
    if growth > TARGET_GROWTH_MB:
        found.append(f"{kind}: memory growth {growth} MB")
    if kind != "xlsx" and result.get("first_byte_s", 0) > TARGET_FIRST_BYTE_S:
        found.append(f"{kind}: first byte after {result['first_byte_s']} s")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=KINDS, help="repeatable")
    parser.add_argument("--limit", type=int, help="only the first N proposals")
    parser.add_argument("--one", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--no-results", action="store_true", help="do not write the JSON file")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.limit)))
        return 0
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "limit": args.limit,
        "target_growth_mb": TARGET_GROWTH_MB,
        "target_first_byte_s": TARGET_FIRST_BYTE_S,
        "runs": {},
    }
    problems: list[str] = []
    for kind in args.only or KINDS:
        command = [sys.executable, __file__, "--one", kind]
        if args.limit:
            command += ["--limit", str(args.limit)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            problems.append(f"{kind}: failed")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        report["runs"][kind] = result
        problems += verdict(kind, result)
        print(f"{kind:<11} {json.dumps(result)}", flush=True)
    report["problems"] = problems
    if not args.no_results:
        out = ROOT / "bench" / "results" / f"{time.strftime('%Y-%m-%d')}-memory.json"
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"Written to {out.relative_to(ROOT)}")
    for problem in problems:
        print(f"PROBLEM {problem}", file=sys.stderr)
    return 1 if any(p.endswith("failed") for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
