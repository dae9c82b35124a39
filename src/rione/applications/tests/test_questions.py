"""Applicants ask about a call; the city's managers answer, by e-mail and optionally as FAQ."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from rione.applications.models import ApplicantQuestion
from rione.applications.services import CallNotOpen, answer_question, ask_question
from rione.applications.services.questions import MAX_OPEN_QUESTIONS_PER_USER
from rione.applications.tests.helpers import NOW, call_in
from rione.core import clock
from rione.core.tests.audit_helpers import only_event
from rione.programmes.models import FaqEntry
from rione.programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

QUESTION = "Un gruppo informale può presentare più di una proposta?"


@pytest.fixture(autouse=True)
def now():
    with clock.travel_to(NOW):
        yield NOW


@pytest.fixture
def call(city):
    return call_in(city, title="Quartieri in rete")


@pytest.fixture
def question(call, citizen):
    return ask_question(call=call, by=citizen, text=QUESTION)


# ask_question


def test_a_signed_in_person_asks_about_an_open_call(call, citizen):
    question = ask_question(call=call, by=citizen, text=f"  {QUESTION}\n")

    question.refresh_from_db()
    assert (question.call, question.asked_by, question.text) == (call, citizen, QUESTION)
    assert (question.answer, question.answered_at, question.faq_entry) == ("", None, None)
    event = only_event(question, "question.asked")
    assert (event.actor, event.at, event.data) == (citizen, NOW, {"question": question.pk})
    assert event.stream == f"call:{call.pk}"


@pytest.mark.parametrize("text", ["   Posso?   ", "x" * 2001])
def test_a_question_too_short_or_too_long_is_refused(call, citizen, text):
    with pytest.raises(ValidationError) as raised:
        ask_question(call=call, by=citizen, text=text)

    assert "text" in raised.value.message_dict
    assert not ApplicantQuestion.objects.exists()


@pytest.mark.parametrize("trait", ["upcoming", "closed"])
def test_questions_are_only_for_open_calls(city, citizen, trait):
    call = CallFactory(programme=ProgrammeFactory(city=city), **{trait: True})

    with pytest.raises(CallNotOpen):
        ask_question(call=call, by=citizen, text=QUESTION)

    assert not ApplicantQuestion.objects.exists()


def test_anonymous_people_cannot_ask(call):
    with pytest.raises(PermissionDenied):
        ask_question(call=call, by=AnonymousUser(), text=QUESTION)


def test_unanswered_questions_per_person_are_limited(call, citizen, manager):
    asked = [
        ask_question(call=call, by=citizen, text=f"{QUESTION} ({n})")
        for n in range(MAX_OPEN_QUESTIONS_PER_USER)
    ]

    with pytest.raises(ValidationError):
        ask_question(call=call, by=citizen, text=QUESTION)

    answer_question(question=asked[0], by=manager, answer="Sì.", publish_as_faq=False)
    ask_question(call=call, by=citizen, text=QUESTION)  # one was answered: room again
    assert ApplicantQuestion.objects.count() == MAX_OPEN_QUESTIONS_PER_USER + 1


# answer_question


def test_a_manager_answers_and_the_asker_is_told_by_e_mail(
    question, citizen, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer_question(
            question=question,
            by=manager,
            answer="  Sì, ma una sola può essere finanziata.  ",
            publish_as_faq=False,
        )

    question.refresh_from_db()
    assert question.answer == "Sì, ma una sola può essere finanziata."
    assert (question.answered_at, question.answered_by, question.faq_entry) == (NOW, manager, None)
    event = only_event(question, "question.answered")
    assert (event.actor, event.data) == (manager, {"question": question.pk, "faq": None})
    assert not FaqEntry.objects.exists()
    [message] = mailoutbox
    assert message.to == [citizen.email]
    assert "Quartieri in rete" in message.subject
    assert QUESTION in message.body
    assert "Sì, ma una sola può essere finanziata." in message.body


def test_no_e_mail_leaves_before_the_answer_is_committed(
    question, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer_question(question=question, by=manager, answer="Sì.", publish_as_faq=False)

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_an_answer_may_be_published_as_faq(question, call, manager):
    answer_question(question=question, by=manager, answer="Sì.", publish_as_faq=True)

    question.refresh_from_db()
    entry = FaqEntry.objects.get()
    assert question.faq_entry == entry
    assert (entry.call, entry.question, entry.answer, entry.published_at) == (
        call,
        QUESTION,
        "Sì.",
        NOW,
    )
    assert only_event(question, "question.answered").data["faq"] == entry.pk


def test_answering_again_does_not_publish_a_second_faq(question, manager):
    answer_question(question=question, by=manager, answer="Sì.", publish_as_faq=True)

    answer_question(question=question, by=manager, answer="Sì, confermato.", publish_as_faq=True)

    assert FaqEntry.objects.count() == 1
    assert ApplicantQuestion.objects.get().answer == "Sì, confermato."


def test_a_city_admin_may_answer(question, city_admin):
    answer_question(question=question, by=city_admin, answer="Sì.", publish_as_faq=False)

    assert ApplicantQuestion.objects.get().answered_by == city_admin


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_only_managers_of_the_city_may_answer(
    request, question, who, mailoutbox, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(who)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        answer_question(question=question, by=user, answer="Sì.", publish_as_faq=True)

    question.refresh_from_db()
    assert (question.answer, question.answered_at) == ("", None)
    assert not FaqEntry.objects.exists()
    assert mailoutbox == []


def test_an_empty_answer_is_refused(question, manager, mailoutbox):
    with pytest.raises(ValidationError):
        answer_question(question=question, by=manager, answer="   ", publish_as_faq=True)

    question.refresh_from_db()
    assert question.answered_at is None
    assert not FaqEntry.objects.exists()
