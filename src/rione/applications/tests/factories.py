"""Proposals in every state. ``complete_proposal`` fills every step so that it can be submitted."""

from decimal import Decimal

import factory

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import (
    InformalGroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from rione.applications.models import Attachment, BudgetLine, Partner, Proposal, Step, Target
from rione.core import clock
from rione.core.tests.factories import UserFactory
from rione.programmes.models import RequiredDocument
from rione.programmes.tests.factories import CallFactory, GrantRuleFactory
from rione.territory.models import (
    ApplicantCategory,
    ApplicantType,
    CostCategory,
    Sector,
    TargetGroup,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_call(**kwargs):
    """An open call of Napoli-like shape: every ETS type and informal groups, with grant rules."""
    call = CallFactory(open=True, **kwargs)
    types = ApplicantType.objects.filter(
        city=call.city,
        category__in=[ApplicantCategory.ETS, ApplicantCategory.INFORMAL_GROUP],
    )
    call.eligible_applicant_types.set(types)
    GrantRuleFactory(
        call=call,
        category=ApplicantCategory.ETS,
        min_grant=Decimal("1000.00"),
        max_grant=Decimal("50000.00"),
        min_cofinancing_pct=Decimal("10.00"),
    )
    GrantRuleFactory(
        call=call,
        category=ApplicantCategory.INFORMAL_GROUP,
        min_grant=Decimal("1000.00"),
        max_grant=Decimal("25000.00"),
        min_cofinancing_pct=Decimal("5.00"),
    )
    return call


def legal_rep(organisation=None):
    """A user with a profile who is the legal representative of ``organisation`` (new if None)."""
    person = PersonFactory()
    MembershipFactory(
        organisation=organisation or OrganisationFactory(),
        user=person.user,
        role=MemberRole.LEGAL_REPRESENTATIVE,
    )
    return person.user


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft by an organisation whose legal representative is ``created_by``."""

    class Meta:
        model = Proposal

    call = factory.LazyFunction(open_call)
    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.LazyAttribute(lambda o: legal_rep(o.organisation))
    saved_steps = factory.LazyFunction(lambda: [Step.APPLICANT.value])
    step_revisions = factory.LazyFunction(lambda: {Step.APPLICANT.value: 1})

    class Params:
        by_group = factory.Trait(
            organisation=None,
            group=factory.SubFactory(InformalGroupFactory),
            created_by=factory.LazyAttribute(lambda o: _group_contact(o.group)),
        )


def _group_contact(group):
    PersonFactory(user=group.contact)
    return group.contact


def complete_proposal(proposal: Proposal, *, grant: Decimal = Decimal("9000.00")) -> Proposal:
    """Fill every step directly (a test shortcut): idea, targets, budget of 10 000 €, documents."""
    call = proposal.call
    sector, _ = Sector.objects.get_or_create(
        city=call.city, slug="cultura", defaults={"name": "Cultura"}
    )
    proposal.title = "Biblioteca di strada"
    proposal.summary = "Libri e letture nei cortili."
    proposal.sector = sector
    for name in ("problem", "solution", "innovation", "impact", "sustainability"):
        setattr(proposal, name, f"Testo di {name}.")
    proposal.requested_grant = grant
    proposal.saved_steps = [s.value for s in Step if s != Step.SUMMARY]
    proposal.save()
    proposal.neighbourhoods.set(call.eligible_neighbourhoods.all()[:1])
    target_group = TargetGroup.objects.filter(city=call.city).first() or TargetGroup.objects.create(
        city=call.city, name="Giovani", slug="giovani"
    )
    Target.objects.get_or_create(
        proposal=proposal, target_group=target_group, defaults={"participants": 30}
    )
    category = CostCategory.objects.filter(city=call.city).first() or CostCategory.objects.create(
        city=call.city, name="Personale", slug="personale"
    )
    BudgetLine.objects.create(
        proposal=proposal,
        cost_category=category,
        description="Educatori",
        quantity=Decimal("100"),
        unit_cost=Decimal("100.00"),
    )
    for document in RequiredDocument.objects.filter(call=call, is_mandatory=True):
        attach_bytes(proposal, PDF_BYTES, required_document=document)
    return proposal


def attach_bytes(proposal, content: bytes, *, required_document=None, partner=None, name="doc.pdf"):
    """Store a file as an attachment without going through the upload service (test shortcut)."""
    import hashlib

    from django.core.files.base import ContentFile

    return Attachment.objects.create(
        proposal=proposal,
        required_document=required_document,
        partner=partner,
        title=name,
        file=ContentFile(content, name=name),
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=proposal.created_by,
        uploaded_at=clock.now(),
    )


def add_partner(proposal, *, name="Scuola Media Belvedere", letter=PDF_BYTES):
    """A school partner of a network proposal, with its letter of commitment (test shortcut).
    Returns the partner and the letter's attachment."""
    partner = Partner.objects.create(
        proposal=proposal,
        name=name,
        kind=Partner.Kind.SCHOOL,
        role="Ospita i laboratori.",
        resources="Aule e palestra.",
    )
    return partner, attach_bytes(proposal, letter, partner=partner, name="lettera.pdf")


__all__ = ["UserFactory"]
