"""The deadline rush: applicants submit in the last minutes before a call closes.

Run (PostgreSQL on 127.0.0.1; the script makes its own database and drops it):
    .venv/bin/python bench/rush.py              # 200 users for 4 minutes: `make bench`
    .venv/bin/python bench/rush.py --quick      # 30 users for 60 s: `make bench-quick`, CI

Steps: a fresh database ``rione_rush_<pid>`` on the server of ``--server`` (default
``$DATABASE_URL`` or postgres://postgres@127.0.0.1:5432/postgres), seeded with one call and
applicants one step from submitting (``bench/load/seed.py``); gunicorn on 127.0.0.1
(``bench/load/server.py``); locust headless (``bench/load/locustfile.py``) for
``--run-time`` seconds with ``--users`` users (three applicants to one public visitor, each
pausing 1-3 s between requests). The call's deadline falls ``--tail`` seconds before the
end of the run, so the last submissions race it. Then a few applicants kept aside, ready to
submit, try after the deadline: every try must be refused cleanly and leave nothing
stored. Then the database ceiling (``bench/load/ceiling.py``): the writes of one submission,
checked against a real one, replayed through psycopg for ``--ceiling`` proposals of a second
call, on one connection and on several. Finally the correctness checks
(``bench/load/report.py``): every receipt a client received exists with the same protocol
number and hash, protocol numbers 1..n without gaps or duplicates, no submitted proposal
without a receipt or the reverse, nothing stored after the deadline.

Prints a table per endpoint and writes ``bench/results/<date>-rush[-quick].json``. Exits 1
when a correctness check fails (an error, a lost or duplicate receipt, a submission accepted
after the deadline); the timing targets are only reported. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.load import capacity, ceiling, report, seed  # noqa: E402
from bench.load.server import Gunicorn  # noqa: E402

TARGET_P99_SUBMIT_MS = 500
TARGET_RATIO = 0.20
TARGET_WORKER_RSS_MB = 150  # a gunicorn worker after the rush
LATE = 5  # applicants kept aside to try after the deadline
CAPACITY_CALL = "avviso-capacita"  # a third call, open, whose ready proposals measure capacity
FULL = {
    "users": 200,
    "spawn_rate": 20,
    "run_time": 240,
    "tail": 30,
    "applicants": 3000,
    "ceiling": 2000,
    "capacity": 400,
}
QUICK = {
    "users": 30,
    "spawn_rate": 10,
    "run_time": 60,
    "tail": 10,
    "applicants": 60,
    "ceiling": 200,
    "capacity": 40,
}


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def machine() -> dict[str, Any]:
    import django

    load = os.getloadavg()
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "load_average": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "django": django.get_version(),
        "system": platform.platform(),
    }


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else ""


# After the deadline


def late_probes(
    base: str, plan: seed.Plan, late: list[seed.Applicant]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Each late applicant logs in and tries to save and to submit: both must be refused."""
    from bench.load.seed import CLOSED, CSRF, EXPECTED, REVISION

    outcomes, problems = [], []
    for n, applicant in enumerate(late):
        try:
            s = capacity.log_in(base, applicant, plan.password, f"10.255.255.{n + 1}")
        except RuntimeError as refused:
            problems.append(f"late applicant: {refused}")
            continue
        summary = f"{base}/area-personale/domande/{applicant.proposal}/passi/summary/"
        page = s.get(summary, timeout=30)
        token, expected = CSRF.search(page.text), EXPECTED.search(page.text)
        submit = s.post(
            summary,
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "expected_version": expected.group(1) if expected else "0",
                "truthfulness": "on",
                "privacy": "on",
            },
            allow_redirects=False,
            timeout=30,
        )
        budget = f"{base}/area-personale/domande/{applicant.proposal}/passi/budget/"
        page = s.get(budget, timeout=30)
        token, revision = CSRF.search(page.text), REVISION.search(page.text)
        form = plan.budget_form(int(revision.group(1)) if revision else 0)
        form["csrfmiddlewaretoken"] = token.group(1) if token else ""
        save = s.post(budget, data=form, allow_redirects=False, timeout=30)
        outcome = {
            "proposal": applicant.proposal,
            "submit": submit.status_code,
            "submit_refused": submit.status_code == 200 and CLOSED in submit.text,
            "save": save.status_code,
            "save_refused": save.status_code == 200 and CLOSED in save.text,
        }
        outcomes.append(outcome)
        if not outcome["submit_refused"]:
            problems.append(
                f"after the deadline, submitting {applicant.proposal} answered {submit.status_code}"
            )
        if not outcome["save_refused"]:
            problems.append(
                f"after the deadline, saving {applicant.proposal} answered {save.status_code}"
            )
    problems += late_state(late)
    return outcomes, problems


