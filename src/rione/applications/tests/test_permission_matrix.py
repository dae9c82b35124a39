"""Every URL of the applicant's pages, for each kind of person: who gets in, and that refusals change nothing.

People: the legal representative of the proposing organisation (owner), a plain member
of it (member), someone unrelated (stranger), a manager of the call's city (staff), a
manager of another city (other_staff), and an anonymous visitor.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import SUCCESS, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.test import Client
from django.urls import URLResolver, reverse

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from rione.applications import services
from rione.applications import urls as application_urls
from rione.applications.models import (
    ApplicantQuestion,
    Attachment,
    Partner,
    Proposal,
    Receipt,
)
from rione.applications.tests.factories import (
    PDF_BYTES,
    ProposalFactory,
    attach_bytes,
    complete_proposal,
    open_call,
)
from rione.core.models import ApiToken, AuditEvent, Role
from rione.core.tests.factories import StaffRoleFactory, UserFactory
from rione.core.tokens import create_token

APPLICANTS = frozenset({"owner", "member"})
OWNER = frozenset({"owner"})
READERS = frozenset({"owner", "member", "staff"})
SIGNED_IN = frozenset({"owner", "member", "stranger", "staff", "other_staff"})
EVERYONE = frozenset({*SIGNED_IN, "anonymous"})


@dataclass
class World:
    call: Any
    draft: Proposal
    submitted: Proposal
    network: Proposal
    partner: Partner
    receipt: Receipt
    token: Any
    people: dict[str, Any]

    def draft_file(self) -> Attachment:
        return self.draft.attachments.first()


@dataclass(frozen=True)
class Case:
    method: str
    allowed: frozenset[str]
    args: Callable[[World], list[Any]]
    data: Callable[[World], dict[str, Any]] | None = None
    ok: int | None = None  # expected status for the allowed; default 200 for GET, 302 for POST
    member_refused: int = 403  # a plain member reaches the proposal but may not commit it


def draft(w: World) -> list[Any]:
    return [w.draft.pk]


def receipt(w: World) -> list[Any]:
    return [w.receipt.pk]


MATRIX: dict[str, Case] = {
    "list": Case("get", SIGNED_IN, lambda w: []),
    "start": Case("get", SIGNED_IN, lambda w: [w.call.pk]),
    "proposal": Case("get", APPLICANTS, draft, ok=302),
    "step": Case("get", APPLICANTS, lambda w: [w.draft.pk, "budget"]),
    "upload": Case(
        "post",
        APPLICANTS,
        draft,
        data=lambda w: {"file": SimpleUploadedFile("a.pdf", PDF_BYTES), "title": "Allegato"},
    ),
    "attachment": Case("get", APPLICANTS, lambda w: [w.draft.pk, w.draft_file().pk]),
    "attachment_remove": Case("post", APPLICANTS, lambda w: [w.draft.pk, w.draft_file().pk]),
    "partner_add": Case("get", APPLICANTS, lambda w: [w.network.pk]),
    "partner_edit": Case("get", APPLICANTS, lambda w: [w.network.pk, w.partner.pk]),
    "partner_remove": Case("post", APPLICANTS, lambda w: [w.network.pk, w.partner.pk]),
    "reopen": Case("post", OWNER, lambda w: [w.submitted.pk]),
    "withdraw": Case("get", APPLICANTS, lambda w: [w.submitted.pk]),
    "discard": Case("post", OWNER, draft),
    "receipt": Case("get", READERS, receipt),
    "receipt_pdf": Case("get", READERS, receipt),
    "application_pdf": Case("get", READERS, receipt),
    "receipt_content": Case("get", READERS, receipt),
    "questions": Case("get", SIGNED_IN, lambda w: []),
    "ask": Case("get", SIGNED_IN, lambda w: [w.call.pk]),
    "keep_alive": Case("post", SIGNED_IN, lambda w: [], ok=200),
    "verify_receipt": Case("get", EVERYONE, lambda w: [w.call.city.slug, w.call.slug]),
    "tokens": Case("get", SIGNED_IN, lambda w: []),
    "token_create": Case("get", SIGNED_IN, lambda w: []),
    "token_revoke": Case("post", OWNER, lambda w: [w.token.pk], member_refused=404),
}
WATCHED = [Proposal, Receipt, Attachment, Partner, ApplicantQuestion, AuditEvent, ApiToken]


def fingerprint() -> dict[str, Any]:
    result: dict[str, Any] = {}
    for model in WATCHED:
        result[model.__name__] = model.objects.count()
    result["proposal.updated_at"] = Proposal.objects.aggregate(m=Max("updated_at"))["m"]
    result["current files"] = Attachment.objects.filter(is_current=True).count()
    result["revoked tokens"] = ApiToken.objects.filter(revoked_at__isnull=False).count()
    return result


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call = open_call()
    organisation = OrganisationFactory()
    owner = PersonFactory().user
    MembershipFactory(organisation=organisation, user=owner, role=MemberRole.LEGAL_REPRESENTATIVE)
    member = MembershipFactory(organisation=organisation, role=MemberRole.MEMBER).user
    draft_proposal = ProposalFactory(call=call, organisation=organisation, created_by=owner)
    attach_bytes(draft_proposal, PDF_BYTES)
    submitted = complete_proposal(
        ProposalFactory(
            call=open_call(programme=call.programme), organisation=organisation, created_by=owner
        )
    )
    first = services.submit_proposal(proposal=submitted, by=owner, truthfulness=True, privacy=True)
    network = ProposalFactory(
        call=open_call(programme=call.programme),
        organisation=organisation,
        created_by=owner,
        is_network=True,
    )
    partner = Partner.objects.create(
        proposal=network, name="Scuola Media Viale", kind="school", role="Ospita", resources="Aule"
    )
    return World(
        call=call,
        draft=draft_proposal,
        submitted=submitted,
        network=network,
        partner=partner,
        receipt=first,
        token=create_token(user=owner, name="Gestionale")[0],
        people={
            "owner": owner,
            "member": member,
            "stranger": UserFactory(),
            "staff": StaffRoleFactory(city=call.city, role=Role.PROGRAMME_MANAGER).user,
            "other_staff": StaffRoleFactory(role=Role.PROGRAMME_MANAGER).user,
            "anonymous": None,
        },
    )


def url_names(patterns: list[Any]) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= url_names(pattern.url_patterns)
        else:
            names.add(pattern.name)
    return names


def test_every_url_is_in_the_matrix():
    assert url_names(application_urls.urlpatterns) == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name, world):
    case = MATRIX[name]
    url = reverse(f"applications:{name}", args=case.args(world))
    for who, user in world.people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        label = f"{name} as {who}"
        with transaction.atomic():
            before = fingerprint()
            data = case.data(world) if case.data else {}
            response = getattr(client, case.method)(url, data)
            if who in case.allowed:
                expected = case.ok or (200 if case.method == "get" else 302)
                assert response.status_code == expected, (label, response.status_code)
                if case.method == "post" and expected == 302:
                    levels = [m.level for m in get_messages(response.wsgi_request)]
                    assert SUCCESS in levels, label
            else:
                if user is None:
                    if name == "keep_alive":
                        assert response.status_code == 401, label
                    else:
                        assert response.status_code == 302, label
                        assert response["Location"].startswith(reverse("account_login")), label
                else:
                    expected_codes = {case.member_refused} if who == "member" else {404}
                    assert response.status_code in expected_codes, (label, response.status_code)
                assert fingerprint() == before, label
            transaction.set_rollback(True)
