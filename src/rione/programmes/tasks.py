from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from rione.core.tasks import send_email
from rione.programmes.models import Amendment


@task()
def notify_call_amended(*, amendment_id: int) -> int:
    """E-mail everyone holding a draft for the amended call; returns how many were told."""
    from rione.programmes.services import draft_holders

    amendment = Amendment.objects.select_related("call", "call__city").get(pk=amendment_id)
    told = 0
    for user in draft_holders(amendment.call):
        with translation.override(user.language or "it"):
            context = {
                "amendment": amendment,
                "call": amendment.call,
                "user": user,
                "SITE_URL": settings.SITE_URL,
            }
            subject = render_to_string("programmes/email/amendment_subject.txt", context).strip()
            body = render_to_string("programmes/email/amendment_body.txt", context)
        send_email.enqueue(to=[user.email], subject=subject, body=body)
        told += 1
    return told