def late_state(late: list[seed.Applicant]) -> list[str]:
    """The late applicants' proposals: still drafts, no receipt, budget as saved before."""
    from rione.applications.models import Proposal, Receipt

    ids = [a.proposal for a in late]
    problems = []
    drafts = set(Proposal.objects.filter(pk__in=ids, status="draft").values_list("pk", flat=True))
    if drafts != set(ids):
        problems.append(f"proposals submitted after the deadline: {sorted(set(ids) - drafts)}")
    if Receipt.objects.filter(proposal_id__in=ids).exists():
        problems.append("receipts issued after the deadline")
    for proposal in Proposal.objects.filter(pk__in=ids):
        if proposal.budget_lines.count() != 1 or proposal.step_revisions.get("budget") != 1:
            problems.append(f"proposal {proposal.pk}: its budget changed after the deadline")
    return problems


def ready_to_submit(plan: seed.Plan, applicants: list[seed.Applicant]) -> None:
    """Save the budget of ``applicants`` with the services (before the deadline)."""
    from decimal import Decimal

    from rione.applications import services
    from rione.applications.models import Proposal
    from rione.applications.services.drafts import LineInput
    from rione.core.models import User
    from rione.territory.models import CostCategory

    category = CostCategory.objects.get(pk=plan.cost_category)
    for a in applicants:
        services.save_budget_step(
            proposal=Proposal.objects.get(pk=a.proposal),
            by=User.objects.get(pk=a.user),
            lines=[
                LineInput(
                    cost_category=category,
                    description=seed.LINE["description"],
                    quantity=Decimal(seed.LINE["quantity"]),
                    unit_cost=Decimal(seed.LINE["unit_cost"].replace(",", ".")),
                )
            ],
            requested_grant=Decimal(seed.REQUESTED_GRANT.replace(",", ".")),
        )


def summary_markdown(results: dict[str, Any], rows: list[report.Row], out: Path) -> str:
    """The figures of a run for docs/performance.md."""
    s, c, t = results["submissions"], results["ceiling"], results["targets"]
    m = results["machine"]
    verdict = ", ".join(f"{name} {'met' if v['met'] else 'not met'}" for name, v in t.items())
    return "\n".join(
        [
            f"Last full run: `{out.relative_to(ROOT)}` ({results['date']}, {m['cores']} cores, "
            f"load average {m['load_average_before'][0]} before and {m['load_average'][0]} after; "
            f"{results['settings']['users']} users, {results['settings']['workers']} workers × "
            f"{results['settings']['threads']} threads, {results['settings']['run_time']} s).",
            "",
            report.table(rows),
            "",
            f"Submissions: {s['receipts']} receipts in {s['window_s']} s = {s['per_second']}/s; "
            f"{s['refused_after_deadline']} refused after the deadline. Database ceiling: "
            f"{c['one_connection']['per_second']}/s on one connection, "
            f"{c['connections']['per_second']}/s on {c['connections']['n']}. "
            f"Application capacity: {results['capacity']['per_second']}/s submitted back to back "
            f"by {results['capacity']['clients']} clients (p99 {results['capacity']['p99_ms']} ms); "
            f"capacity/ceiling: {results['ratio_application_to_ceiling']} "
            f"(the rush's own rate/ceiling: {results['ratio_rush_to_ceiling']}). "
            f"Correct: {'yes' if results['correct'] else 'NO'}. Targets: {verdict}.",
        ]
    )


