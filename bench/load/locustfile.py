"""The deadline rush for locust: applicants log in, save the last step and submit; others browse.

    RIONE_BENCH_PLAN=plan.json RIONE_BENCH_RECEIPTS=receipts.jsonl \\
        locust -f bench/load/locustfile.py --headless --host http://127.0.0.1:8000 ...

``RIONE_BENCH_PLAN`` is a plan written by ``seed.Plan.write``; each applicant of the plan
is used once. An applicant user takes the next unused applicant, logs in through the form,
opens the budget step, saves it, opens the summary, submits, follows the redirect to the
receipt and appends ``{"proposal": id, "protocol": n, "sha256": hex, "call": id}`` (one
JSON line) to the file named by ``RIONE_BENCH_RECEIPTS`` (and, as soon as the submission
redirects, ``{"proposal": id, "location": url}`` to the same name plus ``.redirects``). It pauses 1-3 s between requests,
as a person does. When no applicant is left it browses like a public user. A save or a
submission refused because the call has closed is a clean refusal, not an error: it is
counted under its name plus "(refused: call closed)" and the applicant gives up.

A public user opens the call list, the call page (with its FAQ) and the call's public
dashboard. Every virtual user sends its own address in X-Forwarded-For, so the server
must trust one proxy (``server.Gunicorn`` sets ``TRUSTED_PROXY_COUNT=1``).
``RIONE_BENCH_APPLICANT_WEIGHT`` and ``RIONE_BENCH_PUBLIC_WEIGHT`` (3 and 1)
set the mix.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load.seed import (
    CLOSED,
    CSRF,
    EXPECTED,
    PROTOCOL,
    RECEIPT_URL,
    REVISION,
    SHA256,
    Applicant,
    Plan,
)

_plan: Plan | None = None
_next = 0
_address = 0
_lock = threading.Lock()
counts = {"receipts": 0, "refused": 0, "exhausted": 0}


def plan() -> Plan:
    global _plan
    if _plan is None:
        _plan = Plan.read(Path(os.environ["RIONE_BENCH_PLAN"]))
    return _plan


def take_applicant() -> Applicant | None:
    global _next
    with _lock:
        applicants = plan().applicants
        if _next >= len(applicants):
            return None
        _next += 1
        return applicants[_next - 1]


def _append(path: str, line: dict[str, Any]) -> None:
    with _lock, open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def record_receipt(line: dict[str, Any]) -> None:
    path = os.environ.get("RIONE_BENCH_RECEIPTS")
    counts["receipts"] += 1
    if path:
        _append(path, line)


def record_redirect(proposal: int, location: str) -> None:
    """The submission answered with the redirect to its receipt (noted before reading it, so a
    user stopped at the end of the run is told apart from a lost answer)."""
    path = os.environ.get("RIONE_BENCH_RECEIPTS")
    if path:
        _append(path + ".redirects", {"proposal": proposal, "location": location})


def refused(response: Any) -> None:
    """Count a clean refusal of a closed call under its own name, as a success."""
    counts["refused"] += 1
    response.request_meta["name"] = f"{response.request_meta['name']} (refused: call closed)"
    response.success()


def client_address() -> str:
    """A distinct address per virtual user, sent as X-Forwarded-For (the server trusts one
    proxy), so per-address limits see many people, as behind a real TLS proxy."""
    global _address
    with _lock:
        _address += 1
        n = _address
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


class Browsing:
    """The public pages of the call."""

    client: Any
    address = ""

    def on_start(self) -> None:
        self.address = client_address()

    def headers(self, **more: str) -> dict[str, str]:
        return {"X-Forwarded-For": self.address, **more}

    def browse(self) -> None:
        p = plan()
        call = f"/{p.city_slug}/bandi/{p.call_slug}/"
        self.client.get(f"/{p.city_slug}/bandi/", name="public: call list", headers=self.headers())
        self.wait()  # type: ignore[attr-defined]
        self.client.get(call, name="public: call page (FAQ)", headers=self.headers())
        self.wait()  # type: ignore[attr-defined]
        self.client.get(call + "dati/", name="public: call dashboard", headers=self.headers())


# FastHttpUser (geventhttpclient): the load generator shares the server's cores, and spends
# a fraction of what ``requests`` does on each request.
class PublicUser(Browsing, FastHttpUser):
    weight = int(os.environ.get("RIONE_BENCH_PUBLIC_WEIGHT", "1"))
    wait_time = between(1, 3)

    @task
    def visit(self) -> None:
        self.browse()


class ApplicantUser(Browsing, FastHttpUser):
    weight = int(os.environ.get("RIONE_BENCH_APPLICANT_WEIGHT", "3"))
    wait_time = between(1, 3)

    @task
    def apply(self) -> None:
        applicant = take_applicant()
        if applicant is None:
            counts["exhausted"] += 1
            self.browse()
            return
        self.client.cookiejar.clear()
        if self.log_in(applicant) and self.save_budget(applicant):
            self.submit(applicant)

    def _token(self, text: str) -> str:
        found = CSRF.search(text)
        return found.group(1) if found else ""

    def log_in(self, applicant: Applicant) -> bool:
        page = self.client.get("/account/login/", name="login page", headers=self.headers())
        self.wait()
        with self.client.post(
            "/account/login/",
            data={
                "csrfmiddlewaretoken": self._token(page.text),
                "login": applicant.email,
                "password": plan().password,
            },
            headers=self.headers(Referer=f"{self.host}/account/login/"),
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")
                return False
        self.wait()
        return True

    def save_budget(self, applicant: Applicant) -> bool:
        url = f"/area-personale/domande/{applicant.proposal}/passi/budget/"
        page = self.client.get(url, name="step: budget page", headers=self.headers())
        revision = REVISION.search(page.text)
        self.wait()
        body = plan().budget_form(int(revision.group(1)) if revision else 0)
        body["csrfmiddlewaretoken"] = self._token(page.text)
        with self.client.post(
            url,
            data=body,
            headers=self.headers(Referer=f"{self.host}{url}"),
            allow_redirects=False,
            name="step: save budget",
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                self.wait()
                return True
            if response.status_code == 200 and CLOSED in response.text:
                refused(response)
                return False
            response.failure(f"budget not saved ({response.status_code})")
            return False

    def submit(self, applicant: Applicant) -> None:
        url = f"/area-personale/domande/{applicant.proposal}/passi/summary/"
        page = self.client.get(url, name="step: summary page", headers=self.headers())
        expected = EXPECTED.search(page.text)
        self.wait()
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": self._token(page.text),
                "expected_version": expected.group(1) if expected else "0",
                "truthfulness": "on",
                "privacy": "on",
            },
            headers=self.headers(Referer=f"{self.host}{url}"),
            allow_redirects=False,
            name="submit",
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and RECEIPT_URL.search(location):
                record_redirect(applicant.proposal, location)
            elif response.status_code == 200 and CLOSED in response.text:
                refused(response)
                return
            else:
                response.failure(f"not submitted ({response.status_code} {location})")
                return
        self.wait()
        with self.client.get(
            location, name="receipt", headers=self.headers(), catch_response=True
        ) as receipt:
            protocol, sha = PROTOCOL.search(receipt.text), SHA256.search(receipt.text)
            if receipt.status_code != 200 or protocol is None or sha is None:
                receipt.failure("receipt page without protocol number or SHA-256")
                return
        record_receipt(
            {
                "proposal": applicant.proposal,
                "protocol": int(protocol.group(1)),
                "sha256": sha.group(1),
                "call": plan().call,
            }
        )
