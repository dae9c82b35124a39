"""Background work of proposals: the receipt by e-mail with its PDF."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from rione.applications.models import Receipt
from rione.core import clock


@task()
def send_receipt(*, receipt_id: int) -> bool:
    """Send the receipt to the person who got it, with the PDF attached. Sent once."""
    from rione.applications.pdf import receipt_pdf

    receipt = (
        Receipt.objects.select_related("call__city", "proposal", "issued_by")
        .filter(pk=receipt_id, emailed_at__isnull=True)
        .first()
    )
    if receipt is None:
        return False
    user = receipt.issued_by
    link = settings.SITE_URL + reverse("applications:receipt", args=[receipt.pk])
    with override(user.language or "it"):
        subject = _("Ricevuta n. %(number)d · %(call)s") % {
            "number": receipt.protocol_number,
            "call": receipt.call.title,
        }
        body = _(
            "%(kind)s registrata il %(at)s con numero di protocollo %(number)d.\n"
            "Impronta SHA-256 del contenuto: %(sha)s\n\n"
            "La ricevuta è allegata ed è sempre disponibile nella tua area personale:\n%(link)s"
        ) % {
            "kind": receipt.get_kind_display(),
            "at": timezone.localtime(receipt.issued_at).strftime("%d/%m/%Y %H:%M:%S"),
            "number": receipt.protocol_number,
            "sha": receipt.sha256,
            "link": link,
        }
        pdf = receipt_pdf(receipt)
    message = EmailMessage(str(subject), body, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach(f"ricevuta-{receipt.protocol_number}.pdf", pdf, "application/pdf")
    message.send(fail_silently=False)
    Receipt.objects.filter(pk=receipt.pk).update(emailed_at=clock.now())
    return True
