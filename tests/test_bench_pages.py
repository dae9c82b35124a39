"""The page benchmark (bench/pages.py) on a tiny generated database: every page answers 200
and runs no more queries for the biggest call, applicant and city than for the smallest.

SQLite by default, PostgreSQL with DATABASE_URL=postgres://…; the full-size figures are in
docs/performance.md ("Pages and memory at national scale").
"""

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rione.applications import selectors
from rione.applications.models import Proposal
from rione.core.models import User

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402
from bench.synthetic.run import generate  # noqa: E402
from bench.synthetic.sizes import Sizes  # noqa: E402

pytestmark = pytest.mark.django_db
ANCHOR = datetime(2026, 11, 25, tzinfo=UTC)
TINY = 0.0002  # 4 calls, 100 proposals


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def generated():
    generate(sizes=Sizes.at(TINY), seed=11, anchor=ANCHOR)


def test_every_page_answers_with_queries_that_do_not_grow(generated):
    report = pages.run(requests=1, warmup=1, log=lambda line: None)

    names = {result["page"] for result in report["pages"]}
    assert {
        "portal call list",
        "portal call page",
        "staff proposals",
        "staff proposals, tipo=network",
        "staff proposals, testo=<word>",
        "applicant: le mie domande",
        "staff ranking",
        "public ranking",
        "api /calls",
        "api /applicant/proposals",
    } <= names
    assert report["objects"]["big_call"] != report["objects"]["small_call"]
    assert report["objects"]["big_call"] > 0 and report["proposals"] == 100
    assert pages.problems(report, timing=False) == [], report["objects"]
    for result in report["pages"]:
        assert result["queries"] > 0 and result["p95_ms"] is not None
    compared = {r["page"] for r in report["pages"] if r["flat"] is not None}
    assert {"portal call list", "applicant: le mie domande", "api /applicant/proposals"} <= compared


def test_the_harness_leaves_nothing_behind(generated):
    from django.contrib.sessions.models import Session

    before = (Session.objects.count(), User.objects.filter(last_login__isnull=False).count())
    pages.run(requests=1, warmup=0, only="applicant", log=lambda line: None)
    after = (Session.objects.count(), User.objects.filter(last_login__isnull=False).count())
    assert after == before


def test_a_page_whose_queries_grow_is_reported(generated):
    report = {
        "pages": [
            {
                "page": "n/a",
                "status": 200,
                "small_status": 200,
                "flat": None,
                "p95_ms": 5.0,
                "queries": 9,
                "small_queries": 3,
            },
            {
                "page": "flat",
                "status": 200,
                "small_status": 200,
                "flat": True,
                "p95_ms": 5.0,
                "queries": 8,
                "small_queries": 8,
            },
            {
                "page": "grows",
                "status": 200,
                "small_status": 200,
                "flat": False,
                "p95_ms": 5.0,
                "queries": 9,
                "small_queries": 8,
            },
            {
                "page": "broken",
                "status": 500,
                "small_status": 200,
                "flat": True,
                "p95_ms": 5.0,
                "queries": 3,
                "small_queries": 3,
            },
            {
                "page": "slow",
                "status": 200,
                "small_status": 200,
                "flat": True,
                "p95_ms": 250.0,
                "queries": 3,
                "small_queries": 3,
            },
        ]
    }
    assert pages.problems(report, timing=False) == [
        "grows: 9 queries on the big object, 8 on the small one",
        "broken: status 500/200",
    ]
    assert pages.problems(report, timing=True)[-1] == "slow: p95 250.0 ms"


def test_my_proposals_are_a_union_of_index_lookups(generated):
    """Le mie domande reads the applicant's proposals without scanning every proposal."""
    objects = pages.pick_objects()
    user = objects.applicant
    mine = selectors.proposals_of(user=user)
    sql = str(mine.query).upper()
    assert "UNION" in sql and " OR " not in sql.split("ORDER BY")[0]
    expected = Proposal.objects.filter(organisation__memberships__user=user).count()
    assert mine.count() == expected == objects.proposals["applicant"]


def _by_content(call, *, kind="", q="", lot=None):
    """The list's filters applied in Python to each proposal's latest submitted version."""
    found = []
    for proposal in selectors.submitted_versions(call=call):
        content = proposal.version_content
        applicant = content["applicant"]
        if kind == "group" and applicant["kind"] != "informal_group":
            continue
        if kind in {"organisation", "network"} and (
            applicant["kind"] != "organisation" or applicant["network"] != (kind == "network")
        ):
            continue
        if lot is not None and (content.get("lot") or {}).get("number") != lot.number:
            continue
        text = q.lower()
        if q and not (
            text in content["idea"]["title"].lower()
            or text in applicant["name"].lower()
            or (q.isdigit() and int(q) == proposal.version_number)
        ):
            continue
        found.append(proposal.pk)
    return found


def test_list_filters_match_the_submitted_versions(generated):
    """Filters read the proposal's columns when it is locked; they select what the versions say."""
    from rione.programmes.models import Lot

    objects = pages.pick_objects()
    calls = [objects.big_call, objects.small_call]
    if objects.lot_call is not None:
        calls.append(objects.lot_call)
    for call in calls:
        first = selectors.submitted_versions(call=call).first()
        word = first.version_content["idea"]["title"].split()[-1]
        name = first.version_content["applicant"]["name"].split()[-1]
        cases = [
            {"kind": "organisation"},
            {"kind": "network"},
            {"kind": "group"},
            {"q": word},
            {"q": name.upper()},
            {"q": str(first.version_number)},
            {"q": "nessuna corrispondenza"},
        ]
        cases += [{"lot": lot} for lot in Lot.objects.filter(call=call)]
        for filters in cases:
            listed = list(
                selectors.submitted_versions(call=call, filters=filters).values_list(
                    "pk", flat=True
                )
            )
            assert listed == _by_content(call, **filters), (call.pk, filters)
