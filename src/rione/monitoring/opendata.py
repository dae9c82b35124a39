"""Open data: one public record per selected proposal, in OpenCoesione's spirit.

A proposal is read from its latest submitted version (the receipt's canonical content),
and only the fields listed in ``FIELDS`` are written out of it: the members of an informal
group, the declarant, the legal representative, codici fiscali, PEC and partners never
reach a record. The applicant is named by ``applicants.disclosure.public_applicant_name``:
an entity by its name, an informal group or a sole trader without one. The content is
parsed once per record in Python (the database would parse it once per field it reads).

"Selected" means selected in the chosen ranking of its call: the latest published one, a
final ranking winning over a provisional one, as on the dashboard. Funded projects (with
CUP and the amount granted by agreement) join when rione records grants; until then
``cup`` is empty.

Which proposals are selected, by which ranking and for how much is kept in ``OpenProject``
(``models``), written by ``services.refresh_open_projects`` from ``selected_receipts``.
The scope of the readers is a set of calls (one call, the public calls of a programme, the
API's filters): ``project_rows`` streams its records (``.iterator(chunk_size=...)``) after
one small query for the cities' neighbourhoods, two queries whatever its size.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rione.applicants.disclosure import public_applicant_name
from rione.applicants.models import LegalForm
from rione.applications.content import document, items, part
from rione.applications.models import ProposalStatus, Receipt, ReceiptKind
from rione.core.clock import ROME
from rione.evaluation.models import EntryStatus, Ranking, RankingEntry, RankingKind
from rione.monitoring.models import OpenProject, OpenStatus
from rione.programmes.models import Call
from rione.territory.models import Neighbourhood

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.it"
CHUNK_SIZE = 500
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Field:
    name: str
    type: Any  # lazy translations
    meaning: Any


FIELDS: tuple[Field, ...] = (
    Field(
        "codice_locale_progetto",
        gettext_lazy("testo"),
        gettext_lazy(
            "Codice del progetto assegnato da rione: città, avviso e numero della "
            "proposta. Stabile nel tempo."
        ),
    ),
    Field(
        "cup",
        gettext_lazy("testo"),
        gettext_lazy(
            "Codice Unico di Progetto, quando il progetto è finanziato. Vuoto finché "
            "non è assegnato."
        ),
    ),
    Field("titolo", gettext_lazy("testo"), gettext_lazy("Titolo del progetto.")),
    Field(
        "sintesi",
        gettext_lazy("testo"),
        gettext_lazy("Sintesi del progetto scritta dal proponente."),
    ),
    Field(
        "beneficiario",
        gettext_lazy("testo"),
        gettext_lazy(
            "Denominazione dell'ente proponente. Per i gruppi informali di cittadini "
            "si scrive «Gruppo informale» e per le imprese individuali che portano il "
            "nome del titolare «Impresa individuale»: nessun nome di persona fisica è "
            "pubblicato."
        ),
    ),
    Field(
        "forma_giuridica",
        gettext_lazy("testo"),
        gettext_lazy("Forma giuridica dell'ente proponente; vuota per i gruppi informali."),
    ),
    Field("comune", gettext_lazy("testo"), gettext_lazy("Comune che ha pubblicato l'avviso.")),
    Field(
        "municipalita",
        gettext_lazy("elenco di testi"),
        gettext_lazy(
            "Municipalità (o circoscrizioni) in cui si svolge il progetto, separate "
            "da «; » nel CSV."
        ),
    ),
    Field(
        "quartieri",
        gettext_lazy("elenco di testi"),
        gettext_lazy("Quartieri in cui si svolge il progetto, separati da «; » nel CSV."),
    ),
    Field(
        "settore",
        gettext_lazy("testo"),
        gettext_lazy("Settore di intervento scelto dal proponente."),
    ),
    Field(
        "destinatari",
        gettext_lazy("elenco di testi"),
        gettext_lazy("Gruppi di destinatari del progetto, separati da «; » nel CSV."),
    ),
    Field(
        "importo_richiesto",
        gettext_lazy("decimale (euro)"),
        gettext_lazy("Contributo richiesto, in euro con due decimali e il punto come separatore."),
    ),
    Field(
        "importo_assegnato",
        gettext_lazy("decimale (euro)"),
        gettext_lazy("Contributo assegnato nella graduatoria; vuoto se non ancora noto."),
    ),
    Field(
        "cofinanziamento",
        gettext_lazy("decimale (euro)"),
        gettext_lazy("Quota del costo totale a carico del proponente."),
    ),
    Field(
        "costo_totale", gettext_lazy("decimale (euro)"), gettext_lazy("Costo totale del progetto.")
    ),
    Field(
        "data_presentazione",
        gettext_lazy("data (AAAA-MM-GG)"),
        gettext_lazy("Data della prima presentazione della proposta (ora di Roma)."),
    ),
    Field(
        "data_selezione",
        gettext_lazy("data (AAAA-MM-GG)"),
        gettext_lazy("Data di pubblicazione della graduatoria che ha selezionato la proposta."),
    ),
    Field(
        "stato",
        gettext_lazy("testo"),
        gettext_lazy(
            "Stato del progetto: selezionato in graduatoria provvisoria o definitiva; "
            "in seguito finanziato, in corso, concluso."
        ),
    ),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)


# The ``stato`` of a record (the API's ``status`` codes) by the kind of the ranking.
STATUS_OF_KIND: dict[str, OpenStatus] = {
    RankingKind.PROVISIONAL: OpenStatus.SELECTED_PROVISIONAL,
    RankingKind.FINAL: OpenStatus.SELECTED_FINAL,
}

# Latest published first, a final ranking before any provisional one: the first is chosen.
CHOSEN_ORDER = (
    Case(
        When(kind=RankingKind.FINAL, then=Value(0)), default=Value(1), output_field=IntegerField()
    ),
    "-published_at",
    "-pk",
)


def chosen_ranking(call: Call) -> Ranking | None:
    """The latest published ranking of ``call``; a final one wins over a provisional. One query."""
    return (
        Ranking.objects.filter(call=call, published_at__isnull=False)
        .order_by(*CHOSEN_ORDER)
        .first()
    )


Rankings = dict[int, Ranking]  # {ranking id: ranking}


def chosen_rankings(calls: QuerySet[Call] | Sequence[Call]) -> Rankings:
    """The chosen ranking of each of ``calls`` that has a published one, by ranking id.

    One query, over the published rankings of the calls (a few per call).
    """
    chosen: dict[int, Ranking] = {}
    for ranking in (
        Ranking.objects.filter(call__in=calls, published_at__isnull=False)
        .order_by("call_id", *CHOSEN_ORDER)
        .only("pk", "call_id", "kind", "published_at")
    ):
        chosen.setdefault(ranking.call_id, ranking)
    return {ranking.pk: ranking for ranking in chosen.values()}


def _amount(value: Any) -> str:
    if value in (None, "", "null"):
        return ""
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"
    except InvalidOperation:
        return ""


def _text(value: Any) -> str:
    return "" if value in (None, "null") else str(value)


def _day(value: datetime | None) -> str:
    return "" if value is None else timezone.localtime(value, ROME).date().isoformat()


Districts = dict[tuple[int, str], str]


def district_names(city_ids: Iterable[int] | QuerySet[Any]) -> Districts:
    """{(city id, neighbourhood name): district name} of the cities. One query."""
    found: Districts = {}
    for city_id, name, district in (
        Neighbourhood.objects.filter(city_id__in=city_ids)
        .order_by("district__order", "order", "pk")
        .values_list("city_id", "name", "district__name")
    ):
        found.setdefault((city_id, name), district or "")
    return found


def selected_in(ranking_ids: Iterable[int]) -> QuerySet[RankingEntry]:
    """The entry that selects the outer receipt's proposal in one of ``ranking_ids``."""
    return RankingEntry.objects.filter(
        ranking_id__in=list(ranking_ids),
        proposal=OuterRef("proposal"),
        status=EntryStatus.SELECTED,
    ).order_by()


