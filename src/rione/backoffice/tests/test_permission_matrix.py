"""Every back-office URL, every role, own city and other city: who gets in, and that refusals change nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import SUCCESS, get_messages
from django.db import transaction
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from rione.applications import services as application_services
from rione.applications.tests.factories import (
    PDF_BYTES,
    ProposalFactory,
    attach_bytes,
    complete_proposal,
    open_call,
)
from rione.backoffice import urls as backoffice_urls
from rione.core.exports import build_export_file
from rione.core.models import AuditEvent, ExportKind, Invitation, Role, StaffRole
from rione.core.services_exports import request_export
from rione.portal.models import News, Story
from rione.programmes.models import (
    Call,
    CallDocument,
    ExtraQuestion,
    FaqEntry,
    GrantRule,
    Lot,
    Programme,
    RequiredDocument,
    Stage,
)
from rione.territory.models import District, Neighbourhood, Sector, Site

ADMIN = frozenset({Role.CITY_ADMIN})
MANAGERS = frozenset({Role.CITY_ADMIN, Role.PROGRAMME_MANAGER})
STAFF = frozenset(Role.values)
EVERYONE = "everyone"  # also people without a role and anonymous visitors


@dataclass(frozen=True)
class Case:
    method: str  # "get" for pages and forms, "post" for actions
    allowed: frozenset[str] | str
    args: Callable[[Any], list[Any]]
    city_scoped: bool = True
    data: Callable[[Any], dict[str, Any]] | None = None


def c(w: Any) -> list[Any]:
    return [w.city.slug]


def call(w: Any) -> list[Any]:
    return [w.city.slug, w.call.pk]


def part(name: str) -> Callable[[Any], list[Any]]:
    return lambda w: [w.city.slug, w.call.pk, getattr(w, name).pk]


def obj(name: str) -> Callable[[Any], list[Any]]:
    return lambda w: [w.city.slug, getattr(w, name).pk]


def with_proposal(w: Any) -> Any:
    """Add to ``w`` (once) an open call with a submitted proposal, its file and a question."""
    if "proposal" not in w.objects:
        open_ = open_call(programme=w.programme)
        proposal = complete_proposal(ProposalFactory(call=open_))
        attachment = attach_bytes(proposal, PDF_BYTES)
        application_services.submit_proposal(
            proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
        )
        question = application_services.ask_question(
            call=open_, by=proposal.created_by, text="Si può presentare più di una proposta?"
        )
        w.objects.update(
            open_call=open_, proposal=proposal, attachment=attachment, applicant_question=question
        )
    return w


def with_export(w: Any) -> Any:
    """Add to ``w`` (once) a finished XLSX export of the open call's proposals."""
    w = with_proposal(w)
    if "export" not in w.objects:
        export = request_export(
            kind=ExportKind.PROPOSALS,
            params={"call": w.open_call.pk},
            city=w.city,
            public=False,
            by=w.admin,
        )
        build_export_file(export.pk)
        w.objects["export"] = export
    return w


def on_export(w: Any) -> list[Any]:
    return [w.city.slug, with_export(w).export.token]


def on_open_call(*names: str) -> Callable[[Any], list[Any]]:
    def args(w: Any) -> list[Any]:
        w = with_proposal(w)
        return [w.city.slug, w.open_call.pk, *(getattr(w, name).pk for name in names)]

    return args


MATRIX: dict[str, Case] = {
    "home": Case("get", STAFF, lambda w: [], city_scoped=False),
    "invitation_accept": Case("get", EVERYONE, lambda w: [w.invitation.token], city_scoped=False),
    "city": Case("get", STAFF, c),
    # programmes
    "programme_list": Case("get", STAFF, c),
    "programme_create": Case("get", MANAGERS, c),
    "programme_edit": Case("get", MANAGERS, obj("programme")),
    "programme_publish": Case("post", MANAGERS, obj("programme")),
    "programme_history": Case("get", MANAGERS, obj("programme")),
    "programme_unpublish": Case("post", MANAGERS, obj("programme")),
    "stage_create": Case("get", MANAGERS, obj("programme")),
    "stage_edit": Case("get", MANAGERS, lambda w: [w.city.slug, w.programme.pk, w.stage.pk]),
    "stage_delete": Case("post", MANAGERS, lambda w: [w.city.slug, w.programme.pk, w.stage.pk]),
    # calls
    "call_list": Case("get", STAFF, c),
    "call_create": Case("get", MANAGERS, obj("programme")),
    "call_detail": Case("get", STAFF, call),
    "call_edit": Case("get", MANAGERS, call),
    "call_transition": Case("post", MANAGERS, call, data=lambda w: {"target": "publish"}),
    "call_history": Case("get", MANAGERS, call),
    "amendment_create": Case("get", MANAGERS, call),
    "document_create": Case("get", MANAGERS, call),
    "document_delete": Case("post", MANAGERS, part("document")),
    "faq_publish": Case("post", MANAGERS, part("faq")),
    # proposals and applicants' questions
    "proposal_list": Case("get", STAFF, on_open_call()),
    "proposal_detail": Case("get", STAFF, on_open_call("proposal")),
    "proposal_attachment": Case("get", STAFF, on_open_call("proposal", "attachment")),
    "proposal_export_csv": Case("get", MANAGERS, on_open_call()),
    "proposal_export_xlsx": Case("post", MANAGERS, on_open_call()),
    "export_progress": Case("get", MANAGERS, on_export),
    "export_download": Case("get", MANAGERS, on_export),
    "export_retry": Case("post", MANAGERS, on_export),
    "applicant_question_list": Case("get", MANAGERS, on_open_call()),
    "applicant_question_answer": Case(
        "post",
        MANAGERS,
        on_open_call("applicant_question"),
        data=lambda w: {"answer": "Una sola per ente.", "publish_as_faq": "on"},
    ),
    **{
        f"{kind}_{verb}": Case(
            "post" if verb == "delete" else "get",
            MANAGERS,
            call if verb == "create" else part(kind),
        )
        for kind in ("lot", "grantrule", "requireddocument", "question", "faq")
        for verb in ("create", "edit", "delete")
    },
    # territory
    "city_details": Case("get", ADMIN, c),
    "site_list": Case("get", STAFF, c),
    "site_create": Case("get", MANAGERS, c),
    "site_edit": Case("get", MANAGERS, obj("site")),
    "site_delete": Case("post", MANAGERS, obj("site")),
    "district_list": Case("get", ADMIN, c),
    "district_create": Case("get", ADMIN, c),
    "district_edit": Case("get", ADMIN, obj("district")),
    "district_delete": Case("post", ADMIN, obj("empty_district")),
    "neighbourhood_list": Case("get", ADMIN, c),
    "neighbourhood_create": Case("get", ADMIN, c),
    "neighbourhood_edit": Case("get", ADMIN, obj("neighbourhood")),
    "neighbourhood_delete": Case("post", ADMIN, obj("neighbourhood")),
    "taxonomy_index": Case("get", ADMIN, c),
    "term_list": Case("get", ADMIN, lambda w: [w.city.slug, "settori"]),
    "term_create": Case("get", ADMIN, lambda w: [w.city.slug, "proponenti"]),
    "term_edit": Case("get", ADMIN, lambda w: [w.city.slug, "settori", w.term.pk]),
    # portal content
    **{
        f"{kind}_{verb}": Case(
            "post" if verb in {"publish", "unpublish"} else "get",
            MANAGERS,
            c if verb in {"list", "create"} else obj(kind),
        )
        for kind in ("news", "story")
        for verb in ("list", "create", "edit", "publish", "unpublish")
    },
    # staff and audit
    "staff_list": Case("get", ADMIN, c),
    "staff_invite": Case("get", ADMIN, c),
    "staff_grant": Case("get", ADMIN, c),
    "staff_revoke": Case("post", ADMIN, obj("mentor_role")),
    "invitation_revoke": Case("post", ADMIN, obj("invitation")),
    "audit_log": Case("get", MANAGERS, c),
}

