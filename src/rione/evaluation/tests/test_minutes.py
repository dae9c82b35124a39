"""The commission's sessions and its minutes (verbale) as a PDF: services, document, pages.

People: a manager of the call's city, the commission's chair, a member and the secretary
(``build_panel``), an evaluator of the city on no commission, an evaluator who sits on the
commission of another call, a manager of another city, and an anonymous visitor.
"""

import hashlib
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rione.applications.models import Receipt
from rione.applications.tests.factories import open_call
from rione.core import clock
from rione.core.models import AuditEvent, Role, User
from rione.evaluation import minutes as minutes_document
from rione.evaluation.models import AppealOutcome, CommissionSession, ScoringMethod
from rione.evaluation.services import (
    assign_all,
    compute_ranking,
    create_commission,
    decide_appeal,
    declare_conflict,
    delete_session,
    file_appeal,
    publish_final,
    publish_provisional,
    record_consensus,
    record_session,
    sign_evaluation,
    update_session,
)
from rione.evaluation.tests.test_commissions import (
    Panel,
    build_panel,
    fresh,
    full_marks,
    staff,
    submitted,
)
from rione.evaluation.tests.test_rankings import ranked_call
from rione.evaluation.views import minutes as minutes_views
from rione.programmes.tests.factories import LotFactory

pytestmark = pytest.mark.django_db

PLACE = "Sala giunta, Palazzo San Giacomo"


def text_of(pdf: bytes) -> str:
    """The text of ``pdf``: read with pypdf when installed, else with our own reader."""
    try:
        import pypdf  # type: ignore[import-not-found]
    except ImportError:
        from rione.applications.tests.test_pdf import pdf_text

        return pdf_text(pdf)
    import io

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def seats(panel: Panel) -> list[Any]:
    return [panel.seat(panel.chair), panel.seat(panel.member)]


def record(panel: Panel, by: User | None = None, **overrides: Any) -> CommissionSession:
    values: dict[str, Any] = {
        "held_at": clock.now() - timedelta(days=1),
        "place": PLACE,
        "present": seats(panel),
        "notes": "Esame delle proposte; criteri discussi.",
        **overrides,
    }
    return record_session(commission=panel.commission, by=by or panel.chair, **values)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.fixture
def panel(city) -> Panel:
    return build_panel(city, n_proposals=0)  # sessions need no proposals


# Services


class TestRecordSession:
    def test_chair_records_and_it_is_audited(self, panel):
        held_at = clock.now() - timedelta(hours=3)

        session = record(panel, held_at=held_at, place="  videoconferenza ")

        session.refresh_from_db()
        assert (session.held_at, session.place, session.recorded_by) == (
            held_at,
            "videoconferenza",
            panel.chair,
        )
        assert set(session.present.all()) == set(seats(panel))
        (event,) = events("commission.session_recorded")
        assert event.actor == panel.chair
        assert event.stream == f"call:{panel.call.pk}"
        assert event.data["place"] == "videoconferenza"
        assert event.data["present"] == sorted([panel.chair.pk, panel.member.pk])

    def test_secretary_records(self, panel):
        record(panel, by=panel.secretary)

        assert CommissionSession.objects.get().recorded_by == panel.secretary

    @pytest.mark.parametrize("who", ["member", "manager", "outsider", "other_chair"])
    def test_others_are_refused_and_nothing_is_written(self, panel, city, who):
        other = build_panel(city, n_proposals=0) if who == "other_chair" else None
        user = {
            "member": panel.member,
            "manager": panel.manager,
            "outsider": staff(city),
            "other_chair": other.chair if other else None,
        }[who]

        with pytest.raises(PermissionDenied):
            record(panel, by=user)

        assert not CommissionSession.objects.exists()
        assert not events("commission.session_recorded")

    def test_bad_input_is_explained_in_italian_and_nothing_is_written(self, panel):
        with pytest.raises(ValidationError) as refused:
            record(
                panel, held_at=clock.now() + timedelta(minutes=5), place=" ", notes="", present=[]
            )

        messages = refused.value.message_dict
        assert set(messages) == {"held_at", "place", "notes", "present"}
        assert "futuro" in messages["held_at"][0]
        assert "componente presente" in messages["present"][0]
        assert not CommissionSession.objects.exists()
        assert not events("commission.session_recorded")

    def test_a_member_of_another_commission_cannot_be_present(self, panel, city):
        other = build_panel(city, n_proposals=0)

        with pytest.raises(ValidationError) as refused:
            record(panel, present=[panel.seat(panel.chair), other.seat(other.member)])

        assert "non fa parte di questa commissione" in refused.value.message_dict["present"][0]
        assert not CommissionSession.objects.exists()

    def test_a_missing_time_is_refused(self, panel):
        with pytest.raises(ValidationError) as refused:
            record(panel, held_at=None)

        assert set(refused.value.message_dict) == {"held_at"}

    def test_a_double_submit_records_one_session(self, panel):
        held_at = clock.now() - timedelta(days=2)
        record(panel, held_at=held_at)

        with pytest.raises(ValidationError) as refused:
            record(panel, held_at=held_at)

        assert "stessa data e ora" in refused.value.message_dict["held_at"][0]
        assert CommissionSession.objects.count() == 1
        assert len(events("commission.session_recorded")) == 1


