"""Use cases of file exports: ask for one (reusing a file of the same data), record downloads.

The building itself is ``rione.core.exports.build_export_file``, run by the task
``build_export`` after the request's transaction commits.
"""

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rione.core import clock
from rione.core.audit import canonical_json, record_event
from rione.core.errors import DomainError
from rione.core.exports import dataset, digest
from rione.core.models import Export, ExportStatus, User
from rione.core.permissions import ensure_perm
from rione.core.tasks import build_export
from rione.territory.models import City

# A queued or running export older than this is taken for dead (a worker that stopped):
# a new request builds the file again instead of waiting for it forever.
STALE_AFTER = timedelta(hours=2)


class ExportNotAvailable(DomainError):
    code = "export_not_available"
    message = _("Questi dati non si possono esportare.")
    status = 404


def export_fingerprint(*, kind: str, city: City, params: dict[str, Any]) -> str:
    """The version of the data an export of ``kind`` with ``params`` would hold now."""
    return digest(kind, city.pk, canonical_json(params), dataset(kind).fingerprint(city, params))


def reusable_export(
    *, kind: str, city: City, public: bool, fingerprint: str, at: datetime | None = None
) -> Export | None:
    """A finished export of the same data, or one still being built (not stale)."""
    fresh_since = clock.resolve(at) - STALE_AFTER
    return (
        Export.objects.filter(kind=kind, city=city, public=public, fingerprint=fingerprint)
        .filter(
            Q(status=ExportStatus.DONE)
            | Q(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], created_at__gte=fresh_since)
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _new_export(
    *,
    kind: str,
    city: City,
    params: dict[str, Any],
    fingerprint: str,
    public: bool,
    by: User | None,
) -> Export:
    """Queue a new export, or take the one a concurrent request has just queued.

    An export of the same data left queued or running for longer than STALE_AFTER is
    marked failed first (its worker is gone), so that the new one may take its place.
    """
    now = clock.now()
    same_data = Export.objects.filter(kind=kind, city=city, public=public, fingerprint=fingerprint)
    same_data.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], created_at__lt=now - STALE_AFTER
    ).update(status=ExportStatus.FAILED, error="abandoned: not finished in time", finished_at=now)
    try:
        with transaction.atomic():
            export = Export.objects.create(
                kind=kind,
                city=city,
                params=params,
                fingerprint=fingerprint,
                public=public,
                requested_by=None if public else by,
                created_at=now,
            )
    except IntegrityError:  # one_live_export_per_data: another request was faster
        return same_data.exclude(status=ExportStatus.FAILED).get()
    transaction.on_commit(partial(build_export.enqueue, export_id=export.pk))
    return export


@transaction.atomic
def request_export(
    *, kind: str, params: dict[str, Any], city: City, public: bool, by: User | None
) -> Export:
    """The export of ``kind`` for ``params``: an existing one of the same data, or a new one.

    A new export is queued and its build task enqueued after commit. A staff export
    (``public=False``) requires the dataset's permission on its target (PermissionDenied)
    and is audited on the target, reused or not. Raises ExportNotAvailable when the
    target (the call) does not exist in ``city``, or for a staff export of open data.
    Public exports record no requester.
    """
    source = dataset(kind)
    target = source.target(city, params)
    if target is None:
        raise ExportNotAvailable()
    if not public:
        if source.perm is None:
            raise ExportNotAvailable()
        ensure_perm(by, source.perm, target)
    fingerprint = export_fingerprint(kind=kind, city=city, params=params)
    export = reusable_export(kind=kind, city=city, public=public, fingerprint=fingerprint)
    reused = export is not None
    if export is None:
        export = _new_export(
            kind=kind, city=city, params=params, fingerprint=fingerprint, public=public, by=by
        )
    if not public:
        record_event(
            target,
            "export.requested",
            by=by,
            data={
                "kind": kind,
                "format": "xlsx",
                "export": str(export.token),
                "params": params,
                "reused": reused,
            },
        )
    return export


def record_export_download(*, export: Export, by: User) -> None:
    """Record that ``by`` downloaded the file of a staff export (its target's audit stream).

    Requires the dataset's permission on the target (PermissionDenied).
    """
    source = dataset(export.kind)
    target = source.target(export.city, export.params)
    if target is None or source.perm is None:
        raise ExportNotAvailable()
    ensure_perm(by, source.perm, target)
    record_event(
        target,
        "export.downloaded",
        by=by,
        data={
            "kind": export.kind,
            "format": "xlsx",
            "export": str(export.token),
            "params": export.params,
            "rows": export.rows_done,
            "sha256": export.sha256,
        },
    )


def record_csv_export(*, kind: str, city: City, params: dict[str, Any], by: User) -> None:
    """Record that ``by`` downloaded a streamed CSV of ``kind``; checks permission first."""
    source = dataset(kind)
    target = source.target(city, params)
    if target is None or source.perm is None:
        raise ExportNotAvailable()
    ensure_perm(by, source.perm, target)
    record_event(
        target,
        "export.downloaded",
        by=by,
        data={"kind": kind, "format": "csv", "params": params},
    )
