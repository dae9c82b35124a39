"""Services of applicants: happy paths, refusals and bad input (which changes nothing)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from rione.applicants import services
from rione.applicants.models import (
    GroupMember,
    InformalGroup,
    LegalForm,
    MemberRole,
    MembershipInvitation,
    Organisation,
    OrganisationMembership,
    Person,
    PrivacyConsent,
)
from rione.applicants.tests.factories import (
    GroupMemberFactory,
    MembershipInvitationFactory,
    PersonFactory,
    entity_number,
    person_cf,
)
from rione.core import clock
from rione.core.audit import verify_stream
from rione.core.models import AuditEvent
from rione.core.tests.factories import UserFactory
from rione.territory.models import RuntsSection

pytestmark = pytest.mark.django_db


def org_values(**overrides):
    values = {
        "name": "APS Rione Sanità",
        "legal_form": LegalForm.APS,
        "codice_fiscale": entity_number(41),
        "partita_iva": "",
        "pec": "aps@pec.example.org",
        "runts_number": "12345",
        "runts_registered_on": date(2023, 3, 1),
        "registered_office": "Via Vergini 10, Napoli",
        "legal_rep_name": "Maria Rossi",
        "legal_rep_cf": person_cf(7),
    }
    return values | overrides


def errors_of(info) -> dict[str, list[str]]:
    return {k: [str(m) for m in v] for k, v in info.value.message_dict.items()}


# Profile and privacy consent


def test_legal_form_uses_the_runts_sections():
    assert set(RuntsSection.values) <= set(LegalForm.values)


def test_save_profile_creates_then_updates_and_audits():
    # given a new user
    user = UserFactory(first_name="", last_name="")
    # when they save their profile twice
    person = services.save_profile(
        user=user,
        by=user,
        values={
            "first_name": "Maria",
            "last_name": "Rossi",
            "codice_fiscale": " rssmra85t10a562s ",
            "phone": "",
        },
        language="en",
    )
    services.save_profile(user=user, by=user, values={"phone": "081 123"})
    # then the profile and the account agree, and the stream of the person holds the events
    person.refresh_from_db()
    user.refresh_from_db()
    assert person.codice_fiscale == "RSSMRA85T10A562S"
    assert person.phone == "081 123"
    assert (user.first_name, user.last_name, user.language) == ("Maria", "Rossi", "en")
    actions = list(
        AuditEvent.objects.filter(stream=f"person:{user.pk}").values_list("action", flat=True)
    )
    assert actions == ["person.created", "user.account_updated", "person.updated"]
    assert verify_stream(f"person:{user.pk}") is None


@pytest.mark.parametrize(
    ("cf", "message"),
    [
        ("RSSMRA85T10A562", "Il codice fiscale deve avere 16 caratteri (ne hai scritti 15)."),
        (
            "RSSMRA85T10A562X",
            "Il carattere di controllo del codice fiscale non è corretto: "
            "controlla di averlo copiato bene.",
        ),
        ("RSSMRA85T1XA562S", "Il codice fiscale non ha la forma giusta"),
    ],
)
def test_save_profile_refuses_a_wrong_codice_fiscale(cf, message):
    user = UserFactory()
    with pytest.raises(ValidationError) as info:
        services.save_profile(
            user=user,
            by=user,
            values={"first_name": "M", "last_name": "R", "codice_fiscale": cf},
        )
    assert errors_of(info)["codice_fiscale"][0].startswith(message)
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_save_profile_refuses_a_codice_fiscale_of_another_profile():
    taken = PersonFactory()
    user = UserFactory()
    with pytest.raises(ValidationError) as info:
        services.save_profile(
            user=user,
            by=user,
            values={"first_name": "M", "last_name": "R", "codice_fiscale": taken.codice_fiscale},
        )
    assert "già usato" in errors_of(info)["codice_fiscale"][0]


def test_nobody_saves_someone_elses_profile():
    user, other = UserFactory(), UserFactory()
    with pytest.raises(PermissionDenied):
        services.save_profile(
            user=user, by=other, values={"first_name": "X", "last_name": "Y", "codice_fiscale": ""}
        )
    assert not Person.objects.exists()


def test_privacy_consent_is_recorded_with_version_and_time(settings):
    # given the notice in version 2025-01
    settings.PRIVACY_NOTICE_VERSION = "2025-01"
    user = UserFactory()
    moment = clock.rome(2025, 3, 2, 23, 59)
    # when the user accepts it twice
    first = services.accept_privacy_notice(by=user, at=moment)
    again = services.accept_privacy_notice(by=user, at=moment + timedelta(hours=1))
    # then one consent with the version and the time, audited once
    assert first.pk == again.pk
    assert (first.version, first.accepted_at) == ("2025-01", moment)
    assert services.has_current_consent(user)
    event = AuditEvent.objects.get(action="privacy_consent.accepted")
    assert event.data["version"] == "2025-01"
    # and a new version of the notice asks again
    settings.PRIVACY_NOTICE_VERSION = "2025-06"
    assert not services.has_current_consent(user)
    services.accept_privacy_notice(by=user)
    assert set(PrivacyConsent.objects.values_list("version", flat=True)) == {"2025-01", "2025-06"}


# Organisations


def test_create_organisation_makes_the_creator_a_manager():
    user = UserFactory()
    organisation = services.create_organisation(
        by=user,
        values=org_values(codice_fiscale=" 0000042 063 " + entity_number(41)[-1:]),
        creator_role=MemberRole.DELEGATE,
    )
    assert organisation.codice_fiscale == entity_number(41)
    membership = OrganisationMembership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (user, MemberRole.DELEGATE)
    stream = f"organisation:{organisation.pk}"
    assert list(AuditEvent.objects.filter(stream=stream).values_list("action", flat=True)) == [
        "organisation.created",
        "organisation_membership.created",
    ]
    assert AuditEvent.objects.filter(stream=stream, city_id__isnull=True).count() == 2


def test_a_company_needs_no_runts_but_a_valid_partita_iva():
    user = UserFactory()
    organisation = services.create_organisation(
        by=user,
        values=org_values(
            legal_form=LegalForm.COMPANY,
            codice_fiscale="",
            partita_iva="IT" + entity_number(8),
            runts_number="",
            runts_registered_on=None,
        ),
        creator_role=MemberRole.LEGAL_REPRESENTATIVE,
    )
    assert organisation.partita_iva == entity_number(8)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"codice_fiscale": "0074311015"},
            "codice_fiscale",
            "Il codice fiscale di un ente deve avere 11 cifre (ne hai scritte 10)",
        ),
        (
            {"codice_fiscale": "00743110158"},
            "codice_fiscale",
            "L'ultima cifra del codice fiscale (cifra di controllo) non è corretta",
        ),
        (
            {"partita_iva": "00743110158"},
            "partita_iva",
            "L'ultima cifra della partita IVA (cifra di controllo) non è corretta",
        ),
        (
            {"partita_iva": "0074311015"},
            "partita_iva",
            "La partita IVA deve avere 11 cifre (ne hai scritte 10).",
        ),
        (
            {"codice_fiscale": "", "partita_iva": ""},
            "codice_fiscale",
            "Indica il codice fiscale dell'ente, la partita IVA o entrambi.",
        ),
        (
            {"runts_number": ""},
            "runts_number",
            "Un ente del Terzo settore deve indicare il numero di iscrizione al RUNTS.",
        ),
        (
            {"runts_registered_on": None},
            "runts_registered_on",
            "Un ente del Terzo settore deve indicare la data di iscrizione al RUNTS.",
        ),
        (
            {"legal_rep_cf": "RSSMRA85T10A562X"},
            "legal_rep_cf",
            "Il carattere di controllo del codice fiscale non è corretto",
        ),
    ],
)
def test_create_organisation_refuses_bad_input(overrides, field, message):
    user = UserFactory()
    with pytest.raises(ValidationError) as info:
        services.create_organisation(
            by=user, values=org_values(**overrides), creator_role=MemberRole.LEGAL_REPRESENTATIVE
        )
    assert errors_of(info)[field][0].startswith(message), errors_of(info)
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_creator_must_be_a_manager():
    with pytest.raises(ValidationError) as info:
        services.create_organisation(
            by=UserFactory(), values=org_values(), creator_role=MemberRole.MEMBER
        )
    assert "creator_role" in info.value.message_dict


def test_managers_update_the_organisation_members_do_not(team):
    services.update_organisation(
        organisation=team.organisation, by=team.delegate, values={"name": "Nuovo nome"}
    )
    team.organisation.refresh_from_db()
    assert team.organisation.name == "Nuovo nome"
    for user in (team.member, team.stranger):
        with pytest.raises(PermissionDenied):
            services.update_organisation(
                organisation=team.organisation, by=user, values={"name": "Altro"}
            )
    team.organisation.refresh_from_db()
    assert team.organisation.name == "Nuovo nome"


def test_update_organisation_refuses_to_drop_runts_of_an_ets(team):
    with pytest.raises(ValidationError):
        services.update_organisation(
            organisation=team.organisation, by=team.owner, values={"runts_number": ""}
        )


# Members and invitations


def test_invite_and_accept(team, django_capture_on_commit_callbacks):
    # given a delegate invites a new person
    newcomer = UserFactory(email="nuova@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(
            organisation=team.organisation,
            email=" Nuova@Example.org ",
            role="delegate",
            by=team.delegate,
        )
    # then an e-mail carries the link
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    # when the invited person accepts
    membership = services.accept_membership_invitation(token=invitation.token, user=newcomer)
    # then they act for the organisation with the role, and the invitation is used
    assert (membership.organisation, membership.role) == (team.organisation, "delegate")
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer
    assert verify_stream(team.organisation.audit_stream) is None


def test_a_person_acts_for_several_organisations(team):
    other = services.create_organisation(
        by=team.member, values=org_values(), creator_role=MemberRole.LEGAL_REPRESENTATIVE
    )
    assert set(
        OrganisationMembership.objects.filter(user=team.member).values_list(
            "organisation", flat=True
        )
    ) == {team.organisation.pk, other.pk}


def test_plain_members_and_strangers_cannot_invite(team):
    for user in (team.member, team.stranger):
        with pytest.raises(PermissionDenied):
            services.invite_member(
                organisation=team.organisation, email="x@example.org", role="member", by=user
            )
    assert MembershipInvitation.objects.count() == 1


def test_invite_refuses_someone_already_member(team):
    with pytest.raises(ValidationError):
        services.invite_member(
            organisation=team.organisation, email=team.member.email, role="member", by=team.owner
        )


def test_accept_refuses_the_wrong_user(team):
    with pytest.raises(services.InvitationWrongUser):
        services.accept_membership_invitation(token=team.invitation.token, user=team.stranger)
    assert not OrganisationMembership.objects.filter(user=team.stranger).exists()


def test_accept_refuses_an_expired_invitation(team):
    user = UserFactory(email=team.invitation.email)
    later = team.invitation.expires_at + timedelta(seconds=1)
    with pytest.raises(services.InvitationExpired):
        services.accept_membership_invitation(token=team.invitation.token, user=user, at=later)
    assert not OrganisationMembership.objects.filter(user=user).exists()


def test_accept_refuses_a_used_invitation(team):
    user = UserFactory(email=team.invitation.email)
    services.accept_membership_invitation(token=team.invitation.token, user=user)
    with pytest.raises(services.InvitationUsed):
        services.accept_membership_invitation(token=team.invitation.token, user=user)


def test_accept_refuses_a_revoked_invitation(team):
    user = UserFactory(email=team.invitation.email)
    services.revoke_membership_invitation(invitation=team.invitation, by=team.owner)
    with pytest.raises(services.InvitationRevoked):
        services.accept_membership_invitation(token=team.invitation.token, user=user)


def test_revoke_needs_a_manager(team):
    with pytest.raises(PermissionDenied):
        services.revoke_membership_invitation(invitation=team.invitation, by=team.member)


def test_remove_member_keeps_one_manager(team):
    owner_membership = OrganisationMembership.objects.get(user=team.owner)
    delegate_membership = OrganisationMembership.objects.get(user=team.delegate)
    member_membership = OrganisationMembership.objects.get(user=team.member)
    with pytest.raises(PermissionDenied):
        services.remove_member(membership=owner_membership, by=team.member)
    services.remove_member(membership=member_membership, by=team.delegate)
    services.remove_member(membership=delegate_membership, by=team.owner)
    with pytest.raises(services.LastManager):
        services.remove_member(membership=owner_membership, by=team.owner)
    assert list(OrganisationMembership.objects.values_list("user", flat=True)) == [team.owner.pk]


def test_an_expired_invitation_factory_is_refused():
    invitation = MembershipInvitationFactory(expires_at=clock.now() - timedelta(days=1))
    assert isinstance(
        services.invitation_problem(invitation, user=None), services.InvitationExpired
    )


# Informal groups


def members(n, start=0):
    return [
        {"first_name": "Anna", "last_name": f"Verdi{i}", "codice_fiscale": person_cf(start + i)}
        for i in range(n)
    ]


def test_create_group_with_its_members():
    user = UserFactory()
    group = services.create_group(by=user, name="Amici del parco", members=members(3))
    assert group.contact == user
    assert group.members.count() == 3
    assert AuditEvent.objects.get(stream=f"group:{group.pk}").action == "informal_group.created"


def test_create_group_refuses_too_few_members():
    with pytest.raises(ValidationError) as info:
        services.create_group(by=UserFactory(), name="Pochi", members=members(2))
    assert "almeno 3 componenti" in info.value.messages[0]
    assert not InformalGroup.objects.exists()


def test_the_call_may_ask_for_another_minimum():
    group = services.create_group(by=UserFactory(), name="Due", members=members(2), min_members=2)
    assert group.members.count() == 2


def test_create_group_refuses_a_duplicate_codice_fiscale():
    rows = members(3)
    rows[2]["codice_fiscale"] = rows[0]["codice_fiscale"].lower()
    with pytest.raises(ValidationError) as info:
        services.create_group(by=UserFactory(), name="Doppi", members=rows)
    assert "già di un altro componente" in errors_of(info)["codice_fiscale"][0]
    assert not InformalGroup.objects.exists()


def test_create_group_refuses_a_wrong_codice_fiscale():
    rows = members(3)
    rows[1]["codice_fiscale"] = "RSSMRA85T10A56"
    with pytest.raises(ValidationError) as info:
        services.create_group(by=UserFactory(), name="Sbagliati", members=rows)
    assert "ne hai scritti 14" in errors_of(info)["codice_fiscale"][0]
    assert not GroupMember.objects.exists()


def test_add_and_remove_group_members(team):
    group = team.group
    added = services.add_group_member(group=group, by=team.owner, values=members(1, 900)[0])
    with pytest.raises(ValidationError):
        services.add_group_member(group=group, by=team.owner, values=members(1, 900)[0])
    services.remove_group_member(member=added, by=team.owner)
    with pytest.raises(ValidationError):
        services.remove_group_member(member=group.members.first(), by=team.owner)
    assert group.members.count() == 3


def test_only_the_contact_changes_the_group(team):
    for user in (team.delegate, team.stranger):
        with pytest.raises(PermissionDenied):
            services.add_group_member(group=team.group, by=user, values=members(1, 800)[0])
        with pytest.raises(PermissionDenied):
            services.update_group(group=team.group, by=user, values={"name": "x"})
    member = GroupMemberFactory(group=team.group)
    with pytest.raises(PermissionDenied):
        services.remove_group_member(member=member, by=team.stranger, min_members=0)


def test_the_profile_rule_looks_at_the_owner_not_at_matching_ids():
    # given two people whose Person and User ids differ
    first, second = UserFactory(), UserFactory()
    services.save_profile(
        user=second,
        by=second,
        values={
            "first_name": "Ada",
            "last_name": "Neri",
            "codice_fiscale": "RSSMRA85T10A562S",
            "phone": "",
        },
    )
    person = second.person
    # then the owner may change it and the other may not, whatever the ids
    assert second.has_perm("applicants.change_profile", person)
    assert not first.has_perm("applicants.change_profile", person)
