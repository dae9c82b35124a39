from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rione.core.audit import verify_all


class Command(BaseCommand):
    help = "Check every hash chain of the audit trail and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        streams = 0
        broken: list[str] = []
        for _name, problem in verify_all():
            streams += 1
            if problem is not None:
                line = f"BROKEN stream={problem.stream} seq={problem.seq}: {problem.reason}"
                broken.append(line)
                self.stderr.write(line)
        if broken:
            raise CommandError(
                f"{len(broken)} of {streams} audit streams are broken: " + "; ".join(broken)
            )
        self.stdout.write(self.style.SUCCESS(f"OK: {streams} audit streams verified"))