WATCHED = [
    AuditEvent,
    Programme,
    Stage,
    Call,
    Lot,
    GrantRule,
    RequiredDocument,
    ExtraQuestion,
    FaqEntry,
    CallDocument,
    Site,
    District,
    Neighbourhood,
    Sector,
    News,
    Story,
    StaffRole,
    Invitation,
]


def fingerprint() -> dict[str, Any]:
    """Row counts and latest edits of everything the back office can write."""
    result: dict[str, Any] = {}
    for model in WATCHED:
        result[model.__name__] = model.objects.count()
        if any(f.name == "updated_at" for f in model._meta.fields):
            result[f"{model.__name__}.updated_at"] = model.objects.aggregate(m=Max("updated_at"))[
                "m"
            ]
    result["published"] = sorted(
        [str(v) for v in Programme.objects.values_list("pk", "is_published")]
        + [str(v) for v in Call.objects.values_list("pk", "status")]
        + [str(v) for v in FaqEntry.objects.values_list("pk", "published_at")]
        + [str(v) for v in News.objects.values_list("pk", "published_at")]
        + [str(v) for v in Invitation.objects.values_list("pk", "revoked_at")]
    )
    return result


def all_names(patterns: list[Any]) -> set[str]:
    names: set[str] = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            names |= all_names(entry.url_patterns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(entry.name)
    return names


def test_every_backoffice_url_is_in_the_matrix():
    assert all_names(backoffice_urls.urlpatterns) == set(MATRIX)


PEOPLE = [(role, where) for role in Role.values for where in ("own", "other")] + [
    ("no_role", None),
    ("anonymous", None),
]


def expected_ok(case: Case, role: str, where: str | None) -> bool:
    if case.allowed == EVERYONE:
        return True
    if role in {"no_role", "anonymous"}:
        return False
    if where == "other" and case.city_scoped:
        return False
    return role in case.allowed


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name, world, other_city, make_staff):
    case = MATRIX[name]
    url = reverse(f"backoffice:{name}", args=case.args(world))
    people: dict[tuple[str, str | None], Any] = {}
    for role, where in PEOPLE:
        if role == "anonymous":
            people[(role, where)] = None
        elif role == "no_role":
            people[(role, where)] = make_staff(world.city, Role.MENTOR)
            StaffRole.objects.filter(user=people[(role, where)]).delete()
        else:
            people[(role, where)] = make_staff(world.city if where == "own" else other_city, role)

    for (role, where), user in people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        ok = expected_ok(case, role, where)
        with transaction.atomic():
            before = fingerprint()
            data = case.data(world) if case.data else {}
            response = getattr(client, case.method)(url, data)
            who = f"{name} as {role}/{where}"
            if ok:
                if case.method == "get":
                    assert response.status_code == 200, who
                else:
                    assert response.status_code == 302, who
                    levels = [m.level for m in get_messages(response.wsgi_request)]
                    assert SUCCESS in levels, (
                        who,
                        [str(m) for m in get_messages(response.wsgi_request)],
                    )
            else:
                if user is None:
                    assert response.status_code == 302, who
                    assert response["Location"].startswith(reverse("account_login")), who
                else:
                    assert response.status_code in {403, 404}, (who, response.status_code)
                # A refused request changes nothing, whatever it sends.
                if case.method == "get":
                    response = client.post(url, data or {"title": "x", "name": "x"})
                    assert response.status_code in ({302} if user is None else {403, 404}), who
                assert fingerprint() == before, who
            transaction.set_rollback(True)
