"""A worker keeps what an application reads of its call for the same version of the call:
six queries fewer per page, and never an old configuration after a change made through the
services; what no service of the call changes is read again after the age limit."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rione.applications import selectors as application_selectors
from rione.applications.services import review_proposal
from rione.applications.tests.factories import ProposalFactory, complete_proposal, open_call
from rione.core.models import Role
from rione.core.tests.factories import StaffRoleFactory
from rione.programmes import selectors
from rione.programmes.models import RequiredDocument
from rione.programmes.services import (
    create_call_part,
    create_lot,
    delete_call_part,
    update_call,
    update_lot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.CALL_CONFIGURATION_CACHE_SECONDS = 60
    selectors._configurations.clear()
    yield
    selectors._configurations.clear()


@pytest.fixture
def proposal(city):
    return complete_proposal(ProposalFactory(call=open_call(programme__city=city)))


@pytest.fixture
def manager(city):
    return StaffRoleFactory(city=city, role=Role.PROGRAMME_MANAGER).user


def read(proposal):
    return application_selectors.get_proposal(pk=proposal.pk)


def documents(proposal) -> list[str]:
    return [d.title for d in read(proposal).call.required_documents.all()]


def test_the_second_read_of_the_same_call_saves_six_queries_and_reads_the_same(proposal):
    with CaptureQueriesContext(connection) as first:
        before = review_proposal(read(proposal))
    with CaptureQueriesContext(connection) as second:
        after = review_proposal(read(proposal))

    assert len(first) - len(second) == 6
    assert after == before


def test_another_call_is_not_served_from_the_first(city, proposal):
    other = complete_proposal(ProposalFactory(call=open_call(programme__city=city)))
    RequiredDocument.objects.create(call=other.call, title="Solo per l'altro avviso")
    read(proposal)

    assert "Solo per l'altro avviso" in documents(other)
    assert "Solo per l'altro avviso" not in documents(proposal)


def test_a_document_added_removed_or_a_lot_changed_is_seen_at_once(proposal, manager):
    call = proposal.call
    read(proposal)

    added = create_call_part(
        model=RequiredDocument, call=call, by=manager, values={"title": "Planimetria", "order": 9}
    )
    assert "Planimetria" in documents(proposal)

    delete_call_part(part=added, by=manager)
    assert "Planimetria" not in documents(proposal)

    lot = create_lot(call=call, by=manager, values={"title": "Lotto nuovo", "budget": Decimal(1)})
    assert "Lotto nuovo" in [lot.title for lot in read(proposal).call.lots.all()]
    update_lot(lot=lot, by=manager, values={"title": "Lotto rinominato"})
    assert "Lotto rinominato" in [lot.title for lot in read(proposal).call.lots.all()]


def test_eligible_neighbourhoods_changed_on_the_call_are_seen_at_once(city, proposal, manager):
    from rione.territory.tests.factories import NeighbourhoodFactory

    call = proposal.call
    kept = list(read(proposal).call.eligible_neighbourhoods.all())
    more = NeighbourhoodFactory(city=city, name="Borgo Nuovo")

    update_call(call=call, by=manager, values={}, m2m={"eligible_neighbourhoods": [*kept, more]})

    assert more in read(proposal).call.eligible_neighbourhoods.all()


def test_what_no_service_of_the_call_changes_is_read_again_after_the_age_limit(
    proposal, monkeypatch
):
    RequiredDocument.objects.filter(call=proposal.call).delete()
    read(proposal)
    RequiredDocument.objects.create(call=proposal.call, title="Aggiunto a mano")
    assert documents(proposal) == []  # the same version, within the age limit

    later = selectors.time.monotonic() + 61
    monkeypatch.setattr(selectors.time, "monotonic", lambda: later)

    assert documents(proposal) == ["Aggiunto a mano"]


def test_zero_turns_it_off(proposal, settings):
    settings.CALL_CONFIGURATION_CACHE_SECONDS = 0
    read(proposal)

    with CaptureQueriesContext(connection) as again:
        read(proposal)

    assert selectors._configurations == {}
    assert len(again) > 6
