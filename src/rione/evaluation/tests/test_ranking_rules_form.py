"""Selection rules without JSON: the form's fields and checks, the stored shape it gives back,
the rules page (read-only once the final ranking is published) and the rules in words."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from rione.applications.tests.factories import open_call
from rione.core.models import AuditEvent, Role
from rione.evaluation.forms import SelectionRulesForm
from rione.evaluation.models import Criterion, SelectionRules
from rione.evaluation.ranking_selectors import tie_break_choices, top_criteria
from rione.evaluation.services import (
    compute_ranking,
    publish_final,
    publish_provisional,
    save_selection_rules,
)
from rione.evaluation.tests.test_commissions import staff
from rione.evaluation.tests.test_rankings import ranked_call

QUALITY = Criterion(pk=11, code="A", title="Qualità del progetto", max_points=60)


def form_for(data=None, *, rules=None, cap=None, criteria=(QUALITY,)):
    return SelectionRulesForm(
        data, rules=rules or SelectionRules(), criteria=list(criteria), cap=cap
    )


def post(**changes):
    data = {
        "overall_min": "",
        "overflow": "skip",
        "appeal_days": "10",
        "earlier_call_participation": "submitted",
    }
    data.update(changes)
    return data


def submitted_values(form: SelectionRulesForm) -> dict[str, str]:
    """What a browser would send back for an unbound form, untouched."""
    data = {}
    for name, field in form.fields.items():
        value = field.widget.format_value(form[name].value())
        if isinstance(value, list):  # a select: the chosen values
            value = value[0] if value else ""
        data[name] = "" if value is None else str(value)
    return data


class TestFields:
    def test_one_cap_and_one_reserved_share_per_ranked_category(self):
        form = form_for()

        names = set(form.fields)

        for category in ("ets", "informal_group", "business", "other"):
            assert {f"max_{category}", f"reserved_{category}"} <= names
        assert "max_school" not in names  # rankings never give that category
        labels = [label for label, _maximum, _reserved in form.category_rows()]
        assert labels[0] == "Ente del Terzo settore (ETS)"

    def test_a_category_named_by_stored_rules_is_kept(self):
        form = form_for(rules=SelectionRules(quotas={"school": 2}))

        assert form["max_school"].value() == 2

    def test_tie_break_choices_in_italian_with_the_criteria(self):
        form = form_for()

        choices = dict(form.fields["tie_break_1"].choices)

        assert choices["earlier_submission"].startswith("Presentata prima")
        assert choices["lower_requested"] == "Contributo richiesto più basso"
        assert choices["network_first"] == "Prima le proposte presentate da una rete"
        assert choices["criterion:11"] == "Punteggio più alto nel criterio A · Qualità del progetto"
        assert form.fields["tie_break_1"].label == "1° criterio di parità"
        assert len(form.tie_break_fields()) == 4  # as many slots as choices (up to five)


class TestValidation:
    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("tre", "Scrivi un numero intero"),
            ("2,5", "Scrivi un numero intero"),
            ("-1", "non può essere negativo"),
        ],
    )
    def test_bad_numbers_are_refused_with_a_message(self, value, message):
        form = form_for(post(max_ets=value))

        assert not form.is_valid()
        assert message in form.errors["max_ets"][0]

    def test_reserved_above_the_category_cap_is_refused(self):
        form = form_for(post(max_ets="2", reserved_ets="3"))

        assert not form.is_valid()
        assert form.errors["reserved_ets"] == [
            "La quota riservata (3) supera il massimo selezionabile per questa tipologia (2)."
        ]

    def test_reserved_above_the_call_cap_is_refused(self):
        form = form_for(post(reserved_business="6"), cap=5)

        assert not form.is_valid()
        assert (
            "numero massimo di proposte selezionabili nell'avviso (5)"
            in (form.errors["reserved_business"][0])
        )

    def test_reserved_shares_together_above_the_call_cap_are_refused(self):
        form = form_for(post(reserved_ets="3", reserved_informal_group="3"), cap=5)

        assert not form.is_valid()
        assert "sommate, sono 6" in form.non_field_errors()[0]

    def test_the_same_tie_break_twice_is_refused(self):
        form = form_for(post(tie_break_1="criterion:11", tie_break_3="criterion:11"))

        assert not form.is_valid()
        assert form.errors["tie_break_3"] == [
            "«Punteggio più alto nel criterio A · Qualità del progetto» è già il 1° criterio di "
            "parità: ogni criterio si usa una volta sola."
        ]

    def test_an_unknown_tie_break_is_refused(self):
        form = form_for(post(tie_break_1="criterion:999"))

        assert not form.is_valid()
        assert "tie_break_1" in form.errors

    def test_values_have_the_stored_shape(self):
        form = form_for(
            post(
                overall_min="55,5",
                max_ets="4",
                reserved_ets="2",
                max_informal_group="0",
                tie_break_2="criterion:11",
                tie_break_3="network_first",
            ),
            cap=10,
        )

        assert form.is_valid(), form.errors
        assert form.values() == {
            "overall_min": Decimal("55.5"),
            "overflow": "skip",
            "appeal_days": 10,
            "earlier_call_participation": "submitted",
            "quotas": {"ets": 4, "informal_group": 0},
            "reserved": {"ets": 2},
            "tie_breaks": [{"kind": "criterion", "criterion_id": 11}, "network_first"],
        }

    def test_empty_means_no_limit_and_no_tie_break(self):
        form = form_for(post())

        assert form.is_valid(), form.errors
        values = form.values()
        assert (values["quotas"], values["reserved"], values["tie_breaks"]) == ({}, {}, [])


@pytest.mark.django_db
class TestRulesPage:
    @pytest.fixture
    def given(self, city):
        call = open_call(programme__city=city, cap_selected=6)
        Criterion.objects.create(call=call, code="A", title="Qualità", max_points=60)
        parent = Criterion.objects.create(call=call, code="B", title="Impatto", max_points=40)
        Criterion.objects.create(
            call=call, parent=parent, code="B.1", title="Quartiere", max_points=40
        )
        return call, staff(city, Role.PROGRAMME_MANAGER)

    def test_only_top_level_criteria_are_tie_breaks(self, given):
        call, _manager = given

        codes = [label for _value, label in tie_break_choices(top_criteria(call=call))]

        assert any("criterio A · Qualità" in c for c in codes)
        assert any("criterio B · Impatto" in c for c in codes)
        assert not any("B.1" in c for c in codes)

    def test_stored_rules_make_the_round_trip_unchanged(self, given, client_for):
        call, manager = given
        criterion = Criterion.objects.get(call=call, code="B")
        save_selection_rules(
            call=call,
            by=manager,
            values={
                "overall_min": Decimal("40.00"),
                "overflow": "partial",
                "quotas": {"informal_group": 2, "ets": 5},
                "reserved": {"ets": 1},
                "tie_breaks": [
                    "lower_requested",
                    {"kind": "criterion", "criterion_id": criterion.pk},
                ],
                "appeal_days": 7,
                "earlier_call_participation": "selected",
            },
        )
        before = SelectionRules.objects.get(call=call)
        stored = (before.quotas, before.reserved, before.tie_breaks, before.overall_min)
        url = reverse("evaluation:ranking_rules", args=[call.city.slug, call.pk])
        client = client_for(manager)
        page = client.get(url)
        data = submitted_values(page.context["form"])

        response = client.post(url, data)

        assert response.status_code == 302
        after = SelectionRules.objects.get(call=call)
        assert (after.quotas, after.reserved, after.tie_breaks, after.overall_min) == stored
        assert (after.overflow, after.appeal_days, after.earlier_call_participation) == (
            "partial",
            7,
            "selected",
        )
        assert (
            AuditEvent.objects.filter(action="selection_rules.saved").last().data["changes"] == {}
        )

    def test_a_valid_post_saves_and_a_bad_one_changes_nothing(self, given, client_for):
        call, manager = given
        url = reverse("evaluation:ranking_rules", args=[call.city.slug, call.pk])
        client = client_for(manager)

        bad = client.post(url, post(max_ets="1", reserved_ets="2"))
        assert bad.status_code == 200
        assert "Non è stato salvato nulla" in bad.content.decode()
        assert "supera il massimo selezionabile" in bad.content.decode()
        assert not SelectionRules.objects.filter(call=call).exists()

        good = client.post(url, post(max_ets="3", reserved_ets="2", tie_break_1="network_first"))
        assert good.status_code == 302
        rules = SelectionRules.objects.get(call=call)
        assert (rules.quotas, rules.reserved, rules.tie_breaks) == (
            {"ets": 3},
            {"ets": 2},
            ["network_first"],
        )

    def test_an_evaluator_cannot_open_or_post(self, given, client_for, city):
        call, _manager = given
        url = reverse("evaluation:ranking_rules", args=[call.city.slug, call.pk])
        client = client_for(staff(city))

        assert client.get(url).status_code == 403
        assert client.post(url, post(max_ets="3")).status_code == 403
        assert not SelectionRules.objects.filter(call=call).exists()


@pytest.mark.django_db
class TestLockedAndReadable:
    def test_ranking_page_shows_the_rules_in_words(self, city, client_for):
        world = ranked_call(city, [70])
        save_selection_rules(
            call=world.call,
            by=world.manager,
            values={"quotas": {"informal_group": 1}, "tie_breaks": ["lower_requested"]},
        )

        page = client_for(world.manager).get(
            reverse("evaluation:ranking", args=[city.slug, world.call.pk])
        )

        text = re.sub(r"\s+", " ", page.content.decode())
        assert "Gruppo informale: al massimo 1 proposta selezionata" in text
        assert "Contributo richiesto più basso" in text
        assert "informal_group" not in text and "lower_requested" not in text
        assert "Modifica le regole di selezione" in text

    def test_rules_are_read_only_after_the_final_ranking(self, city, client_for):
        world = ranked_call(city, [70])
        save_selection_rules(
            call=world.call, by=world.manager, values={"quotas": {"ets": 3}, "appeal_days": 2}
        )
        ranking = publish_provisional(
            ranking=compute_ranking(call=world.call, by=world.manager), by=world.manager
        )
        publish_final(
            call=world.call,
            by=world.manager,
            act_number="4",
            act_date=date(2025, 3, 1),
            at=ranking.appeals_close_at + timedelta(minutes=1),
        )
        client = client_for(world.manager)
        url = reverse("evaluation:ranking_rules", args=[city.slug, world.call.pk])

        page = client.get(url).content.decode()
        refused = client.post(url, post(max_ets="9"), follow=True)
        detail = client.get(reverse("evaluation:ranking", args=[city.slug, world.call.pk]))

        assert "Regole in sola lettura" in page
        assert "graduatoria definitiva è pubblicata" in page
        assert 'name="max_ets"' not in page
        assert "Ente del Terzo settore (ETS): al massimo 3 proposte selezionate" in re.sub(
            r"\s+", " ", page
        )
        assert "non si modificano più" in refused.content.decode()
        assert SelectionRules.objects.get(call=world.call).quotas == {"ets": 3}
        assert "Vedi le regole di selezione" in detail.content.decode()
