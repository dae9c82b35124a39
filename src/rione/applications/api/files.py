"""The partners of a network and the files of a proposal."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Status, UploadedFile

from rione.applications import services
from rione.applications.api.auth import caller
from rione.applications.api.lookups import access_proposal, by_id
from rione.applications.api.routing import ApplicantRouter
from rione.applications.api.schemas import (
    ERRORS,
    AttachmentIn,
    AttachmentOut,
    PartnerIn,
    PartnerOut,
    PathId,
)
from rione.applications.models import Attachment, Partner
from rione.programmes.models import RequiredDocument

router = ApplicantRouter()


@router.post(
    "/proposals/{proposal_id}/partners",
    response={201: PartnerOut, **ERRORS},
    summary="Add a partner to the network",
)
def add_partner(request: HttpRequest, proposal_id: PathId, payload: PartnerIn) -> Status[Partner]:
    """Only for a proposal presented by a network (see the applicant step)."""
    proposal = access_proposal(request, pk=proposal_id)
    partner = services.add_partner(
        proposal=proposal, by=caller(request), values=payload.model_dump()
    )
    return Status(201, partner)


@router.delete(
    "/proposals/{proposal_id}/partners/{partner_id}",
    response={204: None, **ERRORS},
    summary="Remove a partner",
)
def remove_partner(request: HttpRequest, proposal_id: PathId, partner_id: PathId) -> Status[None]:
    """Remove a partner and take its letter out of the proposal."""
    proposal = access_proposal(request, pk=proposal_id)
    partner = get_object_or_404(Partner.objects.filter(proposal=proposal), pk=partner_id)
    services.remove_partner(partner=partner, by=caller(request))
    return Status(204, None)


@router.post(
    "/proposals/{proposal_id}/attachments",
    response={201: AttachmentOut, **ERRORS},
    summary="Upload a file",
)
def add_attachment(
    request: HttpRequest,
    proposal_id: PathId,
    file: File[UploadedFile],
    data: Form[AttachmentIn],
) -> Status[Attachment]:
    """Multipart upload. A file for a required document or a partner replaces the current one.

    The type is read from the content (PDF, signed .p7m, PNG/JPEG, Office, OpenDocument).
    """
    proposal = access_proposal(request, pk=proposal_id)
    document = by_id(
        RequiredDocument.objects.all(),
        data.required_document_id,
        "required_document_id",
        _("Documento richiesto inesistente: %(id)s."),
    )
    partner = by_id(
        Partner.objects.filter(proposal=proposal),
        data.partner_id,
        "partner_id",
        _("Nessun partner con id %(id)s in questa domanda."),
    )
    attachment = services.add_attachment(
        proposal=proposal,
        by=caller(request),
        upload=file,
        title=data.title,
        required_document=document,
        partner=partner,
    )
    return Status(201, attachment)


@router.delete(
    "/proposals/{proposal_id}/attachments/{attachment_id}",
    response={204: None, **ERRORS},
    summary="Remove a file",
)
def remove_attachment(
    request: HttpRequest, proposal_id: PathId, attachment_id: PathId
) -> Status[None]:
    """Take a file out of the proposal; a file already submitted stays with its receipt."""
    proposal = access_proposal(request, pk=proposal_id)
    current = Attachment.objects.filter(proposal=proposal, is_current=True)
    attachment = get_object_or_404(current, pk=attachment_id)
    services.remove_attachment(attachment=attachment, by=caller(request))
    return Status(204, None)
