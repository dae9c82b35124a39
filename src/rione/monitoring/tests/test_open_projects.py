"""The published projects behind the open data follow every change of what selects a
proposal: a ranking published (provisional, then final), an entry renounced with the next
one promoted, a proposal withdrawn, a new version; the management command rebuilds them."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rione.applications import services as application_services
from rione.monitoring.models import ApplicantType, OpenProject, OpenStatus
from rione.monitoring.opendata import project_rows
from rione.monitoring.services import refresh_open_projects
from rione.monitoring.tests.givens import known_call
from rione.programmes.models import Call

pytestmark = pytest.mark.django_db


def titles(call) -> list[str]:
    return [r["titolo"] for r in project_rows(call=call)]


def codes(call) -> list[int]:
    return list(
        OpenProject.objects.filter(call=call)
        .order_by("proposal")
        .values_list("proposal", flat=True)
    )


class TestRankings:
    @pytest.fixture
    def world(self, city):
        from rione.evaluation.tests.test_rankings import ranked_call

        return ranked_call(city, [90, 80, 70], budget=Decimal(18000))

    def test_a_computed_ranking_publishes_nothing_until_it_is_published(self, world):
        from rione.evaluation.services import compute_ranking, publish_provisional

        ranking = compute_ranking(call=world.call, by=world.manager)
        assert titles(world.call) == []

        publish_provisional(ranking=ranking, by=world.manager)

        assert titles(world.call) == ["Proposta 0", "Proposta 1"]
        assert {p.status for p in OpenProject.objects.filter(call=world.call)} == {
            OpenStatus.SELECTED_PROVISIONAL
        }

    def test_the_final_ranking_replaces_the_provisional(self, world):
        from rione.evaluation.tests.test_rankings import final_ranking

        final = final_ranking(world)

        rows = list(project_rows(call=world.call))
        assert [r["stato"] for r in rows] == ["Selezionato in graduatoria definitiva"] * 2
        assert set(OpenProject.objects.values_list("ranking", flat=True)) == {final.pk}

    def test_a_renunciation_takes_the_project_out_and_the_promoted_one_in(self, world):
        from rione.evaluation.models import RankingEntry
        from rione.evaluation.services import renounce
        from rione.evaluation.tests.test_rankings import final_ranking

        final = final_ranking(world)
        first, second, third = world.proposals
        entry = RankingEntry.objects.get(ranking=final, proposal=first)

        renounce(entry=entry, by=first.created_by)

        assert codes(world.call) == [second.pk, third.pk]
        promoted = OpenProject.objects.get(proposal=third)
        assert promoted.awarded == Decimal("9000.00")
        assert titles(world.call) == ["Proposta 1", "Proposta 2"]


class TestApplicantChanges:
    @pytest.fixture
    def world(self, city):
        return known_call(city)

    def test_a_selected_proposal_withdrawn_leaves_the_open_data(self, world):
        p1, p3 = world.proposals["p1"], world.proposals["p3"]
        assert codes(world.call) == [p1.pk, p3.pk]

        application_services.withdraw_proposal(proposal=p1, by=p1.created_by, reason="Rinuncia.")

        assert codes(world.call) == [p3.pk]

    def test_a_new_version_of_a_selected_proposal_is_published_once(self, world):
        p1 = world.proposals["p1"]
        application_services.reopen_proposal(proposal=p1, by=p1.created_by)
        p1.title = "Biblioteca di cortile, seconda versione"
        p1.save(update_fields=["title"])

        receipt = application_services.submit_proposal(
            proposal=p1, by=p1.created_by, truthfulness=True, privacy=True
        )

        assert OpenProject.objects.get(proposal=p1).receipt == receipt
        assert titles(world.call).count("Biblioteca di cortile, seconda versione") == 1
        assert len(titles(world.call)) == 2

    def test_a_proposal_not_selected_costs_its_submission_nothing_here(self, world):
        p2 = world.proposals["p2"]
        application_services.reopen_proposal(proposal=p2, by=p2.created_by)

        application_services.submit_proposal(
            proposal=p2, by=p2.created_by, truthfulness=True, privacy=True
        )

        assert p2.pk not in codes(world.call)


class TestRefresh:
    @pytest.fixture
    def world(self, city):
        return known_call(city)

    def test_the_columns_come_from_the_submitted_version(self, world):
        p1, p3 = world.proposals["p1"], world.proposals["p3"]

        one, group = OpenProject.objects.filter(pk__in=[p1.pk, p3.pk]).order_by("pk")

        assert (one.applicant_type, group.applicant_type) == (
            ApplicantType.ETS,
            ApplicantType.INFORMAL_GROUP,
        )
        assert list(one.neighbourhoods.all()) == [world.places["N1"]]
        assert {t.slug for t in one.target_groups.all()} == {
            t.target_group.slug for t in p1.targets.select_related("target_group")
        }
        assert one.sector == p1.sector
        assert (one.awarded, group.awarded) == (Decimal("9000.00"), Decimal("4000.00"))
        assert one.first_submitted_at == p1.submitted_at

    def test_refreshing_twice_changes_nothing(self, world):
        before = list(OpenProject.objects.values_list("pk", "receipt", "status", "awarded"))
        links = OpenProject.neighbourhoods.through.objects.count()

        assert refresh_open_projects(Call.objects.filter(pk=world.call.pk)) == 2

        after = list(OpenProject.objects.values_list("pk", "receipt", "status", "awarded"))
        assert after == before
        assert OpenProject.neighbourhoods.through.objects.count() == links

    def test_a_name_the_city_no_longer_has_is_kept_in_the_record_not_in_the_filters(self, world):
        world.places["N1"].name = "San Ferdinando Nuovo"
        world.places["N1"].save(update_fields=["name"])

        refresh_open_projects(Call.objects.filter(pk=world.call.pk))

        p1 = OpenProject.objects.get(proposal=world.proposals["p1"])
        assert list(p1.neighbourhoods.all()) == []
        assert next(r["quartieri"] for r in project_rows(call=world.call)) == ["San Ferdinando"]

    @pytest.mark.parametrize(
        ("applicant", "expected"),
        [
            ({"kind": "informal_group", "legal_form": "aps"}, ApplicantType.INFORMAL_GROUP),
            ({"kind": "organisation", "legal_form": "aps"}, ApplicantType.ETS),
            ({"kind": "organisation", "legal_form": "aps", "network": True}, "ets_network"),
            ({"kind": "organisation", "legal_form": "company"}, ApplicantType.OTHER),
            ({"kind": "organisation", "legal_form": "srl", "network": True}, "other_network"),
            ({"kind": "organisation", "legal_form": ["aps"]}, ApplicantType.OTHER),
            ({}, ApplicantType.OTHER),
        ],
    )
    def test_applicant_types(self, applicant, expected):
        assert ApplicantType.of(applicant) == expected


class TestCommand:
    def test_it_rebuilds_what_was_lost(self, city):
        world = known_call(city)
        OpenProject.objects.all().delete()
        out = StringIO()

        call_command("refresh_open_projects", stdout=out)

        assert "2 published projects written" in out.getvalue()
        assert codes(world.call) == [world.proposals["p1"].pk, world.proposals["p3"].pk]

    def test_one_city_only_and_an_unknown_city_is_an_error(self, city, other_city):
        known_call(city)
        OpenProject.objects.all().delete()

        call_command("refresh_open_projects", city=other_city.slug, stdout=StringIO())
        assert not OpenProject.objects.exists()

        with pytest.raises(CommandError):
            call_command("refresh_open_projects", city="atlantide")
