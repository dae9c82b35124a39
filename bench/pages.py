"""Server time and queries of the main pages and API lists on a generated database.

Run (on a database filled by bench/generate.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/pages.py
    DATABASE_URL=... .venv/bin/python bench/pages.py --quick        # CI: status and queries only
    DATABASE_URL=... .venv/bin/python bench/pages.py --compare bench/results/<other>.json

Each page is asked for in-process through Django's test Client, with production-like
settings (``DEBUG=0``): a few warm-up requests, then ``--requests`` timed ones (p50, p95,
max server time) and one more inside ``CaptureQueriesContext`` (the number of queries and the
slowest ones), with this process's CPU time and the queries' time. Every page is also asked
for on a small object of the same shape (the smallest call with lots when the biggest has
lots, an applicant with one proposal, a city with few calls, a call that lists something for
the filter): its number of queries must not be lower than on the big one, or the queries
grow with the data; without such an object the page is not compared. ``--compare`` puts the
figures of another run (e.g. on a smaller database) next to these. Nothing is left in the
database: every request runs inside a transaction that is rolled back. The figures are
printed and written to ``bench/results/<date>-pages[-quick].json``. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

# Production-like settings for a script run; pytest sets its own.
BENCH_ENV = {
    "DEBUG": "0",
    "HTTPS": "0",
    "REQUIRE_STAFF_MFA": "0",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "SECRET_KEY": "bench-pages-only-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789",
    "DJANGO_SETTINGS_MODULE": "rione.config.settings",
    # Each page as rendered, what signed-in people get and visitors once the copy kept for
    # them expires (core.http.visitor_cached), not the cached copy.
    "PUBLIC_PAGE_CACHE_SECONDS": "0",
}

TARGET_P95_MS = 100.0


@dataclass
class Objects:
    """The representative objects the pages are measured on: a big and a small one of each kind."""

    big_call: Any
    small_call: Any
    lot_call: Any | None
    small_lot_call: Any | None
    ranked_call: Any | None
    small_ranked_call: Any | None
    big_city: Any
    small_city: Any
    big_open_city: Any
    small_open_city: Any
    manager: Any
    ranked_manager: Any | None
    small_manager: Any
    small_ranked_manager: Any | None
    applicant: Any
    small_applicant: Any
    proposals: dict[str, int] = field(default_factory=dict)
    alike: dict[str, bool] = field(default_factory=dict)
    alike_calls: list[Any] = field(default_factory=list)  # of big_call's shape, smallest first


@dataclass
class Page:
    """One page: its URL on the big object and on the small one, and who asks for it."""

    name: str
    url: str
    small_url: str
    user: Any = None
    small_user: Any = None
    comparable: bool = True


def _manager_of(city: Any) -> Any:
    from rione.core.models import Role, StaffRole

    role = (
        StaffRole.objects.filter(city=city, role=Role.PROGRAMME_MANAGER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return role.user if role else None


def pick_objects() -> Objects:
    """The biggest and the smallest call, ranked call, city and applicant of the database."""
    from django.db.models import Count, Exists, OuterRef, Q

    from rione.applicants.models import OrganisationMembership
    from rione.applications.models import Proposal, ProposalStatus
    from rione.core import clock
    from rione.core.models import User
    from rione.evaluation.models import EntryStatus, Ranking, RankingEntry, RankingKind
    from rione.programmes.models import Call, Lot
    from rione.territory.models import City

    submitted = ~Q(proposals__status=ProposalStatus.DRAFT)
    calls = list(
        Call.objects.public()
        .annotate(n=Count("proposals", filter=submitted))
        .filter(n__gt=0)
        .select_related("city")
        .order_by("-n", "pk")
    )
    lotted = set(Lot.objects.values_list("call_id", flat=True).distinct())
    published = set(
        Ranking.objects.filter(published_at__isnull=False).values_list("call_id", flat=True)
    )

    def shape(call: Any) -> tuple[bool, str, bool]:
        return call.pk in lotted, call.status, call.pk in published

    alike: dict[str, bool] = {}

    def smallest_like(kind: str, big: Any, candidates: list[Any]) -> Any:
        # Of the same shape (lots, state, published ranking), so that only the amount of data
        # differs; when there is none, the pages of this kind are not compared.
        others = [c for c in candidates if c.pk != big.pk]
        same = [c for c in others if shape(c) == shape(big)]
        alike[kind] = bool(same)
        return (same or others or candidates)[-1]

    big_call = calls[0]
    small_call = smallest_like("call", big_call, calls)
    with_lots = [c for c in calls if c.pk in lotted]
    lot_call = with_lots[0] if with_lots else None
    small_lot_call = smallest_like("lot", lot_call, with_lots) if lot_call else None

    final = Ranking.objects.filter(
        call=OuterRef("pk"), kind=RankingKind.FINAL, published_at__isnull=False
    )
    ranked = list(
        Call.objects.public()
        .filter(Exists(final))
        .annotate(n=Count("rankings__entries", filter=Q(rankings__kind=RankingKind.FINAL)))
        .select_related("city")
        .order_by("-n", "pk")
    )
    ranked_call = ranked[0] if ranked else None
    small_ranked_call = smallest_like("ranked", ranked_call, ranked) if ranked_call else None

    def ends(calls_of_cities: Any) -> tuple[Any, Any]:
        # The cities with the most and the fewest (but some) of these calls.
        counted = list(
            calls_of_cities.values("city_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "city_id")
            .values_list("city_id", flat=True)
        )
        most, fewest = counted[0], (counted[1:] or counted)[-1]
        return City.objects.get(pk=most), City.objects.get(pk=fewest)

    big_city, small_city = ends(Call.objects.public())
    big_open_city, small_open_city = ends(Call.objects.public().open_at(clock.now()))

    per_org = list(
        Proposal.objects.exclude(organisation=None)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation_id")
        .values_list("organisation_id", "n")
    )
    big_org = per_org[0]
    # Of the same shape: a selected proposal makes the page ask for the applicant's roles.
    selected = set(
        RankingEntry.objects.filter(status=EntryStatus.SELECTED)
        .exclude(proposal__organisation=None)
        .values_list("proposal__organisation_id", flat=True)
        .distinct()
    )
    alike_orgs = [o for o in per_org[1:] if (o[0] in selected) == (big_org[0] in selected)]
    small_org = (alike_orgs or per_org)[-1]

    def member(org_id: int) -> User:
        membership = (
            OrganisationMembership.objects.filter(organisation_id=org_id)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        assert membership is not None, f"organisation {org_id} has no member"
        return membership.user

    applicant, small_applicant = member(big_org[0]), member(small_org[0])
    return Objects(
        big_call=big_call,
        small_call=small_call,
        lot_call=lot_call,
        small_lot_call=small_lot_call,
        ranked_call=ranked_call,
        small_ranked_call=small_ranked_call,
        big_city=big_city,
        small_city=small_city,
        big_open_city=big_open_city,
        small_open_city=small_open_city,
        manager=_manager_of(big_call.city),
        ranked_manager=_manager_of(ranked_call.city) if ranked_call else None,
        small_manager=_manager_of(small_call.city),
        small_ranked_manager=_manager_of(small_ranked_call.city) if small_ranked_call else None,
        applicant=applicant,
        small_applicant=small_applicant,
        proposals={
            "big_call": big_call.n,
            "small_call": small_call.n,
            "ranked_call_entries": ranked_call.n if ranked_call else 0,
            "small_ranked_call_entries": small_ranked_call.n if small_ranked_call else 0,
            "applicant": big_org[1],
            "small_applicant": small_org[1],
        },
        alike=alike,
        alike_calls=[
            c for c in reversed(calls) if c.pk != big_call.pk and shape(c) == shape(big_call)
        ],
    )


def _search_words(call: Any) -> tuple[str, str]:
    """A word of a proposal title of ``call`` and a protocol number, to search for."""
    from rione.applications.models import Receipt

    receipt = Receipt.objects.filter(proposal__call=call).order_by("protocol_number").first()
    if receipt is None:
        return "progetto", "1"
    content = json.loads(receipt.content)
    words = [w for w in ((content.get("idea") or {}).get("title") or "").split() if len(w) > 4]
    return (words[0] if words else "progetto"), str(receipt.protocol_number)


def build_pages(objects: Objects) -> list[Page]:
    """Every page and API list to measure, on the big and on the small objects."""
    from django.urls import reverse

    from rione.applications import selectors
    from rione.applications.models import Proposal, ProposalStatus
    from rione.programmes.models import Lot

    big, small = objects.big_call, objects.small_call

    def proposals(call: Any) -> str:
        return reverse("backoffice:proposal_list", args=[call.city.slug, call.pk])

    word, protocol = _search_words(big)
    small_word, small_protocol = _search_words(small)
    pages = [
        Page(
            "portal call list",
            reverse("portal:call_list", args=[objects.big_city.slug]),
            reverse("portal:call_list", args=[objects.small_city.slug]),
        ),
        Page(
            "portal call list, open",
            reverse("portal:call_list", args=[objects.big_open_city.slug]) + "?stato=aperti",
            reverse("portal:call_list", args=[objects.small_open_city.slug]) + "?stato=aperti",
        ),
        Page(
            "portal call page",
            reverse("portal:call_detail", args=[big.city.slug, big.slug]),
            reverse("portal:call_detail", args=[small.city.slug, small.slug]),
        ),
        Page(
            "staff proposals",
            proposals(big),
            proposals(small),
            objects.manager,
            objects.small_manager,
        ),
        Page(
            "staff proposals, last page",
            proposals(big) + "?pagina=last",
            proposals(small) + "?pagina=last",
            objects.manager,
            objects.small_manager,
        ),
    ]

    def smallest_listing(filters: dict[str, str]) -> Any:
        # An empty list skips parts of the page: compare with the smallest call that lists some.
        return next(
            (
                c
                for c in objects.alike_calls
                if selectors.submitted_versions(call=c, filters=filters).exists()
            ),
            small,
        )

    for value in (s for s in ProposalStatus.values if s != ProposalStatus.DRAFT):
        other = smallest_listing({"status": value})
        pages.append(
            Page(
                f"staff proposals, stato={value}",
                proposals(big) + f"?stato={value}",
                proposals(other) + f"?stato={value}",
                objects.manager,
                _manager_of(other.city),
            )
        )
    for kind in ("organisation", "network", "group"):
        other = smallest_listing({"kind": kind})
        pages.append(
            Page(
                f"staff proposals, tipo={kind}",
                proposals(big) + f"?tipo={kind}",
                proposals(other) + f"?tipo={kind}",
                objects.manager,
                _manager_of(other.city),
            )
        )
    pages += [
        Page(
            "staff proposals, testo=<word>",
            proposals(big) + f"?testo={word}",
            proposals(small) + f"?testo={small_word}",
            objects.manager,
            objects.small_manager,
        ),
        Page(
            "staff proposals, testo=<protocol>",
            proposals(big) + f"?testo={protocol}",
            proposals(small) + f"?testo={small_protocol}",
            objects.manager,
            objects.small_manager,
        ),
    ]
    if objects.lot_call is not None and objects.small_lot_call is not None:
        lot_call, small_lot_call = objects.lot_call, objects.small_lot_call

        def first_lot(call: Any) -> int:
            return Lot.objects.filter(call=call).order_by("number").values_list("pk", flat=True)[0]

        pages.append(
            Page(
                "staff proposals, lotto=<first>",
                proposals(lot_call) + f"?lotto={first_lot(lot_call)}",
                proposals(small_lot_call) + f"?lotto={first_lot(small_lot_call)}",
                _manager_of(lot_call.city),
                _manager_of(small_lot_call.city),
            )
        )
    pages.append(
        Page(
            "applicant: le mie domande",
            reverse("applications:list"),
            reverse("applications:list"),
            objects.applicant,
            objects.small_applicant,
        )
    )
    if objects.ranked_call is not None and objects.small_ranked_call is not None:
        rc, src = objects.ranked_call, objects.small_ranked_call
        pages += [
            Page(
                "staff ranking",
                reverse("evaluation:ranking", args=[rc.city.slug, rc.pk]),
                reverse("evaluation:ranking", args=[src.city.slug, src.pk]),
                objects.ranked_manager,
                objects.small_ranked_manager,
            ),
            Page(
                "public ranking",
                reverse("evaluation:ranking_public", args=[rc.city.slug, rc.slug]),
                reverse("evaluation:ranking_public", args=[src.city.slug, src.slug]),
            ),
            Page(
                "public ranking, last page",
                reverse("evaluation:ranking_public", args=[rc.city.slug, rc.slug]) + "?pagina=last",
                reverse("evaluation:ranking_public", args=[src.city.slug, src.slug])
                + "?pagina=last",
            ),
        ]
    mine = (
        Proposal.objects.filter(organisation__memberships__user=objects.applicant)
        .order_by("pk")
        .first()
    )
    small_mine = (
        Proposal.objects.filter(organisation__memberships__user=objects.small_applicant)
        .order_by("pk")
        .first()
    )
    pages += [
        Page("api /calls", "/api/calls", f"/api/calls?city={objects.small_city.slug}"),
        Page(
            "api /calls?city=",
            f"/api/calls?city={objects.big_city.slug}",
            f"/api/calls?city={objects.small_city.slug}",
        ),
        Page("api /calls, last page", "/api/calls?offset=100000", "/api/calls?offset=100000"),
        Page(
            "api /programmes", "/api/programmes", f"/api/programmes?city={objects.small_city.slug}"
        ),
        Page("api /cities", "/api/cities", "/api/cities?limit=1"),
        Page(
            "api /opendata/projects",
            "/api/opendata/projects",
            f"/api/opendata/projects?city={objects.small_city.slug}",
        ),
        Page(
            "api /opendata/projects?city=",
            f"/api/opendata/projects?city={objects.big_city.slug}",
            f"/api/opendata/projects?city={objects.small_city.slug}",
        ),
        Page(
            "api /opendata/projects?city=&applicant_type=",
            f"/api/opendata/projects?city={objects.big_city.slug}&applicant_type=informal_group",
            f"/api/opendata/projects?city={objects.small_city.slug}&applicant_type=informal_group",
        ),
        Page("api /sites", "/api/sites", f"/api/sites?city={objects.small_city.slug}"),
        Page(
            "api /applicant/proposals",
            "/api/applicant/proposals",
            "/api/applicant/proposals",
            objects.applicant,
            objects.small_applicant,
        ),
    ]
    if mine is not None and small_mine is not None:
        pages.append(
            Page(
                "api /applicant/proposals/{id}/receipts",
                f"/api/applicant/proposals/{mine.pk}/receipts",
                f"/api/applicant/proposals/{small_mine.pk}/receipts",
                objects.applicant,
                objects.small_applicant,
            )
        )
    for page in pages:
        if page.name == "portal call page" or page.name.startswith("staff proposals"):
            kind = "lot" if "lotto" in page.name else "call"
        elif "ranking" in page.name:
            kind = "ranked"
        else:
            continue
        page.comparable = objects.alike.get(kind, False)
    return pages


@contextmanager
def no_trace() -> Iterator[None]:
    """Run the block in a transaction that is rolled back: sessions, logins, cache rows vanish."""
    from django.db import transaction

    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def _client(user: Any, cache: dict[Any, Any]) -> Any:
    from django.test import Client

    key = user.pk if user is not None else None
    if key not in cache:
        client = Client()
        if user is not None:
            client.force_login(user)
        cache[key] = client
    return cache[key]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def _queries(client: Any, url: str) -> tuple[int, int, list[dict[str, Any]], float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        _consume(response)
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    return (
        response.status_code,
        len(captured.captured_queries),
        [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:600]} for q in slowest],
        round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1),
    )


def _consume(response: Any) -> None:
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass


def measure(page: Page, *, requests: int, warmup: int, clients: dict[Any, Any]) -> dict[str, Any]:
    """Server time (ms) of ``requests`` requests after ``warmup``, and queries on big and small."""
    client = _client(page.user, clients)
    for _ in range(warmup):
        _consume(client.get(page.url))
    times, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(page.url)
        _consume(response)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    status, queries, slowest, db_ms = _queries(client, page.url)
    small_client = _client(page.small_user, clients)
    _consume(small_client.get(page.small_url))
    small_status, small_queries, _slowest, _db = _queries(small_client, page.small_url)
    return {
        "page": page.name,
        "url": page.url,
        "small_url": page.small_url,
        "status": status,
        "small_status": small_status,
        "requests": requests,
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(_percentile(times, 0.95), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
        # What the machine's load does not inflate as much: this process's CPU, and the
        # time the database took to answer (one request).
        "cpu_p50_ms": round(statistics.median(cpu), 1) if cpu else None,
        "db_ms": db_ms,
        "queries": queries,
        "small_queries": small_queries,
        # None: no small object of the same shape to compare with (tiny databases).
        "flat": queries <= small_queries if page.comparable else None,
        "slowest_queries": slowest,
    }


def run(
    *, requests: int = 20, warmup: int = 3, only: str = "", log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Pick the objects, measure every page; the result as written to the JSON file."""
    from django.db import connection

    from rione.applications.models import Proposal

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with no_trace():
        objects = pick_objects()
        pages = [p for p in build_pages(objects) if only in p.name]
        log(
            f"Biggest call {objects.big_call.pk} ({objects.proposals['big_call']:,} proposals), "
            f"smallest {objects.small_call.pk} ({objects.proposals['small_call']}); "
            f"ranked call {getattr(objects.ranked_call, 'pk', None)} "
            f"({objects.proposals['ranked_call_entries']:,} entries); applicant "
            f"{objects.applicant.email} ({objects.proposals['applicant']} proposals)"
        )
        clients: dict[Any, Any] = {}
        results = []
        for page in pages:
            result = measure(page, requests=requests, warmup=warmup, clients=clients)
            results.append(result)
            log(_row(result))
        total = Proposal.objects.count()
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "database": connection.vendor,
        "database_name": connection.settings_dict.get("NAME"),
        "proposals": total,
        "objects": {
            "big_call": objects.big_call.pk,
            "small_call": objects.small_call.pk,
            "lot_call": getattr(objects.lot_call, "pk", None),
            "ranked_call": getattr(objects.ranked_call, "pk", None),
            "small_ranked_call": getattr(objects.small_ranked_call, "pk", None),
            "big_city": objects.big_city.slug,
            "small_city": objects.small_city.slug,
            "manager": getattr(objects.manager, "email", None),
            "applicant": objects.applicant.email,
            "small_applicant": objects.small_applicant.email,
            **objects.proposals,
        },
        "requests": requests,
        "warmup": warmup,
        "target_p95_ms": TARGET_P95_MS,
        "machine": {
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "load_average_at_start": load_at_start,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "pages": results,
    }


