"""Background side effects. They take ids and plain values, never requests or objects."""

from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django_tasks_db import DatabaseBackend


def enqueue_on_commit(job: Any, **kwargs: Any) -> None:
    """Queue the task ``job`` so that it exists if and only if the current transaction commits.

    With the database backend the task's row is written inside the transaction: a crash
    between the commit and an on-commit callback (a killed worker, a database that went
    away while acknowledging the commit) cannot lose it, and a rollback removes it. Other
    backends cannot join the transaction, so they get the task after the commit.
    """
    backend = task_backends[getattr(job, "backend", DEFAULT_TASK_BACKEND_ALIAS)]
    if isinstance(backend, DatabaseBackend):
        job.enqueue(**kwargs)
    else:
        transaction.on_commit(partial(job.enqueue, **kwargs))


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


@task()
def build_export(*, export_id: int) -> int:
    """Build the file of a queued export; returns the number of rows written (0 if not queued)."""
    from rione.core.exports import build_export_file

    export = build_export_file(export_id)
    return export.rows_done if export is not None else 0
