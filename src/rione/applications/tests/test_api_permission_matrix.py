"""Every endpoint of the applicant API, for each kind of person: who gets in, and that refusals change nothing.

People, each with a personal token: the legal representative of the proposing organisation
(owner), a plain member of it (member), someone unrelated (stranger), a manager of the
call's city (staff), a manager of another city (other_staff); and a request without
credentials (anonymous), always 401.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.test import Client

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from rione.applications import services
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
from rione.applications.tests.test_api import BASE, budget, idea
from rione.core.models import AuditEvent, Role
from rione.core.tests.factories import StaffRoleFactory, UserFactory
from rione.core.tokens import create_token

APPLICANTS = frozenset({"owner", "member"})
OWNER = frozenset({"owner"})
READERS = frozenset({"owner", "member"})  # staff read submitted versions in the back office
SIGNED_IN = frozenset({"owner", "member", "stranger", "staff", "other_staff"})


@dataclass
class World:
    call: Any
    organisation: Any
    draft: Proposal
    complete: Proposal
    submitted: Proposal
    partner: Partner
    receipt: Receipt
    tokens: dict[str, str | None]

    def file(self) -> Attachment:
        return self.draft.attachments.get()

    def revision(self, step: str) -> int:
        self.draft.refresh_from_db()
        return int(self.draft.step_revisions.get(step, 0))


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # with {draft}, {complete}, {submitted}, {partner}, {file}, {receipt}, {call}
    allowed: frozenset[str]
    body: Callable[[World], Any] | None = None
    multipart: bool = False
    member_refused: int = 403


def _ids(w: World) -> dict[str, int]:
    return {
        "draft": w.draft.pk,
        "complete": w.complete.pk,
        "submitted": w.submitted.pk,
        "partner": w.partner.pk,
        "file": w.file().pk,
        "receipt": w.receipt.pk,
        "call": w.call.pk,
    }


MATRIX: dict[tuple[str, str], Case] = {
    ("get", "/proposals"): Case("get", "/proposals", SIGNED_IN),
    ("post", "/calls/{call_id}/proposals"): Case(
        "post",
        "/calls/{call}/proposals",
        APPLICANTS,
        body=lambda w: {"organisation_id": w.organisation.pk},
        member_refused=0,
    ),
    ("get", "/proposals/{proposal_id}"): Case("get", "/proposals/{submitted}", READERS),
    ("put", "/proposals/{proposal_id}/applicant"): Case(
        "put",
        "/proposals/{draft}/applicant",
        APPLICANTS,
        body=lambda w: {
            "revision": w.revision("applicant"),
            "organisation_id": w.organisation.pk,
            "is_network": True,
        },
    ),
    ("put", "/proposals/{proposal_id}/idea"): Case(
        "put", "/proposals/{draft}/idea", APPLICANTS, body=lambda w: idea(w.call)
    ),
    ("put", "/proposals/{proposal_id}/targets"): Case(
        "put",
        "/proposals/{draft}/targets",
        APPLICANTS,
        body=lambda w: {"revision": 0, "targets": []},
    ),
    ("put", "/proposals/{proposal_id}/budget"): Case(
        "put", "/proposals/{draft}/budget", APPLICANTS, body=lambda w: budget(w.call)
    ),
    ("put", "/proposals/{proposal_id}/answers"): Case(
        "put",
        "/proposals/{draft}/answers",
        APPLICANTS,
        body=lambda w: {"revision": 0, "answers": []},
    ),
    ("get", "/proposals/{proposal_id}/validate"): Case(
        "get", "/proposals/{draft}/validate", APPLICANTS
    ),
    ("post", "/proposals/{proposal_id}/partners"): Case(
        "post",
        "/proposals/{draft}/partners",
        APPLICANTS,
        body=lambda w: {
            "name": "Biblioteca di quartiere",
            "kind": "library",
            "role": "Ospita le letture",
            "resources": "Una sala",
        },
    ),
    ("delete", "/proposals/{proposal_id}/partners/{partner_id}"): Case(
        "delete", "/proposals/{draft}/partners/{partner}", APPLICANTS
    ),
    ("post", "/proposals/{proposal_id}/attachments"): Case(
        "post",
        "/proposals/{draft}/attachments",
        APPLICANTS,
        body=lambda w: {"file": SimpleUploadedFile("lettera.pdf", PDF_BYTES), "title": "Lettera"},
        multipart=True,
    ),
    ("delete", "/proposals/{proposal_id}/attachments/{attachment_id}"): Case(
        "delete", "/proposals/{draft}/attachments/{file}", APPLICANTS
    ),
    ("post", "/proposals/{proposal_id}/submit"): Case(
        "post",
        "/proposals/{complete}/submit",
        OWNER,
        body=lambda w: {"truthfulness": True, "privacy": True},
    ),
    ("get", "/proposals/{proposal_id}/receipts"): Case(
        "get", "/proposals/{submitted}/receipts", READERS
    ),
    ("get", "/receipts/{receipt_id}"): Case("get", "/receipts/{receipt}", READERS),
    ("post", "/proposals/{proposal_id}/reopen"): Case(
        "post", "/proposals/{submitted}/reopen", OWNER
    ),
    ("post", "/proposals/{proposal_id}/withdraw"): Case(
        "post", "/proposals/{submitted}/withdraw", OWNER, body=lambda w: {"reason": "Rinuncia"}
    ),
}
WATCHED = [Proposal, Receipt, Attachment, Partner, ApplicantQuestion, AuditEvent]


def fingerprint() -> dict[str, Any]:
    result: dict[str, Any] = {model.__name__: model.objects.count() for model in WATCHED}
    result["proposal.updated_at"] = Proposal.objects.aggregate(m=Max("updated_at"))["m"]
    result["current files"] = Attachment.objects.filter(is_current=True).count()
    return result


@pytest.fixture
def world(db):
    call = open_call()
    organisation = OrganisationFactory()
    owner = PersonFactory().user
    MembershipFactory(organisation=organisation, user=owner, role=MemberRole.LEGAL_REPRESENTATIVE)
    member = MembershipFactory(organisation=organisation, role=MemberRole.MEMBER).user
    draft = ProposalFactory(call=call, organisation=organisation, created_by=owner, is_network=True)
    attach_bytes(draft, PDF_BYTES)
    partner = Partner.objects.create(
        proposal=draft, name="Scuola Viale", kind="school", role="Ospita", resources="Aule"
    )

    def sibling_call():
        return open_call(programme=call.programme)

    complete = complete_proposal(
        ProposalFactory(call=sibling_call(), organisation=organisation, created_by=owner)
    )
    submitted = complete_proposal(
        ProposalFactory(call=sibling_call(), organisation=organisation, created_by=owner)
    )
    receipt = services.submit_proposal(
        proposal=submitted, by=owner, truthfulness=True, privacy=True
    )
    people = {
        "owner": owner,
        "member": member,
        "stranger": UserFactory(),
        "staff": StaffRoleFactory(city=call.city, role=Role.PROGRAMME_MANAGER).user,
        "other_staff": StaffRoleFactory(role=Role.PROGRAMME_MANAGER).user,
    }
    tokens: dict[str, str | None] = {
        who: create_token(user=user, name="matrice")[1] for who, user in people.items()
    }
    tokens["anonymous"] = None
    return World(call, organisation, draft, complete, submitted, partner, receipt, tokens)


def test_every_endpoint_is_in_the_matrix(client):
    schema = client.get("/api/openapi.json").json()
    endpoints = {
        (method, path.removeprefix(BASE))
        for path, operations in schema["paths"].items()
        if path.startswith(BASE + "/")
        for method in operations
    }
    assert endpoints == set(MATRIX)


def _request(case: Case, world: World, token: str | None) -> int:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    client = Client(headers=headers)
    url = BASE + case.path.format(**_ids(world))
    body = case.body(world) if case.body else None
    if case.multipart:
        return client.post(url, body).status_code
    if body is None:
        return getattr(client, case.method)(url).status_code
    return getattr(client, case.method)(url, body, content_type="application/json").status_code


@pytest.mark.parametrize("endpoint", sorted(MATRIX), ids=lambda e: f"{e[0]} {e[1]}")
def test_permission_matrix(endpoint, world):
    case = MATRIX[endpoint]
    for who, token in world.tokens.items():
        label = f"{case.method} {case.path} as {who}"
        with transaction.atomic():
            before = fingerprint()
            status = _request(case, world, token)
            if who in case.allowed or (who == "member" and case.member_refused == 0):
                assert status in {200, 201, 204}, (label, status)
            else:
                if who == "anonymous":
                    expected = {401}
                elif who == "member":
                    expected = {case.member_refused}
                elif case.path.startswith("/calls/"):
                    expected = {422}  # the organisation is not one they act for
                else:
                    expected = {404}
                assert status in expected, (label, status)
                assert fingerprint() == before, label
            transaction.set_rollback(True)