class TestUpdateAndDeleteSession:
    def test_update_audits_what_changed(self, panel):
        session = record(panel)

        update_session(
            session=session,
            by=panel.secretary,
            held_at=session.held_at,
            place="videoconferenza",
            present=[panel.seat(panel.chair)],
            notes=session.notes,
        )

        session.refresh_from_db()
        assert session.place == "videoconferenza"
        assert list(session.present.all()) == [panel.seat(panel.chair)]
        (event,) = events("commission.session_updated")
        assert event.actor == panel.secretary
        assert event.data["changes"] == {
            "place": {"old": PLACE, "new": "videoconferenza"},
            "present": {
                "old": sorted([panel.chair.pk, panel.member.pk]),
                "new": [panel.chair.pk],
            },
        }

    def test_update_without_changes_writes_no_event(self, panel):
        session = record(panel)

        update_session(
            session=session,
            by=panel.chair,
            held_at=session.held_at,
            place=session.place,
            present=seats(panel),
            notes=session.notes,
        )

        assert not events("commission.session_updated")

    def test_update_is_refused_to_a_member_and_onto_another_sessions_time(self, panel):
        first = record(panel, held_at=clock.now() - timedelta(days=3))
        second = record(panel, held_at=clock.now() - timedelta(days=1))
        values = {"place": "Altrove", "present": seats(panel), "notes": "Altro."}

        with pytest.raises(PermissionDenied):
            update_session(session=second, by=panel.member, held_at=second.held_at, **values)
        with pytest.raises(ValidationError) as refused:
            update_session(session=second, by=panel.chair, held_at=first.held_at, **values)

        assert "held_at" in refused.value.message_dict
        second.refresh_from_db()
        assert second.place == PLACE
        assert not events("commission.session_updated")

    def test_delete_keeps_the_content_in_the_audit(self, panel):
        session = record(panel)

        with pytest.raises(PermissionDenied):
            delete_session(session=session, by=panel.member)
        assert CommissionSession.objects.exists()

        delete_session(session=session, by=panel.secretary)

        assert not CommissionSession.objects.exists()
        (event,) = events("commission.session_deleted")
        assert (event.actor, event.data["place"], event.data["notes"]) == (
            panel.secretary,
            PLACE,
            session.notes,
        )


# The minutes


def scored_panel(city, n_proposals: int = 2) -> Panel:
    """A panel whose member signs every proposal but the first, on which they declare a
    conflict; the chair signs every proposal. Plus one proposal of an informal group."""
    panel = build_panel(city, n_proposals=n_proposals)
    group = submitted(panel.call, title="Orto condiviso", by_group=True)
    assign_all(commission=panel.commission, by=panel.manager)
    panel.proposals.append(group)
    declare_conflict(
        proposal=panel.proposals[0],
        has_conflict=True,
        reason="Socia dell'associazione proponente.",
        by=panel.member,
    )
    for proposal in panel.proposals:
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.chair)
        sign_evaluation(proposal=proposal, by=panel.chair, points=full_marks(panel))
    for proposal in panel.proposals[1:]:
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.member)
        sign_evaluation(proposal=proposal, by=panel.member, points=full_marks(panel))
    return panel


