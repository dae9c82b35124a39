"""Every view of the personal area for owner, delegate, plain member, stranger and anonymous;
query counts; and the forms end to end."""

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import SUCCESS, get_messages
from django.db import transaction
from django.db.models import Max
from django.test import Client
from django.urls import reverse

from rione.applicants import urls as applicant_urls
from rione.applicants.models import (
    GroupMember,
    InformalGroup,
    MemberRole,
    MembershipInvitation,
    Organisation,
    OrganisationMembership,
    Person,
    PrivacyConsent,
)
from rione.applicants.tests.factories import (
    InformalGroupFactory,
    MembershipFactory,
    MembershipInvitationFactory,
    entity_number,
    person_cf,
)
from rione.core.models import AuditEvent
from rione.core.tests.factories import UserFactory

MANAGERS = frozenset({"owner", "delegate"})
MEMBERS = frozenset({"owner", "delegate", "member"})
SIGNED_IN = frozenset({"owner", "delegate", "member", "stranger"})
CONTACT = frozenset({"owner"})


@dataclass(frozen=True)
class Case:
    method: str
    allowed: frozenset[str]
    args: Callable[[Any], list[Any]]
    data: Callable[[Any], dict[str, Any]] | None = None


def org(t: Any) -> list[Any]:
    return [t.organisation.pk]


def grp(t: Any) -> list[Any]:
    return [t.group.pk]


MATRIX: dict[str, Case] = {
    "home": Case("get", SIGNED_IN, lambda t: []),
    "profile": Case("get", SIGNED_IN, lambda t: []),
    "organisation_create": Case("get", SIGNED_IN, lambda t: []),
    "organisation_detail": Case("get", MEMBERS, org),
    "organisation_edit": Case("get", MANAGERS, org),
    "member_invite": Case("get", MANAGERS, org),
    "member_remove": Case(
        "post",
        MANAGERS,
        lambda t: [
            t.organisation.pk,
            OrganisationMembership.objects.get(organisation=t.organisation, user=t.member).pk,
        ],
    ),
    "invitation_revoke": Case("post", MANAGERS, lambda t: [t.organisation.pk, t.invitation.pk]),
    "invitation_accept": Case("get", SIGNED_IN, lambda t: [t.invitation.token]),
    "group_create": Case("get", SIGNED_IN, lambda t: []),
    "group_detail": Case("get", CONTACT, grp),
    "group_edit": Case("get", CONTACT, grp),
    "group_member_add": Case("get", CONTACT, grp),
    "group_member_remove": Case(
        "post", CONTACT, lambda t: [t.group.pk, t.group.members.first().pk]
    ),
}

WATCHED = [
    AuditEvent,
    Person,
    PrivacyConsent,
    Organisation,
    OrganisationMembership,
    MembershipInvitation,
    InformalGroup,
    GroupMember,
]


def fingerprint() -> dict[str, Any]:
    result: dict[str, Any] = {}
    for model in WATCHED:
        result[model.__name__] = model.objects.count()
        if any(f.name == "updated_at" for f in model._meta.fields):
            result[f"{model.__name__}.updated_at"] = model.objects.aggregate(m=Max("updated_at"))[
                "m"
            ]
    return result


def test_every_url_is_in_the_matrix():
    names = {p.name for p in applicant_urls.urlpatterns}
    assert names == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name, team, settings):
    settings.INFORMAL_GROUP_MIN_MEMBERS = 1
    case = MATRIX[name]
    url = reverse(f"applicants:{name}", args=case.args(team))
    for who, user in team.people().items():
        client = Client()
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            before = fingerprint()
            data = case.data(team) if case.data else {}
            response = getattr(client, case.method)(url, data)
            label = f"{name} as {who}"
            if who in case.allowed:
                if case.method == "get":
                    assert response.status_code == 200, label
                else:
                    assert response.status_code == 302, label
                    levels = [m.level for m in get_messages(response.wsgi_request)]
                    assert SUCCESS in levels, label
            else:
                if user is None:
                    assert response.status_code == 302, label
                    assert response["Location"].startswith(reverse("account_login")), label
                else:
                    # A member who may see the organisation but not manage it gets 403;
                    # someone else's organisation or group does not exist for them (404).
                    expected = {403} if who in MEMBERS and "/enti/" in url else {404}
                    assert response.status_code in expected, (label, response.status_code)
                if case.method == "get":
                    response = client.post(url, data or {"name": "x", "email": "x@example.org"})
                    assert response.status_code in ({302} if user is None else {403, 404}), label
                assert fingerprint() == before, label
            transaction.set_rollback(True)


# Query counts: the same with 1 row and with 15


def _fill_home(user, n):
    for _ in range(n):
        MembershipFactory(user=user, role=MemberRole.DELEGATE)
        InformalGroupFactory(contact=user)
        MembershipInvitationFactory(email=user.email)
    return reverse("applicants:home")


