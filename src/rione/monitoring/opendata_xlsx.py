"""The open data of a call as a dataset for file exports (XLSX built in the background).

The records are those of ``opendata.project_rows``, in the order of ``FIELD_NAMES``; lists
are joined with ``LIST_SEPARATOR`` as in the CSV, amounts become numbers and days become
dates, so that a spreadsheet can add them up and sort them. Only public calls qualify.

The fingerprint covers what the records are read from: the call's published rankings,
its receipts (new versions and withdrawals), the city's districts and neighbourhoods and
the list of fields; any change there means a new file.
"""

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Max

from rione.core.exports import Dataset, Value, digest, param_id
from rione.core.models import ExportKind
from rione.monitoring.models import OpenProject
from rione.monitoring.opendata import FIELD_NAMES, LIST_SEPARATOR, project_rows
from rione.programmes.models import Call
from rione.territory.models import City, District, Neighbourhood

AMOUNT_FIELDS = frozenset(
    {"importo_richiesto", "importo_assegnato", "cofinanziamento", "costo_totale"}
)


def _typed(name: str, value: Any) -> Value:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if value in (None, ""):
        return value
    if name in AMOUNT_FIELDS:
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return str(value)
    if name.startswith("data_") and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value if isinstance(value, str | int | Decimal | date) else str(value)


class OpenDataProjects(Dataset):
    kind = ExportKind.OPEN_DATA_PROJECTS
    perm = None

    def call(self, city: City, params: dict[str, Any]) -> Call | None:
        found: Call | None = (
            Call.objects.public()
            .filter(city=city, pk=param_id(params, "call"))
            .select_related("city")
            .first()
        )
        return found

    def target(self, city: City, params: dict[str, Any]) -> Call | None:
        return self.call(city, params)

    def columns(self, params: dict[str, Any]) -> list[str]:
        return list(FIELD_NAMES)

    def sheet_title(self, params: dict[str, Any]) -> str:
        return "progetti"

    def rows(self, city: City, params: dict[str, Any]) -> Iterator[Sequence[Value]]:
        call = self.call(city, params)
        if call is None:
            return
        for record in project_rows(call=call):
            yield [_typed(name, record.get(name)) for name in FIELD_NAMES]

    def count(self, city: City, params: dict[str, Any]) -> int:
        """The call's published projects: the rows the file will have."""
        return OpenProject.objects.filter(call_id=param_id(params, "call")).count()

    def fingerprint(self, city: City, params: dict[str, Any]) -> str:
        call_id = param_id(params, "call")
        # Every ranking published, renounced or revoked rewrites the call's projects.
        projects = OpenProject.objects.filter(call_id=call_id).aggregate(
            n=Count("pk"), last=Max("written_at")
        )
        places = Neighbourhood.objects.filter(city=city).aggregate(
            n=Count("pk"), last=Max("updated_at")
        )
        districts = District.objects.filter(city=city).aggregate(
            n=Count("pk"), last=Max("updated_at")
        )
        call = Call.objects.filter(pk=call_id).values_list("slug", "updated_at").first()
        return digest(FIELD_NAMES, projects, places, districts, call, city.name, city.slug)

    def file_stem(self, city: City, params: dict[str, Any]) -> str:
        call = self.call(city, params)
        return f"progetti-{call.slug if call else params.get('call')}"


OPEN_DATA_PROJECTS = OpenDataProjects()
