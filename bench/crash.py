"""Crash safety: the deadline rush while gunicorn workers and PostgreSQL are killed.

Run:
    .venv/bin/python bench/crash.py            # about 6 minutes
    .venv/bin/python bench/crash.py --quick    # about 2 minutes, for CI

Needs PostgreSQL 15's programs in /usr/lib/postgresql/15/bin (or PG_BINDIR) and, when run
as root, the ``postgres`` account. Nothing outside a temporary directory is touched: the
scenario makes its own PostgreSQL cluster there (``bench/load/pgcluster.py``, port 54329 by
default), seeds a call closing later today with applicants one step from submitting
(``bench/load/seed.py``), serves the project with gunicorn (``bench/load/server.py``) and
runs the rush with locust (``bench/load/locustfile.py``). Meanwhile a killer thread sends
SIGKILL to a random gunicorn worker every few seconds and twice crashes PostgreSQL (first
SIGKILL to every server process, then ``pg_ctl stop -m immediate``), restarting it after a
short pause. Clients see errors while this happens; that is expected.

Half the applicants go through the browser flow of the locustfile (a person who meets an
error page gives up); the other half are API clients with a personal token that save the
budget and submit, and try the same request again after a dropped connection or a 5xx,
as a careful program does. Then the chaos stops and every applicant who saved the budget
but holds no receipt submits again through the API, which must return the receipt already
issued when an earlier attempt did commit; some applicants who hold a receipt submit again
too, and must get the very same one.

Finally ``bench/load/verify.py`` checks the database against every receipt the clients
hold: nothing lost, no wrong hash, no duplicate, no gap in protocol numbers, nothing
half-submitted, every receipt e-mailed or queued. The counts are printed and written to
``bench/results/<date>-crash[-quick].json``; the exit status is non-zero when an invariant
fails. See docs/performance.md, "Crash safety".
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.load.pgcluster import DEFAULT_PORT, PgCluster  # noqa: E402
from bench.load.verify import ClientReceipt, read_receipts, verify  # noqa: E402

DBNAME = "rione_crash"

PROFILES: dict[str, dict[str, Any]] = {
    # browser users, API clients, seconds of rush and chaos, gunicorn workers, applicants
    # seeded, mean seconds between worker kills
    "quick": {
        "users": 10,
        "api_clients": 4,
        "duration": 60,
        "workers": 3,
        "applicants": 400,
        "kill_every": 8.0,
    },
    "full": {
        "users": 24,
        "api_clients": 6,
        "duration": 240,
        "workers": 4,
        "applicants": 2000,
        "kill_every": 10.0,
    },
}


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# The killer


@dataclass
class Chaos:
    """What the killer did, for the record."""

    worker_kills: int = 0
    worker_kill_misses: int = 0
    pg_crashes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Killer(threading.Thread):
    """SIGKILL a random gunicorn worker every few seconds; crash PostgreSQL at set moments."""

    def __init__(
        self,
        *,
        server: Any,
        cluster: PgCluster,
        duration: float,
        kill_every: float,
        pg_crashes: list[tuple[float, str]],
        pg_down: float,
        seed: int,
    ) -> None:
        super().__init__(name="killer", daemon=True)
        self.server = server
        self.cluster = cluster
        self.duration = duration
        self.kill_every = kill_every
        self.pg_plan = sorted(pg_crashes)
        self.pg_down = pg_down
        self.random = random.Random(seed)
        self.stopping = threading.Event()
        self.chaos = Chaos()

    def run(self) -> None:
        began = time.monotonic()
        next_kill = began + self.kill_every * self.random.uniform(0.5, 1.5)
        pending = list(self.pg_plan)
        while not self.stopping.is_set():
            now = time.monotonic()
            if now - began >= self.duration:
                break
            try:
                if pending and now - began >= pending[0][0] * self.duration:
                    _, how = pending.pop(0)
                    self.crash_postgres(how, at=now - began)
                elif now >= next_kill:
                    self.kill_worker()
                    next_kill = now + self.kill_every * self.random.uniform(0.5, 1.5)
            except Exception as error:  # keep killing; the record says what went wrong
                self.chaos.errors.append(f"{type(error).__name__}: {error}")
            self.stopping.wait(0.1)
        if not self.cluster.is_running():
            self.cluster.start()

    def kill_worker(self) -> None:
        workers = self.server.worker_pids()
        if not workers:
            self.chaos.worker_kill_misses += 1
            return
        pid = self.random.choice(workers)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            self.chaos.worker_kill_misses += 1
            return
        self.chaos.worker_kills += 1

    def crash_postgres(self, how: str, *, at: float) -> None:
        log(f"crashing PostgreSQL ({how}) at {at:.0f} s")
        self.cluster.kill_immediate(how=how)
        self.stopping.wait(self.pg_down)
        recovery = self.cluster.start()
        log(f"PostgreSQL back after {self.pg_down:.0f} s down and {recovery:.1f} s of recovery")
        self.chaos.pg_crashes.append(
            {
                "at_seconds": round(at, 1),
                "how": how,
                "down_seconds": self.pg_down,
                "recovery_seconds": round(recovery, 2),
            }
        )


# The rush (locust)


def run_locust(
    *, url: str, plan_path: Path, receipts: Path, users: int, duration: int, workdir: Path
) -> dict[str, Any]:
    env = {
        **os.environ,
        "RIONE_BENCH_PLAN": str(plan_path),
        "RIONE_BENCH_RECEIPTS": str(receipts),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(ROOT / "bench" / "load" / "locustfile.py"),
        "--headless",
        "--host",
        url,
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 4)),
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "15",
        "--only-summary",
        "--csv",
        str(workdir / "locust"),
        "--json",
        "--skip-log",
        "--exit-code-on-error",
        "0",
    ]
    result = subprocess.run(
        command,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=duration + 180,
    )
    (workdir / "locust.log").write_text(result.stderr)
    try:
        stats = json.loads(result.stdout)
    except ValueError:
        log(f"locust gave no JSON (exit {result.returncode}); see {workdir / 'locust.log'}")
        stats = []
    requests = sum(int(s.get("num_requests", 0)) for s in stats)
    failures = sum(int(s.get("num_failures", 0)) for s in stats)
    return {
        "exit_code": result.returncode,
        "requests": requests,
        "failures": failures,
        "by_name": {
            s.get("name", "?"): {
                "requests": int(s.get("num_requests", 0)),
                "failures": int(s.get("num_failures", 0)),
            }
            for s in stats
        },
    }


# API clients that retry on errors while the chaos goes on


class ApiClient:
    """One applicant's program: saves the budget and submits through the API with a token.

    Unlike a person in the browser it does not give up on an error: a dropped connection,
    a 5xx or a timeout is answered by trying the same request again after a short pause,
    which is what a careful client does and what the product's idempotent submission is
    for. The receipt it finally gets goes to the receipts file.
    """

    RETRYABLE = frozenset({0, 500, 502, 503, 504})

    def __init__(self, base: str, token: str, plan: Any, stats: dict[str, int], lock: Any):
        self.base, self.token, self.plan = base, token, plan
        self.stats, self.lock = stats, lock

    def count(self, name: str) -> None:
        with self.lock:
            self.stats[name] = self.stats.get(name, 0) + 1

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            f"{self.base}/api/applicant{path}",
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            self.count("connection errors")
            return 0, {}
        if status >= 500:
            self.count(f"http {status}")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, {}

    def budget(self, revision: int) -> dict[str, Any]:
        return {
            "revision": revision,
            "lines": [
                {
                    "cost_category_id": self.plan.cost_category,
                    "description": "Educatori di strada",
                    "quantity": "100",
                    "unit_cost": "100.00",
                }
            ],
            "requested_grant": "8000.00",
        }

    def apply(self, proposal: int, *, give_up_at: float) -> ClientReceipt | None:
        revision, saved, retried = 0, False, False
        while time.monotonic() < give_up_at:
            if not saved:
                status, answer = self.call(
                    "PUT", f"/proposals/{proposal}/budget", self.budget(revision)
                )
                if status == 200:
                    saved = True
                elif status == 409:  # an earlier attempt did save: read the revision
                    status, current = self.call("GET", f"/proposals/{proposal}")
                    revision = int(current.get("budget", {}).get("revision", revision))
                    continue
                elif status not in self.RETRYABLE:
                    self.count(f"budget refused {status}")
                    return None
            if saved:
                began = datetime.now(UTC)
                status, answer = self.call(
                    "POST",
                    f"/proposals/{proposal}/submit",
                    {"truthfulness": True, "privacy": True, "expected_version": 0},
                )
                if status == 200:
                    self.count("receipts")
                    if retried:
                        self.count("receipts after a retried submission")
                        if datetime.fromisoformat(str(answer["issued_at"])) < began:
                            self.count("receipts issued by an attempt that seemed to fail")
                    return ClientReceipt(
                        call=int(answer["call_id"]),
                        proposal=int(answer["proposal_id"]),
                        protocol=int(answer["number"]),
                        sha256=str(answer["sha256"]),
                    )
                if status == 400 and answer.get("code") == "not_ready_to_submit":
                    saved = False  # the save was lost with a crash? save again
                    self.count("budget saved again")
                    continue
                if status not in self.RETRYABLE:
                    self.count(f"submit refused {status}")
                    return None
                retried = True
            self.count("retries")
            time.sleep(0.3 + random.random() * 0.7)
        self.count("gave up")
        return None


def run_api_clients(
    *,
    base: str,
    plan: Any,
    applicants: list[Any],
    tokens: dict[int, str],
    threads: int,
    receipts: Path,
    stop: threading.Event,
    grace: float,
) -> dict[str, int]:
    """``threads`` clients take applicants in turn until none is left or ``stop`` is set."""
    stats: dict[str, int] = {}
    lock = threading.Lock()
    queue = list(applicants)

    def worker() -> None:
        client = ApiClient(base, "", plan, stats, lock)
        while not stop.is_set():
            with lock:
                if not queue:
                    return
                applicant = queue.pop(0)
            client.token = tokens[applicant.proposal]
            client.count("applicants started")
            receipt = client.apply(applicant.proposal, give_up_at=time.monotonic() + grace)
            if receipt is not None:
                with lock, receipts.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(vars(receipt)) + "\n")
            time.sleep(random.random() * 0.5)

    pool = [threading.Thread(target=worker, name=f"api-{n}", daemon=True) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return stats


# Trying again after the chaos, as a person would


def submit_again(base: str, token: str, proposal: int) -> tuple[int, dict[str, Any]]:
    """POST the submission again through the applicant API, as a client retrying would."""
    request = urllib.request.Request(
        f"{base}/api/applicant/proposals/{proposal}/submit",
        data=json.dumps({"truthfulness": True, "privacy": True, "expected_version": 0}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, text = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode("utf-8", "replace")
    try:
        return status, json.loads(text)
    except ValueError:
        return status, {"text": text[:200]}


@dataclass
class Retry:
    proposal: int
    outcome: str  # submitted | recovered | same | different | failed
    receipt: ClientReceipt | None = None
    detail: str = ""


def try_again(base: str, token: str, proposal: int, held: ClientReceipt | None) -> Retry:
    """Submit again; the answer must be a receipt (the very one held, if any)."""
    status, answer = submit_again(base, token, proposal)
    if status != 200 or "number" not in answer:
        return Retry(proposal, "failed", detail=f"{status} {str(answer)[:200]}")
    receipt = ClientReceipt(
        call=int(answer["call_id"]),
        proposal=int(answer["proposal_id"]),
        protocol=int(answer["number"]),
        sha256=str(answer["sha256"]),
    )
    if held is not None:
        return Retry(proposal, "same" if receipt == held else "different", receipt)
    return Retry(proposal, "submitted", receipt)


def api_tokens(applicants: list[Any]) -> dict[int, str]:
    """A personal API token for each applicant, made with the product's own service."""
    from rione.core.models import User
    from rione.core.tokens import create_token

    users = User.objects.in_bulk([a.user for a in applicants])
    return {
        a.proposal: create_token(user=users[a.user], name="crash scenario")[1] for a in applicants
    }


