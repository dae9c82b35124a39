"""The deadline-rush harness (bench/rush.py) without gunicorn or locust.

The seed on the test database gives applicants who can log in, save the last step and
submit through the real views, and whose pages the load clients can read; the ceiling's
list of writes is what a real submission issues; the receipt verifier accepts a correct
outcome and names each kind of wrong one. Plus the login limit behind a trusted proxy,
which the rush found refusing applicants.
"""

import hashlib
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from rione.applications.models import Proposal, ProposalStatus, ProtocolCounter, Receipt
from rione.applications.services import review_proposal
from rione.core import clock
from rione.core.models import User
from rione.programmes.models import Call

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import ceiling, report, seed  # noqa: E402

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan(db):
    return seed.populate(4, minutes=30)


def apply_through_views(plan, applicant, client=None):
    """What a virtual applicant does: log in, save the budget, submit, read the receipt."""
    client = client or Client()
    page = client.get("/account/login/").content.decode()
    answer = client.post(
        "/account/login/",
        {
            "csrfmiddlewaretoken": seed.CSRF.search(page).group(1),
            "login": applicant.email,
            "password": plan.password,
        },
    )
    assert answer.status_code == 302
    budget = f"/area-personale/domande/{applicant.proposal}/passi/budget/"
    page = client.get(budget).content.decode()
    saved = client.post(budget, plan.budget_form(int(seed.REVISION.search(page).group(1))))
    summary = f"/area-personale/domande/{applicant.proposal}/passi/summary/"
    expected = seed.EXPECTED.search(client.get(summary).content.decode())
    submitted = client.post(
        summary,
        {
            "expected_version": expected.group(1) if expected else "0",  # no form once closed
            "truthfulness": "on",
            "privacy": "on",
        },
    )
    return saved, submitted


# The seed


def test_seed_gives_applicants_one_step_from_submitting(plan):
    call = Call.objects.get(pk=plan.call)
    assert call.phase_at(clock.now()) == "open"
    assert timedelta(minutes=29) < call.closes_at - clock.now() <= timedelta(minutes=30)
    assert len(plan.applicants) == 4
    for applicant in plan.applicants:
        proposal = Proposal.objects.get(pk=applicant.proposal)
        user = User.objects.get(pk=applicant.user)
        assert (proposal.status, proposal.call_id, proposal.organisation_id) == (
            ProposalStatus.DRAFT,
            call.pk,
            applicant.organisation,
        )
        assert user.emailaddress_set.get().verified
        assert set(review_proposal(proposal).by_step) == {"budget"}  # only the last step
    assert not Receipt.objects.exists()


def test_a_seeded_applicant_submits_through_the_views(plan, tmp_path):
    applicant = plan.applicants[0]
    saved, submitted = apply_through_views(plan, applicant)

    assert saved.status_code == 302
    assert submitted.status_code == 302
    found = seed.RECEIPT_URL.search(submitted["Location"])
    receipt = Receipt.objects.get(pk=found.group(1))
    page = Client()
    page.force_login(User.objects.get(pk=applicant.user))
    html = page.get(submitted["Location"]).content.decode()
    assert int(seed.PROTOCOL.search(html).group(1)) == receipt.protocol_number == 1
    assert seed.SHA256.search(html).group(1) == receipt.sha256
    line = {
        "proposal": applicant.proposal,
        "protocol": 1,
        "sha256": receipt.sha256,
        "call": plan.call,
    }
    assert report.verify_receipts([line], plan.call) == []
    # The plan survives a round trip through JSON, as the locustfile reads it.
    plan.write(tmp_path / "plan.json")
    assert seed.Plan.read(tmp_path / "plan.json") == plan