def protocol(proposal) -> int:
    return (
        Receipt.objects.filter(proposal=proposal)
        .order_by("-protocol_number")
        .first()
        .protocol_number
    )


def natural_person_names(proposal) -> set[str]:
    """The names of natural persons in ``proposal``'s submission: declarant, group, contact."""
    content = json.loads(Receipt.objects.filter(proposal=proposal).first().content)
    names = {content["declarant"]["name"], proposal.created_by.get_full_name()}
    if content["applicant"].get("kind") == "informal_group":
        names.add(content["applicant"]["name"])
        names |= {m.get("name", "") for m in content["applicant"].get("members", [])}
    return {name for name in names if name}


class TestMinutesPdf:
    def test_it_carries_sessions_conflicts_scores_and_the_hash(self, city):
        panel = scored_panel(city)
        record(panel, notes="Decisa la griglia; discusse le proposte.")

        pdf, minutes = minutes_document.minutes_pdf(commission=panel.commission)

        assert pdf.startswith(b"%PDF")
        text = text_of(pdf)
        body = flat(text)
        assert flat(PLACE) in body
        assert flat("Decisa la griglia; discusse le proposte.") in body
        assert minutes.sha256 in body
        assert minutes.sha256 == hashlib.sha256(minutes.canonical.encode()).hexdigest()
        for proposal in panel.proposals:
            assert f"n.{protocol(proposal)}" in body
        assert str(panel.chair) in text and str(panel.member) in text
        # Chair: A.1 10 + A.2 20 + B 20 × 2 = 70 on every proposal.
        assert flat(f"{panel.chair}: 70,00") in body
        conflicts = minutes.data["conflicts"]
        assert [(c["member"], c["protocol_number"]) for c in conflicts] == [
            (panel.seat(panel.member).pk, protocol(panel.proposals[0]))
        ]
        results = {r["protocol_number"]: r for r in minutes.data["results"]}
        first = results[protocol(panel.proposals[0])]
        assert [s["member"] for s in first["signed"]] == [panel.seat(panel.chair).pk]
        assert first["final"] == "70.00" and first["complete"] is True
        assert "Socia dell'associazione" not in text  # the reason may name people
        assert minutes.data["admissibility"]["pending"] == len(panel.proposals)

    def test_a_consensus_commission_shows_the_agreed_score(self, city):
        panel = build_panel(city, n_proposals=1, method=ScoringMethod.CONSENSUS)
        proposal = panel.proposals[0]
        declare_conflict(proposal=proposal, has_conflict=False, reason="", by=panel.chair)
        a1, a2, b = panel.leaves
        record_consensus(
            commission=panel.commission,
            proposal=proposal,
            points={a1.pk: Decimal(6), a2.pk: Decimal(10), b.pk: Decimal(12)},
            by=panel.chair,
        )

        pdf, minutes = minutes_document.minutes_pdf(commission=panel.commission)

        (result,) = minutes.data["results"]
        # 6 + 10 + 12 × 2 = 40, agreed and final alike (no bonus).
        assert (result["signed"], result["consensus"], result["final"]) == ([], "40.00", "40.00")
        assert result["complete"] is True
        assert "Concordato" in text_of(pdf).split()

    def test_a_lot_commission_reports_only_its_lot(self, city):
        call = open_call(programme__city=city)
        lot_1, lot_2 = LotFactory(call=call), LotFactory(call=call)
        manager = staff(city, Role.PROGRAMME_MANAGER)
        mine = submitted(call, title="Nel lotto 1", lot=lot_1)
        submitted(call, title="Nel lotto 2", lot=lot_2)
        commission = create_commission(call=call, by=manager, name="Lotto 1", lot=lot_1)

        pdf, minutes = minutes_document.minutes_pdf(commission=commission)

        assert [r["protocol_number"] for r in minutes.data["results"]] == [protocol(mine)]
        assert minutes.data["commission"]["lot"]["number"] == lot_1.number
        text = text_of(pdf)
        assert "Nel lotto 1" in text and "Nel lotto 2" not in text

    def test_no_natural_person_applicant_is_named(self, city):
        panel = scored_panel(city)
        record(panel)

        pdf, minutes = minutes_document.minutes_pdf(commission=panel.commission)

        text = text_of(pdf)
        names = set().union(*(natural_person_names(p) for p in panel.proposals))
        assert names
        for name in names:
            assert flat(name) not in flat(text), name
            assert name not in minutes.canonical, name
        assert "Orto condiviso" in text  # the title is there, by protocol number

    def test_the_hash_covers_the_data_not_the_time_of_generation(self, city):
        panel = build_panel(city, n_proposals=0)
        session = record(panel)

        _pdf, first = minutes_document.minutes_pdf(commission=panel.commission)
        _pdf, again = minutes_document.minutes_pdf(
            commission=panel.commission, at=clock.now() + timedelta(hours=5)
        )
        update_session(
            session=session,
            by=panel.chair,
            held_at=session.held_at,
            place=session.place,
            present=seats(panel),
            notes="Testo corretto.",
        )
        _pdf, changed = minutes_document.minutes_pdf(commission=panel.commission)

        assert first.sha256 == again.sha256
        assert changed.sha256 != first.sha256

    def test_sessions_show_on_the_rome_clock(self, city):
        panel = build_panel(city, n_proposals=0)
        record(panel, held_at=clock.rome(2025, 7, 1, 9, 30))  # 07:30 UTC, summer time

        text = flat(text_of(minutes_document.minutes_pdf(commission=panel.commission)[0]))

        assert "01/07/202509:30" in text
        assert "Seduta n. 1".replace(" ", "") in text

    def test_ranking_decisions_appear(self, city):
        world = ranked_call(city, [70, 60])
        commission = world.call.commissions.get()
        ranking = publish_provisional(
            ranking=compute_ranking(call=world.call, by=world.manager), by=world.manager
        )
        proposal = world.proposals[1]
        appeal = file_appeal(
            ranking=ranking, proposal=proposal, by=proposal.created_by, text="Punteggio errato."
        )
        decide_appeal(
            appeal=appeal, by=world.manager, outcome=AppealOutcome.REJECTED, decision="Corretto."
        )
        publish_final(
            call=world.call,
            by=world.manager,
            act_number="7",
            act_date=date(2025, 6, 1),
            at=ranking.appeals_close_at + timedelta(minutes=1),
        )

        pdf, minutes = minutes_document.minutes_pdf(commission=commission)

        body = flat(text_of(pdf))
        assert [r["kind"] for r in minutes.data["rankings"]] == ["provisional", "final"]
        assert "n.701/06/2025" in body
        assert minutes.data["appeals"] == [
            {
                "protocol_number": protocol(proposal),
                "outcome": "rejected",
                "decided_at": minutes.data["appeals"][0]["decided_at"],
            }
        ]
        assert "Respinto" in body
        assert "Corretto." not in body  # decisions' texts stay out

    @pytest.mark.parametrize("n_proposals", [1, 6])
    def test_queries_do_not_grow_with_the_proposals(
        self, city, n_proposals, django_assert_max_num_queries
    ):
        panel = scored_panel(city, n_proposals=n_proposals)
        record(panel, held_at=clock.now() - timedelta(days=2))
        record(panel, held_at=clock.now() - timedelta(days=1), by=panel.secretary)
        commission = type(panel.commission).objects.get(pk=panel.commission.pk)

        with django_assert_max_num_queries(MINUTES_QUERIES):
            _pdf, minutes = minutes_document.minutes_pdf(commission=commission)

        assert len(minutes.data["results"]) == n_proposals + 1
        assert len(minutes.data["sessions"]) == 2


