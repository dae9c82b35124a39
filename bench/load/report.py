"""Checks and figures of a rush: receipts against the database, locust's CSV, the table.

``verify_receipts`` is the correctness check: every receipt a client saw exists with the
same protocol number and hash; the call's protocol numbers run 1..n without gaps or
duplicates and the counter says n; every submitted proposal has exactly one receipt and
every receipt belongs to a submitted proposal; nothing was stored at or after the
deadline; each receipt's SHA-256 is the hash of its stored content.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any


def read_receipts(path: Path) -> list[dict[str, Any]]:
    """The JSON lines the locustfile appended (a torn last line is reported, not skipped)."""
    if not path.exists():
        return []
    lines = []
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text.strip():
            try:
                lines.append(json.loads(text))
            except json.JSONDecodeError:
                lines.append({"invalid_line": n, "text": text[:200]})
    return lines


@dataclass
class Stored:
    """What the database holds for one call, as plain values."""

    receipts: list[
        tuple[int, int, int, str, str, datetime, str]
    ]  # id, proposal, n, sha, content, issued_at, kind
    counter: int | None
    submitted: dict[int, datetime | None]  # proposal → submitted_at, for standing proposals
    closes_at: datetime | None


def stored(call_id: int) -> Stored:
    from rione.applications.models import Proposal, ProtocolCounter, Receipt
    from rione.programmes.models import Call

    call = Call.objects.get(pk=call_id)
    receipts = list(
        Receipt.objects.filter(call_id=call_id)
        .order_by("protocol_number")
        .values_list(
            "pk", "proposal_id", "protocol_number", "sha256", "content", "issued_at", "kind"
        )
    )
    counter = (
        ProtocolCounter.objects.filter(call_id=call_id)
        .values_list("last_number", flat=True)
        .first()
    )
    submitted = dict(
        Proposal.objects.filter(call_id=call_id)
        .exclude(status="draft")
        .values_list("pk", "submitted_at")
    )
    return Stored(receipts=receipts, counter=counter, submitted=submitted, closes_at=call.closes_at)


def verify_receipts(
    lines: list[dict[str, Any]],
    call_id: int,
    *,
    db: Stored | None = None,
    redirected: set[int] | None = None,
) -> list[str]:
    """Every problem found (empty when the outcome is correct); see the module's doc.

    ``redirected`` are proposals whose client got the redirect to the receipt but was
    stopped (end of the run) before reading it: their receipts need not be in ``lines``.
    """
    db = db or stored(call_id)
    problems: list[str] = []
    by_number = {n: (pk, proposal, sha) for pk, proposal, n, sha, _c, _at, _k in db.receipts}
    numbers = [n for _pk, _p, n, _s, _c, _at, _k in db.receipts]
    duplicates = sorted(n for n, k in Counter(numbers).items() if k > 1)
    if duplicates:
        problems.append(f"protocol numbers issued twice: {duplicates[:10]}")
    if sorted(set(numbers)) != list(range(1, len(set(numbers)) + 1)):
        missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
        problems.append(f"protocol numbers with gaps: missing {missing[:10]}")
    if (db.counter or 0) != len(numbers):
        problems.append(f"the counter says {db.counter}, but {len(numbers)} receipts exist")
    for _pk, _proposal, n, sha, content, issued_at, _kind in db.receipts:
        if hashlib.sha256(content.encode("utf-8")).hexdigest() != sha:
            problems.append(f"receipt {n}: its SHA-256 is not the hash of its content")
        if db.closes_at is not None and issued_at >= db.closes_at:
            problems.append(f"receipt {n} issued at {issued_at}, at or after the deadline")
    with_receipt = Counter(proposal for _pk, proposal, *_rest in db.receipts)
    twice = sorted(p for p, k in with_receipt.items() if k > 1)
    if twice:
        problems.append(f"proposals with more than one receipt: {twice[:10]}")
    without = sorted(set(db.submitted) - set(with_receipt))
    if without:
        problems.append(f"submitted proposals without a receipt: {without[:10]}")
    orphans = sorted(set(with_receipt) - set(db.submitted))
    if orphans:
        problems.append(f"receipts of proposals still in draft: {orphans[:10]}")
    late = sorted(p for p, at in db.submitted.items() if db.closes_at and at and at >= db.closes_at)
    if late:
        problems.append(f"proposals submitted at or after the deadline: {late[:10]}")
    seen: dict[int, int] = {}
    for line in lines:
        if "invalid_line" in line:
            problems.append(f"receipt log line {line['invalid_line']} is not JSON")
            continue
        if line.get("call") != call_id:
            problems.append(f"receipt log: proposal {line.get('proposal')} of another call")
            continue
        number = int(line["protocol"])
        found = by_number.get(number)
        if found is None:
            problems.append(f"receipt {number} seen by a client does not exist")
        elif (found[1], found[2]) != (line["proposal"], line["sha256"]):
            problems.append(
                f"receipt {number}: the client saw proposal {line['proposal']} and "
                f"{line['sha256'][:12]}…, the database holds {found[1]} and {found[2][:12]}…"
            )
        if seen.get(line["proposal"], number) != number:
            problems.append(f"proposal {line['proposal']}: the client saw two protocol numbers")
        seen[line["proposal"]] = number
    seen_numbers = {int(x["protocol"]) for x in lines if "protocol" in x}
    unseen = sorted(
        n
        for n, (_pk, proposal, _sha) in by_number.items()
        if n not in seen_numbers and proposal not in (redirected or set())
    )
    if unseen:
        problems.append(f"receipts issued that no client received: {unseen[:10]} ({len(unseen)})")
    return problems


# Locust's figures


@dataclass
class Row:
    name: str
    method: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def read_stats(csv_prefix: Path) -> list[Row]:
    """Per-endpoint rows of locust's ``<prefix>_stats.csv`` (times in ms), the total last."""
    path = Path(f"{csv_prefix}_stats.csv")
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for item in csv.DictReader(handle):
            rows.append(
                Row(
                    name=item["Name"],
                    method=item["Type"],
                    requests=int(item["Request Count"]),
                    failures=int(item["Failure Count"]),
                    rps=float(item["Requests/s"]),
                    p50=float(item["50%"] or 0),
                    p95=float(item["95%"] or 0),
                    p99=float(item["99%"] or 0),
                    max=float(item["Max Response Time"] or 0),
                )
            )
    return rows


def read_failures(csv_prefix: Path) -> list[dict[str, str]]:
    path = Path(f"{csv_prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def table(rows: list[Row]) -> str:
    """A Markdown table: requests, failures, rps and p50/p95/p99 per endpoint."""
    out = [
        "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        label = r.name if r.name == "Aggregated" else f"{r.method} {r.name}"
        out.append(
            f"| {label} | {r.requests:,} | {r.failures:,} | {r.rps:.2f} | "
            f"{r.p50:,.0f} | {r.p95:,.0f} | {r.p99:,.0f} |"
        )
    return "\n".join(out)


BEGIN, END = "<!-- rush:results:begin -->", "<!-- rush:results:end -->"


def update_docs(path: Path, text: str) -> bool:
    """Replace what stands between the rush markers of ``path``; False when they are missing."""
    content = path.read_text(encoding="utf-8")
    if BEGIN not in content or END not in content:
        return False
    head, rest = content.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
    return True
