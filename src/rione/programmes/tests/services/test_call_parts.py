from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from rione.core.tests.audit_helpers import events_of, only_event
from rione.programmes.models import FaqEntry, GrantRule, RequiredDocument
from rione.programmes.services import (
    create_call_part,
    delete_call_part,
    publish_faq,
    update_call_part,
)
from rione.programmes.tests.factories import FaqEntryFactory, GrantRuleFactory
from rione.territory.models import ApplicantCategory

pytestmark = pytest.mark.django_db

RULE = {
    "category": ApplicantCategory.ETS,
    "min_grant": Decimal("50000.00"),
    "max_grant": Decimal("140000.00"),
    "min_cofinancing_pct": Decimal("10.00"),
}


def test_a_manager_sets_a_grant_rule(draft_call, manager):
    rule = create_call_part(model=GrantRule, call=draft_call, by=manager, values=RULE)

    assert rule.call == draft_call
    event = only_event(rule, "grantrule.created")
    assert event.stream == f"call:{draft_call.pk}"
    assert event.data["after"]["min_cofinancing_pct"] == "10.00"


@pytest.mark.parametrize(
    "bad",
    [
        {"min_grant": Decimal("150000.00")},  # above the maximum
        {"min_cofinancing_pct": Decimal("101")},
        {"min_cofinancing_pct": Decimal("-1")},
        {"max_grant": Decimal("-5")},
    ],
)
def test_an_impossible_grant_rule_is_refused(draft_call, manager, bad):
    with pytest.raises(ValidationError):
        create_call_part(model=GrantRule, call=draft_call, by=manager, values={**RULE, **bad})

    assert not GrantRule.objects.exists()


def test_one_rule_per_applicant_category(draft_call, manager):
    create_call_part(model=GrantRule, call=draft_call, by=manager, values=RULE)

    with pytest.raises(ValidationError):
        create_call_part(model=GrantRule, call=draft_call, by=manager, values=RULE)

    assert GrantRule.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"min_grant": Decimal("2"), "max_grant": Decimal("1")},
        {"min_cofinancing_pct": Decimal("101")},
    ],
)
def test_the_database_refuses_impossible_grant_rules_too(draft_call, bad):
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantRuleFactory(call=draft_call, **bad)


def test_another_citys_manager_cannot_set_grant_rules(draft_call, other_manager):
    with pytest.raises(PermissionDenied):
        create_call_part(model=GrantRule, call=draft_call, by=other_manager, values=RULE)

    assert not GrantRule.objects.exists()


def test_a_grant_rule_is_edited_and_deleted_with_an_audit_trail(draft_call, manager):
    rule = GrantRuleFactory(call=draft_call)
    pk = rule.pk

    update_call_part(part=rule, by=manager, values={"max_grant": Decimal("120000.00")})
    delete_call_part(part=rule, by=manager)

    assert not GrantRule.objects.filter(pk=pk).exists()
    assert [e.action for e in events_of(GrantRule, pk)] == [
        "grantrule.updated",
        "grantrule.deleted",
    ]


def test_an_evaluator_cannot_delete_a_required_document(draft_call, manager, evaluator):
    document = create_call_part(
        model=RequiredDocument, call=draft_call, by=manager, values={"title": "Statuto"}
    )

    with pytest.raises(PermissionDenied):
        delete_call_part(part=document, by=evaluator)

    assert RequiredDocument.objects.filter(pk=document.pk).exists()


def test_publishing_a_faq_entry_stamps_the_clock_once(draft_call, manager, now):
    entry = FaqEntryFactory(call=draft_call, published_at=None)

    publish_faq(entry=entry, by=manager)
    publish_faq(entry=entry, by=manager)  # again: keeps the first date

    entry.refresh_from_db()
    assert entry.published_at == now
    assert [e.action for e in events_of(FaqEntry, entry.pk)] == ["faqentry.updated"]


def test_another_citys_manager_cannot_publish_a_faq_entry(draft_call, other_manager):
    entry = FaqEntryFactory(call=draft_call, published_at=None)

    with pytest.raises(PermissionDenied):
        publish_faq(entry=entry, by=other_manager)

    entry.refresh_from_db()
    assert entry.published_at is None
