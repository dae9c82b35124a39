"""What city staff do with submitted proposals that leaves a trace."""

from rione.applications.models import Attachment
from rione.core.audit import record_event
from rione.core.models import AuditEvent, User
from rione.core.permissions import ensure_perm


def record_attachment_download(*, attachment: Attachment, by: User) -> AuditEvent:
    """Record in the proposal's audit stream that ``by`` downloaded ``attachment``.

    Requires `applications.view_proposal` on the attachment's proposal (PermissionDenied).
    Whether the file belongs to a submitted version is the caller's check
    (``selectors.submitted_attachment``).
    """
    proposal = attachment.proposal
    ensure_perm(by, "applications.view_proposal", proposal)
    return record_event(
        attachment,
        "attachment.downloaded",
        by=by,
        stream=proposal.audit_stream,
        data={"proposal": proposal.pk, "attachment": attachment.pk, "sha256": attachment.sha256},
    )