# minutes_data: commission, members, sessions, present, proposals, conflicts, rubric, signed
# scores, admissibility, rankings, appeals (11; 12 by consensus) + proposal_results (9) = 20.
MINUTES_QUERIES = 21
# The download adds the request's own: session, user, roles, city, call, commission, seats.
DOWNLOAD_QUERIES = MINUTES_QUERIES + 8


# Pages

MANAGER = frozenset({"manager"})
KEEPERS = frozenset({"chair", "secretary"})
READERS = MANAGER | KEEPERS | {"member"}


def make_people(panel: Panel, city, other_city) -> dict[str, User | None]:
    return {
        "manager": panel.manager,
        "chair": panel.chair,
        "member": panel.member,
        "secretary": panel.secretary,
        "evaluator": staff(city),
        "other_commission": fresh(build_panel(city, n_proposals=0).member),
        "other_manager": staff(other_city, Role.PROGRAMME_MANAGER),
        "anonymous": None,
    }


def client_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def fingerprint() -> tuple[Any, ...]:
    return (
        list(
            CommissionSession.objects.order_by("pk").values_list("pk", "place", "notes", "held_at")
        ),
        list(CommissionSession.present.through.objects.order_by("pk").values_list("pk")),
        AuditEvent.objects.count(),
    )


