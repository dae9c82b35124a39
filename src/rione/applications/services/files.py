"""Attachments and network partners of a proposal.

Files are checked by content and size and stored privately with their SHA-256. A file
that was part of a submission is never deleted: removing it only detaches it from the
working copy, so every receipt keeps pointing at the bytes it was issued for.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from rione.applicants.validators import normalise_code
from rione.applications.models import Attachment, Partner, Proposal, Step
from rione.applications.services.drafts import (
    begin_edit,
    check_text_lengths,
    detach_attachment,
    finish_edit,
)
from rione.core import clock
from rione.core.audit import record_event, snapshot
from rione.core.models import User
from rione.core.text import ensure_storable
from rione.core.uploads import ACCEPTED_LABEL, CheckedFile, inspect_upload
from rione.programmes.models import RequiredDocument

PARTNER_FIELDS = frozenset({"name", "kind", "codice_fiscale", "role", "resources"})


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def check_upload(
    proposal: Proposal, upload: UploadedFile, *, replaced: Attachment | None = None
) -> CheckedFile:
    """Type (read from the content), size and SHA-256 of a file for ``proposal``, within its limits.

    Raises ValidationError on ``file`` for a type not accepted, an empty file, or a size over
    the limits per file and per proposal (the total leaves out ``replaced``).
    """
    checked = inspect_upload(upload)
    if checked is None:
        raise ValidationError(
            {
                "file": _("Tipo di file non ammesso. Sono ammessi: %(types)s.")
                % {"types": ACCEPTED_LABEL}
            }
        )
    _check_size(proposal, checked.size, replaced=replaced)
    return checked


def _check_size(proposal: Proposal, size: int, *, replaced: Attachment | None = None) -> None:
    """The new file's own size, and the proposal's total once ``replaced`` (if any) is gone."""
    if size <= 0:
        raise ValidationError({"file": _("Il file è vuoto.")})
    if size > settings.PROPOSAL_FILE_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("Il file supera la dimensione massima di %(mb)s MB.")
                % {"mb": _mb(settings.PROPOSAL_FILE_MAX_BYTES)}
            }
        )
    others = proposal.attachments.filter(is_current=True)
    if replaced is not None:
        others = others.exclude(pk=replaced.pk)
    used = others.aggregate(total=Sum("size"))["total"] or 0
    if used + size > settings.PROPOSAL_FILES_MAX_BYTES:
        raise ValidationError(
            {
                "file": _(
                    "Gli allegati della domanda supererebbero in tutto %(mb)s MB. "
                    "Riduci la dimensione dei file o rimuovi quelli non necessari."
                )
                % {"mb": _mb(settings.PROPOSAL_FILES_MAX_BYTES)}
            }
        )


def original_name(upload: UploadedFile) -> str:
    """The file's own name, without any folder a browser sends along; 200 characters at most."""
    return (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]


def store_upload(
    proposal: Proposal,
    upload: UploadedFile,
    checked: CheckedFile,
    *,
    by: User,
    at: datetime,
    title: str,
    **fields: Any,
) -> Attachment:
    """The Attachment row of an upload already passed by ``check_upload``."""
    return Attachment.objects.create(
        proposal=proposal,
        title=title[:200],
        file=upload,
        original_name=original_name(upload),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
        uploaded_at=at,
        **fields,
    )


