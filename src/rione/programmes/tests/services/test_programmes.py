import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.core.errors import DomainError
from rione.core.tests.audit_helpers import audit_count, events_of, only_event
from rione.programmes.models import Programme, Stage
from rione.programmes.services import (
    create_programme,
    create_stage,
    delete_stage,
    publish_programme,
    unpublish_programme,
    update_programme,
)
from rione.programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

VALUES = {"title": "Quartieri Connessi", "slug": "quartieri-connessi", "summary": "In breve."}


def test_a_manager_creates_an_unpublished_programme(city, manager):
    programme = create_programme(city=city, by=manager, values=VALUES)

    assert (programme.city, programme.is_published) == (city, False)
    event = only_event(programme, "programme.created")
    assert (event.actor, event.stream) == (manager, f"programme:{programme.pk}")


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_create_programmes(city, who, request):
    user = request.getfixturevalue(who)
    events = audit_count()

    with pytest.raises(PermissionDenied):
        create_programme(city=city, by=user, values=VALUES)

    assert not Programme.objects.exists()
    assert audit_count() == events


def test_a_programme_without_a_title_is_refused(city, manager):
    with pytest.raises(ValidationError) as caught:
        create_programme(city=city, by=manager, values={**VALUES, "title": ""})

    assert "title" in caught.value.message_dict
    assert not Programme.objects.exists()


def test_a_manager_edits_a_programme(city, manager):
    programme = ProgrammeFactory(city=city, title="Vecchio")

    update_programme(programme=programme, by=manager, values={"title": "Nuovo"})

    programme.refresh_from_db()
    assert programme.title == "Nuovo"
    assert only_event(programme, "programme.updated").data["changes"]["title"]["new"] == "Nuovo"


def test_another_citys_manager_cannot_edit_a_programme(city, other_manager):
    programme = ProgrammeFactory(city=city, title="Vecchio")

    with pytest.raises(PermissionDenied):
        update_programme(programme=programme, by=other_manager, values={"title": "Nuovo"})

    programme.refresh_from_db()
    assert programme.title == "Vecchio"


def test_publishing_a_programme_stamps_the_clock(city, manager, now):
    programme = ProgrammeFactory(city=city, is_published=False, published_at=None)

    publish_programme(programme=programme, by=manager)

    programme.refresh_from_db()
    assert (programme.is_published, programme.published_at) == (True, now)
    changes = only_event(programme, "programme.updated").data["changes"]
    assert changes["is_published"] == {"old": False, "new": True}


def test_another_citys_manager_cannot_publish_a_programme(city, other_manager):
    programme = ProgrammeFactory(city=city, is_published=False, published_at=None)

    with pytest.raises(PermissionDenied):
        publish_programme(programme=programme, by=other_manager)

    programme.refresh_from_db()
    assert programme.is_published is False


def test_a_programme_without_public_calls_can_be_hidden(programme, manager):
    CallFactory(programme=programme)  # a draft

    unpublish_programme(programme=programme, by=manager)

    programme.refresh_from_db()
    assert programme.is_published is False


def test_a_programme_with_a_public_call_cannot_be_hidden(programme, manager):
    CallFactory(programme=programme, open=True)

    with pytest.raises(DomainError):
        unpublish_programme(programme=programme, by=manager)

    programme.refresh_from_db()
    assert programme.is_published is True
    assert events_of(Programme, programme.pk) == []


def test_stages_are_numbered_in_order(programme, manager):
    first = create_stage(programme=programme, by=manager, values={"title": "Idee"})
    second = create_stage(programme=programme, by=manager, values={"title": "Incubazione"})

    assert (first.order, second.order) == (1, 2)
    assert only_event(second, "stage.created").stream == f"programme:{programme.pk}"


def test_a_stage_that_ends_before_it_starts_is_refused(programme, manager):
    from datetime import date

    with pytest.raises(ValidationError):
        create_stage(
            programme=programme,
            by=manager,
            values={"title": "Idee", "starts_on": date(2026, 5, 1), "ends_on": date(2026, 4, 1)},
        )

    assert not Stage.objects.exists()


def test_another_citys_manager_cannot_delete_a_stage(programme, manager, other_manager):
    stage = create_stage(programme=programme, by=manager, values={"title": "Idee"})

    with pytest.raises(PermissionDenied):
        delete_stage(stage=stage, by=other_manager)

    assert Stage.objects.filter(pk=stage.pk).exists()
    delete_stage(stage=stage, by=manager)
    assert not Stage.objects.filter(pk=stage.pk).exists()
