from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rione.core.audit import verify_all


class Command(BaseCommand):
    help = "Check every hash chain of the audit trail and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        streams = broken = 0
        for _name, problem in verify_all():
            streams += 1
            if problem is not None:
                broken += 1
                self.stderr.write(
                    f"BROKEN stream={problem.stream} seq={problem.seq}: {problem.reason}"
                )
        if broken:
            raise CommandError(f"{broken} of {streams} audit streams are broken")
        self.stdout.write(self.style.SUCCESS(f"OK: {streams} audit streams verified"))
