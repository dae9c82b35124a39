"""The database ceiling: the writes of one submission, replayed straight through psycopg.

``WRITES`` lists, in order, what ``submit_proposal`` writes and locks: ``capture`` records
the same from a real submission through Django's ``connection.execute_wrapper`` and
``drift`` compares the two, so the replay cannot silently fall behind the product (the test
and every rush run check it). ``replay`` then issues those statements for ``proposals``,
one transaction per submission (the queued e-mail task included, as the application writes
it in the same transaction), and answers submissions per second: what the database
alone can do, with no Django, no HTTP and no template in the way.

The rows are copies of the real submission's rows (same receipt content, audit data and
task arguments, so the same sizes), with the keys, protocol number, chain hashes and times
each submission needs.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# (verb, table) in the order the submission issues them; LOCK is SELECT ... FOR UPDATE.
WRITES: tuple[tuple[str, str], ...] = (
    ("LOCK", "applications_proposal"),
    ("LOCK", "applicants_organisation"),
    ("UPDATE", "applications_proposal"),
    ("UPDATE", "applications_attachment"),
    ("INSERT", "applications_protocolcounter"),
    ("LOCK", "applications_protocolcounter"),
    ("UPDATE", "applications_protocolcounter"),
    ("INSERT", "applications_receipt"),
    ("INSERT", "django_tasks_database_dbtaskresult"),
    ("INSERT", "core_auditstream"),
    ("LOCK", "core_auditstream"),
    ("INSERT", "core_auditevent"),
    ("UPDATE", "core_auditstream"),
    ("COMMIT", ""),
)

_TABLE = r'"?(\w+)"?'
_PATTERNS = (
    ("INSERT", re.compile(rf"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+{_TABLE}", re.I)),
    ("UPDATE", re.compile(rf"^\s*UPDATE\s+{_TABLE}", re.I)),
    ("DELETE", re.compile(rf"^\s*DELETE\s+FROM\s+{_TABLE}", re.I)),
)
_SELECT_FROM = re.compile(rf"\bFROM\s+{_TABLE}", re.I)


def classify(sql: str) -> tuple[str, str] | None:
    """The (verb, table) of a write or lock; None for plain reads and savepoints."""
    for verb, pattern in _PATTERNS:
        found = pattern.match(sql)
        if found:
            return verb, found.group(1)
    if re.search(r"\bFOR\s+(NO\s+KEY\s+)?UPDATE\b", sql, re.I):
        found = _SELECT_FROM.search(sql)
        if found:
            return "LOCK", found.group(1)
    return None


@dataclass
class Capture:
    writes: list[tuple[str, str]]
    statements: int  # every statement, reads included


def capture(submit: Callable[[], Any]) -> tuple[Any, Capture]:
    """Run ``submit`` (one real submission, committing) and record what it writes, in order.

    The commit is recorded as ("COMMIT", "") when the outermost atomic block ends, so a
    write issued after it (an ``on_commit`` callback) shows where it belongs.
    """
    from django.db import connection

    writes: list[tuple[str, str]] = []
    count = 0

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        kind = classify(sql)
        if kind is not None:
            writes.append(kind)
        return execute(sql, params, many, context)

    def committed() -> None:
        writes.append(("COMMIT", ""))

    from django.db import transaction

    with connection.execute_wrapper(wrapper), transaction.atomic():
        transaction.on_commit(committed)  # runs first among the on-commit callbacks
        result = submit()
    return result, Capture(writes=writes, statements=count)


def drift(captured: Sequence[tuple[str, str]]) -> list[str]:
    """Differences between a captured submission and ``WRITES`` (empty when they agree)."""
    if list(captured) == list(WRITES):
        return []
    problems = []
    for n in range(max(len(captured), len(WRITES))):
        got = captured[n] if n < len(captured) else None
        want = WRITES[n] if n < len(WRITES) else None
        if got != want:
            problems.append(f"statement {n + 1}: the application issues {got}, the ceiling {want}")
    return problems


def sample(applicant: Any, plan: Any) -> tuple[Any, Capture]:
    """Save ``applicant``'s budget with the services, then submit it for real under ``capture``."""
    from decimal import Decimal

    from bench.load.seed import LINE, REQUESTED_GRANT

    from rione.applications import services
    from rione.applications.models import Proposal
    from rione.applications.services.drafts import LineInput
    from rione.core.models import User
    from rione.territory.models import CostCategory

    proposal = Proposal.objects.get(pk=applicant.proposal)
    user = User.objects.get(pk=applicant.user)
    line = LineInput(
        cost_category=CostCategory.objects.get(pk=plan.cost_category),
        description=LINE["description"],
        quantity=Decimal(LINE["quantity"]),
        unit_cost=Decimal(LINE["unit_cost"].replace(",", ".")),
    )
    services.save_budget_step(
        proposal=proposal,
        by=user,
        lines=[line],
        requested_grant=Decimal(REQUESTED_GRANT.replace(",", ".")),
    )
    return capture(
        lambda: services.submit_proposal(
            proposal=proposal, by=user, truthfulness=True, privacy=True
        )
    )