def selected_receipts(calls: QuerySet[Call], rankings: Rankings) -> QuerySet[Receipt]:
    """The latest standing receipt of each proposal selected in the chosen ranking of its call.

    ``rankings`` are the chosen rankings of ``calls`` (``chosen_rankings(calls)``). One row
    per record, annotated with the first submission (``v_first``) and the chosen ranking
    that selects the proposal (``v_ranking``, one of ``rankings``) with the amount it awards
    (``v_awarded``). What ``services.refresh_open_projects`` writes into ``OpenProject``.
    """
    newer = Receipt.objects.filter(
        proposal=OuterRef("proposal"), protocol_number__gt=OuterRef("protocol_number")
    ).exclude(kind=ReceiptKind.WITHDRAWAL)
    first = (
        Receipt.objects.filter(proposal=OuterRef("proposal"), kind=ReceiptKind.SUBMISSION)
        .order_by()
        .values("proposal")
        .annotate(at=Min("issued_at"))
        .values("at")
    )
    entry = selected_in(rankings)
    return (
        Receipt.objects.filter(call__in=calls)
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .exclude(proposal__status=ProposalStatus.WITHDRAWN)
        .filter(~Exists(newer), Exists(entry))
        .annotate(
            v_ranking=Subquery(entry.values("ranking_id")[:1]),
            v_awarded=Subquery(entry.values("awarded")[:1]),
            v_first=Subquery(first[:1], output_field=DateTimeField()),
        )
        .order_by("call_id", "proposal_id")
    )


