"""Inviting through the pages: the e-mail, the accept page for each kind of visitor, the last admin."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from rione.core import clock
from rione.core.models import Invitation, Role, StaffRole
from rione.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def invite(client, city, email, mailoutbox, capture):
    with capture(execute=True):
        response = client.post(
            reverse("backoffice:staff_invite", args=[city.slug]),
            {"email": email, "role": Role.EVALUATOR},
        )
    assert response.status_code == 302
    link = re.search(r"https?://\S+/gestione/inviti/\S+/", mailoutbox[-1].body).group(0)
    return "/" + link.split("/", 3)[3]


def test_invite_then_accept_as_the_invited_person(
    client_for, city, city_admin, mailoutbox, django_capture_on_commit_callbacks
):
    path = invite(
        client_for(city_admin),
        city,
        "valutatrice@example.org",
        mailoutbox,
        django_capture_on_commit_callbacks,
    )
    anonymous = Client().get(path)
    assert anonymous.status_code == 200
    page = anonymous.content.decode()
    assert f"{reverse('account_login')}?next=" in page
    assert f"{reverse('account_signup')}?next=" in page

    person = UserFactory(email="Valutatrice@example.org")
    client = client_for(person)
    assert "Accetta l'invito" in client.get(path).content.decode()
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:city", args=[city.slug])
    assert StaffRole.objects.filter(user=person, city=city, role=Role.EVALUATOR).exists()
    assert client.get(reverse("backoffice:city", args=[city.slug])).status_code == 200

    again = client.post(path, follow=True)
    assert "già stato accettato" in again.content.decode()
    assert StaffRole.objects.filter(user=person).count() == 1


def test_wrong_user_is_told_and_gets_nothing(
    client_for, city, city_admin, mailoutbox, django_capture_on_commit_callbacks
):
    path = invite(
        client_for(city_admin),
        city,
        "giusta@example.org",
        mailoutbox,
        django_capture_on_commit_callbacks,
    )
    intruder = UserFactory(email="altra@example.org")
    client = client_for(intruder)
    assert "altro indirizzo e-mail" in client.get(path).content.decode()
    response = client.post(path, follow=True)
    assert "altro indirizzo e-mail" in response.content.decode()
    assert not StaffRole.objects.filter(user=intruder).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"expires_at": clock.now() - timedelta(minutes=1)}, "scaduto"),
        ({"revoked_at": clock.now()}, "revocato"),
    ],
)
def test_expired_or_revoked_invitations_are_refused(
    client_for, city, city_admin, mailoutbox, django_capture_on_commit_callbacks, change, message
):
    path = invite(
        client_for(city_admin),
        city,
        "tardi@example.org",
        mailoutbox,
        django_capture_on_commit_callbacks,
    )
    Invitation.objects.filter(email="tardi@example.org").update(**change)
    person = UserFactory(email="tardi@example.org")
    response = client_for(person).post(path, follow=True)
    assert message in response.content.decode()
    assert not StaffRole.objects.filter(user=person).exists()


def test_revoke_invitation_from_the_staff_page(client_for, city, city_admin):
    client = client_for(city_admin)
    client.post(
        reverse("backoffice:staff_invite", args=[city.slug]),
        {"email": "x@example.org", "role": Role.MENTOR},
    )
    invitation = Invitation.objects.get()
    assert (
        "x@example.org"
        in client.get(reverse("backoffice:staff_list", args=[city.slug])).content.decode()
    )
    client.post(reverse("backoffice:invitation_revoke", args=[city.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_last_admin_cannot_remove_own_role_through_the_page(client_for, city, city_admin):
    own = StaffRole.objects.get(user=city_admin, role=Role.CITY_ADMIN)
    response = client_for(city_admin).post(
        reverse("backoffice:staff_revoke", args=[city.slug, own.pk]), follow=True
    )
    assert "almeno un amministratore" in response.content.decode()
    assert StaffRole.objects.filter(pk=own.pk).exists()


def test_grant_role_form_offers_only_the_city_staff(
    client_for, city, city_admin, evaluator, other_manager
):
    client = client_for(city_admin)
    page = client.get(reverse("backoffice:staff_grant", args=[city.slug])).content.decode()
    assert evaluator.email in page and other_manager.email not in page
    response = client.post(
        reverse("backoffice:staff_grant", args=[city.slug]),
        {"user": other_manager.pk, "role": Role.MENTOR},
    )
    assert response.status_code == 200
    assert not StaffRole.objects.filter(user=other_manager, city=city).exists()
    response = client.post(
        reverse("backoffice:staff_grant", args=[city.slug]),
        {"user": evaluator.pk, "role": Role.MENTOR},
    )
    assert response.status_code == 302
    assert StaffRole.objects.filter(user=evaluator, city=city, role=Role.MENTOR).exists()