def read_all(paths: list[Path]) -> list[ClientReceipt]:
    return [r for path in paths for r in read_receipts(path)]


def retry_pass(
    *, base: str, plan: Any, held_paths: list[Path], out: Path, resubmit_held: int, seed: int
) -> dict[str, Any]:
    """Those who tried and got no receipt try again; some who got one submit again."""
    from rione.applications.models import Proposal, ProposalStatus, Step

    held = {r.proposal: r for r in read_all(held_paths)}
    touched = {
        pk: status
        for pk, status, steps in Proposal.objects.filter(call_id=plan.call).values_list(
            "pk", "status", "saved_steps"
        )
        if status != ProposalStatus.DRAFT or Step.BUDGET.value in (steps or [])
    }
    without = [pk for pk in sorted(touched) if pk not in held]
    committed_unseen = sum(1 for pk in without if touched[pk] != ProposalStatus.DRAFT)
    sample = random.Random(seed).sample(sorted(held), min(resubmit_held, len(held)))
    jobs = [(pk, None) for pk in without] + [(pk, held[pk]) for pk in sample]
    log(
        f"trying again: {len(without)} applicants without a receipt "
        f"({committed_unseen} of them submitted in the database), {len(sample)} who hold one"
    )
    # Each applicant retries with a personal API token: no login form, whose rate limit
    # would see every simulated person as the same address.
    by_proposal = {a.proposal: a for a in plan.applicants}
    tokens = api_tokens([by_proposal[pk] for pk, _ in jobs])
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: try_again(base, tokens[job[0]], *job), jobs))
    new = [r.receipt for r in results if r.receipt is not None and r.outcome != "same"]
    with out.open("a", encoding="utf-8") as lines:
        for receipt in new:
            lines.write(json.dumps(vars(receipt)) + "\n")
    for r in results:
        # A submission that committed while its client saw an error comes back as that receipt.
        if r.outcome == "submitted" and touched[r.proposal] != ProposalStatus.DRAFT:
            r.outcome = "recovered"
    outcomes: dict[str, int] = {}
    for r in results:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    return {
        "without_receipt": len(without),
        "committed_but_unseen": committed_unseen,
        "resubmitted_with_receipt": len(sample),
        "outcomes": outcomes,
        "failures": [
            f"proposal {r.proposal}: {r.detail}" for r in results if r.outcome == "failed"
        ][:20],
        "different": [r.proposal for r in results if r.outcome == "different"],
    }


