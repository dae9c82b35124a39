from datetime import timedelta
from decimal import Decimal

import pytest

from rione.core import clock
from rione.core.tests.factories import UserFactory
from rione.programmes.models import (
    Amendment,
    AmendmentKind,
    CallDocument,
    ExtraQuestion,
    QuestionKind,
    RequiredDocument,
)
from rione.programmes.tests.factories import (
    CallFactory,
    FaqEntryFactory,
    GrantRuleFactory,
    LotFactory,
    ProgrammeFactory,
)
from rione.territory.models import ApplicantCategory
from rione.territory.tests.factories import SiteFactory


def add_parts(call, *, n=1):
    """Give ``call`` ``n`` of each part: lots with two sites, rules, documents, questions, FAQ."""
    author = UserFactory()
    categories = list(ApplicantCategory.values)
    for i in range(n):
        lot = LotFactory(call=call, number=i + 1, title=f"Lotto {i + 1}", budget=Decimal("50000"))
        lot.sites.set(SiteFactory.create_batch(2, city=call.city))
        if i < len(categories):  # one rule per category at most
            GrantRuleFactory(call=call, category=categories[i])
        RequiredDocument.objects.create(call=call, title=f"Allegato {i}", order=i)
        ExtraQuestion.objects.create(
            call=call, order=i, text=f"Domanda {i}", kind=QuestionKind.CHOICE, choices="Sì\nNo\n"
        )
        CallDocument.objects.create(
            call=call,
            title=f"Avviso {i}",
            file=f"calls/{call.pk}/avviso-{i}.pdf",
            sha256="ab" * 32,
            size=1024 + i,
            order=i,
        )
        Amendment.objects.create(
            call=call,
            number=i + 1,
            kind=AmendmentKind.CORRECTION,
            text="Rettifica.",
            published_at=clock.now(),
            created_by=author,
        )
        FaqEntryFactory(call=call, order=i)


def test_detail_of_an_open_call_has_every_part(get_json, city):
    call = CallFactory(open=True, programme__city=city, slug="idee")
    lot = LotFactory(call=call, number=1, title="Portineria sociale", budget=Decimal("60000.5"))
    site = SiteFactory(city=city, slug="ex-asilo", name="Ex asilo", address="Via Roma 1")
    lot.sites.set([site])
    GrantRuleFactory(call=call)
    RequiredDocument.objects.create(call=call, title="Statuto", is_mandatory=False)
    ExtraQuestion.objects.create(
        call=call, text="Avete una sede?", kind=QuestionKind.CHOICE, choices="Sì\n\nNo \n"
    )
    document = CallDocument.objects.create(
        call=call, title="Testo dell'avviso", file="calls/1/avviso.pdf", sha256="0f" * 32, size=2048
    )
    new_deadline = call.closes_at + timedelta(days=7)
    Amendment.objects.create(
        call=call,
        number=1,
        kind=AmendmentKind.EXTENSION,
        text="Proroga.",
        previous_closes_at=call.closes_at,
        new_closes_at=new_deadline,
        published_at=clock.now(),
        created_by=UserFactory(),
    )
    published = FaqEntryFactory(call=call, question="Posso partecipare?", answer="Sì.")
    FaqEntryFactory(call=call, published_at=None)  # not yet answered publicly
    FaqEntryFactory(call=call, published_at=clock.now() + timedelta(days=1))  # scheduled

    status, body = get_json(f"/api/calls/{call.pk}")

    assert status == 200
    assert (body["id"], body["state"], body["url"]) == (call.pk, "open", "/napoli/bandi/idee/")
    assert body["description"] == "Il testo completo dell'avviso."
    assert body["lots"] == [
        {
            "number": 1,
            "title": "Portineria sociale",
            "description": "",
            "budget": "60000.50",
            "sites": [{"slug": "ex-asilo", "name": "Ex asilo", "address": "Via Roma 1"}],
        }
    ]
    assert body["grant_rules"] == [
        {
            "category": "ets",
            "min_grant": "50000.00",
            "max_grant": "140000.00",
            "min_cofinancing_pct": "10.00",
        }
    ]
    assert body["required_documents"] == [
        {"title": "Statuto", "description": "", "is_mandatory": False}
    ]
    assert body["extra_questions"][0]["choices"] == ["Sì", "No"]
    assert body["documents"] == [
        {
            "id": document.pk,
            "title": "Testo dell'avviso",
            "size": 2048,
            "sha256": "0f" * 32,
            "url": f"/documenti/{document.pk}/",
        }
    ]
    [amendment] = body["amendments"]
    assert amendment["kind"] == "extension"
    assert amendment["new_closes_at"].endswith(("+01:00", "+02:00"))
    assert [entry["id"] for entry in body["faq"]] == [published.pk]


