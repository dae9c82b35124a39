"""Check that no submission was lost, duplicated or left half-done.

Run after a load or crash scenario:

    .venv/bin/python bench/load/verify.py --database-url postgres://…/rione_crash \\
        --call 1 --receipts var/bench/receipts.jsonl

or, from Python (Django already set up on the database to check):

    from bench.load.verify import verify
    report = verify(call_ids=[call.pk], client_receipts=read_receipts(path))
    report.print()
    assert report.ok

What it checks, for the given calls:

- **lost**: every receipt a client received (JSON lines ``{"proposal", "protocol",
  "sha256", "call"}``) exists in the database with the same protocol number, proposal and
  SHA-256;
- **hash**: every stored receipt's SHA-256 is the digest of its stored canonical content,
  recomputed with the product's own ``digest``; the content names the receipt's proposal
  and version;
- **duplicate**: no protocol number twice in a call; no proposal with two receipts for the
  same version (a double submission); no proposal with more than one first submission;
- **gap**: the protocol numbers of a call are exactly 1..n and the call's
  ``ProtocolCounter`` says n;
- **half_submitted**: a proposal that is submitted, reopened or withdrawn has a version,
  a submission time and the receipt of that version; a submitted proposal's latest receipt
  is that one; a withdrawn proposal has its withdrawal receipt; no draft has a receipt;
  the files listed in a receipt are marked as part of a submission; every receipt has its
  audit event with the same protocol number and every such event has its receipt; the
  audit chains of the proposals hold;
- **email** (optional): every receipt was e-mailed or has its e-mail task queued.

It returns a ``Report`` with the counts it checked and the violations found.
"""

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent

KINDS = ("lost", "hash", "duplicate", "gap", "half_submitted", "email")
MAX_SHOWN = 20


@dataclass(frozen=True)
class ClientReceipt:
    """What a client was shown after submitting: the proof it holds."""

    call: int
    proposal: int
    protocol: int
    sha256: str


