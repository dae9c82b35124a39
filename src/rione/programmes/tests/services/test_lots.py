from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core.tests.audit_helpers import events_of, only_event
from rione.programmes.models import Lot
from rione.programmes.services import create_lot, update_lot
from rione.programmes.tests.factories import LotFactory
from rione.territory.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_a_manager_adds_numbered_lots_with_sites(draft_call, city, manager):
    site = SiteFactory(city=city)

    first = create_lot(
        call=draft_call,
        by=manager,
        values={"title": "Scampia", "budget": Decimal("40000.00")},
        m2m={"sites": [site]},
    )
    second = create_lot(call=draft_call, by=manager, values={"title": "Sanità"})

    assert (first.number, second.number) == (1, 2)
    assert list(first.sites.all()) == [site]
    event = only_event(first, "lot.created")
    assert (event.actor, event.stream) == (manager, f"call:{draft_call.pk}")
    assert event.data["after"]["sites"] == [site.pk]


def test_lot_budgets_may_not_exceed_the_call_budget(draft_call, manager):
    LotFactory(call=draft_call, budget=Decimal("60000.00"))  # of 100 000

    with pytest.raises(ValidationError) as caught:
        create_lot(
            call=draft_call, by=manager, values={"title": "Troppo", "budget": Decimal("40000.01")}
        )

    assert list(caught.value.message_dict) == ["budget"]
    assert Lot.objects.filter(call=draft_call).count() == 1


def test_lot_budgets_may_reach_the_call_budget(draft_call, manager):
    LotFactory(call=draft_call, budget=Decimal("60000.00"))

    create_lot(
        call=draft_call, by=manager, values={"title": "Giusto", "budget": Decimal("40000.00")}
    )

    assert Lot.objects.filter(call=draft_call).count() == 2


def test_a_lot_raised_within_the_budget_does_not_count_itself_twice(draft_call, manager):
    lot = LotFactory(call=draft_call, budget=Decimal("60000.00"))

    update_lot(lot=lot, by=manager, values={"budget": Decimal("100000.00")})

    lot.refresh_from_db()
    assert lot.budget == Decimal("100000.00")
    assert only_event(lot, "lot.updated").data["changes"]["budget"] == {
        "old": "60000.00",
        "new": "100000.00",
    }


def test_a_lot_raised_beyond_the_budget_is_refused(draft_call, manager):
    LotFactory(call=draft_call, budget=Decimal("30000.00"))
    lot = LotFactory(call=draft_call, budget=Decimal("60000.00"))

    with pytest.raises(ValidationError):
        update_lot(lot=lot, by=manager, values={"budget": Decimal("70000.01")})

    lot.refresh_from_db()
    assert lot.budget == Decimal("60000.00")
    assert events_of(Lot, lot.pk) == []


def test_a_site_of_another_city_is_refused(draft_call, other_city, manager):
    with pytest.raises(ValidationError) as caught:
        create_lot(
            call=draft_call,
            by=manager,
            values={"title": "Altrove"},
            m2m={"sites": [SiteFactory(city=other_city)]},
        )

    assert list(caught.value.message_dict) == ["sites"]
    assert not Lot.objects.filter(call=draft_call).exists()


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_add_lots(draft_call, who, request):
    with pytest.raises(PermissionDenied):
        create_lot(call=draft_call, by=request.getfixturevalue(who), values={"title": "X"})

    assert not Lot.objects.filter(call=draft_call).exists()
