"""Shared givens of the service tests: the clock, calls in a city, people."""

from decimal import Decimal

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import MembershipFactory, PersonFactory
from rione.applications.models import Proposal
from rione.applications.selectors import get_proposal
from rione.applications.services import LineInput, review_proposal
from rione.applications.tests.factories import open_call
from rione.core import clock
from rione.core.models import AuditEvent
from rione.programmes.tests.factories import ProgrammeFactory
from rione.territory.models import CostCategory

# A Monday morning in Rome; calls made by the factories open ten days before and close
# twenty days after it.
NOW = clock.rome(2026, 3, 2, 10, 0)


def call_in(city, **kwargs):
    """An open call of ``city`` (ETS and informal groups eligible, with grant rules)."""
    return open_call(programme=ProgrammeFactory(city=city), **kwargs)


def member_of(organisation, role=MemberRole.MEMBER):
    """A user with a complete profile acting for ``organisation`` with ``role``."""
    person = PersonFactory()
    MembershipFactory(organisation=organisation, user=person.user, role=role)
    return person.user


def fresh(user):
    """The same user as a new object, as the next request would load it (no cached roles)."""
    return type(user).objects.get(pk=user.pk)


def reviewed(proposal: Proposal):
    return review_proposal(get_proposal(pk=proposal.pk))


def step_events(proposal: Proposal, step: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="applications.proposal",
            object_id=str(proposal.pk),
            action="proposal.step_saved",
            data__step=step,
        ).order_by("seq")
    )


def line(city, quantity="10", unit_cost="100.00", description="Educatori", category=None):
    return LineInput(
        cost_category=category or CostCategory.objects.filter(city=city).first(),
        description=description,
        quantity=Decimal(quantity),
        unit_cost=Decimal(unit_cost),
    )
