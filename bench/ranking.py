"""Benchmark of compute_ranking: time and queries for a call with many scored proposals.

Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/ranking.py \
        --proposals 10000 --evaluators 3 --criteria 8

The database named in DATABASE_URL is never touched: the script creates a fresh database
next to it (createdb via psycopg on the same server), migrates it, fills it with bulk
inserts, times ``compute_ranking`` and drops the database. Results are printed and written
to ``bench/results/<date>-ranking.json``.
"""

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _server_url(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def build(n: int, evaluators: int, criteria: int) -> tuple[object, object]:
    """City, call, proposals, receipts, rubric, commission, signed scores, admissibility."""
    from rione.applicants.models import LegalForm, Organisation
    from rione.applications.models import Proposal, Receipt, ReceiptKind
    from rione.core import clock
    from rione.core.models import Role, StaffRole, User
    from rione.evaluation.models import (
        AdmissibilityReview,
        Assignment,
        Commission,
        CommissionMember,
        CommissionRole,
        Criterion,
        Evaluation,
        EvaluationStatus,
        Score,
    )
    from rione.programmes.models import Call, CallKind, CallStatus, Programme
    from rione.territory.models import City

    now = clock.now()
    city = City.objects.create(name="Bench", slug="bench", official_name="Comune di Bench")
    manager = User.objects.create_user(email="manager@bench.test", password=None)
    StaffRole.objects.create(user=manager, city=city, role=Role.PROGRAMME_MANAGER)
    programme = Programme.objects.create(city=city, title="Bench", slug="bench")
    call = Call.objects.create(
        programme=programme,
        city=city,
        title="Avviso bench",
        slug="avviso-bench",
        kind=CallKind.CALL_FOR_IDEAS,
        status=CallStatus.PUBLISHED,
        published_at=now - timedelta(days=40),
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=1),
        budget=Decimal("2000000.00"),
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Associazione {i}",
                legal_form=LegalForm.choices[0][0],
                codice_fiscale=f"{90000000000 + i}",
                registered_office="Via Roma 1",
                legal_rep_name="Legale Rappresentante",
                runts_number=f"R{i}",
                runts_registered_on=now.date(),
                created_by=manager,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                call=call,
                organisation=org,
                created_by=manager,
                status="submitted",
                title=f"Proposta {i}",
                requested_grant=Decimal("9000.00"),
                version=1,
                submitted_at=now - timedelta(days=2, seconds=i),
            )
            for i, org in enumerate(orgs)
        ],
        batch_size=2000,
    )
    Receipt.objects.bulk_create(
        [
            Receipt(
                call=call,
                proposal=p,
                protocol_number=i + 1,
                kind=ReceiptKind.SUBMISSION,
                version=1,
                issued_at=p.submitted_at,
                issued_by=manager,
                content=json.dumps(
                    {
                        "applicant": {
                            "kind": "organisation",
                            "name": f"Associazione {i}",
                            "legal_form": LegalForm.choices[0][0],
                            "network": i % 7 == 0,
                        },
                        "lot": None,
                        "idea": {"title": f"Proposta {i}"},
                        "budget": {"requested_grant": "9000.00"},
                    },
                    sort_keys=True,
                ),
                sha256="0" * 64,
            )
            for i, p in enumerate(proposals)
        ],
        batch_size=2000,
    )
    rubric = [
        Criterion.objects.create(
            call=call, code=f"C{k}", title=f"Criterio {k}", max_points=10, order=k
        )
        for k in range(criteria)
    ]
    commission = Commission.objects.create(call=call, name="Commissione")
    seats = []
    for e in range(evaluators):
        user = User.objects.create_user(email=f"eval{e}@bench.test", password=None)
        StaffRole.objects.create(user=user, city=city, role=Role.EVALUATOR)
        role = CommissionRole.CHAIR if e == 0 else CommissionRole.MEMBER
        seats.append(CommissionMember.objects.create(commission=commission, user=user, role=role))
    Assignment.objects.bulk_create(
        [Assignment(member=s, proposal=p, assigned_at=now) for p in proposals for s in seats],
        batch_size=5000,
    )
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(member=s, proposal=p, status=EvaluationStatus.SIGNED, signed_at=now)
            for p in proposals
            for s in seats
        ],
        batch_size=5000,
    )
    Score.objects.bulk_create(
        (
            Score(evaluation=ev, criterion=c, points=Decimal((ev.proposal_id * 7 + k * 3) % 11))
            for ev in evaluations
            for k, c in enumerate(rubric)
        ),
        batch_size=10000,
    )
    AdmissibilityReview.objects.bulk_create(
        [AdmissibilityReview(proposal=p, outcome="admissible", reason="Ok.") for p in proposals],
        batch_size=5000,
    )
    return call, manager


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10000)
    parser.add_argument("--evaluators", type=int, default=3)
    parser.add_argument("--criteria", type=int, default=8)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    dbname = f"rione_bench_ranking_{os.getpid()}"
    _admin(base, f'CREATE DATABASE "{dbname}"')
    os.environ["DATABASE_URL"] = _server_url(base, dbname)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rione.config.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections
        from django.test.utils import CaptureQueriesContext

        from rione.evaluation.services import compute_ranking

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call, manager = build(args.proposals, args.evaluators, args.criteria)
        built = time.perf_counter() - started
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            ranking = compute_ranking(call=call, by=manager)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - started
        result = {
            "benchmark": "compute_ranking",
            "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "database": connection.vendor,
            "proposals": args.proposals,
            "evaluators": args.evaluators,
            "criteria": args.criteria,
            "scores": args.proposals * args.evaluators * args.criteria,
            "setup_seconds": round(built, 2),
            "compute_seconds": round(elapsed, 3),
            "queries": len(captured),
            "entries": ranking.entries.count(),
            "selected": ranking.entries.filter(status="selected").count(),
            "target_seconds": 2.0,
            "within_target": elapsed < 2.0,
        }
        print(json.dumps(result, indent=2))
        out = ROOT / "bench" / "results" / f"{time.strftime('%Y-%m-%d')}-ranking.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        connections.close_all()
    finally:
        _admin(base, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