# What a record is made of, read from ``OpenProject`` and the receipt it points to.
ROW = (
    "proposal_id",
    "call__slug",
    "city_id",
    "city__slug",
    "city__name",
    "status",
    "ranking__published_at",
    "awarded",
    "first_submitted_at",
    "receipt__content",  # parsed once in Python: the database would parse it once per field
)


class Records:
    """Turns rows of ``OpenProject.objects.values_list(*ROW)`` into open-data records."""

    def __init__(self, districts: Districts) -> None:
        self.districts = districts
        self.forms = dict(LegalForm.choices)
        self.states = dict(OpenStatus.choices)

    def record(self, row: tuple[Any, ...]) -> dict[str, Any]:
        """One record, keyed by ``FIELD_NAMES``: lists stay lists, amounts are strings."""
        (
            pk,
            call_slug,
            city_id,
            city_slug,
            city_name,
            status,
            selected_at,
            awarded,
            first_at,
            content,
        ) = row
        doc = document(content)
        idea, applicant, budget = (part(doc, key) for key in ("idea", "applicant", "budget"))
        group = applicant.get("kind") == "informal_group"
        places, targets = idea.get("neighbourhoods"), doc.get("targets")
        names = [str(n) for n in items(places)]
        districts = self.districts
        return {
            "codice_locale_progetto": f"{city_slug}-{call_slug}-{pk}",
            "cup": "",
            "titolo": _text(idea.get("title")),
            "sintesi": _text(idea.get("summary")),
            "beneficiario": public_applicant_name(
                kind=applicant.get("kind"),
                name=applicant.get("name"),
                legal_form=applicant.get("legal_form"),
                legal_representative=applicant.get("legal_representative"),
            ),
            "forma_giuridica": ""
            if group
            else str(self.forms.get(_text(applicant.get("legal_form")), "")),
            "comune": city_name,
            "municipalita": list(
                dict.fromkeys(districts[(city_id, n)] for n in names if (city_id, n) in districts)
            ),
            "quartieri": names,
            "settore": _text(idea.get("sector")),
            "destinatari": [
                str(t["target_group"])
                for t in items(targets)
                if isinstance(t, dict) and t.get("target_group")
            ],
            "importo_richiesto": _amount(budget.get("requested_grant")),
            "importo_assegnato": _amount(awarded),
            "cofinanziamento": _amount(budget.get("own_contribution")),
            "costo_totale": _amount(budget.get("total_cost")),
            "data_presentazione": _day(first_at),
            "data_selezione": _day(selected_at),
            "stato": str(self.states.get(status, "")),
        }


def open_projects(scope: QuerySet[Call]) -> QuerySet[OpenProject]:
    """The published projects of the calls of ``scope``, by call and proposal. Lazy."""
    return OpenProject.objects.filter(call__in=scope).order_by("call_id", "proposal_id")


def project_rows(
    *, call: Call | None = None, calls: QuerySet[Call] | None = None
) -> Iterator[dict[str, Any]]:
    """One open-data record (a dict keyed by ``FIELD_NAMES``) per selected proposal.

    The scope is either one ``call`` or the queryset ``calls`` (say, the public calls of a
    programme); the caller decides what is public. Two queries: the neighbourhoods, then
    the records, streamed in chunks; nothing but the published fields is read out of them.
    """
    if (call is None) == (calls is None):
        raise TypeError("project_rows takes either call or calls")
    scope = Call.objects.filter(pk=call.pk) if call is not None else calls
    assert scope is not None
    yield from stream_records(open_projects(scope), scope.values("city_id"))


def stream_records(
    projects: QuerySet[OpenProject], city_ids: Iterable[int] | QuerySet[Any]
) -> Iterator[dict[str, Any]]:
    """The records of ``projects`` (in the cities ``city_ids``), streamed in chunks."""
    records = Records(district_names(city_ids))
    for row in projects.values_list(*ROW).iterator(chunk_size=CHUNK_SIZE):
        yield records.record(row)