@dataclass(frozen=True)
class Violation:
    kind: str
    detail: str


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def kinds(self) -> set[str]:
        return {v.kind for v in self.violations}

    def add(self, kind: str, detail: str) -> None:
        assert kind in KINDS, kind
        self.violations.append(Violation(kind, detail))

    def count(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value

    def as_dict(self) -> dict[str, Any]:
        by_kind = Counter(v.kind for v in self.violations)
        return {
            "ok": self.ok,
            "counts": dict(sorted(self.counts.items())),
            "violations": {kind: by_kind.get(kind, 0) for kind in KINDS},
            "examples": [f"{v.kind}: {v.detail}" for v in self.violations[:MAX_SHOWN]],
        }

    def print(self, out: Any = None) -> None:
        out = out or sys.stdout
        print("Checked:", file=out)
        for name, value in sorted(self.counts.items()):
            print(f"  {name:<34} {value:>9}", file=out)
        if self.ok:
            print("No violation: nothing lost, duplicated or half-submitted.", file=out)
            return
        by_kind = Counter(v.kind for v in self.violations)
        print(f"VIOLATIONS: {len(self.violations)}", file=out)
        for kind in KINDS:
            if by_kind.get(kind):
                print(f"  {kind:<34} {by_kind[kind]:>9}", file=out)
        for violation in self.violations[:MAX_SHOWN]:
            print(f"  - {violation.kind}: {violation.detail}", file=out)


def read_receipts(path: Path | str) -> list[ClientReceipt]:
    """The receipts a load client wrote, one JSON object a line; broken lines are skipped.

    A client killed while writing may leave its last line incomplete: that receipt was
    never fully held by anyone, so it is not counted.
    """
    receipts = []
    path = Path(path)
    if not path.exists():
        return []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
            receipts.append(
                ClientReceipt(
                    call=int(row["call"]),
                    proposal=int(row["proposal"]),
                    protocol=int(row["protocol"]),
                    sha256=str(row["sha256"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            continue
    return receipts


def _chunks(items: list[int], size: int = 1000) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def verify(
    *,
    call_ids: Iterable[int],
    client_receipts: Iterable[ClientReceipt] = (),
    emails: bool = False,
    audit_chains: bool = True,
) -> Report:
    """Check the calls ``call_ids`` against each other and against the clients' receipts."""
    from rione.applications.models import (
        STANDING,
        Attachment,
        Proposal,
        ProposalStatus,
        ProtocolCounter,
        Receipt,
        ReceiptKind,
    )
    from rione.applications.services.canonical import digest
    from rione.core.audit import verify_stream
    from rione.core.models import AuditEvent

    report = Report()
    calls = sorted(set(call_ids))
    report.count("calls", len(calls))

    # Every stored receipt: its hash, its content, its number.
    receipts: dict[tuple[int, int], dict[str, Any]] = {}
    by_proposal: dict[int, list[dict[str, Any]]] = defaultdict(list)
    numbers: dict[int, list[int]] = {call: [] for call in calls}
    rows = (
        Receipt.objects.filter(call_id__in=calls)
        .order_by("call_id", "protocol_number")
        .values("pk", "call_id", "proposal_id", "protocol_number", "kind", "version")
        .iterator(chunk_size=2000)
    )
    for values in rows:
        row: dict[str, Any] = dict(values)
        numbers[row["call_id"]].append(row["protocol_number"])
        key = (row["call_id"], row["protocol_number"])
        receipts[key] = row
        by_proposal[row["proposal_id"]].append(row)
    report.count("receipts in the database", len(receipts))
    contents = (
        Receipt.objects.filter(call_id__in=calls)
        .values_list("call_id", "protocol_number", "content", "sha256")
        .iterator(chunk_size=500)
    )
    attachment_ids: dict[int, set[int]] = defaultdict(set)
    for call, number, text, sha256 in contents:
        row = receipts[(call, number)]
        row["sha256"] = sha256
        report.count("receipt hashes recomputed")
        if digest(text) != sha256:
            report.add(
                "hash", f"receipt n. {number} of call {call}: content does not match SHA-256"
            )
            continue
        try:
            content = json.loads(text)
        except ValueError:
            report.add("hash", f"receipt n. {number} of call {call}: content is not JSON")
            continue
        if content.get("proposal") != row["proposal_id"]:
            report.add(
                "hash",
                f"receipt n. {number} of call {call}: content names proposal "
                f"{content.get('proposal')}, not {row['proposal_id']}",
            )
        if row["kind"] != ReceiptKind.WITHDRAWAL:
            if content.get("version") != row["version"]:
                report.add(
                    "hash",
                    f"receipt n. {number} of call {call}: content is version "
                    f"{content.get('version')}, receipt says {row['version']}",
                )
            for item in content.get("attachments", []):
                attachment_ids[row["proposal_id"]].add(int(item["id"]))

    # Numbers: unique, 1..n, and the counter says n.
    counters = dict(
        ProtocolCounter.objects.filter(call_id__in=calls).values_list("call_id", "last_number")
    )
    for call in calls:
        issued = numbers[call]
        report.count("protocol numbers checked", len(issued))
        for number, times in Counter(issued).items():
            if times > 1:
                report.add("duplicate", f"call {call}: protocol n. {number} issued {times} times")
        distinct = sorted(set(issued))
        expected = list(range(1, len(distinct) + 1))
        if distinct != expected:
            missing = sorted(set(range(1, (distinct[-1] if distinct else 0) + 1)) - set(distinct))
            report.add(
                "gap",
                f"call {call}: {len(distinct)} numbers up to {distinct[-1] if distinct else 0}, "
                f"missing {missing[:10]}",
            )
        counter = counters.get(call, 0)
        if counter != len(issued):
            report.add("gap", f"call {call}: counter says {counter}, {len(issued)} receipts issued")

    # What the clients hold.
    held = set(client_receipts)
    report.count("client receipts", len(held))
    for receipt in sorted(held, key=lambda r: (r.call, r.protocol)):
        stored = receipts.get((receipt.call, receipt.protocol))
        if receipt.call not in numbers:
            report.add(
                "lost", f"client receipt n. {receipt.protocol} names unchecked call {receipt.call}"
            )
        elif stored is None:
            report.add(
                "lost",
                f"call {receipt.call}: receipt n. {receipt.protocol} of proposal "
                f"{receipt.proposal} is not in the database",
            )
        elif stored["proposal_id"] != receipt.proposal:
            report.add(
                "lost",
                f"call {receipt.call}: receipt n. {receipt.protocol} belongs to proposal "
                f"{stored['proposal_id']}, the client had it for {receipt.proposal}",
            )
        elif stored.get("sha256") != receipt.sha256:
            report.add(
                "hash",
                f"call {receipt.call}: receipt n. {receipt.protocol} has another SHA-256 than "
                "the client was given",
            )
        else:
            report.count("client receipts matched")

    # Proposals: nothing half-submitted.
    proposals = list(
        Proposal.objects.filter(call_id__in=calls).values(
            "pk", "status", "version", "submitted_at", "withdrawn_at"
        )
    )
    report.count("proposals", len(proposals))
    known = {p["pk"] for p in proposals}
    for proposal_id in set(by_proposal) - known:
        report.add("half_submitted", f"receipts of proposal {proposal_id} outside its call")
    for proposal in proposals:
        pk, status = proposal["pk"], proposal["status"]
        own = by_proposal.get(pk, [])
        versions = [r for r in own if r["kind"] != ReceiptKind.WITHDRAWAL]
        for version, times in Counter(r["version"] for r in versions).items():
            if times > 1:
                report.add("duplicate", f"proposal {pk}: {times} receipts for version {version}")
        first = sum(1 for r in versions if r["kind"] == ReceiptKind.SUBMISSION)
        if first > 1:
            report.add("duplicate", f"proposal {pk}: submitted for the first time {first} times")
        if status == ProposalStatus.DRAFT:
            report.count("drafts")
            if own:
                report.add("half_submitted", f"proposal {pk} is a draft with {len(own)} receipts")
            continue
        report.count(f"proposals {status}")
        if proposal["version"] < 1 or proposal["submitted_at"] is None:
            report.add("half_submitted", f"proposal {pk} is {status} without version or time")
        if not any(r["version"] == proposal["version"] for r in versions):
            report.add(
                "half_submitted",
                f"proposal {pk} is {status} at version {proposal['version']} without its receipt",
            )
        if status == ProposalStatus.SUBMITTED and own:
            last = own[-1]
            if last["kind"] == ReceiptKind.WITHDRAWAL or last["version"] != proposal["version"]:
                report.add(
                    "half_submitted",
                    f"proposal {pk} is submitted but its latest receipt is n. "
                    f"{last['protocol_number']} ({last['kind']}, version {last['version']})",
                )
        withdrawals = [r for r in own if r["kind"] == ReceiptKind.WITHDRAWAL]
        if status == ProposalStatus.WITHDRAWN and (
            not withdrawals or proposal["withdrawn_at"] is None
        ):
            report.add(
                "half_submitted", f"proposal {pk} is withdrawn without its withdrawal receipt"
            )
        if status in STANDING and withdrawals:
            report.add("half_submitted", f"proposal {pk} is {status} after a withdrawal receipt")

    # Files named in receipts are kept as part of the submission.
    listed = sorted({a for files in attachment_ids.values() for a in files})
    marked: set[int] = set()
    for chunk in _chunks(listed):
        marked |= set(
            Attachment.objects.filter(pk__in=chunk, in_submission=True).values_list("pk", flat=True)
        )
    report.count("submitted files checked", len(listed))
    for proposal_id, files in sorted(attachment_ids.items()):
        for attachment in sorted(files - marked):
            report.add(
                "half_submitted",
                f"proposal {proposal_id}: file {attachment} is in a receipt but not kept as submitted",
            )

    # Each receipt has its audit event, written in the same transaction, and vice versa.
    events: set[tuple[int, int]] = set()
    proposal_ids = sorted(by_proposal) + sorted(known - set(by_proposal))
    for chunk in _chunks(proposal_ids):
        for object_id, data in AuditEvent.objects.filter(
            object_type="applications.proposal",
            object_id__in=[str(i) for i in chunk],
            action__in=["proposal.submitted", "proposal.withdrawn"],
        ).values_list("object_id", "data"):
            named = (data or {}).get("protocol_number")
            if named is not None:
                events.add((int(object_id), int(named)))
    issued_pairs = {(row["proposal_id"], row["protocol_number"]) for row in receipts.values()}
    report.count("audit events matched", len(events & issued_pairs))
    for proposal_id, number in sorted(issued_pairs - events):
        report.add(
            "half_submitted", f"receipt n. {number} of proposal {proposal_id} has no audit event"
        )
    for proposal_id, number in sorted(events - issued_pairs):
        report.add(
            "half_submitted",
            f"audit event of proposal {proposal_id} names missing receipt n. {number}",
        )
    if audit_chains:
        for proposal_id in sorted(by_proposal):
            broken = verify_stream(f"proposal:{proposal_id}")
            report.count("audit chains verified")
            if broken is not None:
                report.add(
                    "half_submitted",
                    f"audit chain {broken.stream} broken at {broken.seq}: {broken.reason}",
                )

    if emails:
        _check_emails(report, calls)
    return report


def _check_emails(report: Report, calls: list[int]) -> None:
    """Every receipt was e-mailed or has its e-mail waiting in the task queue."""
    from django_tasks_db.models import DBTaskResult

    from rione.applications.models import Receipt
    from rione.applications.tasks import send_receipt

    pending = set(
        Receipt.objects.filter(call_id__in=calls, emailed_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    queued = set()
    for args in DBTaskResult.objects.filter(task_path=send_receipt.module_path).values_list(
        "args_kwargs", flat=True
    ):
        receipt_id = (args or {}).get("kwargs", {}).get("receipt_id")
        if receipt_id is not None:
            queued.add(int(receipt_id))
    total = Receipt.objects.filter(call_id__in=calls).count()
    report.count("receipt e-mails checked", total)
    for receipt_id in sorted(pending - queued):
        report.add("email", f"receipt {receipt_id} was neither e-mailed nor queued")


def setup_django(database_url: str | None = None) -> None:
    """Point Django at ``database_url`` (or DATABASE_URL) and set it up."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rione.config.settings")
    for path in (str(ROOT / "src"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument(
        "--call", type=int, action="append", help="a call to check (repeat; default: every call)"
    )
    parser.add_argument("--receipts", type=Path, help="the clients' receipts, JSON lines")
    parser.add_argument("--emails", action="store_true", help="also check the receipt e-mails")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    from rione.programmes.models import Call

    calls = args.call or list(Call.objects.values_list("pk", flat=True))
    held = read_receipts(args.receipts) if args.receipts else []
    report = verify(call_ids=calls, client_receipts=held, emails=args.emails)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        report.print()
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
