"""Run the generator on a database and report rows per table and rows per second."""

import time
from datetime import datetime
from typing import Any

from bench.synthetic.build import EMAIL_DOMAIN, PASSWORD, Generator
from bench.synthetic.calls import generate_call
from bench.synthetic.sizes import Sizes
from bench.synthetic.writer import Writer
from django.db import connections
from django.utils import translation
from django.utils.text import slugify

from rione.monitoring.services import refresh_open_projects
from rione.programmes.models import Call
from rione.territory.models import City


class AlreadyGenerated(Exception):
    """The database already has a city the generator would create."""


def generate(
    *,
    sizes: Sizes,
    seed: int,
    anchor: datetime,
    verbose: bool = False,
    background: bool | None = None,
) -> dict[str, Any]:
    """Fill the default database and return the figures of the run.

    ``background``: COPY from a second thread (default: on PostgreSQL outside a transaction).
    """
    using = "default"
    started = time.perf_counter()
    cpu_started = time.process_time()
    writer = Writer(using=using, chunk=sizes.chunk, background=background)
    generator = Generator(sizes=sizes, seed=seed, anchor=anchor, writer=writer)
    plans = generator.plan()
    slugs = [slugify(generator.city_name(i)[0]) for i in range(len(plans))]
    taken = sorted(City.objects.using(using).filter(slug__in=slugs).values_list("slug", flat=True))
    if taken:
        raise AlreadyGenerated(
            f"The database already has the cities {', '.join(taken)}: generate into an empty one."
        )
    with translation.override("it"):
        for index, calls in enumerate(plans):
            city = generator.city(index, calls)
            for plan in calls:
                generate_call(generator, city, plan)
            if verbose:
                done = sum(t.written + len(t.rows) for t in writer.tables.values())
                elapsed = time.perf_counter() - started
                print(
                    f"  city {index + 1}/{len(plans)} {city.name}: {len(calls)} calls, "
                    f"{done:,} rows, {elapsed:.0f} s",
                    flush=True,
                )
        writer.finish()
        published = time.perf_counter()
        open_projects = refresh_open_projects(Call.objects.all())
        publish_seconds = time.perf_counter() - published
        if verbose:
            print(f"  {open_projects:,} published projects in {publish_seconds:.0f} s", flush=True)
        connection = connections[using]
        if connection.vendor == "postgresql":
            analysed = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            analyse_seconds = time.perf_counter() - analysed
        else:
            analyse_seconds = 0.0
    elapsed = time.perf_counter() - started
    python_cpu = time.process_time() - cpu_started
    tables = writer.figures()
    rows = sum(t["rows"] for t in tables.values())
    return {
        "benchmark": "generate",
        "database": connections[using].vendor,
        "seed": seed,
        "anchor": anchor.isoformat(),
        "sizes": sizes.as_dict(),
        "password": PASSWORD,
        "email_domain": EMAIL_DOMAIN,
        "rows": rows,
        "seconds": round(elapsed, 2),
        "analyse_seconds": round(analyse_seconds, 2),
        "open_projects": open_projects,
        "open_projects_seconds": round(publish_seconds, 2),
        "foreign_keys": "checked per table after the load"
        if writer.deferred_keys
        else "checked per row by the database",
        "key_check_seconds": round(writer.check_seconds, 2),
        "rows_per_second": round(rows / elapsed) if elapsed else 0,
        "python_cpu_seconds": round(python_cpu, 2),
        "database_cpu_seconds": None
        if writer.database_cpu_seconds is None
        else round(writer.database_cpu_seconds, 2),
        "flushes": writer.flushes,
        "background_copy": writer.background,
        "generator_waited_seconds": round(writer.wait_seconds, 2),
        "tables": tables,
        "counts": {
            "cities": tables.get("territory_city", {}).get("rows", 0),
            "calls": tables.get("programmes_call", {}).get("rows", 0),
            "proposals": tables.get("applications_proposal", {}).get("rows", 0),
            "evaluations": tables.get("evaluation_evaluation", {}).get("rows", 0),
            "scores": tables.get("evaluation_score", {}).get("rows", 0),
            "rankings": tables.get("evaluation_ranking", {}).get("rows", 0),
        },
    }
