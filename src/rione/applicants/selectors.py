"""Reads for the personal area. Each returns a queryset with a fixed number of queries."""

from django.db.models import Count, QuerySet

from rione.applicants.models import (
    GroupMember,
    InformalGroup,
    MembershipInvitation,
    Organisation,
    OrganisationMembership,
    Person,
)
from rione.core import clock
from rione.core.models import User


def get_person(*, user: User) -> Person | None:
    return Person.objects.filter(user=user).first()


def list_memberships_of(*, user: User) -> QuerySet[OrganisationMembership]:
    """The organisations ``user`` acts for, with their role, by organisation name."""
    return (
        OrganisationMembership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "organisation__pk")
    )


def list_groups_of(*, user: User) -> QuerySet[InformalGroup]:
    """The informal groups ``user`` is the contact person of, with their member count."""
    return (
        InformalGroup.objects.filter(contact=user)
        .annotate(member_count=Count("members"))
        .order_by("name", "pk")
    )


def list_invitations_for(*, user: User) -> QuerySet[MembershipInvitation]:
    """Pending, unexpired invitations sent to ``user``'s e-mail address."""
    return (
        MembershipInvitation.objects.filter(
            email__iexact=user.email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=clock.now(),
        )
        .select_related("organisation")
        .order_by("-created_at", "pk")
    )


def list_members(*, organisation: Organisation) -> QuerySet[OrganisationMembership]:
    return organisation.memberships.select_related("user", "user__person").order_by(
        "user__last_name", "user__first_name", "user__email", "pk"
    )


def list_pending_invitations(*, organisation: Organisation) -> QuerySet[MembershipInvitation]:
    return organisation.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at", "pk")


def list_group_members(*, group: InformalGroup) -> QuerySet[GroupMember]:
    return group.members.order_by("last_name", "first_name", "pk")