# CPU, which a shared machine does not distort the way it distorts wall times


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (None when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def backends(url: str) -> list[int]:
    """The PostgreSQL server processes serving the rush database (a local server)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [int(r[0]) for r in rows]


def cpu_seconds(workers: list[int], pg: list[int]) -> dict[str, dict[int, float]]:
    return {"app": {p: cpu_of(p) for p in workers}, "db": {p: cpu_of(p) for p in pg}}


def cpu_used(
    before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]
) -> dict[str, float]:
    """CPU seconds spent between the two readings, per side (processes born later count whole)."""
    return {
        side: round(sum(t - before[side].get(p, 0.0) for p, t in after[side].items()), 2)
        for side in ("app", "db")
    }


# The run


def run_locust(
    base: str, plan_path: Path, receipts: Path, csv_prefix: Path, args: argparse.Namespace
) -> tuple[int, float]:
    """Run locust to its end: its exit code and the CPU seconds it took (the load generator
    shares the cores with the server)."""
    env = dict(os.environ, RIONE_BENCH_PLAN=str(plan_path), RIONE_BENCH_RECEIPTS=str(receipts))
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(ROOT / "bench" / "load" / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.run_time}s",
        "--stop-timeout",
        "60",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = subprocess.run(command, env=env, cwd=ROOT, check=False).returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return code, used


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small and short, for CI")
    parser.add_argument("--users", type=int)
    parser.add_argument("--spawn-rate", type=float)
    parser.add_argument("--run-time", type=int, help="seconds of load")
    parser.add_argument("--tail", type=int, help="seconds of load after the deadline")
    parser.add_argument("--applicants", type=int, help="applicants seeded for the load")
    parser.add_argument("--ceiling", type=int, help="submissions replayed for the ceiling")
    parser.add_argument("--ceiling-connections", type=int, default=4)
    parser.add_argument(
        "--capacity", type=int, help="ready proposals submitted back to back after the rush"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument(
        "--server",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="any database URL of the PostgreSQL server to use",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and files")
    parser.add_argument(
        "--docs", action="store_true", help="put the table in docs/performance.md (full runs)"
    )
    parser.add_argument("--name", default="", help="suffix of the result file")
    parser.add_argument("--out", type=Path, help="result file (default bench/results/…)")
    args = parser.parse_args()
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def main() -> int:
    args = options()
    # SIGTERM (CI's timeout) unwinds like Ctrl-C: gunicorn and locust stop, the database goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not args.server.startswith("postgres"):
        print("The rush needs PostgreSQL (--server or DATABASE_URL).", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="rione-rush-"))
    url = seed.fresh_url(args.server)
    started = time.monotonic()
    before = os.getloadavg()
    try:
        return rush(args, url, work, started, before)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            seed.drop_database(url)
            shutil.rmtree(work, ignore_errors=True)
            log(f"dropped {url.rsplit('/', 1)[1]}")
        else:
            log(f"kept {url} and {work}")


def rush(
    args: argparse.Namespace, url: str, work: Path, started: float, before: tuple[float, ...]
) -> int:
    log(f"seeding {url.rsplit('/', 1)[1]}: {args.applicants} applicants (+{LATE} late)")
    plan = seed.prepare(url, args.applicants + LATE, minutes=60)
    load_plan = seed.Plan(**{**plan.__dict__, "applicants": plan.applicants[: args.applicants]})
    late = plan.applicants[args.applicants :]
    ready_to_submit(plan, late)
    drafts = seed.second_call(plan, args.ceiling + 2)
    ready = seed.second_call(plan, args.capacity, slug=CAPACITY_CALL)
    ready_to_submit(plan, ready)
    sample_receipt, captured = ceiling.sample(drafts[0], plan)
    drift = ceiling.drift(captured.writes)
    plan_path, receipts, csv_prefix = work / "plan.json", work / "receipts.jsonl", work / "locust"
    load_plan.write(plan_path)
    receipts.touch()
    log(
        f"seeded in {time.monotonic() - started:.0f} s; ceiling statements {'match' if not drift else 'DRIFT'}"
    )

    from django.db import connections

    from rione.programmes.models import Call

    connections.close_all()
    with Gunicorn(url, args.workers, threads=args.threads, log=work / "gunicorn.log") as server:
        log(
            f"gunicorn on {server.url}: {args.workers} workers × {args.threads} threads, pids {server.worker_pids()}"
        )
        load_start = datetime.now(UTC)
        deadline = load_start + timedelta(seconds=args.run_time - args.tail)
        Call.objects.filter(pk=plan.call).update(closes_at=deadline)
        log(
            f"locust: {args.users} users for {args.run_time} s; the call closes at {deadline:%H:%M:%S} UTC"
        )
        cpu_before = cpu_seconds(server.worker_pids(), backends(url))
        code, load_cpu = run_locust(server.url, plan_path, receipts, csv_prefix, args)
        load_end = datetime.now(UTC)
        cpu_after = cpu_seconds(server.worker_pids(), backends(url))
        worker_rss = {pid: rss_mb(pid) for pid in server.worker_pids()}
        while datetime.now(UTC) <= deadline:
            time.sleep(0.5)
        probes, late_problems = late_probes(server.url, plan, late)
        log(f"after the deadline: {len(probes)} applicants tried, {len(late_problems)} problems")
        clients = 2 * args.workers
        sessions = capacity.log_in_all(server.url, plan, ready, clients=clients)
        cpu_before_capacity = cpu_seconds(server.worker_pids(), backends(url))
        sustained = capacity.measure(server.url, sessions, clients=clients)
        capacity_cpu = cpu_used(
            cpu_before_capacity, cpu_seconds(server.worker_pids(), backends(url))
        )
        log(
            f"capacity: {len(sustained.accepted)} submissions back to back from {clients} "
            f"clients in {sustained.seconds:.1f} s = {sustained.per_second:.1f}/s"
        )
    log(f"ceiling: {args.ceiling} submissions on 1 and {args.ceiling_connections} connections")
    import psycopg

    replayed: list[tuple[str, str]] = []
    with psycopg.connect(url) as conn:
        templates = ceiling.load_templates(conn, sample_receipt.pk)
        ceiling.submit_one(
            conn, templates, drafts[1].proposal, drafts[1].organisation, trace=replayed
        )
    drift += [f"replay: {p}" for p in ceiling.drift(replayed)]
    rest = [(a.proposal, a.organisation) for a in drafts[2:]]
    half = len(rest) // 2
    one = ceiling.replay(url, templates, rest[:half], connections=1)
    many = ceiling.replay(url, templates, rest[half:], connections=args.ceiling_connections)
    best = max(one, many, key=lambda r: r.per_second)

    lines = report.read_receipts(receipts)
    redirected = {
        int(x["proposal"])
        for x in report.read_receipts(Path(f"{receipts}.redirects"))
        if "proposal" in x
    }
    problems = report.verify_receipts(lines, plan.call, redirected=redirected)
    problems += late_problems
    capacity_call = Call.objects.get(city__slug=plan.city_slug, slug=CAPACITY_CALL).pk
    problems += capacity.verify(sustained, capacity_call, expected=len(ready))
    problems += [f"ceiling drift: {p}" for p in drift]
    rows = report.read_stats(csv_prefix)
    failures = report.read_failures(csv_prefix)
    errors = sum(r.failures for r in rows if r.name == "Aggregated")
    if errors:
        problems.append(
            f"{errors} requests failed: "
            + "; ".join(
                f"{f['Method']} {f['Name']}: {f['Error'][:120]} ×{f['Occurrences']}"
                for f in failures[:5]
            )
        )
    if code not in (0, 1):  # locust exits 1 when a request failed, reported above
        problems.append(f"locust exited with {code}")
    window = (min(deadline, load_end) - load_start).total_seconds()
    db = report.stored(plan.call)
    submissions = len(db.receipts)
    app_rate = submissions / window if window > 0 else 0.0
    submit = next((r for r in rows if r.name == "submit"), None)
    cpu = {**cpu_used(cpu_before, cpu_after), "load": round(load_cpu, 2)}
    served = sum(r.requests for r in rows if r.name == "Aggregated")
    per_request = {k: round(1000 * v / served, 1) if served else None for k, v in cpu.items()}
    refused = sum(r.requests for r in rows if "refused" in r.name and r.name.startswith("submit"))
    # The application's throughput is its capacity, not the rush's rate (see bench/load/capacity.py).
    ratio = sustained.per_second / best.per_second if best.per_second else None
    results: dict[str, Any] = {
        "scenario": "rush-quick" if args.quick else "rush",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {**machine(), "load_average_before": [round(x, 2) for x in before]},
        "postgresql": postgres_version(url),
        "command": " ".join(sys.argv),
        "settings": {
            k: getattr(args, k)
            for k in (
                "users",
                "spawn_rate",
                "run_time",
                "tail",
                "applicants",
                "ceiling",
                "capacity",
                "workers",
                "threads",
            )
        },
        "endpoints": [r.as_dict() for r in rows],
        "submissions": {
            "receipts": submissions,
            "received_by_clients": len(lines),
            "redirected_to_receipt": len(redirected),
            "refused_after_deadline": refused,
            "window_s": round(window, 1),
            "per_second": round(app_rate, 2),
        },
        "late_probes": probes,
        "cpu": {
            "seconds": cpu,
            "ms_per_request": per_request,
            "requests": served,
            "note": "gunicorn workers and their PostgreSQL backends, from /proc; load: locust",
        },
        "ceiling": {
            "statements_checked": not drift,
            "statements_per_submission": captured.statements,
            "writes": [f"{v} {t}".strip() for v, t in captured.writes],
            "one_connection": {
                "submissions": one.submissions,
                "seconds": round(one.seconds, 2),
                "per_second": round(one.per_second, 1),
            },
            "connections": {
                "n": many.connections,
                "submissions": many.submissions,
                "seconds": round(many.seconds, 2),
                "per_second": round(many.per_second, 1),
            },
            "per_second": round(best.per_second, 1),
        },
        "capacity": {
            **sustained.as_dict(),
            "cpu_ms_per_submission": {
                k: round(1000 * v / len(sustained.accepted), 1) if sustained.accepted else None
                for k, v in capacity_cpu.items()
            },
        },
        "ratio_application_to_ceiling": round(ratio, 4) if ratio is not None else None,
        "ratio_rush_to_ceiling": round(app_rate / best.per_second, 4) if best.per_second else None,
        "targets": {
            "errors": {"target": 0, "value": errors, "met": errors == 0},
            "p99_submit_ms": {
                "target": TARGET_P99_SUBMIT_MS,
                "value": submit.p99 if submit else None,
                "met": bool(submit and submit.p99 < TARGET_P99_SUBMIT_MS),
            },
            "worker_rss_mb": {
                "target": TARGET_WORKER_RSS_MB,
                "value": max((v for v in worker_rss.values() if v is not None), default=None),
                "met": all(v is not None and v < TARGET_WORKER_RSS_MB for v in worker_rss.values())
                and bool(worker_rss),
            },
            "ratio": {
                "target": TARGET_RATIO,
                "value": round(ratio, 4) if ratio is not None else None,
                "met": ratio is not None and ratio >= TARGET_RATIO,
            },
        },
        "worker_rss_mb": worker_rss,
        "correct": not problems,
        "problems": problems,
        "wall_s": round(time.monotonic() - started, 1),
    }
    print()
    print(report.table(rows))
    print()
    print(
        f"submissions: {submissions} receipts in {window:.0f} s = {app_rate:.2f}/s; refused after the deadline: {refused}"
    )
    print(
        f"CPU per request: {per_request['app']} ms in gunicorn, {per_request['db']} ms in "
        f"PostgreSQL, {per_request['load']} ms in locust ({served} requests)"
    )
    cap = results["capacity"]
    print(
        f"capacity: {cap['per_second']}/s back to back from {cap['clients']} clients "
        f"(p50 {cap['p50_ms']} ms, p99 {cap['p99_ms']} ms; CPU per submission "
        f"{cap['cpu_ms_per_submission']['app']} ms in gunicorn, "
        f"{cap['cpu_ms_per_submission']['db']} ms in PostgreSQL)"
    )
    print(
        f"database ceiling: {one.per_second:.1f}/s on 1 connection, {many.per_second:.1f}/s on "
        f"{many.connections}; application (capacity)/ceiling = "
        f"{results['ratio_application_to_ceiling']}; rush/ceiling = {results['ratio_rush_to_ceiling']}"
    )
    for name, target in results["targets"].items():
        print(
            f"target {name}: {target['value']} (target {target['target']}) {'met' if target['met'] else 'NOT met'}"
        )
    out = args.out or ROOT / "bench" / "results" / (
        f"{datetime.now(UTC):%Y-%m-%d}-{results['scenario']}{'-' + args.name if args.name else ''}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    log(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if args.docs:
        written = report.update_docs(
            ROOT / "docs" / "performance.md", summary_markdown(results, rows, out)
        )
        log("docs/performance.md updated" if written else "docs/performance.md has no rush markers")
    if problems:
        print("\nCORRECTNESS FAILED:")
        for problem in problems:
            print(f"- {problem}")
        return 1
    print("\ncorrectness: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
