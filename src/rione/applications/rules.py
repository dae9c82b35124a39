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


def _applicant_role(user: AnyUser, proposal: Any) -> str | None:
    """'contact', an organisation role, or None. Cached on the user per proposal."""
    if not user.is_authenticated or not isinstance(proposal, Proposal):
        return None
    cache: dict[tuple[int, int | None, int | None], str | None] = user.__dict__.setdefault(
        ROLE_ATTR, {}
    )
    key = (proposal.pk, proposal.organisation_id, proposal.group_id)
    if key not in cache:
        role: str | None = None
        if proposal.group is not None:
            role = "contact" if proposal.group.contact_id == user.pk else None
        elif proposal.organisation_id is not None:
            found = (
                OrganisationMembership.objects.filter(
                    organisation_id=proposal.organisation_id, user=user
                )
                .values_list("role", flat=True)
                .first()
            )
            role = str(found) if found is not None else None
        cache[key] = role
    return cache[key]


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
rules.add_perm("applications.open_in_personal_area", is_applicant)