def session_data(panel: Panel, **overrides: Any) -> dict[str, Any]:
    moment = overrides.pop("held_at", clock.now() - timedelta(hours=2))
    return {
        "held_at": timezone.localtime(moment, clock.ROME).strftime("%Y-%m-%dT%H:%M"),
        "place": PLACE,
        "present": [panel.seat(panel.chair).pk, panel.seat(panel.secretary).pk],
        "notes": "Insediamento della commissione.",
        **overrides,
    }


@pytest.fixture
def world(city, other_city) -> dict[str, Any]:
    panel = build_panel(city, n_proposals=0)
    session = record(panel)
    return {
        "panel": panel,
        "session": session,
        "people": make_people(panel, city, other_city),
    }


def args_of(world: dict[str, Any], name: str) -> list[Any]:
    panel = world["panel"]
    call_args = [panel.call.city.slug, panel.call.pk]
    if name == "minutes_overview":
        return call_args
    commission_args = [*call_args, panel.commission.pk]
    if name in {"commission_session_edit", "commission_session_delete"}:
        return [*commission_args, world["session"].pk]
    return commission_args


MATRIX = {
    "minutes_overview": ("get", READERS, frozenset()),
    "commission_sessions": ("get", READERS, frozenset()),
    "commission_minutes_pdf": ("get", READERS, frozenset()),
    "commission_session_create": ("get", KEEPERS, frozenset({"manager", "member"})),
    "commission_session_edit": ("get", KEEPERS, frozenset({"manager", "member"})),
    "commission_session_delete": ("post", KEEPERS, frozenset({"manager", "member"})),
}


def url_names() -> set[str]:
    return {pattern.name for pattern in minutes_views.urlpatterns}


def test_every_url_is_in_the_matrix():
    assert url_names() == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name, world):
    method, allowed, forbidden = MATRIX[name]
    url = reverse(f"evaluation:{name}", args=args_of(world, name))
    for who, user in world["people"].items():
        label = f"{name} as {who}"
        with transaction.atomic():
            before = fingerprint()
            response = getattr(client_as(user), method)(url)
            if who in allowed:
                assert response.status_code == (200 if method == "get" else 302), label
            elif user is None:
                assert response.status_code == 302, label
                assert response["Location"].startswith(reverse("account_login")), label
            else:
                expected = 403 if who in forbidden else 404
                assert response.status_code == expected, (label, response.status_code)
            if who not in allowed or method == "get":
                assert fingerprint() == before, label
            transaction.set_rollback(True)


@pytest.mark.parametrize("who", ["manager", "member", "evaluator", "other_manager", "anonymous"])
def test_refused_posts_change_nothing(world, who):
    panel, session = world["panel"], world["session"]
    commission_args = [panel.call.city.slug, panel.call.pk, panel.commission.pk]
    client = client_as(world["people"][who])
    before = fingerprint()

    for name, args in [
        ("commission_session_create", commission_args),
        ("commission_session_edit", [*commission_args, session.pk]),
        ("commission_session_delete", [*commission_args, session.pk]),
    ]:
        response = client.post(
            reverse(f"evaluation:{name}", args=args), session_data(panel, place="Altrove")
        )
        assert response.status_code in {302, 403, 404}, (name, response.status_code)
        if who == "anonymous":
            assert response["Location"].startswith(reverse("account_login"))

    assert fingerprint() == before


