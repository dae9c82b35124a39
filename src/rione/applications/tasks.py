"""Background work of proposals: the receipt by e-mail with its PDF."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from rione.applications.models import Receipt
from rione.applications.pdf import issued_at_text, receipt_pdf
from rione.core import clock


@task()
def send_receipt(*, receipt_id: int) -> bool:
    """Send the receipt to the person who got it, in their language, with the PDF attached.

    Sent once: the receipt is claimed by setting ``emailed_at`` in a single UPDATE just
    before sending, so two runs for the same receipt never both send it. When sending
    fails the claim is released and the error raised, so the task can run again.
    Returns whether this run sent the e-mail.
    """
    receipt = (
        Receipt.objects.select_related("call__city", "issued_by")
        .filter(pk=receipt_id, emailed_at__isnull=True)
        .first()
    )
    if receipt is None:
        return False
    user = receipt.issued_by
    if not user.email:
        return False
    link = settings.SITE_URL + reverse("applications:receipt", args=[receipt.pk])
    with override(user.language or settings.LANGUAGE_CODE):
        subject = _("Ricevuta n. %(number)d · %(call)s") % {
            "number": receipt.protocol_number,
            "call": receipt.call.title,
        }
        body = _(
            "Abbiamo registrato quanto hai inviato per l'avviso «%(call)s».\n\n"
            "Tipo: %(kind)s\n"
            "Numero di protocollo: %(number)d\n"
            "Data e ora: %(at)s\n"
            "Impronta SHA-256 del contenuto: %(sha)s\n\n"
            "La ricevuta è allegata ed è sempre disponibile nella tua area personale:\n%(link)s"
        ) % {
            "call": receipt.call.title,
            "kind": receipt.get_kind_display(),
            "number": receipt.protocol_number,
            "at": issued_at_text(receipt),
            "sha": receipt.sha256,
            "link": link,
        }
        pdf = receipt_pdf(receipt)
    claimed = Receipt.objects.filter(pk=receipt.pk, emailed_at__isnull=True).update(
        emailed_at=clock.now()
    )
    if not claimed:
        return False
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach(f"ricevuta-{receipt.protocol_number}.pdf", pdf, "application/pdf")
    try:
        message.send(fail_silently=False)
    except Exception:
        Receipt.objects.filter(pk=receipt.pk).update(emailed_at=None)
        raise
    return True
