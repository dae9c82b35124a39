from typing import Any

from django.core.management.base import BaseCommand

from rione.applications.services import send_deadline_reminders


class Command(BaseCommand):
    help = "E-mail reminders for proposals not yet submitted before their call's deadline."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_deadline_reminders()
        self.stdout.write(f"{sent} reminder(s) queued")