def test_after_the_deadline_saving_and_submitting_are_refused_and_nothing_is_stored(plan):
    applicant = plan.applicants[1]
    Call.objects.filter(pk=plan.call).update(closes_at=clock.now() - timedelta(seconds=1))

    saved, submitted = apply_through_views(plan, applicant)

    assert (saved.status_code, submitted.status_code) == (200, 200)
    assert seed.CLOSED in saved.content.decode()
    assert seed.CLOSED in submitted.content.decode()
    proposal = Proposal.objects.get(pk=applicant.proposal)
    assert proposal.status == ProposalStatus.DRAFT
    assert not proposal.budget_lines.exists()
    assert not Receipt.objects.exists()
    assert not ProtocolCounter.objects.filter(call_id=plan.call, last_number__gt=0).exists()


def test_second_call_has_drafts_of_the_same_applicants(plan):
    drafts = seed.second_call(plan, 6)
    assert len({d.proposal for d in drafts}) == 6
    calls = set(
        Proposal.objects.filter(pk__in=[d.proposal for d in drafts]).values_list("call", flat=True)
    )
    assert len(calls) == 1 and plan.call not in calls
    assert [d.organisation for d in drafts[:4]] == [a.organisation for a in plan.applicants]


# The ceiling


@pytest.mark.django_db(transaction=True)
def test_ceiling_writes_are_those_of_a_real_submission(settings):
    # The server's task backend: the receipt e-mail is queued, not sent inline.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = seed.populate(2, minutes=30)
    drafts = seed.second_call(plan, 3)

    receipt, captured = ceiling.sample(drafts[0], plan)

    assert receipt.protocol_number == 1
    expected = list(ceiling.WRITES)
    if not POSTGRES:  # SQLite has no SELECT ... FOR UPDATE
        expected = [w for w in expected if w[0] != "LOCK"]
    assert captured.writes == expected, repr(captured.writes)[-600:]
    if POSTGRES:
        assert ceiling.drift(captured.writes) == []
    assert ceiling.drift(captured.writes[:-1])  # a missing write is reported
    if not POSTGRES:
        return
    import psycopg

    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    with psycopg.connect(url) as conn:
        templates = ceiling.load_templates(conn, receipt.pk)
    with psycopg.connect(url) as conn:
        replayed: list = []
        ceiling.submit_one(
            conn, templates, drafts[1].proposal, drafts[1].organisation, trace=replayed
        )
    assert replayed == list(ceiling.WRITES)  # the replay issues what it declares
    result = ceiling.replay(url, templates, [(drafts[2].proposal, drafts[2].organisation)])
    assert result.submissions == 1 and result.per_second > 0
    numbers = Receipt.objects.filter(call_id=receipt.call_id).order_by("protocol_number")
    assert list(numbers.values_list("protocol_number", flat=True)) == [1, 2, 3]
    assert ProtocolCounter.objects.get(call_id=receipt.call_id).last_number == 3
    assert set(
        Proposal.objects.filter(pk__in=[d.proposal for d in drafts]).values_list(
            "status", flat=True
        )
    ) == {ProposalStatus.SUBMITTED}


def test_classify_names_writes_and_locks_only():
    assert ceiling.classify('INSERT INTO "a_b" ("x") VALUES (%s)') == ("INSERT", "a_b")
    assert ceiling.classify('INSERT OR IGNORE INTO "a_b" ("x") VALUES (?)') == ("INSERT", "a_b")
    assert ceiling.classify('UPDATE "t" SET "x" = 1') == ("UPDATE", "t")
    assert ceiling.classify('SELECT "t"."id" FROM "t" WHERE id = 1 FOR UPDATE') == ("LOCK", "t")
    assert ceiling.classify('SELECT "t"."id" FROM "t"') is None
    assert ceiling.classify('SAVEPOINT "s1"') is None


# The receipt verifier


def stored(receipts, *, counter=None, submitted=None, closes_at=None):
    rows = [
        (
            n,
            proposal,
            number,
            hashlib.sha256(content.encode()).hexdigest(),
            content,
            at,
            "submission",
        )
        for n, (proposal, number, content, at) in enumerate(receipts, start=1)
    ]
    return report.Stored(
        receipts=rows,
        counter=len(rows) if counter is None else counter,
        submitted={p: at for p, _n, _c, at in receipts} if submitted is None else submitted,
        closes_at=closes_at,
    )


