from typing import Any

from django.core.management.base import BaseCommand

from rione.demo.accounts import ACCOUNTS, PASSWORD
from rione.demo.loader import load_demo
from rione.portal.models import News, Story
from rione.programmes.models import Call, FaqEntry, Lot, Programme
from rione.territory.models import City, District, Neighbourhood, Site

TOTALS = (City, District, Neighbourhood, Site, Programme, Call, Lot, FaqEntry, News, Story)


class Command(BaseCommand):
    help = (
        "Load the demo data (Napoli iQ and Milano Quartieri Connessi) through the services. "
        "Idempotent: running it again creates only what is missing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo()
        created = sum(report.created.values())
        if created:
            self.stdout.write(f"Created {created} objects:")
            for label, count in sorted(report.created.items()):
                self.stdout.write(f"  {label}: {count}")
        else:
            self.stdout.write("Demo data already present: nothing to create.")
        self.stdout.write(
            "Totals: "
            + ", ".join(f"{model._meta.label} {model.objects.count()}" for model in TOTALS)
        )
        self.print_accounts()

    def print_accounts(self) -> None:
        rows = [("e-mail", "role", "city", "password")]
        rows += [(a.email, str(a.role), a.city_slug or "-", PASSWORD) for a in ACCOUNTS]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(self.style.WARNING("Demo accounts (demo only, shared password):"))
        for index, row in enumerate(rows):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
