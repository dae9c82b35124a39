"""Renunciation: the selected applicant renounces from the personal area (confirmation page,
then scorrimento), once; anyone else gets 404 or PermissionDenied; the manager's path stays."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import MembershipFactory
from rione.core.models import AuditEvent
from rione.core.tests.factories import UserFactory
from rione.evaluation.models import EntryStatus, RankingEntry
from rione.evaluation.services import EntryVacated, NotFinal, renounce
from rione.evaluation.tests.test_commissions import staff
from rione.evaluation.tests.test_rankings import final_ranking, published, ranked_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    """Three proposals, 9 000 € each, 18 000 € to share: the first two selected, in a final."""
    world = ranked_call(city, [90, 80, 70], budget=Decimal(18000))
    world.final = final_ranking(world)  # type: ignore[attr-defined]
    return world


def statuses(world) -> list[str]:
    by_proposal = dict(
        RankingEntry.objects.filter(ranking=world.final).values_list("proposal_id", "status")
    )
    return [by_proposal[p.pk] for p in world.proposals]


def entry_of(world, index: int) -> RankingEntry:
    return RankingEntry.objects.get(ranking=world.final, proposal=world.proposals[index])


def plain_member(proposal):
    """A member of the proposing organisation who may not commit it."""
    return MembershipFactory(
        organisation=proposal.organisation, user=UserFactory(), role=MemberRole.MEMBER
    ).user


class TestService:
    def test_the_applicant_renounces_and_the_next_moves_up(self, world):
        owner = world.proposals[0].created_by
        assert statuses(world) == ["selected", "selected", "eligible_not_selected"]

        promotion = renounce(entry=entry_of(world, 0), by=owner)

        assert promotion.promoted is not None
        assert promotion.promoted.proposal_id == world.proposals[2].pk
        assert statuses(world) == ["renounced", "selected", "selected"]
        event = AuditEvent.objects.get(action="ranking.entry_renounced")
        assert (event.actor, event.data["by_applicant"]) == (owner, True)
        assert AuditEvent.objects.get(action="ranking.promoted").actor == owner

    def test_anyone_else_is_refused_and_nothing_changes(self, world, city, citizen):
        entry = entry_of(world, 0)
        others = [
            citizen,
            staff(city),  # an evaluator
            plain_member(world.proposals[0]),
            world.proposals[1].created_by,  # another selected applicant
        ]

        for user in others:
            with pytest.raises(PermissionDenied):
                renounce(entry=entry, by=user)

        assert statuses(world) == ["selected", "selected", "eligible_not_selected"]
        assert not AuditEvent.objects.filter(action="ranking.entry_renounced").exists()

    def test_a_second_renunciation_is_refused_and_promotes_no_one(self, world):
        owner = world.proposals[0].created_by
        renounce(entry=entry_of(world, 0), by=owner)

        with pytest.raises(EntryVacated) as refused:
            renounce(entry=entry_of(world, 0), by=owner)

        assert "già registrata" in str(refused.value.message)
        assert statuses(world) == ["renounced", "selected", "selected"]
        assert AuditEvent.objects.filter(action="ranking.promoted").count() == 1

    def test_the_manager_path_still_works(self, world):
        promotion = renounce(entry=entry_of(world, 1), by=world.manager)

        assert promotion.promoted is not None
        assert statuses(world) == ["selected", "renounced", "selected"]
        event = AuditEvent.objects.get(action="ranking.entry_renounced")
        assert (event.actor, event.data["by_applicant"]) == (world.manager, False)

    def test_not_on_a_provisional_ranking(self, city):
        world = ranked_call(city, [90])
        provisional = published(world)
        proposal = world.proposals[0]

        with pytest.raises(NotFinal):
            renounce(entry=provisional.entries.get(), by=proposal.created_by)

        assert provisional.entries.get().status == EntryStatus.SELECTED


class TestPages:
    def url(self, world, index: int = 0) -> str:
        return reverse("evaluation:ranking_renounce", args=[world.proposals[index].pk])

    def test_confirmation_page_says_what_happens(self, world, client_for):
        response = client_for(world.proposals[0].created_by).get(self.url(world))

        page = response.content.decode()
        assert response.status_code == 200
        assert "proposta idonea successiva" in page
        assert "non si può annullare" in page
        assert 'name="confirm"' in page

    def test_wrong_users_get_404(self, world, city, citizen, client_for):
        for user in (
            world.manager,
            staff(city),
            citizen,
            plain_member(world.proposals[0]),
            world.proposals[1].created_by,
        ):
            client = client_for(user)
            assert client.get(self.url(world)).status_code == 404
            assert client.post(self.url(world), {"confirm": "on"}).status_code == 404
        assert statuses(world) == ["selected", "selected", "eligible_not_selected"]

    def test_404_without_a_final_ranking(self, city, client_for):
        world = ranked_call(city, [90])
        published(world)

        response = client_for(world.proposals[0].created_by).get(self.url(world))

        assert response.status_code == 404

    def test_without_the_confirmation_nothing_happens(self, world, client_for):
        response = client_for(world.proposals[0].created_by).post(self.url(world), {})

        assert response.status_code == 200
        assert "Spunta la conferma per rinunciare." in response.content.decode()
        assert statuses(world) == ["selected", "selected", "eligible_not_selected"]

    def test_renounce_then_a_double_submit_gets_a_message(self, world, client_for):
        client = client_for(world.proposals[0].created_by)

        done = client.post(self.url(world), {"confirm": "on"})
        again = client.post(self.url(world), {"confirm": "on"}, follow=True)

        assert done.status_code == 302 and done.url == reverse("applications:list")
        assert statuses(world) == ["renounced", "selected", "selected"]
        page = again.content.decode()
        assert "già registrata" in page
        assert "La rinuncia è registrata" in page
        assert 'name="confirm"' not in page
        assert AuditEvent.objects.filter(action="ranking.promoted").count() == 1

    def test_a_proposal_not_selected_cannot_renounce(self, world, client_for):
        client = client_for(world.proposals[2].created_by)

        page = client.get(self.url(world, 2)).content.decode()
        client.post(self.url(world, 2), {"confirm": "on"})

        assert "non è tra le selezionate" in page and 'name="confirm"' not in page
        assert statuses(world) == ["selected", "selected", "eligible_not_selected"]

    def test_the_manager_button_still_works(self, world, client_for):
        entry = entry_of(world, 0)
        url = reverse(
            "evaluation:entry_renounce", args=[world.call.city.slug, world.call.pk, entry.pk]
        )

        response = client_for(world.manager).post(url)

        assert response.status_code == 302
        assert statuses(world) == ["renounced", "selected", "selected"]


class TestMyProposals:
    def test_status_and_the_link_only_where_it_applies(self, world, client_for):
        lists = reverse("applications:list")
        renounce_url = reverse("evaluation:ranking_renounce", args=[world.proposals[0].pk])

        owner = client_for(world.proposals[0].created_by).get(lists).content.decode()
        member = client_for(plain_member(world.proposals[0])).get(lists).content.decode()
        waiting = client_for(world.proposals[2].created_by).get(lists).content.decode()

        assert "Graduatoria definitiva" in owner and "Selezionata" in owner
        assert f'href="{renounce_url}"' in owner
        assert "Selezionata" in member
        assert f'href="{renounce_url}"' not in member
        assert "Idonea non selezionata" in waiting
        assert "/rinuncia/" not in waiting

    def test_provisional_status_without_the_link(self, city, client_for):
        world = ranked_call(city, [90])
        published(world)

        page = client_for(world.proposals[0].created_by).get(reverse("applications:list"))

        text = page.content.decode()
        assert "Graduatoria provvisoria" in text and "Selezionata" in text
        assert "/rinuncia/" not in text
