from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rione.monitoring.services import refresh_open_projects
from rione.programmes.models import Call
from rione.territory.models import City


class Command(BaseCommand):
    help = (
        "Rewrite the published projects behind the open data from the published rankings "
        "(all cities, or --city SLUG). Run once after upgrading to a version that adds them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", help="slug of one city")

    def handle(self, *args: Any, **options: Any) -> None:
        calls = Call.objects.all()
        if options["city"]:
            if not City.objects.filter(slug=options["city"]).exists():
                raise CommandError(f"No city with slug {options['city']!r}")
            calls = calls.filter(city__slug=options["city"])
        written = refresh_open_projects(calls)
        self.stdout.write(self.style.SUCCESS(f"{written} published projects written"))