def lines_of(db, call=1):
    return [
        {"proposal": p, "protocol": n, "sha256": sha, "call": call}
        for _pk, p, n, sha, *_ in db.receipts
    ]


def test_verifier_accepts_a_correct_outcome():
    now = clock.now()
    db = stored(
        [(10, 1, "a", now), (11, 2, "b", now), (12, 3, "c", now)],
        closes_at=now + timedelta(minutes=1),
    )
    assert report.verify_receipts(lines_of(db), 1, db=db) == []


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("gap", "gaps"),
        ("duplicate", "issued twice"),
        ("counter", "the counter says"),
        ("hash", "not the hash"),
        ("late", "after the deadline"),
        ("lost", "seen by a client does not exist"),
        ("wrong hash seen", "the client saw"),
        ("unseen", "no client received"),
        ("no receipt", "without a receipt"),
        ("draft with receipt", "still in draft"),
        ("torn line", "is not JSON"),
    ],
)
def test_verifier_names_each_wrong_outcome(case, expected):
    now = clock.now()
    closes = now + timedelta(minutes=1)
    good = [(10, 1, "a", now), (11, 2, "b", now)]
    db = stored(good, closes_at=closes)
    lines = lines_of(db)
    if case == "gap":
        db = stored([(10, 1, "a", now), (11, 3, "b", now)], counter=3, closes_at=closes)
        lines = lines_of(db)
    elif case == "duplicate":
        db = stored([(10, 1, "a", now), (11, 1, "b", now)], closes_at=closes)
        lines = lines_of(db)[:1]
    elif case == "counter":
        db = stored(good, counter=3, closes_at=closes)
    elif case == "hash":
        row = db.receipts[0]
        db.receipts[0] = (*row[:3], "0" * 64, *row[4:])
        lines = lines_of(db)
    elif case == "late":
        db = stored([(10, 1, "a", now), (11, 2, "b", closes)], closes_at=closes)
        lines = lines_of(db)
    elif case == "lost":
        lines.append({"proposal": 12, "protocol": 3, "sha256": "f" * 64, "call": 1})
    elif case == "wrong hash seen":
        lines[1] = {**lines[1], "sha256": "e" * 64}
    elif case == "unseen":
        lines = lines[:1]
    elif case == "no receipt":
        db.submitted[13] = now
    elif case == "draft with receipt":
        del db.submitted[11]
    elif case == "torn line":
        lines.append({"invalid_line": 3, "text": '{"proposal": 1'})

    problems = report.verify_receipts(lines, 1, db=db)

    assert any(expected in p for p in problems), problems


def test_verifier_forgives_a_receipt_unread_after_its_redirect():
    now = clock.now()
    db = stored([(10, 1, "a", now), (11, 2, "b", now)], closes_at=now + timedelta(minutes=1))
    lines = lines_of(db)[:1]  # the second client was stopped before reading its receipt

    assert report.verify_receipts(lines, 1, db=db, redirected={11}) == []
    assert report.verify_receipts(lines, 1, db=db, redirected={10})  # not that one


def test_read_receipts_keeps_a_torn_line(tmp_path):
    path = tmp_path / "receipts.jsonl"
    path.write_text(
        '{"proposal": 1, "protocol": 1, "sha256": "a", "call": 1}\n{"proposal": 2, "pro'
    )
    lines = report.read_receipts(path)
    assert lines[0]["protocol"] == 1
    assert lines[1]["invalid_line"] == 2
    assert report.read_receipts(tmp_path / "missing.jsonl") == []


