"""The deadline rush: seed, server, locustfile, database ceiling and report (see bench/rush.py).

Contract for other tools:

- ``seed.prepare(database_url, applicants, minutes) -> Plan`` creates, migrates and fills a
  database; ``Plan.write(path)`` / ``Plan.read(path)`` keep it as JSON.
- ``server.Gunicorn(database_url, workers=2, threads=1)`` is a context manager that serves the
  project on 127.0.0.1 (``.url``, ``.pid``, ``.worker_pids()``).
- ``locustfile.py`` reads the plan from env ``RIONE_BENCH_PLAN`` and appends every receipt it
  gets as one JSON line ``{"proposal": id, "protocol": n, "sha256": hex, "call": id}`` to the
  file in env ``RIONE_BENCH_RECEIPTS``.
- ``report.verify_receipts(lines, call_id) -> list[str]`` checks them against the database.
"""
