"""Submission capacity: how many submissions a second the application sustains.

The rush is bounded by its people: 200 users pausing 1-3 s around each of an applicant's
seven requests offer at most about 11 submissions a second, however fast the server is, so
the rush's own rate cannot be compared with the database ceiling. Here ``clients`` threads
post the final submission of ready proposals back to back, with no pause and no other
request, each proposal's owner logged in beforehand (a login is a password check, not part
of a submission). The rate over that window is the application's submission throughput,
which ``bench/rush.py`` divides by the ceiling (docs/performance.md).

The clients share the server's cores, so they post through ``http.client`` with the
session's cookies: ``requests`` spent about 2.2 ms of CPU per submission building and
reading each request, an eighth of what the server and the database spend on it, taken
from the application being measured.

    sessions = log_in_all(base, plan, applicants, clients=4)
    result = measure(base, sessions, clients=4)
    problems = verify(result, call_id)
"""

from __future__ import annotations

import http.client
import queue
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.load.seed import CSRF, RECEIPT_URL, Applicant, Plan


@dataclass
class Capacity:
    clients: int
    seconds: float = 0.0
    times: list[float] = field(default_factory=list)
    accepted: set[int] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return len(self.accepted) / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        ms = sorted(1000 * t for t in self.times)
        return {
            "clients": self.clients,
            "submissions": len(self.accepted),
            "seconds": round(self.seconds, 2),
            "per_second": round(self.per_second, 1),
            "p50_ms": round(statistics.median(ms)) if ms else None,
            "p99_ms": round(ms[min(len(ms) - 1, int(0.99 * len(ms)))]) if ms else None,
            "failures": len(self.failures),
        }


def log_in(base: str, applicant: Applicant, password: str, address: str) -> Any:
    """A requests session of ``applicant`` logged in through the form, from ``address``
    (sent as X-Forwarded-For). RuntimeError when the login is refused."""
    import requests

    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    page = session.get(base + "/account/login/", timeout=60)
    token = CSRF.search(page.text)
    answer = session.post(
        base + "/account/login/",
        data={
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "login": applicant.email,
            "password": password,
        },
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{applicant.email} could not log in ({answer.status_code})")
    return session


def log_in_all(
    base: str, plan: Plan, applicants: list[Applicant], *, clients: int
) -> list[tuple[Applicant, Any]]:
    with ThreadPoolExecutor(clients) as pool:
        sessions = pool.map(
            lambda pair: log_in(
                base, pair[1], plan.password, f"10.254.{pair[0] >> 8 & 255}.{pair[0] & 255}"
            ),
            enumerate(applicants),
        )
        return list(zip(applicants, sessions, strict=True))


def measure(base: str, ready: list[tuple[Applicant, Any]], *, clients: int) -> Capacity:
    """Submit every proposal of ``ready`` from ``clients`` threads, back to back."""
    work: queue.SimpleQueue[tuple[Applicant, Any]] = queue.SimpleQueue()
    for item in ready:
        work.put(item)
    result = Capacity(clients=clients)
    lock = threading.Lock()
    server = urlsplit(base)

    def client() -> None:
        while True:
            try:
                applicant, session = work.get_nowait()
            except queue.Empty:
                return
            path = f"/area-personale/domande/{applicant.proposal}/passi/summary/"
            body = urlencode(
                {
                    "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
                    "expected_version": "0",
                    "truthfulness": "on",
                    "privacy": "on",
                }
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies),
                "Referer": base + path,
                "X-Forwarded-For": session.headers["X-Forwarded-For"],
            }
            started = time.perf_counter()
            conn = http.client.HTTPConnection(server.hostname, server.port, timeout=60)
            try:
                conn.request("POST", path, body=body, headers=headers)
                answer = conn.getresponse()
                answer.read()
            finally:
                conn.close()
            elapsed = time.perf_counter() - started
            location = answer.getheader("Location", "")
            with lock:
                result.times.append(elapsed)
                if answer.status == 302 and RECEIPT_URL.search(location):
                    result.accepted.add(applicant.proposal)
                else:
                    result.failures.append(f"proposal {applicant.proposal}: {answer.status}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def verify(result: Capacity, call_id: int, expected: int) -> list[str]:
    """Every submission accepted, each with exactly one receipt, numbered 1..n, hashes right."""
    from bench.load import report

    problems = [f"capacity: {f}" for f in result.failures[:10]]
    db = report.stored(call_id)
    if len(result.accepted) != expected:
        problems.append(f"capacity: {len(result.accepted)} of {expected} submissions accepted")
    if len(db.receipts) != len(result.accepted):
        problems.append(
            f"capacity: {len(db.receipts)} receipts stored for {len(result.accepted)} accepted"
        )
    problems += [
        f"capacity: {p}"
        for p in report.verify_receipts([], call_id, db=db, redirected=result.accepted)
    ]
    return problems