@pytest.mark.parametrize(
    "hidden",
    [
        pytest.param({}, id="draft"),
        pytest.param({"open": True, "programme__is_published": False}, id="unpublished-programme"),
    ],
)
@pytest.mark.parametrize("suffix", ["", "/lots", "/faq"])
def test_hidden_calls_are_404(get_json, city, hidden, suffix):
    call = CallFactory(programme__city=city, **hidden)

    status, body = get_json(f"/api/calls/{call.pk}{suffix}")

    assert status == 404
    assert body["code"] == "not_found"


@pytest.mark.parametrize("call_id", ["999999", "-1", str(10**20), str(-(10**20))])
def test_unknown_call_is_404(get_json, call_id):
    status, _ = get_json(f"/api/calls/{call_id}")

    assert status == 404


def test_lots_of_a_call_by_number(get_json, city):
    call = CallFactory(closed=True, programme__city=city)
    other = CallFactory(open=True, programme__city=city)
    LotFactory(call=call, number=2, title="Secondo")
    LotFactory(call=call, number=1, title="Primo", budget=None)
    LotFactory(call=other, number=1)

    status, body = get_json(f"/api/calls/{call.pk}/lots")

    assert status == 200
    assert body["count"] == 2
    assert [lot["title"] for lot in body["items"]] == ["Primo", "Secondo"]
    assert body["items"][0]["budget"] is None
    assert body["items"][1]["budget"] == "50000.00"


def test_faq_of_a_call_only_published_ones(get_json, city):
    call = CallFactory(open=True, programme__city=city)
    published = FaqEntryFactory(call=call)
    FaqEntryFactory(call=call, published_at=None)
    FaqEntryFactory(call=CallFactory(open=True, programme__city=city))

    status, body = get_json(f"/api/calls/{call.pk}/faq")

    assert status == 200
    assert body["count"] == 1
    assert body["items"][0]["id"] == published.pk
    assert body["items"][0]["question"] == published.question


@pytest.mark.parametrize("n_parts", [1, 20])
def test_call_detail_queries_do_not_grow(get_json, city, django_assert_max_num_queries, n_parts):
    call = CallFactory(open=True, programme=ProgrammeFactory(city=city))
    add_parts(call, n=n_parts)

    with django_assert_max_num_queries(11):
        status, body = get_json(f"/api/calls/{call.pk}")

    assert status == 200
    assert len(body["lots"]) == len(body["faq"]) == len(body["documents"]) == n_parts
    assert all(len(lot["sites"]) == 2 for lot in body["lots"])


@pytest.mark.parametrize("n_parts", [1, 20])
def test_lots_and_faq_queries_do_not_grow(get_json, city, django_assert_max_num_queries, n_parts):
    call = CallFactory(open=True, programme=ProgrammeFactory(city=city))
    add_parts(call, n=n_parts)

    with django_assert_max_num_queries(4):
        lots_status, lots = get_json(f"/api/calls/{call.pk}/lots")
    with django_assert_max_num_queries(3):
        faq_status, faq = get_json(f"/api/calls/{call.pk}/faq")

    assert (lots_status, faq_status) == (200, 200)
    assert len(lots["items"]) == len(faq["items"]) == n_parts