HEADER = (
    f"{'page':<42} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu ms':>7} "
    f"{'db ms':>6} {'queries':>8} {'small':>6}"
)


def _row(result: dict[str, Any]) -> str:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    flag = {True: "", False: "  GROWS", None: "  (not compared)"}[result["flat"]]
    slow = (result["p95_ms"] or 0) > TARGET_P95_MS
    return (
        f"{result['page']:<42} {result['status']:>6} {ms(result['p50_ms']):>8} "
        f"{ms(result['p95_ms']):>8}{'!' if slow else ' '}{ms(result['max_ms']):>8} "
        f"{ms(result['cpu_p50_ms']):>7} {ms(result['db_ms']):>6} "
        f"{result['queries']:>8} {result['small_queries']:>6}{flag}"
    )


def problems(report: dict[str, Any], *, timing: bool) -> list[str]:
    """What fails: a status other than 200, queries that grow, and (with timing) a slow p95."""
    found = []
    for result in report["pages"]:
        if result["status"] != 200 or result["small_status"] != 200:
            found.append(f"{result['page']}: status {result['status']}/{result['small_status']}")
        if result["flat"] is False:
            found.append(
                f"{result['page']}: {result['queries']} queries on the big object, "
                f"{result['small_queries']} on the small one"
            )
        if timing and (result["p95_ms"] or 0) > TARGET_P95_MS:
            found.append(f"{result['page']}: p95 {result['p95_ms']} ms")
    return found


