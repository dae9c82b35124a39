"""Questions applicants ask about a call, answered by staff and optionally published as FAQ."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rione.applications.models import ApplicantQuestion
from rione.applications.services.drafts import ensure_open
from rione.core import clock
from rione.core.audit import record_event
from rione.core.models import User
from rione.core.permissions import ensure_perm
from rione.core.tasks import enqueue_on_commit, send_email
from rione.core.text import ensure_storable
from rione.programmes.models import Call, FaqEntry
from rione.programmes.services import create_call_part, publish_faq

MAX_OPEN_QUESTIONS_PER_USER = 20


@transaction.atomic
def ask_question(
    *, call: Call, by: User, text: str, at: datetime | None = None
) -> ApplicantQuestion:
    """Ask the city a question about an open call."""
    ensure_perm(by, "applications.ask_question")
    ensure_open(call, at=at)
    text = text.strip()
    ensure_storable({"text": text})
    if len(text) < 10:
        raise ValidationError({"text": _("Scrivi la domanda per intero (almeno 10 caratteri).")})
    if len(text) > 2000:
        raise ValidationError({"text": _("La domanda può avere al massimo 2000 caratteri.")})
    pending = ApplicantQuestion.objects.filter(call=call, asked_by=by, answered_at__isnull=True)
    if pending.count() >= MAX_OPEN_QUESTIONS_PER_USER:
        raise ValidationError(
            _("Hai già %(n)d domande in attesa di risposta su questo avviso.")
            % {"n": MAX_OPEN_QUESTIONS_PER_USER}
        )
    question = ApplicantQuestion.objects.create(call=call, asked_by=by, text=text)
    record_event(question, "question.asked", by=by, at=at, data={"question": question.pk})
    return question


@transaction.atomic
def answer_question(
    *,
    question: ApplicantQuestion,
    by: User,
    answer: str,
    publish_as_faq: bool,
    at: datetime | None = None,
) -> ApplicantQuestion:
    """Answer a question; the person who asked is told by e-mail; optionally add it to the FAQ."""
    locked = (
        ApplicantQuestion.objects.select_for_update().select_related("call").get(pk=question.pk)
    )
    ensure_perm(by, "applications.answer_question", locked)
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Scrivi la risposta.")})
    now = clock.resolve(at)
    locked.answer, locked.answered_at, locked.answered_by = answer, now, by
    if publish_as_faq and locked.faq_entry_id is None:
        entry: FaqEntry = create_call_part(
            call=locked.call,
            model=FaqEntry,
            by=by,
            values={"question": locked.text, "answer": answer, "order": 0},
        )
        locked.faq_entry = publish_faq(entry=entry, by=by, at=now)
    locked.save()
    record_event(
        locked,
        "question.answered",
        by=by,
        at=now,
        data={"question": locked.pk, "faq": locked.faq_entry_id},
    )
    enqueue_on_commit(
        send_email,
        to=[locked.asked_by.email],
        subject=str(
            _("Risposta alla tua domanda sull'avviso «%(title)s»") % {"title": locked.call.title}
        ),
        body=f"{locked.text}\n\n— {answer}",
    )
    return locked