def _fill_organisation(user, n):
    membership = MembershipFactory(user=user, role=MemberRole.LEGAL_REPRESENTATIVE)
    for _ in range(n):
        MembershipFactory(organisation=membership.organisation)
        MembershipInvitationFactory(organisation=membership.organisation)
    return reverse("applicants:organisation_detail", args=[membership.organisation.pk])


def _fill_group(user, n):
    group = InformalGroupFactory(contact=user, members=n)
    return reverse("applicants:group_detail", args=[group.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("fill", [_fill_home, _fill_organisation, _fill_group])
def test_pages_run_a_bounded_number_of_queries(fill, django_assert_max_num_queries):
    counts = []
    for n in (1, 15):
        user = UserFactory()
        url = fill(user, n)
        client = Client()
        client.force_login(user)
        with django_assert_max_num_queries(14) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


# Forms end to end


@pytest.mark.django_db
def test_newcomer_sees_what_to_do_first(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("applicants:home")).content.decode()
    assert "Per cominciare completa il tuo profilo." in page
    assert reverse("applicants:organisation_create") in page
    assert reverse("applicants:group_create") in page
    assert "Area personale" in client.get(reverse("portal:home")).content.decode()


@pytest.mark.django_db
def test_profile_form_records_consent(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "v7"
    user = UserFactory()
    client.force_login(user)
    data = {
        "first_name": "Maria",
        "last_name": "Rossi",
        "codice_fiscale": "RSSMRA85T10A562",
        "phone": "",
        "language": "it",
        "privacy": "on",
    }
    response = client.post(reverse("applicants:profile"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Il codice fiscale deve avere 16 caratteri (ne hai scritti 15)." in page
    assert 'aria-invalid="true"' in page
    assert not Person.objects.exists()
    assert not PrivacyConsent.objects.exists()
    response = client.post(
        reverse("applicants:profile"),
        data | {"codice_fiscale": "RSSMRA85T10A562S"},
    )
    assert response.status_code == 302
    consent = PrivacyConsent.objects.get(user=user)
    assert consent.version == "v7"
    assert consent.accepted_at is not None
    assert Person.objects.get(user=user).codice_fiscale == "RSSMRA85T10A562S"


@pytest.mark.django_db
def test_organisation_form_shows_clear_errors_and_creates(client):
    user = UserFactory()
    client.force_login(user)
    data = {
        "name": "APS Sanità",
        "legal_form": "aps",
        "codice_fiscale": entity_number(3),
        "partita_iva": "00743110158",
        "pec": "aps@pec.example.org",
        "runts_number": "",
        "runts_registered_on": "",
        "registered_office": "Via Vergini 1, Napoli",
        "legal_rep_name": "Maria Rossi",
        "legal_rep_cf": person_cf(4),
        "creator_role": "legal_representative",
    }
    url = reverse("applicants:organisation_create")
    page = client.post(url, data).content.decode()
    assert "cifra di controllo" in page
    assert not Organisation.objects.exists()
    response = client.post(
        url,
        data | {"partita_iva": "", "runts_number": "N-1", "runts_registered_on": "2023-01-02"},
    )
    organisation = Organisation.objects.get()
    assert response["Location"] == reverse("applicants:organisation_detail", args=[organisation.pk])


@pytest.mark.django_db
def test_group_form_with_members(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("applicants:group_create")
    page = client.get(url).content.decode()
    assert page.count('name="componenti-') >= 9

    def data(n):
        rows = {
            "name": "Amici del parco",
            "componenti-TOTAL_FORMS": str(n),
            "componenti-INITIAL_FORMS": "0",
        }
        for i in range(n):
            rows[f"componenti-{i}-first_name"] = "Anna"
            rows[f"componenti-{i}-last_name"] = f"Verdi{i}"
            rows[f"componenti-{i}-codice_fiscale"] = person_cf(i)
        return rows

    page = client.post(url, data(2)).content.decode()
    assert "almeno 3 componenti" in page
    assert not InformalGroup.objects.exists()
    response = client.post(url, data(3))
    assert response.status_code == 302
    assert InformalGroup.objects.get().members.count() == 3


@pytest.mark.django_db
def test_invitation_accept_flow(client, team):
    invited = UserFactory(email=team.invitation.email)
    client.force_login(invited)
    url = reverse("applicants:invitation_accept", args=[team.invitation.token])
    response = client.post(url)
    assert response["Location"] == reverse(
        "applicants:organisation_detail", args=[team.organisation.pk]
    )
    response = client.post(url, follow=True)
    assert "L'invito è già stato accettato." in html.unescape(response.content.decode())


def test_the_profile_form_shows_a_wrong_tax_code_together_with_the_other_errors(client, db):
    from rione.core.tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("applicants:profile"),
        {
            "first_name": "Maria",
            "last_name": "Rossi",
            "codice_fiscale": "RSSMRA80A01F839",
            "language": "it",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "16 caratteri (ne hai scritti 15)" in str(errors["codice_fiscale"])
    assert "privacy" in errors
