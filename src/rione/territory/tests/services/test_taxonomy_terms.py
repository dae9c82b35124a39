import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from rione.core.tests.audit_helpers import audit_count, events_of, only_event
from rione.territory.models import (
    ApplicantCategory,
    ApplicantType,
    RuntsSection,
    Sector,
    TargetGroup,
)
from rione.territory.services import TAXONOMIES, create_term, update_term

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Sector, TargetGroup])
def test_the_city_admin_adds_a_term(city, city_admin, model):
    term = create_term(
        model=model,
        city=city,
        by=city_admin,
        values={"name": "Economia circolare", "name_en": "Circular economy", "slug": "circolare"},
    )

    assert model.objects.filter(city=city, slug="circolare").get() == term
    event = only_event(term, f"{model._meta.model_name}.created")
    assert (event.actor, event.stream) == (city_admin, f"city:{city.pk}")


def test_the_label_follows_the_language(city, city_admin):
    term = create_term(
        model=Sector,
        city=city,
        by=city_admin,
        values={"name": "Economia circolare", "name_en": "Circular economy", "slug": "circolare"},
    )

    with translation.override("en"):
        assert str(term) == "Circular economy"
    with translation.override("it"):
        assert str(term) == "Economia circolare"


def test_taxonomies_are_reachable_by_their_url_names():
    assert set(TAXONOMIES) == {"sectors", "target-groups", "applicant-types", "cost-categories"}


@pytest.mark.parametrize("who", ["manager", "other_city_admin", "citizen"])
def test_only_the_city_admin_adds_terms(city, who, request):
    user = request.getfixturevalue(who)
    events = audit_count()

    with pytest.raises(PermissionDenied):
        create_term(model=Sector, city=city, by=user, values={"name": "X", "slug": "x"})

    assert not Sector.objects.filter(slug="x").exists()
    assert audit_count() == events


def test_a_duplicate_slug_is_refused(city, city_admin):
    with pytest.raises(ValidationError):
        create_term(
            model=Sector,
            city=city,
            by=city_admin,
            values={"name": "Doppione", "slug": "sport-benessere"},
        )

    assert Sector.objects.filter(city=city).count() == 7


def test_a_runts_section_is_only_for_ets(city, city_admin):
    with pytest.raises(ValidationError):
        create_term(
            model=ApplicantType,
            city=city,
            by=city_admin,
            values={
                "name": "Impresa con sezione",
                "slug": "impresa-sezione",
                "category": ApplicantCategory.BUSINESS,
                "runts_section": RuntsSection.APS,
            },
        )

    assert not ApplicantType.objects.filter(slug="impresa-sezione").exists()


def test_the_city_admin_retires_a_term(city, city_admin):
    term = Sector.objects.get(city=city, slug="sport-benessere")

    update_term(term=term, by=city_admin, values={"is_active": False})

    term.refresh_from_db()
    assert term.is_active is False
    event = only_event(term, "sector.updated")
    assert event.data["changes"] == {"is_active": {"old": True, "new": False}}


def test_a_manager_cannot_edit_a_term(city, manager):
    term = Sector.objects.get(city=city, slug="sport-benessere")

    with pytest.raises(PermissionDenied):
        update_term(term=term, by=manager, values={"is_active": False})

    term.refresh_from_db()
    assert term.is_active is True
    assert events_of(Sector, term.pk) == []
