from datetime import date, timedelta

import factory
from stdnum import luhn
from stdnum.it import codicefiscale

from rione.applicants.models import (
    GroupMember,
    InformalGroup,
    LegalForm,
    MemberRole,
    MembershipInvitation,
    Organisation,
    OrganisationMembership,
    Person,
)
from rione.core import clock
from rione.core.tests.factories import UserFactory


def person_cf(n: int) -> str:
    """A valid 16-character codice fiscale, different for each ``n`` below 26 000."""
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n // 1000) % 26]
    body = f"RSSMRA85T10{letter}{n % 1000:03d}"
    return body + codicefiscale.calc_check_digit(body)


def entity_number(n: int) -> str:
    """A valid 11-digit number (partita IVA and codice fiscale of a legal entity)."""
    body = f"{n + 1:07d}063"
    return body + luhn.calc_check_digit(body)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    first_name = factory.LazyAttribute(lambda o: o.user.first_name or "Maria")
    last_name = factory.LazyAttribute(lambda o: o.user.last_name or "Rossi")
    codice_fiscale = factory.Sequence(person_cf)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Associazione Quartiere {n}")
    legal_form = LegalForm.APS
    codice_fiscale = factory.Sequence(entity_number)
    pec = factory.Sequence(lambda n: f"ente{n}@pec.example.org")
    runts_number = factory.Sequence(lambda n: f"R-{n}")
    runts_registered_on = date(2023, 5, 4)
    registered_office = "Via Toledo 1, 80134 Napoli"
    legal_rep_name = "Maria Rossi"
    legal_rep_cf = factory.Sequence(lambda n: person_cf(n + 5000))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.MEMBER


class MembershipInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipInvitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitato{n}@example.org")
    role = MemberRole.MEMBER
    token = factory.Sequence(lambda n: f"invito-ente-{n}")
    expires_at = factory.LazyFunction(lambda: clock.now() + timedelta(days=14))


class InformalGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformalGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Gruppo di via {n}")
    contact = factory.SubFactory(UserFactory)

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create:
            for _ in range(3 if extracted is None else extracted):
                GroupMemberFactory(group=obj)


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(InformalGroupFactory, members=0)
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Esposito{n}")
    codice_fiscale = factory.Sequence(lambda n: person_cf(n + 10000))
