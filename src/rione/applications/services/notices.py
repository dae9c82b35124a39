"""Who is told about what: holders of drafts (for amendments) and reminders before a deadline."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from rione.applications.models import EDITABLE, Proposal, ProposalStatus
from rione.applications.services.drafts import may_act_for
from rione.core import clock
from rione.core.models import User
from rione.core.tasks import enqueue_on_commit, send_email
from rione.programmes.models import Call, CallStatus


def holders_of_drafts(call: Call) -> Iterable[User]:
    """People who started a proposal to ``call`` that is not submitted yet."""
    creators = Proposal.objects.filter(call=call, status__in=EDITABLE).values("created_by_id")
    return User.objects.filter(pk__in=creators, is_active=True)


def register_draft_holders() -> None:
    from rione.programmes.services.amendments import DRAFT_HOLDER_SOURCES

    if holders_of_drafts not in DRAFT_HOLDER_SOURCES:
        DRAFT_HOLDER_SOURCES.append(holders_of_drafts)


def _reminder_body(proposal: Proposal, days: int) -> str:
    link = settings.SITE_URL.rstrip("/") + reverse("applications:proposal", args=[proposal.pk])
    values = {
        "title": proposal.title or _("senza titolo"),
        "call": proposal.call.title,
        "days": days,
        "link": link,
    }
    if proposal.status == ProposalStatus.REOPENED:
        return (
            ngettext(
                "Hai riaperto la domanda «%(title)s» per l'avviso «%(call)s» e non hai ancora "
                "presentato la nuova versione. La scadenza è tra %(days)d giorno: presentala qui\n"
                "%(link)s\n\nSe non la presenti resta valida la versione presentata in precedenza.",
                "Hai riaperto la domanda «%(title)s» per l'avviso «%(call)s» e non hai ancora "
                "presentato la nuova versione. La scadenza è tra %(days)d giorni: presentala qui\n"
                "%(link)s\n\nSe non la presenti resta valida la versione presentata in precedenza.",
                days,
            )
            % values
        )
    return (
        ngettext(
            "La tua domanda «%(title)s» per l'avviso «%(call)s» non è ancora stata presentata.\n"
            "La scadenza è tra %(days)d giorno. Completa e presenta la domanda qui:\n%(link)s\n\n"
            "Una bozza non presentata entro la scadenza non può essere valutata.",
            "La tua domanda «%(title)s» per l'avviso «%(call)s» non è ancora stata presentata.\n"
            "La scadenza è tra %(days)d giorni. Completa e presenta la domanda qui:\n%(link)s\n\n"
            "Una bozza non presentata entro la scadenza non può essere valutata.",
            days,
        )
        % values
    )


def send_deadline_reminders(*, at: datetime | None = None) -> int:
    """E-mail the creator of each unsubmitted proposal a few days and one day before the deadline.

    A proposal gets the reminder of the smallest window its deadline falls in, once
    (recorded in ``reminders_sent``), and never a larger window's afterwards. Safe to run often.
    """
    now = clock.resolve(at)
    windows = sorted(settings.PROPOSAL_REMINDER_DAYS)
    due = Proposal.objects.filter(
        status__in=EDITABLE,
        created_by__is_active=True,
        call__status=CallStatus.PUBLISHED,
        call__closes_at__gt=now,
        call__closes_at__lte=now + timedelta(days=windows[-1]),
    ).select_related("call", "created_by", "organisation", "group")
    sent = 0
    for proposal in due.iterator(chunk_size=500):
        assert proposal.call.closes_at is not None
        days = next(d for d in windows if proposal.call.closes_at <= now + timedelta(days=d))
        if f"{days}d" in proposal.reminders_sent:
            continue
        if not may_act_for(
            proposal.created_by, organisation=proposal.organisation, group=proposal.group
        ):
            continue  # they no longer act for the applicant
        with transaction.atomic():
            marks = {f"{d}d" for d in windows if d >= days}
            proposal.reminders_sent = sorted(set(proposal.reminders_sent) | marks)
            proposal.save(update_fields=["reminders_sent"])
            user = proposal.created_by
            with override(user.language or "it"):
                subject = str(_("Promemoria: la domanda non è ancora stata presentata"))
                body = _reminder_body(proposal, days)
            enqueue_on_commit(send_email, to=[user.email], subject=subject, body=body)
        sent += 1
    return sent