# Replay


@dataclass
class Templates:
    """The real submission's rows, as dicts of column → value."""

    call: int
    receipt: dict[str, Any]
    event: dict[str, Any]
    task: dict[str, Any]


def load_templates(conn: Any, receipt_id: int) -> Templates:
    """Read the rows a real submission wrote (its receipt, audit event and queued task)."""
    from psycopg.rows import dict_row

    cur = conn.cursor(row_factory=dict_row)
    receipt = cur.execute(
        "SELECT * FROM applications_receipt WHERE id = %s", [receipt_id]
    ).fetchone()
    event = cur.execute(
        "SELECT * FROM core_auditevent WHERE object_type = 'applications.proposal' "
        "AND object_id = %s AND action = 'proposal.submitted' ORDER BY id DESC LIMIT 1",
        [str(receipt["proposal_id"])],
    ).fetchone()
    task = cur.execute(
        "SELECT * FROM django_tasks_database_dbtaskresult "
        "WHERE args_kwargs -> 'kwargs' ->> 'receipt_id' = %s ORDER BY enqueued_at DESC LIMIT 1",
        [str(receipt_id)],
    ).fetchone()
    if receipt is None or event is None or task is None:
        raise RuntimeError("the sample submission's rows are missing")
    return Templates(call=receipt["call_id"], receipt=receipt, event=event, task=task)


def _insert(cur: Any, table: str, row: dict[str, Any], returning: str | None = None) -> Any:
    from psycopg.types.json import Jsonb

    columns = [c for c in row if c != "id" or returning is None]
    values = [Jsonb(row[c]) if isinstance(row[c], dict | list) else row[c] for c in columns]
    sql = (
        f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
    )
    if returning:
        sql += f" RETURNING {returning}"
        return cur.execute(sql, values).fetchone()[0]
    cur.execute(sql, values)
    return None


class _Traced:
    """A cursor that notes the (verb, table) of each statement it executes."""

    def __init__(self, cursor: Any, trace: list[tuple[str, str]]) -> None:
        self.cursor, self.trace = cursor, trace

    def execute(self, sql: str, params: Any = None) -> Any:
        kind = classify(sql)
        if kind is not None:
            self.trace.append(kind)
        return self.cursor.execute(sql, params)


