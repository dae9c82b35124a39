"""Organisations, the people who act for them, and invitations to join them."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rione.applicants.models import (
    MANAGING_ROLES,
    MemberRole,
    MembershipInvitation,
    Organisation,
    OrganisationMembership,
)
from rione.applicants.validators import normalise_code
from rione.core import clock
from rione.core.audit import record_event, snapshot
from rione.core.errors import DomainError
from rione.core.invitations import INVITATION_VALIDITY, new_token, refusal_reason
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.records import update_record
from rione.core.tasks import enqueue_on_commit, send_email

ORGANISATION_FIELDS = frozenset(
    {
        "name",
        "legal_form",
        "codice_fiscale",
        "partita_iva",
        "pec",
        "runts_number",
        "runts_registered_on",
        "registered_office",
        "legal_rep_name",
        "legal_rep_cf",
    }
)
CODE_FIELDS = ("codice_fiscale", "partita_iva", "legal_rep_cf")


class InvitationNotUsable(DomainError):
    code = "invitation_not_usable"
    message = gettext_lazy("Questo invito non può essere usato.")


class InvitationExpired(InvitationNotUsable):
    code = "invitation_expired"
    message = gettext_lazy(
        "L'invito è scaduto: chiedi a chi gestisce l'ente di inviarne uno nuovo."
    )


class InvitationRevoked(InvitationNotUsable):
    code = "invitation_revoked"
    message = gettext_lazy("L'invito è stato revocato da chi gestisce l'ente.")


class InvitationUsed(InvitationNotUsable):
    code = "invitation_used"
    message = gettext_lazy("L'invito è già stato accettato.")


class InvitationWrongUser(InvitationNotUsable):
    code = "invitation_wrong_user"
    message = gettext_lazy(
        "L'invito è stato inviato a un altro indirizzo e-mail: accedi con l'indirizzo "
        "a cui è arrivato l'invito."
    )


class LastManager(DomainError):
    code = "last_manager"
    message = gettext_lazy(
        "L'ente deve avere almeno un legale rappresentante o un delegato: "
        "nominane un altro prima di rimuovere questa persona."
    )


def _normalised(values: Mapping[str, Any]) -> dict[str, Any]:
    clean = dict(values)
    for name in CODE_FIELDS:
        if name in clean and isinstance(clean[name], str):
            clean[name] = normalise_code(clean[name])
    if isinstance(clean.get("partita_iva"), str):
        clean["partita_iva"] = clean["partita_iva"].removeprefix("IT")
    return clean


@transaction.atomic
def create_organisation(*, by: User, values: Mapping[str, Any], creator_role: str) -> Organisation:
    """Register an organisation; ``by`` becomes its legal representative or delegate.

    Requires `applicants.create_organisation` (any signed-in user). Raises
    ValidationError for wrong identifiers, a missing CF/P.IVA or an ETS without RUNTS data.
    """
    ensure_perm(by, "applicants.create_organisation")
    if creator_role not in MANAGING_ROLES:
        raise ValidationError(
            {"creator_role": _("Scegli se sei il legale rappresentante o un delegato.")}
        )
    clean = _normalised(values)
    unknown = set(clean) - ORGANISATION_FIELDS
    if unknown:
        raise ValueError(f"Fields not editable here: {sorted(unknown)}")
    organisation = Organisation(**clean, created_by=by)
    organisation.full_clean()
    organisation.save()
    membership = OrganisationMembership.objects.create(
        organisation=organisation, user=by, role=creator_role
    )
    record_event(
        organisation,
        "organisation.created",
        by=by,
        data={"after": snapshot(organisation), "creator_role": creator_role},
    )
    record_event(
        membership,
        "organisation_membership.created",
        by=by,
        data={"user": by.pk, "role": creator_role},
    )
    return organisation


def update_organisation(
    *,
    organisation: Organisation,
    by: User,
    values: Mapping[str, Any],
    expected_updated_at: datetime | None = None,
) -> Organisation:
    """Change an organisation's data. Requires `applicants.change_organisation` (managers)."""
    return update_record(
        organisation,
        by=by,
        perm="applicants.change_organisation",
        values=_normalised(values),
        editable=ORGANISATION_FIELDS,
        expected_updated_at=expected_updated_at,
    )


REFUSALS: dict[str, type[InvitationNotUsable]] = {
    "revoked": InvitationRevoked,
    "used": InvitationUsed,
    "expired": InvitationExpired,
    "wrong_user": InvitationWrongUser,
}


