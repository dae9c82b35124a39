"""Open data: one public record per selected proposal, in OpenCoesione's spirit.

A proposal is read from its latest submitted version (the receipt's canonical content),
and only the fields listed in ``FIELDS`` are written out of it: the members of an informal
group, the declarant, the legal representative, codici fiscali, PEC and partners never
reach a record. The applicant is named by ``applicants.disclosure.public_applicant_name``:
an entity by its name, an informal group or a sole trader without one. The content is
parsed once per record in Python (the database would parse it once per field it reads). "Selected" means selected in the chosen
ranking of its call: the latest published one, a final ranking winning over a provisional
one, as on the dashboard. Funded projects (with CUP and the amount granted by agreement)
join when rione records grants; until then ``cup`` is empty.

The scope is a set of calls (one call, the public calls of a programme, the API's
filters). ``chosen_rankings`` reads the chosen ranking of every call of the scope in one
small query; ``selected_receipts`` is then the one query that finds the records, which
``project_rows`` streams (``.iterator(chunk_size=...)``) after one small query for the
cities' neighbourhoods: three queries whatever the number of calls and proposals.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    IntegerField,
    JSONField,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rione.applicants.disclosure import public_applicant_name
from rione.applicants.models import LegalForm
from rione.applications.content import document, items, part
from rione.applications.models import ProposalStatus, Receipt, ReceiptKind
from rione.core.clock import ROME
from rione.evaluation.models import EntryStatus, Ranking, RankingEntry, RankingKind
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


# The machine codes of ``stato`` (the API's ``status`` filter) and the ranking kind behind each.
STATUSES: dict[str, str] = {
    "selected_provisional": RankingKind.PROVISIONAL,
    "selected_final": RankingKind.FINAL,
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


def chosen_rankings(calls: QuerySet[Call]) -> Rankings:
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


# The lists that filters match as JSON text (``opendata_filters``); a record itself is read
# from the receipt's content, parsed once in Python (``Records.record``).
JSON_FIELDS = {
    "v_neighbourhoods": KT("doc__idea__neighbourhoods"),
    "v_targets": KT("doc__targets"),
}
ROW = (
    "proposal_id",
    "call__slug",
    "call__city_id",
    "call__city__slug",
    "call__city__name",
    "v_ranking",
    "v_awarded",
    "v_first",
    "content",  # parsed once in Python: the database would parse it once per field read
)


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
    per record, annotated as ``with_record_fields`` says and ordered by call and proposal.
    Filter it further, then read ``ROW`` (or only the pks: the annotations cost nothing
    unless read).
    """
    newer = Receipt.objects.filter(
        proposal=OuterRef("proposal"), protocol_number__gt=OuterRef("protocol_number")
    ).exclude(kind=ReceiptKind.WITHDRAWAL)
    standing = (
        Receipt.objects.filter(call__in=calls)
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .exclude(proposal__status=ProposalStatus.WITHDRAWN)
        .filter(~Exists(newer), Exists(selected_in(rankings)))
    )
    return with_record_fields(standing, rankings)


def with_record_fields(receipts: QuerySet[Receipt], rankings: Rankings) -> QuerySet[Receipt]:
    """``receipts`` annotated with what a record needs, ordered by call and proposal.

    ``doc`` (the content as JSON), the lists of ``JSON_FIELDS`` for filters, the first
    submission, and the chosen ranking that selects the proposal (``v_ranking``, one of
    ``rankings``) with the amount it awards. Only for receipts of selected proposals.
    """
    first = (
        Receipt.objects.filter(proposal=OuterRef("proposal"), kind=ReceiptKind.SUBMISSION)
        .order_by()
        .values("proposal")
        .annotate(at=Min("issued_at"))
        .values("at")
    )
    entry = selected_in(rankings)
    return (
        receipts.annotate(
            doc=Cast("content", JSONField()),
            v_ranking=Subquery(entry.values("ranking_id")[:1]),
            v_awarded=Subquery(entry.values("awarded")[:1]),
            v_first=Subquery(first[:1], output_field=DateTimeField()),
        )
        .annotate(**JSON_FIELDS)
        .order_by("call_id", "proposal_id")
    )


class Records:
    """Turns rows of ``selected_receipts(...).values_list(*ROW)`` into open-data records."""

    def __init__(self, districts: Districts, rankings: Rankings) -> None:
        self.districts = districts
        self.rankings = rankings
        self.forms = dict(LegalForm.choices)
        self.states: dict[str, str] = {
            RankingKind.FINAL: _("Selezionato in graduatoria definitiva"),
            RankingKind.PROVISIONAL: _("Selezionato in graduatoria provvisoria"),
        }

    def record(self, row: tuple[Any, ...]) -> dict[str, Any]:
        """One record, keyed by ``FIELD_NAMES``: lists stay lists, amounts are strings."""
        pk, call_slug, city_id, city_slug, city_name, ranking_id, awarded, first_at, content = row
        ranking = self.rankings[ranking_id]
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
            "data_selezione": _day(ranking.published_at),
            "stato": str(self.states.get(ranking.kind, "")),
        }


def project_rows(
    *, call: Call | None = None, calls: QuerySet[Call] | None = None
) -> Iterator[dict[str, Any]]:
    """One open-data record (a dict keyed by ``FIELD_NAMES``) per selected proposal.

    The scope is either one ``call`` or the queryset ``calls`` (say, the public calls of a
    programme); the caller decides what is public. The receipts are streamed in chunks;
    nothing but the published fields is read out of them. Three queries: the rankings,
    the neighbourhoods, the receipts (none but the first without a published ranking).
    """
    if (call is None) == (calls is None):
        raise TypeError("project_rows takes either call or calls")
    scope = Call.objects.filter(pk=call.pk) if call is not None else calls
    assert scope is not None
    yield from stream_records(scope, lambda rankings: selected_receipts(scope, rankings))


def stream_records(
    scope: QuerySet[Call], receipts: Callable[[Rankings], QuerySet[Receipt]]
) -> Iterator[dict[str, Any]]:
    """The records of ``receipts(chosen rankings of scope)``, streamed in chunks. Nothing
    but the rankings' query when the scope has no published ranking."""
    rankings = chosen_rankings(scope)
    if not rankings:
        return
    records = Records(district_names(scope.values("city_id")), rankings)
    for row in receipts(rankings).values_list(*ROW).iterator(chunk_size=CHUNK_SIZE):
        yield records.record(row)
