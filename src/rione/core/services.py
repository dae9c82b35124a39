"""Use cases of the staff: roles in a city and invitations to take one."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rione.core import clock
from rione.core.audit import record_event
from rione.core.errors import DomainError
from rione.core.invitations import INVITATION_VALIDITY, new_token, refusal_reason
from rione.core.models import Invitation, Role, StaffRole, User
from rione.core.permissions import ensure_perm, forget_roles
from rione.core.tasks import enqueue_on_commit, send_email
from rione.territory.models import City


class InvitationNotUsable(DomainError):
    code = "invitation_not_usable"
    message = gettext_lazy("Questo invito non può essere usato.")


class InvitationExpired(InvitationNotUsable):
    code = "invitation_expired"
    message = gettext_lazy("L'invito è scaduto: chiedi all'amministratore di inviarne uno nuovo.")


class InvitationRevoked(InvitationNotUsable):
    code = "invitation_revoked"
    message = gettext_lazy("L'invito è stato revocato dall'amministratore.")


class InvitationUsed(InvitationNotUsable):
    code = "invitation_used"
    message = gettext_lazy("L'invito è già stato accettato.")


class InvitationWrongUser(InvitationNotUsable):
    code = "invitation_wrong_user"
    message = gettext_lazy(
        "L'invito è stato inviato a un altro indirizzo e-mail: accedi con l'indirizzo "
        "a cui è arrivato l'invito."
    )


class LastCityAdmin(DomainError):
    code = "last_city_admin"
    message = gettext_lazy(
        "La città deve avere almeno un amministratore: nomina un altro amministratore "
        "prima di rimuovere questo ruolo."
    )


REFUSALS: dict[str, type[InvitationNotUsable]] = {
    "revoked": InvitationRevoked,
    "used": InvitationUsed,
    "expired": InvitationExpired,
    "wrong_user": InvitationWrongUser,
}


def invitation_problem(
    invitation: Invitation, *, user: User | None, at: datetime | None = None
) -> InvitationNotUsable | None:
    """Why ``user`` cannot accept ``invitation`` now, or None when they can."""
    reason = refusal_reason(invitation, user=user, at=at)
    return REFUSALS[reason]() if reason else None


def _invitation_mail(invitation: Invitation) -> tuple[str, str]:
    context = {
        "invitation": invitation,
        "city": invitation.city,
        "role": invitation.get_role_display(),
        "link": settings.SITE_URL
        + reverse("backoffice:invitation_accept", args=[invitation.token]),
        "expires_at": invitation.expires_at.astimezone(clock.ROME),
    }
    with translation.override("it"):
        subject = render_to_string("core/email/invitation_subject.txt", context).strip()
        body = render_to_string("core/email/invitation_body.txt", context)
    return subject, body


@transaction.atomic
def invite_staff(
    *, city: City, email: str, role: str, by: User, at: datetime | None = None
) -> Invitation:
    """Invite ``email`` to take ``role`` in ``city``; the link is e-mailed after commit.

    Requires `core.manage_staff` on the city. Raises ValidationError for a bad
    address or role, or when the person already holds the role.
    """
    ensure_perm(by, "core.manage_staff", city)
    moment = clock.resolve(at)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Inserisci un indirizzo e-mail valido.")}) from error
    if role not in Role.values:
        raise ValidationError({"role": _("Scegli un ruolo valido.")})
    if StaffRole.objects.filter(city=city, role=role, user__email__iexact=email).exists():
        raise ValidationError({"email": _("Questa persona ha già questo ruolo nella città.")})
    invitation = Invitation.objects.create(
        email=email,
        city=city,
        role=role,
        token=new_token(),
        invited_by=by,
        expires_at=moment + INVITATION_VALIDITY,
    )
    record_event(
        invitation,
        "invitation.created",
        by=by,
        at=moment,
        stream=city.audit_stream,
        data={"email": email, "role": role, "expires_at": invitation.expires_at},
    )
    subject, body = _invitation_mail(invitation)
    enqueue_on_commit(send_email, to=[email], subject=subject, body=body)
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user: User, at: datetime | None = None) -> StaffRole:
    """Give ``user`` the role the invitation offers and mark it accepted.

    Locks the invitation. Raises Invitation.DoesNotExist for an unknown token and
    an InvitationNotUsable subclass when it is expired, revoked, used or meant
    for another e-mail address.
    """
    moment = clock.resolve(at)
    invitation = Invitation.objects.select_for_update().select_related("city").get(token=token)
    problem = invitation_problem(invitation, user=user, at=moment)
    if problem is not None:
        raise problem
    staff_role, _created = StaffRole.objects.get_or_create(
        user=user,
        city=invitation.city,
        role=invitation.role,
        defaults={"granted_by": invitation.invited_by},
    )
    invitation.accepted_at = moment
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    record_event(
        invitation,
        "invitation.accepted",
        by=user,
        at=moment,
        stream=invitation.city.audit_stream,
        data={"email": invitation.email, "role": invitation.role, "user": user.pk},
    )
    forget_roles(user)
    return staff_role


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw a pending invitation. Requires `core.manage_staff` on its city."""
    invitation = Invitation.objects.select_for_update().select_related("city").get(pk=invitation.pk)
    ensure_perm(by, "core.manage_staff", invitation.city)
    if invitation.accepted_at is not None:
        raise InvitationUsed()
    if invitation.revoked_at is not None:
        raise InvitationRevoked()
    moment = clock.now()
    invitation.revoked_at = moment
    invitation.save(update_fields=["revoked_at", "updated_at"])
    record_event(
        invitation,
        "invitation.revoked",
        by=by,
        at=moment,
        stream=invitation.city.audit_stream,
        data={"email": invitation.email, "role": invitation.role},
    )
    return invitation


@transaction.atomic
def grant_role(*, city: City, user: User, role: str, by: User) -> StaffRole:
    """Give ``user`` ``role`` in ``city``. Requires `core.manage_staff` on the city."""
    ensure_perm(by, "core.manage_staff", city)
    if role not in Role.values:
        raise ValidationError({"role": _("Scegli un ruolo valido.")})
    City.objects.select_for_update().get(pk=city.pk)
    if StaffRole.objects.filter(city=city, user=user, role=role).exists():
        raise ValidationError({"role": _("Questa persona ha già questo ruolo nella città.")})
    staff_role = StaffRole.objects.create(city=city, user=user, role=role, granted_by=by)
    record_event(
        staff_role,
        "staff_role.granted",
        by=by,
        stream=city.audit_stream,
        data={"user": user.pk, "email": user.email, "role": role},
    )
    forget_roles(user)
    return staff_role


@transaction.atomic
def revoke_role(*, staff_role: StaffRole, by: User) -> None:
    """Take a role away. Requires `core.manage_staff`; the city always keeps one admin.

    Locks the city row, so two admins removing each other cannot both succeed.
    """
    city = City.objects.select_for_update().get(pk=staff_role.city_id)
    staff_role = StaffRole.objects.select_related("user").get(pk=staff_role.pk)
    ensure_perm(by, "core.manage_staff", city)
    if (
        staff_role.role == Role.CITY_ADMIN
        and not StaffRole.objects.filter(city=city, role=Role.CITY_ADMIN)
        .exclude(pk=staff_role.pk)
        .exists()
    ):
        raise LastCityAdmin()
    record_event(
        staff_role,
        "staff_role.revoked",
        by=by,
        stream=city.audit_stream,
        data={"user": staff_role.user_id, "email": staff_role.user.email, "role": staff_role.role},
    )
    staff_role.delete()
    forget_roles(staff_role.user)
    forget_roles(by)
