"""The applicant API end to end (token and session), its refusals, and the personal-token pages."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import include, path, reverse

from rione.applicants import urls as applicant_urls
from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import MembershipFactory
from rione.applications.models import (
    Attachment,
    BudgetLine,
    Partner,
    Proposal,
    ProposalStatus,
    Receipt,
    Step,
)
from rione.applications.tests.factories import (
    PDF_BYTES,
    ProposalFactory,
    complete_proposal,
    legal_rep,
    open_call,
)
from rione.applications.views_tokens import token_urlpatterns
from rione.config.urls import urlpatterns as project_urlpatterns
from rione.core import clock
from rione.core.models import ApiToken, AuditEvent, Role
from rione.core.tests.factories import StaffRoleFactory, UserFactory
from rione.core.tokens import create_token, revoke_token, user_for_token
from rione.programmes.models import ExtraQuestion, QuestionKind, RequiredDocument
from rione.territory.models import CostCategory, Sector, TargetGroup

# The token pages are included in the personal area by its urls; these tests mount them there.
urlpatterns = [
    path(
        "area-personale/",
        include(([*token_urlpatterns, *applicant_urls.urlpatterns], "applicants")),
    ),
    *project_urlpatterns,
]

NOW = clock.rome(2026, 3, 2, 10, 0)
BASE = "/api/applicant"
APPLICANT_PATHS = {
    "/api/applicant/proposals": {"get"},
    "/api/applicant/calls/{call_id}/proposals": {"post"},
    "/api/applicant/proposals/{proposal_id}": {"get"},
    "/api/applicant/proposals/{proposal_id}/applicant": {"put"},
    "/api/applicant/proposals/{proposal_id}/idea": {"put"},
    "/api/applicant/proposals/{proposal_id}/targets": {"put"},
    "/api/applicant/proposals/{proposal_id}/budget": {"put"},
    "/api/applicant/proposals/{proposal_id}/answers": {"put"},
    "/api/applicant/proposals/{proposal_id}/partners": {"post"},
    "/api/applicant/proposals/{proposal_id}/partners/{partner_id}": {"delete"},
    "/api/applicant/proposals/{proposal_id}/attachments": {"post"},
    "/api/applicant/proposals/{proposal_id}/attachments/{attachment_id}": {"delete"},
    "/api/applicant/proposals/{proposal_id}/validate": {"get"},
    "/api/applicant/proposals/{proposal_id}/submit": {"post"},
    "/api/applicant/proposals/{proposal_id}/receipts": {"get"},
    "/api/applicant/receipts/{receipt_id}": {"get"},
    "/api/applicant/proposals/{proposal_id}/reopen": {"post"},
    "/api/applicant/proposals/{proposal_id}/withdraw": {"post"},
}


@pytest.fixture(autouse=True)
def now():
    with clock.travel_to(NOW):
        yield NOW


class Api:
    """A client of the applicant API that sends JSON and returns (status, parsed body)."""

    def __init__(self, client: Client):
        self.client = client

    def call(self, method, url, data=None, **extra):
        kwargs = {"content_type": "application/json"} if data is not None else {}
        body = json.dumps(data) if data is not None else None
        args = (BASE + url,) if body is None else (BASE + url, body)
        response = getattr(self.client, method)(*args, **kwargs, **extra)
        parsed = response.json() if response.content else None
        return response.status_code, parsed

    def get(self, url):
        return self.call("get", url)

    def post(self, url, data=None):
        return self.call("post", url, {} if data is None else data)

    def put(self, url, data):
        return self.call("put", url, data)

    def delete(self, url):
        return self.call("delete", url)

    def upload(self, url, content, name="statuto.pdf", **fields):
        data = {"file": SimpleUploadedFile(name, content), **fields}
        response = self.client.post(BASE + url, data)
        return response.status_code, response.json()


def api_for(user) -> Api:
    _token, secret = create_token(user=user, name="script")
    return Api(Client(headers={"authorization": f"Bearer {secret}"}))


@pytest.fixture
def call(db):
    call = open_call()
    RequiredDocument.objects.create(call=call, title="Statuto", is_mandatory=True)
    ExtraQuestion.objects.create(call=call, text="Quanti volontari?", kind=QuestionKind.NUMBER)
    return call


@pytest.fixture
def rep(call):
    return legal_rep()


def organisation_of(user):
    return user.organisation_memberships.get().organisation


def terms(call):
    return {
        "sector": Sector.objects.filter(city=call.city).first(),
        "target_group": TargetGroup.objects.filter(city=call.city).first(),
        "cost_category": CostCategory.objects.filter(city=call.city).first(),
        "neighbourhood": call.eligible_neighbourhoods.get(),
    }


def idea(call, revision=0, **changes):
    return {
        "revision": revision,
        "title": "Biblioteca di strada",
        "summary": "Libri e letture nei cortili.",
        "sector_id": terms(call)["sector"].pk,
        "neighbourhood_ids": [terms(call)["neighbourhood"].pk],
        **{name: f"Testo di {name}." for name in ("problem", "solution", "innovation")},
        **{name: f"Testo di {name}." for name in ("impact", "sustainability")},
        **changes,
    }


def budget(call, revision=0, quantity="100", unit_cost="100.00", grant="9000.00"):
    line = {
        "cost_category_id": terms(call)["cost_category"].pk,
        "description": "Educatori",
        "quantity": quantity,
        "unit_cost": unit_cost,
    }
    return {"revision": revision, "lines": [line], "requested_grant": grant}


# The journey


def test_a_proposal_from_start_to_receipt_with_a_token(call, rep):
    api = api_for(rep)
    organisation = organisation_of(rep)
    question = call.extra_questions.get()
    document = call.required_documents.get()

    status, body = api.post(f"/calls/{call.pk}/proposals", {"organisation_id": organisation.pk})
    assert status == 201, body
    pid = body["id"]
    assert body["status"] == "draft"
    assert body["applicant"]["organisation_id"] == organisation.pk
    assert body["applicant"]["revision"] == 1
    assert body["ready"] is False

    status, body = api.put(f"/proposals/{pid}/idea", idea(call))
    assert status == 200, body
    assert (body["title"], body["revision"], body["state"]) == ("Biblioteca di strada", 1, "done")

    target = {"target_group_id": terms(call)["target_group"].pk, "participants": 30}
    status, body = api.put(f"/proposals/{pid}/targets", {"revision": 0, "targets": [target]})
    assert status == 200, body
    assert body["targets"][0]["participants"] == 30

    status, body = api.put(f"/proposals/{pid}/budget", budget(call))
    assert status == 200, body
    assert body["lines"][0] | {"cost_category": None} == {
        "cost_category_id": terms(call)["cost_category"].pk,
        "cost_category": None,
        "description": "Educatori",
        "quantity": "100.00",
        "unit_cost": "100.00",
        "amount": "10000.00",
    }
    assert (body["total_cost"], body["requested_grant"], body["cofinancing_pct"]) == (
        "10000.00",
        "9000.00",
        "10.00",
    )
    assert body["problems"] == []

    answers = {"revision": 0, "answers": [{"question_id": question.pk, "value": "12"}]}
    status, body = api.put(f"/proposals/{pid}/answers", answers)
    assert status == 200, body
    assert body["answers"] == [
        {"question_id": question.pk, "question": question.text, "value": "12"}
    ]

    status, body = api.put(
        f"/proposals/{pid}/applicant", {"revision": 1, "organisation_id": organisation.pk}
    )
    assert (status, body["revision"]) == (200, 2)

    status, body = api.get(f"/proposals/{pid}/validate")
    assert status == 200
    assert body["ready"] is False
    assert body["steps"] == {"attachments": ["Manca il documento obbligatorio «Statuto»."]}

    status, body = api.upload(
        f"/proposals/{pid}/attachments", PDF_BYTES, required_document_id=document.pk
    )
    assert status == 201, body
    assert body["content_type"] == "application/pdf"
    assert body["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()

    status, body = api.get(f"/proposals/{pid}/validate")
    assert (status, body) == (200, {"ready": True, "steps": {}, "eligibility": []})

    status, detail = api.get(f"/proposals/{pid}")
    assert status == 200
    assert detail["ready"] is True
    assert {s["step"]: s["state"] for s in detail["steps"]} == {
        **{step: "done" for step in Step.values},
        "summary": "todo",
    }

    declarations = {"truthfulness": True, "privacy": True}
    status, receipt = api.post(f"/proposals/{pid}/submit", declarations)
    assert status == 200, receipt
    assert (receipt["number"], receipt["kind"], receipt["version"]) == (1, "submission", 1)
    assert receipt["content"]["proposal"] == pid
    assert receipt["content"]["budget"]["total_cost"] == "10000.00"
    canonical = Receipt.objects.get(pk=receipt["id"]).content
    assert receipt["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert json.loads(canonical) == receipt["content"]

    status, again = api.post(f"/proposals/{pid}/submit", declarations | {"expected_version": 0})
    assert (status, again) == (200, receipt)
    assert Receipt.objects.filter(proposal_id=pid).count() == 1

    status, receipts = api.get(f"/proposals/{pid}/receipts")
    assert status == 200
    assert [r["number"] for r in receipts] == [1]
    assert api.get(f"/receipts/{receipt['id']}") == (200, receipt)

    proposal = Proposal.objects.get(pk=pid)
    assert (proposal.status, proposal.version) == (ProposalStatus.SUBMITTED, 1)
    actions = set(
        AuditEvent.objects.filter(stream=f"proposal:{pid}").values_list("action", flat=True)
    )
    assert {"proposal.started", "proposal.step_saved", "proposal.submitted"} <= actions
    assert ApiToken.objects.get(user=rep).last_used_at == NOW


def test_my_proposals_are_listed_paginated_and_only_mine(call, rep):
    mine = [ProposalFactory(call=call, organisation=organisation_of(rep)) for _ in range(3)]
    ProposalFactory(call=call)

    status, body = api_for(rep).get("/proposals?limit=2")

    assert status == 200
    assert body["count"] == 3
    assert len(body["items"]) == 2
    assert {item["id"] for item in body["items"]} <= {p.pk for p in mine}
    assert body["items"][0]["city"] == call.city.slug


@pytest.mark.parametrize("n_proposals", [1, 6])
def test_the_list_of_proposals_does_not_grow_in_queries(
    call, rep, n_proposals, django_assert_max_num_queries
):
    for _ in range(n_proposals):
        complete_proposal(ProposalFactory(call=call, organisation=organisation_of(rep)))
    api = api_for(rep)

    with django_assert_max_num_queries(6):
        status, body = api.get("/proposals")

    assert (status, body["count"]) == (200, n_proposals)


def test_partners_of_a_network_and_files_can_be_added_and_removed(call, rep):
    api = api_for(rep)
    proposal = ProposalFactory(call=call, organisation=organisation_of(rep))
    partner = {
        "name": "Scuola Media Rossi",
        "kind": "school",
        "role": "Ospita",
        "resources": "Aule",
    }

    status, body = api.post(f"/proposals/{proposal.pk}/partners", partner)
    assert (status, body["code"]) == (422, "invalid")
    assert "rete di partenariato" in body["message"]

    applicant = {"revision": 1, "organisation_id": proposal.organisation_id, "is_network": True}
    assert api.put(f"/proposals/{proposal.pk}/applicant", applicant)[0] == 200
    status, body = api.post(f"/proposals/{proposal.pk}/partners", partner)
    assert status == 201, body
    partner_id = body["id"]
    status, body = api.upload(
        f"/proposals/{proposal.pk}/attachments",
        PDF_BYTES,
        name="lettera.pdf",
        partner_id=partner_id,
    )
    assert (status, body["partner_id"]) == (201, partner_id)
    _, detail = api.get(f"/proposals/{proposal.pk}")
    assert detail["applicant"]["partners"][0]["letter_id"] == body["id"]

    assert api.delete(f"/proposals/{proposal.pk}/attachments/{body['id']}") == (204, None)
    assert api.delete(f"/proposals/{proposal.pk}/partners/{partner_id}") == (204, None)
    assert not Partner.objects.filter(proposal=proposal).exists()
    assert not Attachment.objects.filter(proposal=proposal).exists()
    assert api.delete(f"/proposals/{proposal.pk}/partners/{partner_id}")[0] == 404


def test_reopen_and_withdraw_issue_the_next_receipts(call, rep):
    api = api_for(rep)
    proposal = complete_proposal(ProposalFactory(call=call, organisation=organisation_of(rep)))
    ExtraQuestion.objects.filter(call=call).update(is_required=False)
    api.post(f"/proposals/{proposal.pk}/submit", {"truthfulness": True, "privacy": True})

    status, body = api.post(f"/proposals/{proposal.pk}/reopen")
    assert (status, body) == (200, {"id": proposal.pk, "status": "reopened", "version": 1})

    status, receipt = api.post(f"/proposals/{proposal.pk}/withdraw", {"reason": "Rinunciamo."})
    assert status == 200, receipt
    assert (receipt["number"], receipt["kind"]) == (2, "withdrawal")
    assert receipt["content"]["reason"] == "Rinunciamo."
    assert [r["number"] for r in api.get(f"/proposals/{proposal.pk}/receipts")[1]] == [2, 1]


# Authentication


def test_session_auth_needs_the_csrf_header_to_write(call, rep):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    client.cookies["csrftoken"] = "a" * 32
    api = Api(client)
    start = {"organisation_id": organisation_of(rep).pk}

    assert api.get("/proposals")[0] == 200
    status, body = api.post(f"/calls/{call.pk}/proposals", start)
    assert (status, body["code"]) == (403, "csrf_failed")
    assert not Proposal.objects.exists()

    status, body = api.call(
        "post", f"/calls/{call.pk}/proposals", start, headers={"x-csrftoken": "a" * 32}
    )
    assert status == 201, body


@pytest.mark.parametrize(("method", "url"), [("get", "/proposals"), ("post", "/calls/1/proposals")])
def test_without_a_session_or_a_token_the_answer_is_401(db, method, url):
    status, body = Api(Client()).call(method, url, {} if method == "post" else None)

    assert (status, body["code"]) == (401, "unauthorized")


def test_a_revoked_an_expired_or_an_unknown_token_is_refused(rep):
    revoked, revoked_secret = create_token(user=rep, name="vecchio")
    revoke_token(token=revoked, by=rep)
    _expiring, expiring_secret = create_token(user=rep, name="in scadenza")

    def status_with(secret):
        return Api(Client(headers={"authorization": f"Bearer {secret}"})).get("/proposals")[0]

    assert status_with(expiring_secret) == 200
    assert status_with(revoked_secret) == 401
    assert status_with("rione_nonesiste") == 401
    with clock.travel_to(NOW + timedelta(days=366)):
        assert status_with(expiring_secret) == 401


def test_last_use_of_a_token_is_written_at_most_once_a_minute(rep):
    token, secret = create_token(user=rep, name="script")

    assert user_for_token(secret) == rep
    with clock.travel_to(NOW + timedelta(seconds=30)):
        assert user_for_token(secret) == rep
    token.refresh_from_db()
    assert token.last_used_at == NOW
    with clock.travel_to(NOW + timedelta(seconds=61)):
        user_for_token(secret)
    token.refresh_from_db()
    assert token.last_used_at == NOW + timedelta(seconds=61)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(AuditEvent.objects.values("data")))


# Refusals


def test_someone_elses_proposal_a_missing_one_and_a_draft_for_staff_are_all_404(call, rep):
    other = ProposalFactory(call=call)
    manager = StaffRoleFactory(city=call.city, role=Role.PROGRAMME_MANAGER).user
    api = api_for(rep)

    missing = api.get("/proposals/999999")
    assert missing[0] == 404
    assert api.get(f"/proposals/{other.pk}") == missing
    assert api.put(f"/proposals/{other.pk}/idea", idea(call)) == missing
    assert api.post(f"/proposals/{other.pk}/submit", {"truthfulness": True}) == missing
    assert api_for(manager).get(f"/proposals/{other.pk}") == missing
    assert missing[1]["code"] == "not_found"


def test_wrong_input_is_422_with_the_services_messages_and_nothing_is_stored(call, rep):
    api = api_for(rep)
    proposal = ProposalFactory(call=call, organisation=organisation_of(rep))
    url = f"/proposals/{proposal.pk}"

    status, body = api.put(f"{url}/budget", budget(call, quantity="0"))
    assert (status, body["code"]) == (422, "invalid")
    assert body["errors"] == {"__all__": ["Voce 1: la quantità deve essere maggiore di zero."]}

    status, body = api.put(
        f"{url}/budget",
        budget(call)
        | {
            "lines": [
                {"cost_category_id": 99999, "description": "x", "quantity": "1", "unit_cost": "1"}
            ]
        },
    )
    assert (status, body["errors"]) == (422, {"lines": ["Categoria di costo inesistente: 99999."]})

    status, body = api.put(f"{url}/budget", budget(call, unit_cost="cento"))
    assert (status, body["code"]) == (422, "invalid_request")

    status, body = api.put(f"{url}/idea", idea(call, title="x" * 201))
    assert (status, list(body["errors"])) == (422, ["title"])

    status, body = api.put(f"{url}/idea", idea(call, sector_id=99999))
    assert body["errors"] == {"sector_id": ["Settore inesistente: 99999."]}

    stranger = legal_rep()
    start = {"organisation_id": organisation_of(stranger).pk}
    status, body = api.post(f"/calls/{call.pk}/proposals", start)
    assert (status, list(body["errors"])) == (422, ["organisation_id"])

    proposal.refresh_from_db()
    assert not BudgetLine.objects.filter(proposal=proposal).exists()
    assert (proposal.title, proposal.step_revisions) == ("", {"applicant": 1})
    assert Proposal.objects.count() == 1


def test_a_stale_revision_is_409_and_nothing_is_stored(call, rep):
    api = api_for(rep)
    proposal = ProposalFactory(call=call, organisation=organisation_of(rep))
    assert api.put(f"/proposals/{proposal.pk}/idea", idea(call, title="Prima"))[0] == 200

    status, body = api.put(f"/proposals/{proposal.pk}/idea", idea(call, title="Seconda"))

    assert (status, body["code"]) == (409, "step_conflict")
    proposal.refresh_from_db()
    assert (proposal.title, proposal.step_revisions["idea"]) == ("Prima", 1)


def test_submitting_after_the_deadline_is_409_call_not_open(call, rep):
    api = api_for(rep)
    proposal = complete_proposal(ProposalFactory(call=call, organisation=organisation_of(rep)))

    with clock.travel_to(call.closes_at + timedelta(minutes=1)):
        status, body = api.post(
            f"/proposals/{proposal.pk}/submit", {"truthfulness": True, "privacy": True}
        )

    assert (status, body["code"]) == (409, "call_not_open")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    assert not Receipt.objects.exists()


def test_an_incomplete_proposal_is_409_with_its_problems(call, rep):
    proposal = ProposalFactory(call=call, organisation=organisation_of(rep))

    status, body = api_for(rep).post(f"/proposals/{proposal.pk}/submit", {"truthfulness": True})

    assert (status, body["code"]) == (409, "not_ready_to_submit")
    assert "Scegli il settore della proposta." in body["problems"]
    assert "Spunta le dichiarazioni finali per presentare la domanda." in body["problems"]


def test_a_member_who_is_not_legal_representative_cannot_submit(call, rep):
    proposal = complete_proposal(ProposalFactory(call=call, organisation=organisation_of(rep)))
    member = MembershipFactory(organisation=proposal.organisation, role=MemberRole.MEMBER).user
    api = api_for(member)

    assert api.get(f"/proposals/{proposal.pk}")[0] == 200
    status, body = api.post(
        f"/proposals/{proposal.pk}/submit", {"truthfulness": True, "privacy": True}
    )

    assert (status, body["code"]) == (403, "forbidden")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT


# Documentation


def test_the_openapi_document_lists_the_applicant_endpoints(client, db):
    spec = client.get("/api/openapi.json").json()

    applicant = {p: set(ops) for p, ops in spec["paths"].items() if p.startswith(BASE)}
    assert applicant == APPLICANT_PATHS
    for ops in spec["paths"].values():
        for operation in ops.values():
            if "Applicant" in operation.get("tags", []):
                assert operation["summary"]
                assert {"401", "404", "422"} <= set(operation["responses"])
    assert set(spec["components"]["securitySchemes"]) == {"BearerToken", "CsrfSession"}
    assert "Authorization: Bearer" in spec["info"]["description"]
    assert "step_conflict" in spec["info"]["description"]


# Token pages


@pytest.mark.urls(__name__)
def test_a_new_token_is_shown_once_then_only_listed(rep, client_for):
    client = client_for(rep)

    response = client.post(reverse("applicants:token_create"), {"name": "Il mio script"})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=rep)
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert user_for_token(secret) == rep
    listing = client.get(reverse("applicants:tokens"))
    assert listing.status_code == 200
    assert "Il mio script" in listing.content.decode()
    assert secret not in listing.content.decode()
    assert AuditEvent.objects.filter(action="api_token.created", object_id=str(token.pk)).exists()


@pytest.mark.urls(__name__)
def test_a_token_without_a_name_is_not_created(rep, client_for):
    response = client_for(rep).post(reverse("applicants:token_create"), {"name": " "})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ApiToken.objects.exists()


@pytest.mark.urls(__name__)
def test_a_token_is_revoked_by_its_owner_only(rep, client_for):
    token, secret = create_token(user=rep, name="script")
    url = reverse("applicants:token_revoke", args=[token.pk])

    assert client_for(UserFactory()).post(url).status_code == 404
    assert user_for_token(secret) == rep

    response = client_for(rep).post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("applicants:tokens")
    token.refresh_from_db()
    assert token.revoked_at == NOW
    assert user_for_token(secret) is None
    assert AuditEvent.objects.filter(action="api_token.revoked", object_id=str(token.pk)).exists()


@pytest.mark.urls(__name__)
def test_token_pages_need_a_login(db):
    response = Client().get(reverse("applicants:tokens"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
