"""Who may do what to a proposal.

Applicants: every member of the proposing organisation (or the contact person of the
group) may read and edit it; only those who may commit the organisation (legal
representative, delegate) or the group's contact person may submit or withdraw it.
City staff read proposals of their city's calls once they have been submitted, never drafts.
"""

from typing import Any

import rules

from rione.applicants.models import MANAGING_ROLES, OrganisationMembership
from rione.applications.models import EDITABLE, Proposal, ProposalStatus
from rione.core.permissions import ANY_STAFF, AnyUser, has_city_role, is_manager

ROLE_ATTR = "_rione_proposal_roles"


def _organisation_roles(user: AnyUser) -> dict[int, str | None]:
    """The user's role in each of their organisations: one query, cached on the user."""
    user_id = user.pk
    if user_id is None:
        return {}
    roles: dict[int, str | None] | None = user.__dict__.get(ROLE_ATTR)
    if roles is None:
        roles = {
            organisation_id: str(role)
            for organisation_id, role in OrganisationMembership.objects.filter(user_id=user_id)
            .order_by()
            .values_list("organisation_id", "role")
        }
        user.__dict__[ROLE_ATTR] = roles
    return roles


def _applicant_role(user: AnyUser, proposal: Any) -> str | None:
    """'contact', an organisation role, or None.

    The roles in every organisation of the user are read once and cached on the user, so
    a list of proposals asks one query whatever the number of proposals and organisations.
    """
    if not user.is_authenticated or not isinstance(proposal, Proposal):
        return None
    if proposal.group is not None:
        return "contact" if proposal.group.contact_id == user.pk else None
    if proposal.organisation_id is None:
        return None
    roles = _organisation_roles(user)
    if proposal.organisation_id not in roles and user.pk is not None:
        # A membership added after the roles were read (in this request) still counts.
        found = (
            OrganisationMembership.objects.filter(
                organisation_id=proposal.organisation_id, user_id=user.pk
            )
            .values_list("role", flat=True)
            .first()
        )
        roles[proposal.organisation_id] = str(found) if found is not None else None
    return roles.get(proposal.organisation_id)


def forget_proposal_roles(user: AnyUser) -> None:
    user.__dict__.pop(ROLE_ATTR, None)


@rules.predicate
def is_applicant(user: AnyUser, proposal: Any = None) -> bool:
    return _applicant_role(user, proposal) is not None


@rules.predicate
def may_commit_applicant(user: AnyUser, proposal: Any = None) -> bool:
    return _applicant_role(user, proposal) in MANAGING_ROLES | {"contact"}


@rules.predicate
def is_editable(user: AnyUser, proposal: Any = None) -> bool:
    return isinstance(proposal, Proposal) and proposal.status in EDITABLE


@rules.predicate
def was_submitted(user: AnyUser, proposal: Any = None) -> bool:
    return isinstance(proposal, Proposal) and proposal.status != ProposalStatus.DRAFT


@rules.predicate
def is_signed_in(user: AnyUser) -> bool:
    return bool(user.is_authenticated)


@rules.predicate
def declared_conflict(user: AnyUser, proposal: Any = None) -> bool:
    """The user declared a conflict of interest on this proposal as a commission member."""
    from rione.evaluation.models import ConflictDeclaration

    return bool(
        user.is_authenticated
        and isinstance(proposal, Proposal)
        and ConflictDeclaration.objects.filter(
            member__user=user, proposal=proposal, has_conflict=True
        ).exists()
    )


is_call_staff = has_city_role(*ANY_STAFF)

rules.add_perm("applications.start_proposal", is_signed_in)
rules.add_perm(
    "applications.view_proposal",
    is_applicant | (is_call_staff & was_submitted & ~declared_conflict),
)
rules.add_perm("applications.change_proposal", is_applicant & is_editable)
rules.add_perm("applications.submit_proposal", may_commit_applicant)
rules.add_perm("applications.withdraw_proposal", may_commit_applicant & was_submitted)
rules.add_perm("applications.ask_question", is_signed_in)
rules.add_perm("applications.answer_question", is_manager)
rules.add_perm("applications.list_proposals", is_call_staff)
# A whole list of applicants' personal data in one file: programme managers and city admins.
rules.add_perm("applications.export_proposals", is_manager)
rules.add_perm("applications.open_in_personal_area", is_applicant)
