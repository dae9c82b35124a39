"""Parts of a call: lots, grant rules, required documents, questions, documents, FAQ."""

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from rione.core import clock
from rione.core.models import User
from rione.core.money import format_eur
from rione.core.permissions import ensure_perm
from rione.core.records import create_record, delete_record, update_record
from rione.programmes.models import (
    Call,
    CallDocument,
    ExtraQuestion,
    FaqEntry,
    GrantRule,
    Lot,
    RequiredDocument,
)
from rione.programmes.services.calls import check_call_scope

PDF_MAGIC = b"%PDF-"

LOT_FIELDS = frozenset({"number", "title", "description", "budget", "sites"})
CALL_PART_FIELDS: dict[type[models.Model], frozenset[str]] = {
    GrantRule: frozenset({"category", "min_grant", "max_grant", "min_cofinancing_pct"}),
    RequiredDocument: frozenset({"title", "description", "is_mandatory", "order"}),
    ExtraQuestion: frozenset(
        {"order", "text", "help_text", "kind", "choices", "is_required", "max_length"}
    ),
    FaqEntry: frozenset({"question", "answer", "order"}),
    CallDocument: frozenset({"title", "order"}),
}


def _touch(call_id: int) -> None:
    """A new version of the call's configuration: workers read it again
    (``programmes.selectors.with_configuration``). No history row: the part has its own."""
    Call.objects.filter(pk=call_id).update(updated_at=timezone.now())


def _lots_total(call: Call, *, without: Lot | None = None) -> Decimal:
    lots = call.lots.all()
    if without is not None:
        lots = lots.exclude(pk=without.pk)
    return lots.aggregate(total=Sum("budget"))["total"] or Decimal("0")


def _check_lot(
    call: Call,
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None,
    lot: Lot | None,
    *,
    by: User,
) -> None:
    ensure_perm(by, "programmes.manage_call", call)
    check_call_scope(call.city, m2m, {})
    budget = values.get("budget")
    if (
        call.budget is not None
        and budget is not None
        and _lots_total(call, without=lot) + budget > call.budget
    ):
        raise ValidationError(
            {
                "budget": _(
                    "Con questo lotto la somma delle dotazioni supera la dotazione del bando (%(budget)s)."
                )
                % {"budget": format_eur(call.budget)}
            }
        )


@transaction.atomic
def create_lot(
    *,
    call: Call,
    by: User,
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> Lot:
    _check_lot(call, values, m2m, None, by=by)
    number = values.get("number") or (call.lots.aggregate(m=Max("number"))["m"] or 0) + 1
    lot = create_record(
        Lot,
        by=by,
        perm="programmes.manage_call",
        perm_obj=call,
        values={**values, "number": number},
        m2m=m2m,
        editable=LOT_FIELDS,
        fixed={"call": call},
    )
    _touch(call.pk)
    return lot


@transaction.atomic
def update_lot(
    *, lot: Lot, by: User, values: Mapping[str, Any], m2m: Mapping[str, Iterable[Any]] | None = None
) -> Lot:
    _check_lot(lot.call, values, m2m, lot, by=by)
    updated = update_record(
        lot, by=by, perm="programmes.manage_call", values=values, m2m=m2m, editable=LOT_FIELDS
    )
    _touch(lot.call_id)
    return updated


@transaction.atomic
def create_call_part(
    *, model: type[models.Model], call: Call, by: User, values: Mapping[str, Any]
) -> Any:
    """Grant rules, required documents, extra questions and FAQ entries of a call."""
    part = create_record(
        model,
        by=by,
        perm="programmes.manage_call",
        perm_obj=call,
        values=values,
        editable=CALL_PART_FIELDS[model],
        fixed={"call": call},
    )
    _touch(call.pk)
    return part


@transaction.atomic
def update_call_part(*, part: models.Model, by: User, values: Mapping[str, Any]) -> Any:
    updated = update_record(
        part,
        by=by,
        perm="programmes.manage_call",
        values=values,
        editable=CALL_PART_FIELDS[type(part)],
    )
    _touch(part.call_id)  # type: ignore[attr-defined]
    return updated


@transaction.atomic
def delete_call_part(*, part: models.Model, by: User) -> None:
    delete_record(part, by=by, perm="programmes.manage_call")
    _touch(part.call_id)  # type: ignore[attr-defined]


def publish_faq(*, entry: FaqEntry, by: User, at: datetime | None = None) -> FaqEntry:
    return update_record(
        entry,
        by=by,
        perm="programmes.manage_call",
        values={"published_at": entry.published_at or clock.resolve(at)},
    )


def attach_call_document(*, call: Call, by: User, title: str, upload: UploadedFile) -> CallDocument:
    """Add a public PDF to the call. Checks the content (not the name) and the size; stores SHA-256."""
    from django.conf import settings

    ensure_perm(by, "programmes.manage_call", call)
    if upload.size is None or upload.size > settings.CALL_DOCUMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("Il file supera la dimensione massima di %(mb)s MB.")
                % {"mb": settings.CALL_DOCUMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    upload.seek(0)
    if upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError({"file": _("Il file non è un PDF valido.")})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    order = (call.documents.aggregate(m=Max("order"))["m"] or 0) + 1
    return create_record(
        CallDocument,
        by=by,
        perm="programmes.manage_call",
        perm_obj=call,
        values={
            "call": call,
            "title": title,
            "file": upload,
            "sha256": digest.hexdigest(),
            "size": upload.size,
            "order": order,
        },
    )