@transaction.atomic
def add_attachment(
    *,
    proposal: Proposal,
    by: User,
    upload: UploadedFile,
    title: str = "",
    required_document: RequiredDocument | None = None,
    partner: Partner | None = None,
    at: datetime | None = None,
) -> Attachment:
    """Attach a file; it replaces the current file for the same required document or partner.

    Raises ValidationError for a type not accepted (read from the content), an empty file,
    or a size over the limits per file and per proposal.
    """
    step = Step.APPLICANT if partner is not None else Step.ATTACHMENTS
    locked = begin_edit(proposal, by=by, step=step, revision=None, at=at)
    if required_document is not None and required_document.call_id != locked.call_id:
        raise ValidationError(_("Il documento richiesto non appartiene a questo avviso."))
    if partner is not None and partner.proposal_id != locked.pk:
        raise ValidationError(_("Il partner non appartiene a questa domanda."))
    replaced = None
    if required_document is not None or partner is not None:
        replaced = locked.attachments.filter(
            is_current=True, required_document=required_document, partner=partner
        ).first()
    checked = check_upload(locked, upload, replaced=replaced)
    replaced_pk = replaced.pk if replaced is not None else None  # deleting clears ``pk``
    if replaced is not None:
        detach_attachment(replaced)
    default_title = (
        required_document.title
        if required_document
        else _("Lettera di impegno di %(name)s") % {"name": partner.name}
        if partner
        else original_name(upload)
    )
    attachment = store_upload(
        locked,
        upload,
        checked,
        by=by,
        at=clock.resolve(at),
        title=title.strip() or default_title,
        required_document=required_document,
        partner=partner,
    )
    finish_edit(
        locked,
        by=by,
        step=step,
        at=at,
        data={"attachment": attachment.pk, "sha256": checked.sha256, "replaced": replaced_pk},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, by: User, at: datetime | None = None) -> None:
    """Take a file out of the working copy of the proposal."""
    step = Step.APPLICANT if attachment.partner_id else Step.ATTACHMENTS
    locked = begin_edit(attachment.proposal, by=by, step=step, revision=None, at=at)
    current = locked.attachments.filter(pk=attachment.pk, is_current=True).first()
    if current is None:
        raise ValidationError(_("L'allegato non fa più parte della domanda."))
    detach_attachment(current)
    finish_edit(locked, by=by, step=step, at=at, data={"removed_attachment": attachment.pk})


def _partner(
    locked: Proposal, values: Mapping[str, Any], instance: Partner | None = None
) -> Partner:
    unknown = set(values) - PARTNER_FIELDS
    if unknown:
        raise ValueError(f"Fields not editable here: {sorted(unknown)}")
    ensure_storable(values)
    partner = instance or Partner(proposal=locked)
    for name, value in values.items():
        setattr(partner, name, value.strip() if isinstance(value, str) else value)
    partner.codice_fiscale = normalise_code(partner.codice_fiscale)
    partner.full_clean(exclude=["proposal"])
    check_text_lengths(partner, values)
    return partner


@transaction.atomic
def add_partner(
    *, proposal: Proposal, by: User, values: Mapping[str, Any], at: datetime | None = None
) -> Partner:
    """Add a partner to the network the proposing organisation leads."""
    locked = begin_edit(proposal, by=by, step=Step.APPLICANT, revision=None, at=at)
    if not locked.is_network:
        raise ValidationError(
            _("Indica prima che la proposta è presentata da una rete di partenariato.")
        )
    partner = _partner(locked, values)
    partner.save()
    finish_edit(
        locked, by=by, step=Step.APPLICANT, at=at, data={"partner_added": snapshot(partner)}
    )
    return partner


@transaction.atomic
def update_partner(
    *, partner: Partner, by: User, values: Mapping[str, Any], at: datetime | None = None
) -> Partner:
    locked = begin_edit(partner.proposal, by=by, step=Step.APPLICANT, revision=None, at=at)
    current = Partner.objects.get(pk=partner.pk, proposal=locked)
    updated = _partner(locked, values, current)
    updated.save()
    finish_edit(
        locked, by=by, step=Step.APPLICANT, at=at, data={"partner_changed": snapshot(updated)}
    )
    return updated


@transaction.atomic
def remove_partner(*, partner: Partner, by: User, at: datetime | None = None) -> None:
    locked = begin_edit(partner.proposal, by=by, step=Step.APPLICANT, revision=None, at=at)
    for letter in locked.attachments.filter(partner=partner, is_current=True):
        detach_attachment(letter)
    record_event(
        locked,
        "proposal.partner_removed",
        by=by,
        data={"partner": partner.pk},
        at=at,
        city_visible=False,
    )
    partner.delete()
    finish_edit(locked, by=by, step=Step.APPLICANT, at=at, data={"partner_removed": partner.name})
