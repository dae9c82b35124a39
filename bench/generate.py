"""Fill a database with national-scale synthetic data: cities, calls, proposals, evaluations.

Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/generate.py \\
        --scale 0.02 --seed 1

``--scale 1`` is the full size: 50 cities with their districts and neighbourhoods, 2,000
calls, 500,000 submitted proposals (budget lines, targets, neighbourhoods, partners,
attachments' metadata, receipts with gapless protocol numbers), about 1,500,000 evaluations
with a score per scored criterion, and published rankings for half of the calls. CI uses
about 0.0005. The database named in DATABASE_URL is migrated, then filled with bulk inserts
(COPY on PostgreSQL); it must not already hold generated data. Every synthetic account has
the password ``rione-bench-2026``. The figures are printed and written to
``bench/results/<date>-generate-<scale>.json``. See docs/performance.md.
"""

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def _anchor(text: str | None) -> datetime:
    day = datetime.fromisoformat(text) if text else datetime.now(UTC)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.001, help="1 = the full national size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--anchor",
        help="the day the data is generated for (YYYY-MM-DD, default today): open calls close "
        "after it, the others before",
    )
    parser.add_argument("--chunk", type=int, default=10_000, help="rows per table per insert")
    parser.add_argument("--no-results", action="store_true", help="do not write the JSON file")
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rione.config.settings")
    import django

    django.setup()
    from bench.synthetic.run import AlreadyGenerated, generate
    from bench.synthetic.sizes import Sizes
    from django.core.management import call_command
    from django.db import connection

    sizes = Sizes.at(args.scale, chunk=args.chunk)
    print(
        f"Generating on {connection.vendor}: {sizes.cities} cities, {sizes.calls} calls, "
        f"{sizes.proposals:,} proposals, ~{sizes.evaluations:,} evaluations (seed {args.seed})",
        flush=True,
    )
    migrated = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # a database the site can run on
    migrate_seconds = time.perf_counter() - migrated
    try:
        result = generate(sizes=sizes, seed=args.seed, anchor=_anchor(args.anchor), verbose=True)
    except AlreadyGenerated as error:
        print(error, file=sys.stderr)
        return 1
    result["date"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    result["migrate_seconds"] = round(migrate_seconds, 2)
    print(f"\n{'table':<42} {'rows':>12} {'write s':>9} {'rows/s':>10}")
    for table, figures in sorted(result["tables"].items(), key=lambda item: -item[1]["rows"]):
        print(
            f"{table:<42} {figures['rows']:>12,} {figures['write_seconds']:>9.2f} "
            f"{figures['rows_per_second']:>10,}"
        )
    print(
        f"\n{result['rows']:,} rows in {result['seconds']:.1f} s: "
        f"{result['rows_per_second']:,} rows/s overall; of which waiting for the database "
        f"{result['generator_waited_seconds']:.1f} s, foreign-key check "
        f"{result['key_check_seconds']:.1f} s, ANALYZE {result['analyse_seconds']:.1f} s"
    )
    print(
        f"CPU: generator {result['python_cpu_seconds']:.1f} s, "
        f"database writer {result['database_cpu_seconds'] or 0:.1f} s"
    )
    if not args.no_results:
        out = (
            ROOT / "bench" / "results" / f"{time.strftime('%Y-%m-%d')}-generate-{args.scale:g}.json"
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"Written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
