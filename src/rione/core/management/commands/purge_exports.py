from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rione.core import clock
from rione.core.models import Export


class Command(BaseCommand):
    help = "Delete exported files (and their records) older than --days days (default 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        days: int = options["days"]
        if days < 0:
            raise CommandError("--days must be 0 or more")
        before = clock.now() - clock.timedelta(days=days)
        files = rows = 0
        for export in Export.objects.filter(created_at__lt=before).iterator(chunk_size=500):
            if export.file:
                export.file.delete(save=False)
                files += 1
            Export.objects.filter(pk=export.pk).delete()
            rows += 1
        self.stdout.write(
            self.style.SUCCESS(f"Deleted {rows} exports ({files} files) older than {days} days")
        )