def invitation_problem(
    invitation: MembershipInvitation, *, user: User | None, at: datetime | None = None
) -> InvitationNotUsable | None:
    """Why ``user`` cannot accept ``invitation`` now, or None when they can."""
    reason = refusal_reason(invitation, user=user, at=at)
    return REFUSALS[reason]() if reason else None


def _invitation_mail(invitation: MembershipInvitation) -> tuple[str, str]:
    context = {
        "organisation": invitation.organisation,
        "inviter": str(invitation.invited_by or ""),
        "role": invitation.get_role_display(),
        "link": settings.SITE_URL
        + reverse("applicants:invitation_accept", args=[invitation.token]),
        "expires_at": invitation.expires_at.astimezone(clock.ROME),
    }
    with translation.override("it"):
        subject = render_to_string("applicants/email/invitation_subject.txt", context).strip()
        body = render_to_string("applicants/email/invitation_body.txt", context)
    return subject, body


@transaction.atomic
def invite_member(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    by: User,
    at: datetime | None = None,
) -> MembershipInvitation:
    """Invite ``email`` to act for ``organisation`` with ``role``; the link is e-mailed after commit.

    Requires `applicants.manage_members`. Raises ValidationError for a bad address or
    role, or when the person already acts for the organisation.
    """
    ensure_perm(by, "applicants.manage_members", organisation)
    moment = clock.resolve(at)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Inserisci un indirizzo e-mail valido.")}) from error
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Scegli un ruolo valido.")})
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("Questa persona agisce già per l'ente.")})
    invitation = MembershipInvitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token=new_token(),
        invited_by=by,
        expires_at=moment + INVITATION_VALIDITY,
    )
    record_event(
        invitation,
        "membership_invitation.created",
        by=by,
        at=moment,
        data={"email": email, "role": role, "expires_at": invitation.expires_at},
    )
    subject, body = _invitation_mail(invitation)
    enqueue_on_commit(send_email, to=[email], subject=subject, body=body)
    return invitation


@transaction.atomic
def accept_membership_invitation(
    *, token: str, user: User, at: datetime | None = None
) -> OrganisationMembership:
    """Make ``user`` a member of the organisation with the invited role.

    Locks the invitation. Raises MembershipInvitation.DoesNotExist for an unknown token
    and an InvitationNotUsable subclass when it is expired, revoked, used or meant for
    another e-mail address. A person already acting for the organisation keeps the
    higher of the two roles.
    """
    moment = clock.resolve(at)
    invitation = (
        MembershipInvitation.objects.select_for_update()
        .select_related("organisation")
        .get(token=token)
    )
    problem = invitation_problem(invitation, user=user, at=moment)
    if problem is not None:
        raise problem
    membership, created = OrganisationMembership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    if not created and invitation.role in MANAGING_ROLES and not membership.is_manager:
        membership.role = invitation.role
        membership.save(update_fields=["role", "updated_at"])
    invitation.accepted_at = moment
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    record_event(
        invitation,
        "membership_invitation.accepted",
        by=user,
        at=moment,
        data={"email": invitation.email, "role": membership.role, "user": user.pk},
    )
    return membership


@transaction.atomic
def revoke_membership_invitation(
    *, invitation: MembershipInvitation, by: User
) -> MembershipInvitation:
    """Withdraw a pending invitation. Requires `applicants.manage_members`."""
    invitation = (
        MembershipInvitation.objects.select_for_update()
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    ensure_perm(by, "applicants.manage_members", invitation.organisation)
    if invitation.accepted_at is not None:
        raise InvitationUsed()
    if invitation.revoked_at is not None:
        raise InvitationRevoked()
    moment = clock.now()
    invitation.revoked_at = moment
    invitation.save(update_fields=["revoked_at", "updated_at"])
    record_event(
        invitation,
        "membership_invitation.revoked",
        by=by,
        at=moment,
        data={"email": invitation.email, "role": invitation.role},
    )
    return invitation


@transaction.atomic
def remove_member(*, membership: OrganisationMembership, by: User) -> None:
    """Stop someone acting for the organisation. Requires `applicants.manage_members`.

    Locks the organisation row, so two managers removing each other cannot both
    succeed; the organisation always keeps one legal representative or delegate.
    """
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    membership = OrganisationMembership.objects.select_related("user").get(pk=membership.pk)
    ensure_perm(by, "applicants.manage_members", organisation)
    if (
        membership.is_manager
        and not organisation.memberships.filter(role__in=MANAGING_ROLES)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise LastManager()
    record_event(
        membership,
        "organisation_membership.removed",
        by=by,
        data={"user": membership.user_id, "email": membership.user.email, "role": membership.role},
    )
    membership.delete()