# The scenario


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small and short, for CI")
    parser.add_argument("--users", type=int, help="locust users")
    parser.add_argument("--duration", type=int, help="seconds of rush and chaos")
    parser.add_argument("--workers", type=int, help="gunicorn workers")
    parser.add_argument("--applicants", type=int, help="applicants seeded")
    parser.add_argument("--api-clients", type=int, help="API clients submitting in parallel")
    parser.add_argument("--kill-every", type=float, help="mean seconds between worker kills")
    parser.add_argument("--pg-down", type=float, default=3.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--pg-port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--calm", action="store_true", help="kill nothing: the same rush as a control run"
    )
    parser.add_argument("--out", type=Path, help="result file (default bench/results/…)")
    args = parser.parse_args()
    profile = PROFILES["quick" if args.quick else "full"]
    users = args.users or profile["users"]
    duration = args.duration or profile["duration"]
    workers = args.workers or profile["workers"]
    applicants = args.applicants or profile["applicants"]
    kill_every = args.kill_every or profile["kill_every"]
    api_threads = args.api_clients if args.api_clients is not None else profile["api_clients"]
    pg_crashes = [] if args.calm else [(0.3, "sigkill"), (0.65, "immediate")]
    if args.calm:
        kill_every = float(duration * 10)

    # SIGTERM (CI cancelling the job) unwinds like Ctrl-C, so everything is cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="rione-crash-"))
    browser_receipts = workdir / "receipts-browser.jsonl"
    api_receipts = workdir / "receipts-api.jsonl"
    retry_receipts = workdir / "receipts-retry.jsonl"
    for path in (browser_receipts, api_receipts, retry_receipts):
        path.touch()
    with ExitStack() as stack:
        cluster = stack.enter_context(PgCluster(port=args.pg_port, keep=args.keep))
        log(f"PostgreSQL cluster on port {cluster.port} in {cluster.root}")
        from bench.load.seed import prepare
        from bench.load.server import Gunicorn
        from django.db import connections

        url = cluster.url(DBNAME)
        plan = prepare(url, applicants, minutes=duration / 60 + 30)
        # Half the applicants use the browser (locust), half an API client that retries.
        split = len(plan.applicants) // 2
        browser_plan = replace(plan, applicants=plan.applicants[:split])
        api_applicants = plan.applicants[split:]
        plan_path = workdir / "plan.json"
        browser_plan.write(plan_path)
        tokens = api_tokens(api_applicants)
        log(
            f"seeded call {plan.call}: {split} applicants in the browser, "
            f"{len(api_applicants)} through the API"
        )
        connections.close_all()

        server = stack.enter_context(Gunicorn(url, workers=workers, log=workdir / "gunicorn.log"))
        log(
            f"gunicorn on {server.url} with {workers} workers; rush of {users} browser users "
            f"and {api_threads} API clients for {duration} s"
        )
        killer = Killer(
            server=server,
            cluster=cluster,
            duration=duration,
            kill_every=kill_every,
            pg_crashes=pg_crashes,
            pg_down=args.pg_down,
            seed=args.seed,
        )
        rush_over = threading.Event()
        api_stats: dict[str, int] = {}
        api = threading.Thread(
            target=lambda: api_stats.update(
                run_api_clients(
                    base=server.url,
                    plan=plan,
                    applicants=api_applicants,
                    tokens=tokens,
                    threads=api_threads,
                    receipts=api_receipts,
                    stop=rush_over,
                    grace=60,
                )
            ),
            name="api-clients",
            daemon=True,
        )
        killer.start()
        api.start()
        try:
            load = run_locust(
                url=server.url,
                plan_path=plan_path,
                receipts=browser_receipts,
                users=users,
                duration=duration,
                workdir=workdir,
            )
        finally:
            rush_over.set()
            killer.stopping.set()
            killer.join(timeout=120)
            api.join(timeout=120)
        chaos = killer.chaos
        log(
            f"rush over: {load['requests']} browser requests, {load['failures']} failed; "
            f"API clients: {api_stats}; "
            f"{chaos.worker_kills} workers killed, {len(chaos.pg_crashes)} PostgreSQL crashes"
        )
        if not cluster.is_running():
            cluster.start()
        server_up = _wait_answering(server.url)
        held_after_rush = {
            "browser": len({r.proposal for r in read_receipts(browser_receipts)}),
            "api": len({r.proposal for r in read_receipts(api_receipts)}),
        }
        retry = retry_pass(
            base=server.url,
            plan=plan,
            held_paths=[browser_receipts, api_receipts],
            out=retry_receipts,
            resubmit_held=20 if args.quick else 100,
            seed=args.seed,
        )
        connections.close_all()
        server.stop()

        report = verify(
            call_ids=[plan.call],
            client_receipts=read_all([browser_receipts, api_receipts, retry_receipts]),
            emails=True,
        )
        connections.close_all()
        report.print()

    scenario_problems = []
    if len(chaos.pg_crashes) != len(pg_crashes):
        scenario_problems.append(
            f"PostgreSQL crashed {len(chaos.pg_crashes)} times, {len(pg_crashes)} planned"
        )
    if chaos.worker_kills == 0 and not args.calm:
        scenario_problems.append("no gunicorn worker was killed")
    if chaos.errors:
        scenario_problems.append(f"killer errors: {chaos.errors[:3]}")
    if not server_up:
        scenario_problems.append("the server did not answer after the chaos")
    if retry["outcomes"].get("failed"):
        scenario_problems.append(f"{retry['outcomes']['failed']} retries after the chaos failed")
    if retry["different"]:
        scenario_problems.append(
            f"a second submission returned another receipt: proposals {retry['different'][:10]}"
        )
    for problem in scenario_problems:
        print(f"SCENARIO: {problem}")
    ok = report.ok and not scenario_problems

    result = {
        "scenario": "crash",
        "quick": args.quick,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "ok": ok,
        "settings": {
            "users": users,
            "api_clients": api_threads,
            "duration_seconds": duration,
            "gunicorn_workers": workers,
            "applicants": applicants,
            "worker_kill_every_seconds": kill_every,
            "pg_crashes_planned": [{"at_fraction": at, "how": how} for at, how in pg_crashes],
            "pg_down_seconds": args.pg_down,
            "seed": args.seed,
        },
        "chaos": {
            "worker_kills": chaos.worker_kills,
            "worker_kill_misses": chaos.worker_kill_misses,
            "pg_crashes": chaos.pg_crashes,
            "errors": chaos.errors,
        },
        "load": load,
        "api_clients": api_stats,
        "client_receipts_after_rush": held_after_rush,
        "retry": retry,
        "verify": report.as_dict(),
        "scenario_problems": scenario_problems,
        "seconds": round(time.monotonic() - started, 1),
    }
    out = args.out or (
        ROOT
        / "bench"
        / "results"
        / f"{datetime.now(UTC):%Y-%m-%d}-crash{'-quick' if args.quick else ''}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{'OK' if ok else 'FAILED'}: written {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}"
    )
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"kept {workdir}")
    return 0 if ok else 1


def _wait_answering(url: str, wait: float = 60) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/robots.txt", timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    return False


if __name__ == "__main__":
    sys.exit(main())