def submit_one(
    conn: Any,
    t: Templates,
    proposal: int,
    organisation: int,
    *,
    trace: list[tuple[str, str]] | None = None,
) -> int:
    """One submission's writes (see ``WRITES``) for ``proposal``; returns its protocol number.

    With ``trace``, appends what it issued, in the form ``capture`` records (compare with
    ``drift``).
    """
    now = datetime.now(UTC)
    with conn.transaction():
        cur: Any = conn.cursor() if trace is None else _Traced(conn.cursor(), trace)
        cur.execute("SELECT id FROM applications_proposal WHERE id = %s FOR UPDATE", [proposal])
        cur.execute(
            "SELECT id FROM applicants_organisation WHERE id = %s FOR UPDATE", [organisation]
        )
        cur.execute(
            "UPDATE applications_proposal SET updated_at = %s, status = 'submitted', version = 1, "
            "submitted_at = %s WHERE id = %s",
            [now, now, proposal],
        )
        cur.execute(
            "UPDATE applications_attachment SET in_submission = true "
            "WHERE proposal_id = %s AND is_current",
            [proposal],
        )
        cur.execute(
            "INSERT INTO applications_protocolcounter (call_id, last_number) VALUES (%s, 0) "
            "ON CONFLICT DO NOTHING",
            [t.call],
        )
        (number,) = cur.execute(
            "SELECT last_number FROM applications_protocolcounter WHERE call_id = %s FOR UPDATE",
            [t.call],
        ).fetchone()
        number += 1
        cur.execute(
            "UPDATE applications_protocolcounter SET last_number = %s WHERE call_id = %s",
            [number, t.call],
        )
        row = {
            **t.receipt,
            "proposal_id": proposal,
            "protocol_number": number,
            "issued_at": now,
            "sha256": hashlib.sha256(f"{t.receipt['content']}{proposal}".encode()).hexdigest(),
        }
        row.update({k: now for k in ("created_at", "updated_at") if k in row})
        receipt_id = _insert(cur, "applications_receipt", row, returning="id")
        task = dict(t.task)
        task["id"] = uuid.uuid4()
        task["enqueued_at"] = now
        if isinstance(task.get("args_kwargs"), dict):
            task["args_kwargs"] = {"args": [], "kwargs": {"receipt_id": receipt_id}}
        _insert(cur, "django_tasks_database_dbtaskresult", task)
        stream = f"proposal:{proposal}"
        cur.execute(
            "INSERT INTO core_auditstream (name, last_seq, last_hash) VALUES (%s, 0, '') "
            "ON CONFLICT DO NOTHING",
            [stream],
        )
        seq, prev = cur.execute(
            "SELECT last_seq, last_hash FROM core_auditstream WHERE name = %s FOR UPDATE", [stream]
        ).fetchone()
        digest = hashlib.sha256(f"{prev}{stream}{seq + 1}{receipt_id}".encode()).hexdigest()
        _insert(
            cur,
            "core_auditevent",
            {
                **t.event,
                "stream": stream,
                "seq": seq + 1,
                "at": now,
                "object_id": str(proposal),
                "prev_hash": prev,
                "hash": digest,
            },
            returning="id",
        )
        cur.execute(
            "UPDATE core_auditstream SET last_seq = %s, last_hash = %s WHERE name = %s",
            [seq + 1, digest, stream],
        )
    if trace is not None:
        trace.append(("COMMIT", ""))
    return int(number)


@dataclass
class CeilingResult:
    submissions: int
    seconds: float
    connections: int

    @property
    def per_second(self) -> float:
        return self.submissions / self.seconds if self.seconds else 0.0


@contextmanager
def _connections(url: str, n: int) -> Iterator[list[Any]]:
    import psycopg

    conns = [psycopg.connect(url) for _ in range(n)]
    try:
        yield conns
    finally:
        for conn in conns:
            conn.close()


def replay(
    url: str, templates: Templates, proposals: Sequence[tuple[int, int]], *, connections: int = 1
) -> CeilingResult:
    """Submit each (proposal, organisation) with ``submit_one``, on ``connections`` threads."""
    chunks = [list(proposals[i::connections]) for i in range(connections)]
    errors: list[BaseException] = []
    with _connections(url, connections) as conns:

        def work(conn: Any, chunk: list[tuple[int, int]]) -> None:
            try:
                for proposal, organisation in chunk:
                    submit_one(conn, templates, proposal, organisation)
            except BaseException as error:  # reported to the caller below
                errors.append(error)

        threads = [
            threading.Thread(target=work, args=(conn, chunk))
            for conn, chunk in zip(conns, chunks, strict=True)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    return CeilingResult(submissions=len(proposals), seconds=seconds, connections=connections)
