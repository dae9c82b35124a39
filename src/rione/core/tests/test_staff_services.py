"""Staff roles and invitations: who may do what, what is refused, and what the audit trail says."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core import clock
from rione.core.models import AuditEvent, Invitation, Role, StaffRole
from rione.core.services import (
    InvitationExpired,
    InvitationRevoked,
    InvitationUsed,
    InvitationWrongUser,
    LastCityAdmin,
    accept_invitation,
    grant_role,
    invite_staff,
    revoke_invitation,
    revoke_role,
)
from rione.core.tests.factories import StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_invite_sends_a_link_after_commit(
    city, city_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_staff(
            city=city, email=" Nuova@Example.org ", role=Role.EVALUATOR, by=city_admin
        )
    assert invitation.email == "nuova@example.org"
    assert len(invitation.token) >= 40
    assert invitation.expires_at - invitation.created_at > timedelta(days=13)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nuova@example.org"]
    assert f"/gestione/inviti/{invitation.token}/" in mailoutbox[0].body
    event = AuditEvent.objects.get(action="invitation.created")
    assert (event.actor, event.city_id, event.data["role"]) == (city_admin, city.pk, "evaluator")


def test_no_mail_when_the_transaction_does_not_commit(city, city_admin, mailoutbox):
    invite_staff(city=city, email="x@example.org", role=Role.MENTOR, by=city_admin)
    assert mailoutbox == []  # the test transaction never commits


@pytest.mark.parametrize("who", ["manager", "other_manager", "citizen"])
def test_only_the_city_admin_invites(request, city, who):
    with pytest.raises(PermissionDenied):
        invite_staff(
            city=city, email="x@example.org", role=Role.MENTOR, by=request.getfixturevalue(who)
        )
    assert not Invitation.objects.exists()


def test_invite_refuses_a_bad_address(city, city_admin):
    with pytest.raises(ValidationError) as error:
        invite_staff(city=city, email="non-una-email", role=Role.MENTOR, by=city_admin)
    assert "email" in error.value.message_dict


def test_accept_grants_the_role_once(city, city_admin):
    invitation = invite_staff(city=city, email="anna@example.org", role=Role.MENTOR, by=city_admin)
    anna = UserFactory(email="ANNA@example.org")
    role = accept_invitation(token=invitation.token, user=anna)
    assert (role.user, role.city, role.role) == (anna, city, Role.MENTOR)
    invitation.refresh_from_db()
    assert invitation.accepted_by == anna and invitation.accepted_at is not None
    assert AuditEvent.objects.filter(action="invitation.accepted", actor=anna).exists()
    with pytest.raises(InvitationUsed):
        accept_invitation(token=invitation.token, user=anna)


def test_accept_refuses_another_user(city, city_admin):
    invitation = invite_staff(city=city, email="anna@example.org", role=Role.MENTOR, by=city_admin)
    with pytest.raises(InvitationWrongUser):
        accept_invitation(token=invitation.token, user=UserFactory(email="bruno@example.org"))
    assert not StaffRole.objects.filter(role=Role.MENTOR).exists()


def test_accept_refuses_an_expired_invitation(city, city_admin):
    invitation = invite_staff(city=city, email="anna@example.org", role=Role.MENTOR, by=city_admin)
    anna = UserFactory(email="anna@example.org")
    with pytest.raises(InvitationExpired):
        accept_invitation(token=invitation.token, user=anna, at=clock.now() + timedelta(days=15))
    assert not StaffRole.objects.filter(user=anna).exists()


def test_accept_refuses_a_revoked_invitation(city, city_admin):
    invitation = invite_staff(city=city, email="anna@example.org", role=Role.MENTOR, by=city_admin)
    revoke_invitation(invitation=invitation, by=city_admin)
    anna = UserFactory(email="anna@example.org")
    with pytest.raises(InvitationRevoked):
        accept_invitation(token=invitation.token, user=anna)
    assert not StaffRole.objects.filter(user=anna).exists()
    assert AuditEvent.objects.filter(action="invitation.revoked").exists()


def test_accept_unknown_token():
    with pytest.raises(Invitation.DoesNotExist):
        accept_invitation(token="nope", user=UserFactory())


def test_grant_and_revoke_a_role(city, city_admin, evaluator):
    role = grant_role(city=city, user=evaluator, role=Role.MENTOR, by=city_admin)
    assert StaffRole.objects.filter(user=evaluator, city=city).count() == 2
    with pytest.raises(ValidationError):
        grant_role(city=city, user=evaluator, role=Role.MENTOR, by=city_admin)
    revoke_role(staff_role=role, by=city_admin)
    assert not StaffRole.objects.filter(pk=role.pk).exists()
    actions = list(AuditEvent.objects.filter(city_id=city.pk).values_list("action", flat=True))
    assert actions == ["staff_role.granted", "staff_role.revoked"]


def test_manager_cannot_grant_roles(city, manager, evaluator):
    with pytest.raises(PermissionDenied):
        grant_role(city=city, user=evaluator, role=Role.CITY_ADMIN, by=manager)
    assert not StaffRole.objects.filter(user=evaluator, role=Role.CITY_ADMIN).exists()


def test_the_last_city_admin_cannot_remove_their_role(city, city_admin):
    own = StaffRole.objects.get(user=city_admin, role=Role.CITY_ADMIN)
    with pytest.raises(LastCityAdmin):
        revoke_role(staff_role=own, by=city_admin)
    assert StaffRole.objects.filter(pk=own.pk).exists()


def test_an_admin_may_step_down_when_another_remains(city, city_admin):
    StaffRoleFactory(city=city, role=Role.CITY_ADMIN)
    own = StaffRole.objects.get(user=city_admin, role=Role.CITY_ADMIN)
    revoke_role(staff_role=own, by=city_admin)
    assert not StaffRole.objects.filter(pk=own.pk).exists()