def test_stats_table_from_locust_csv(tmp_path):
    header = (
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
        "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
        "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
    )
    (tmp_path / "run_stats.csv").write_text(
        header
        + "\nPOST,submit,10,1,120,130,50,900,0,2.5,0.1,120,130,140,150,300,400,800,900,900,900,900"
        + "\n,Aggregated,10,1,120,130,50,900,0,2.5,0.1,120,130,140,150,300,400,800,900,900,900,900\n"
    )
    rows = report.read_stats(tmp_path / "run")
    assert [(r.name, r.requests, r.failures, r.p99) for r in rows] == [
        ("submit", 10, 1, 900.0),
        ("Aggregated", 10, 1, 900.0),
    ]
    text = report.table(rows)
    assert "| POST submit | 10 | 1 | 2.50 | 120 | 400 | 900 |" in text
    assert "| Aggregated |" in text


# The login limit behind a proxy (found by the rush: one address for everybody)


def test_trusted_proxy_count_comes_from_the_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(TRUSTED_PROXY_COUNT="1", DJANGO_SETTINGS_MODULE="rione.config.settings")
    code = "import django; django.setup(); from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "1"


@pytest.mark.parametrize(("trusted", "refused"), [(0, True), (1, False)])
def test_login_limit_counts_clients_behind_a_trusted_proxy(plan, settings, trusted, refused):
    """31 people log in through one proxy within a minute: the 31st is refused only when the
    proxy is not trusted (then everybody shares the proxy's address)."""
    from django.core.cache import cache

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = trusted
    cache.clear()
    statuses = []
    for n in range(31):
        client = Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n + 1}")
        statuses.append(
            client.post(
                "/account/login/",
                {
                    "login": plan.applicants[n % len(plan.applicants)].email,
                    "password": plan.password,
                },
            ).status_code
        )
    assert statuses[:30] == [302] * 30
    assert (statuses[30] == 429) is refused


# Capacity: submissions back to back through a live server


CLIENTS = 2 if POSTGRES else 1  # the test server shares one SQLite connection between threads


@pytest.fixture
def live_plan(transactional_db, live_server, settings):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    return seed.populate(5, minutes=30)


def test_capacity_submits_every_ready_proposal_and_the_outcome_verifies(live_plan, live_server):
    from bench.load import capacity
    from bench.rush import CAPACITY_CALL, ready_to_submit

    ready = seed.second_call(live_plan, 4, slug=CAPACITY_CALL)
    ready_to_submit(live_plan, ready)
    call = Call.objects.get(slug=CAPACITY_CALL).pk

    sessions = capacity.log_in_all(live_server.url, live_plan, ready, clients=CLIENTS)
    result = capacity.measure(live_server.url, sessions, clients=CLIENTS)

    assert result.accepted == {a.proposal for a in ready}
    assert result.failures == []
    assert sorted(
        Receipt.objects.filter(call_id=call).values_list("protocol_number", flat=True)
    ) == [
        1,
        2,
        3,
        4,
    ]
    assert capacity.verify(result, call, expected=4) == []
    figures = result.as_dict()
    assert figures["submissions"] == 4 and figures["p50_ms"] <= figures["p99_ms"]
    assert figures["per_second"] > 0


def test_capacity_names_a_submission_that_was_not_accepted(live_plan, live_server):
    from bench.load import capacity
    from bench.rush import CAPACITY_CALL, ready_to_submit

    drafts = seed.second_call(live_plan, 3, slug=CAPACITY_CALL)
    ready_to_submit(live_plan, drafts[:2])  # the third has no budget: it cannot be submitted
    call = Call.objects.get(slug=CAPACITY_CALL).pk

    sessions = capacity.log_in_all(live_server.url, live_plan, drafts, clients=CLIENTS)
    result = capacity.measure(live_server.url, sessions, clients=CLIENTS)
    problems = capacity.verify(result, call, expected=3)

    assert result.accepted == {drafts[0].proposal, drafts[1].proposal}
    assert any(f"proposal {drafts[2].proposal}: 200" in p for p in problems), problems
    assert any("2 of 3 submissions accepted" in p for p in problems), problems
    assert not Receipt.objects.filter(proposal_id=drafts[2].proposal).exists()