def compare_table(report: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """Lines comparing this run with another one (e.g. the same pages on a smaller database)."""
    by_name = {r["page"]: r for r in other["pages"]}
    lines = [
        f"\n{'page':<42} {'p95 ' + str(other['proposals']):>12} {'p95 ' + str(report['proposals']):>12}"
        f" {'queries':>8} {'queries':>8}"
    ]
    for result in report["pages"]:
        before = by_name.get(result["page"])
        if before is None:
            continue
        same = "" if before["queries"] == result["queries"] else "  DIFFERENT"
        lines.append(
            f"{result['page']:<42} {before['p95_ms'] or 0:>12.1f} {result['p95_ms'] or 0:>12.1f} "
            f"{before['queries']:>8} {result['queries']:>8}{same}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="status and query counts only")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument("--compare", help="the JSON of another run, to compare with")
    parser.add_argument("--no-results", action="store_true", help="do not write the JSON file")
    args = parser.parse_args()
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    import warnings

    import django

    # No collectstatic here: whitenoise warns that STATIC_ROOT is missing; pages do not need it.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    requests, warmup = (1, 1) if args.quick else (args.requests, args.warmup)
    print(HEADER, flush=True)
    report = run(
        requests=requests, warmup=warmup, only=args.only, log=lambda s: print(s, flush=True)
    )
    report["quick"] = args.quick
    if args.compare:
        other = json.loads(Path(args.compare).read_text())
        report["compared_with"] = {"file": args.compare, "proposals": other["proposals"]}
        for line in compare_table(report, other):
            print(line)
        by_name = {r["page"]: r for r in other["pages"]}
        for result in report["pages"]:
            before = by_name.get(result["page"])
            if before:
                result["other_p95_ms"] = before["p95_ms"]
                result["other_queries"] = before["queries"]
    found = problems(report, timing=not args.quick)
    report["problems"] = found
    if not args.no_results:
        suffix = "-quick" if args.quick else ""
        out = ROOT / "bench" / "results" / f"{time.strftime('%Y-%m-%d')}-pages{suffix}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"Written to {out.relative_to(ROOT)}")
    for problem in found:
        print(f"PROBLEM {problem}", file=sys.stderr)
    hard = problems(report, timing=False)
    return 1 if hard else 0


if __name__ == "__main__":
    sys.exit(main())