class TestSessionPages:
    def test_secretary_records_a_session_from_the_form(self, world, client_for):
        panel = world["panel"]
        client = client_for(panel.secretary)
        url = reverse(
            "evaluation:commission_session_create",
            args=[panel.call.city.slug, panel.call.pk, panel.commission.pk],
        )

        response = client.post(url, session_data(panel))

        assert response.status_code == 302
        created = CommissionSession.objects.exclude(pk=world["session"].pk).get()
        assert created.recorded_by == panel.secretary
        assert set(created.present.all()) == {
            panel.seat(panel.chair),
            panel.seat(panel.secretary),
        }
        page = client.get(response["Location"])
        assert "Insediamento della commissione." in page.content.decode()

    def test_a_future_session_is_explained_and_nothing_is_saved(self, world, client_for):
        panel = world["panel"]
        url = reverse(
            "evaluation:commission_session_create",
            args=[panel.call.city.slug, panel.call.pk, panel.commission.pk],
        )
        before = fingerprint()

        response = client_for(panel.chair).post(
            url, session_data(panel, held_at=clock.now() + timedelta(days=1))
        )

        assert response.status_code == 200
        assert "nel futuro" in response.content.decode()
        assert fingerprint() == before

    def test_a_double_submit_is_explained(self, world, client_for):
        panel = world["panel"]
        url = reverse(
            "evaluation:commission_session_create",
            args=[panel.call.city.slug, panel.call.pk, panel.commission.pk],
        )
        client = client_for(panel.chair)
        data = session_data(panel)

        assert client.post(url, data).status_code == 302
        response = client.post(url, data)

        assert response.status_code == 200
        assert "stessa data e ora" in response.content.decode()
        assert CommissionSession.objects.count() == 2

    def test_the_edit_page_corrects_and_deletes(self, world, client_for):
        panel, session = world["panel"], world["session"]
        args = [panel.call.city.slug, panel.call.pk, panel.commission.pk, session.pk]
        client = client_for(panel.chair)

        page = client.get(reverse("evaluation:commission_session_edit", args=args))
        assert PLACE in page.content.decode()
        response = client.post(
            reverse("evaluation:commission_session_edit", args=args),
            session_data(panel, held_at=session.held_at, place="videoconferenza"),
        )
        assert response.status_code == 302
        session.refresh_from_db()
        assert session.place == "videoconferenza"

        response = client.post(reverse("evaluation:commission_session_delete", args=args))
        assert response.status_code == 302
        assert not CommissionSession.objects.filter(pk=session.pk).exists()

    def test_the_pdf_download(self, world, client_for):
        panel = world["panel"]
        url = reverse(
            "evaluation:commission_minutes_pdf",
            args=[panel.call.city.slug, panel.call.pk, panel.commission.pk],
        )

        response = client_for(panel.member).get(url)

        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert flat(PLACE) in flat(text_of(response.content))

    def test_the_subnav_leads_to_sessions_and_minutes(self, world, client_for):
        panel = world["panel"]
        call_args = [panel.call.city.slug, panel.call.pk]
        client = client_for(panel.manager)

        page = client.get(reverse("evaluation:commission_list", args=call_args)).content.decode()
        assert reverse("evaluation:minutes_overview", args=call_args) in page
        overview = client.get(reverse("evaluation:minutes_overview", args=call_args))
        html = overview.content.decode()
        assert (
            reverse("evaluation:commission_minutes_pdf", args=[*call_args, panel.commission.pk])
            in html
        )
        sessions = client.get(
            reverse("evaluation:commission_sessions", args=[*call_args, panel.commission.pk])
        ).content.decode()
        assert PLACE in sessions
        assert "Registra una seduta" not in sessions  # the manager does not keep the minutes


@pytest.mark.parametrize("n_proposals", [1, 6])
def test_download_queries_do_not_grow(city, client_for, n_proposals, django_assert_max_num_queries):
    panel = scored_panel(city, n_proposals=n_proposals)
    record(panel)
    url = reverse(
        "evaluation:commission_minutes_pdf",
        args=[city.slug, panel.call.pk, panel.commission.pk],
    )
    client = client_for(panel.chair)

    with django_assert_max_num_queries(DOWNLOAD_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
