"""Open data: one public record per selected proposal of a call, in OpenCoesione's spirit.

A proposal is read from its latest submitted version (the receipt's canonical content),
and only the fields listed in ``FIELDS`` are taken out of it, by the database: the
members of an informal group, the declarant, the legal representative, codici fiscali,
PEC and partners never leave the database. "Selected" means selected in the latest
published ranking of the call (a final ranking wins over a provisional one), as on the
dashboard. Funded projects (with CUP and the amount granted by agreement) join when rione
records grants; until then ``cup`` is empty.

``project_rows`` yields one dict per record and never holds the whole list: three small
queries (the ranking, the city's neighbourhoods) and one streamed query over the receipts
(``.iterator(chunk_size=...)``), whatever the number of proposals.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import DateTimeField, Exists, JSONField, Min, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rione.applicants.models import LegalForm
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
            "si scrive «Gruppo informale»: nessun nome di persona fisica è pubblicato."
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


def chosen_ranking(call: Call) -> Ranking | None:
    """The latest published ranking of ``call``; a final one wins over a provisional. One query."""
    chosen: Ranking | None = None
    for ranking in Ranking.objects.filter(call=call, published_at__isnull=False).order_by(
        "published_at", "pk"
    ):
        if chosen is None or not (
            chosen.kind == RankingKind.FINAL and ranking.kind == RankingKind.PROVISIONAL
        ):
            chosen = ranking
    return chosen


def _amount(value: Any) -> str:
    if value in (None, "", "null"):
        return ""
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"
    except InvalidOperation:
        return ""


def _list(value: Any) -> list[Any]:
    if value in (None, "", "null"):
        return []
    parsed = json.loads(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, list) else []


def _text(value: Any) -> str:
    return "" if value in (None, "null") else str(value)


def _day(value: datetime | None) -> str:
    return "" if value is None else timezone.localtime(value, ROME).date().isoformat()


def _district_names(city_id: int) -> dict[str, str]:
    """{neighbourhood name: district name} of the city. One query."""
    found: dict[str, str] = {}
    for name, district in (
        Neighbourhood.objects.filter(city_id=city_id)
        .order_by("district__order", "order", "pk")
        .values_list("name", "district__name")
    ):
        found.setdefault(name, district or "")
    return found


def project_rows(*, call: Call) -> Iterator[dict[str, Any]]:
    """One open-data record (a dict keyed by ``FIELD_NAMES``) per selected proposal of ``call``.

    ``call`` must come with its city (``select_related("city")``). The receipts are streamed
    in chunks; nothing but the published fields is read out of them.
    """
    ranking = chosen_ranking(call)
    if ranking is None:
        return
    districts = _district_names(call.city_id)
    selected = RankingEntry.objects.filter(
        ranking=ranking, proposal=OuterRef("proposal"), status=EntryStatus.SELECTED
    )
    newer = Receipt.objects.filter(
        proposal=OuterRef("proposal"), protocol_number__gt=OuterRef("protocol_number")
    ).exclude(kind=ReceiptKind.WITHDRAWAL)
    first = (
        Receipt.objects.filter(proposal=OuterRef("proposal"), kind=ReceiptKind.SUBMISSION)
        .values("proposal")
        .annotate(at=Min("issued_at"))
        .values("at")
    )
    fields = {
        "v_title": KT("doc__idea__title"),
        "v_summary": KT("doc__idea__summary"),
        "v_kind": KT("doc__applicant__kind"),
        "v_name": KT("doc__applicant__name"),
        "v_form": KT("doc__applicant__legal_form"),
        "v_sector": KT("doc__idea__sector"),
        "v_neighbourhoods": KT("doc__idea__neighbourhoods"),
        "v_targets": KT("doc__targets"),
        "v_cost": KT("doc__budget__total_cost"),
        "v_requested": KT("doc__budget__requested_grant"),
        "v_own": KT("doc__budget__own_contribution"),
    }
    rows = (
        Receipt.objects.filter(call=call)
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .exclude(proposal__status=ProposalStatus.WITHDRAWN)
        .filter(~Exists(newer), Exists(selected))
        .annotate(
            doc=Cast("content", JSONField()),
            v_awarded=Subquery(selected.values("awarded")[:1]),
            v_first=Subquery(first[:1], output_field=DateTimeField()),
        )
        .annotate(**fields)
        .order_by("proposal_id")
        .values_list("proposal_id", "v_awarded", "v_first", *fields)
    )
    forms = dict(LegalForm.choices)
    state = (
        _("Selezionato in graduatoria definitiva")
        if ranking.kind == RankingKind.FINAL
        else _("Selezionato in graduatoria provvisoria")
    )
    selected_on = _day(ranking.published_at)
    for pk, awarded, first_at, title, summary, kind, name, form, *rest in rows.iterator(
        chunk_size=CHUNK_SIZE
    ):
        sector, neighbourhoods, targets, cost, requested, own = rest
        group = kind == "informal_group"
        places = [str(n) for n in _list(neighbourhoods)]
        yield {
            "codice_locale_progetto": f"{call.city.slug}-{call.slug}-{pk}",
            "cup": "",
            "titolo": _text(title),
            "sintesi": _text(summary),
            "beneficiario": _("Gruppo informale") if group else _text(name),
            "forma_giuridica": "" if group else str(forms.get(_text(form), "")),
            "comune": call.city.name,
            "municipalita": list(dict.fromkeys(districts[n] for n in places if n in districts)),
            "quartieri": places,
            "settore": _text(sector),
            "destinatari": [
                str(t["target_group"])
                for t in _list(targets)
                if isinstance(t, dict) and t.get("target_group")
            ],
            "importo_richiesto": _amount(requested),
            "importo_assegnato": _amount(awarded),
            "cofinanziamento": _amount(own),
            "costo_totale": _amount(cost),
            "data_presentazione": _day(first_at),
            "data_selezione": selected_on,
            "stato": state,
        }
