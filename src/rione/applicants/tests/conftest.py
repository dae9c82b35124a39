"""An organisation with a legal representative, a delegate and a plain member; a group; a stranger."""

from dataclasses import dataclass
from typing import Any

import pytest

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import (
    InformalGroupFactory,
    MembershipFactory,
    MembershipInvitationFactory,
    OrganisationFactory,
)
from rione.core.tests.factories import UserFactory


@dataclass
class Team:
    organisation: Any
    owner: Any
    delegate: Any
    member: Any
    stranger: Any
    group: Any
    invitation: Any

    def people(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "delegate": self.delegate,
            "member": self.member,
            "stranger": self.stranger,
            "anonymous": None,
        }


@pytest.fixture
def team(db):
    organisation = OrganisationFactory()
    owner = MembershipFactory(organisation=organisation, role=MemberRole.LEGAL_REPRESENTATIVE).user
    delegate = MembershipFactory(organisation=organisation, role=MemberRole.DELEGATE).user
    member = MembershipFactory(organisation=organisation, role=MemberRole.MEMBER).user
    return Team(
        organisation=organisation,
        owner=owner,
        delegate=delegate,
        member=member,
        stranger=UserFactory(),
        group=InformalGroupFactory(contact=owner),
        invitation=MembershipInvitationFactory(organisation=organisation, invited_by=owner),
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
