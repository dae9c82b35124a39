"""Rankings for people: the rows staff and the public see, and the CSV, XLSX and PDF downloads.

Public rows never carry a natural person's name or codice fiscale: a legal entity is shown
by its name, an informal group as "Gruppo informale", a sole trader as "Impresa individuale"
(``applicants.disclosure``). Titles and names come from the
latest submitted version, never the working copy.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from rione.applicants.disclosure import public_applicant_name
from rione.applications.content import document, part
from rione.applications.models import Receipt, ReceiptKind
from rione.core.money import format_eur
from rione.evaluation.models import EntryStatus, Ranking, RankingEntry


def reason_label(reason: str, detail: str = "") -> str:
    """The rule that decided an entry, in words."""
    labels = {
        "selected": _("Selezionata"),
        "selected_partially": _("Selezionata in parte (dotazione residua del lotto)"),
        "selected_reserved_share": _("Selezionata nella quota riservata"),
        "cap_reached": _("Raggiunto il numero massimo di proposte finanziabili"),
        "quota_full": _("Raggiunto il numero massimo per la tipologia"),
        "lot_budget_exhausted": _("Dotazione del lotto esaurita"),
        "does_not_fit_lot_budget": _("Il contributo richiesto supera la dotazione residua"),
        "funding_stopped": _("Finanziamento del lotto interrotto"),
        "below_threshold": _("Punteggio sotto la soglia minima"),
        "no_score": _("Valutazione non completata"),
        "not_admissible": _("Non ammissibile"),
        "renounced": _("Rinuncia"),
        "revoked": _("Revoca"),
    }
    label = str(labels.get(reason, reason))
    return f"{label}: {detail}" if detail and reason == "revoked" else label


@dataclass(frozen=True)
class Row:
    entry_id: int
    proposal_id: int
    position: int | None
    protocol_number: int | None
    title: str
    applicant: str
    public_applicant: str
    is_network: bool
    score: Decimal | None
    status: str
    status_label: str
    reason: str
    reason_label: str
    awarded: Decimal


def entries_of(ranking: Ranking, *, status: str = "") -> QuerySet[Any, tuple[Any, ...]]:
    """The entries of ``ranking`` in ranking order, with their latest submitted version.

    ``status`` keeps only the entries with that outcome ("" keeps them all). Slice it (a
    page) and pass it to :func:`rows_from`, which reads the title and the applicant out of
    the version's content (parsed once there, not once per field by the database).
    """
    entries = RankingEntry.objects.filter(ranking=ranking)
    if status:
        entries = entries.filter(status=status)
    latest = (
        Receipt.objects.filter(proposal=OuterRef("proposal_id"))
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .order_by("-protocol_number")
    )
    return (
        entries.annotate(
            version_number=Subquery(latest.values("protocol_number")[:1]),
            version_content=Subquery(latest.values("content")[:1]),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "proposal_id",
            "position",
            "version_number",
            "version_content",
            "score",
            "status",
            "reason",
            "reason_detail",
            "awarded",
        )
    )


def rows_of(ranking: Ranking) -> list[Row]:
    """Every entry of ``ranking`` as a row, in ranking order. One query."""
    return rows_from(entries_of(ranking))


def _text(value: Any) -> str | None:
    """A JSON value as text, as the database reads it: null is None, true is "true"."""
    return value if value is None or isinstance(value, str) else json.dumps(value)


def rows_from(entries: Iterable[tuple[Any, ...]]) -> list[Row]:
    """Rows from (a slice of) :func:`entries_of`."""
    statuses = dict(EntryStatus.choices)
    rows = []
    for (
        pk,
        proposal_id,
        position,
        number,
        content,
        score,
        status,
        reason,
        detail,
        awarded,
    ) in entries:
        doc = document(content)
        idea, applicant = part(doc, "idea"), part(doc, "applicant")
        name = _text(applicant.get("name"))
        rows.append(
            Row(
                entry_id=pk,
                proposal_id=proposal_id,
                position=position,
                protocol_number=number,
                title=_text(idea.get("title")) or _("Proposta senza titolo"),
                applicant=name or "",
                public_applicant=public_applicant_name(
                    kind=applicant.get("kind"),
                    name=name,
                    legal_form=_text(applicant.get("legal_form")),
                    legal_representative=_text(applicant.get("legal_representative")),
                ),
                is_network=applicant.get("network") in (True, "true", "True", 1, "1"),
                score=score,
                status=status,
                status_label=str(statuses.get(status, status)),
                reason=reason,
                reason_label=reason_label(reason, detail),
                awarded=awarded,
            )
        )
    return rows


def _score(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def public_headings() -> list[str]:
    return [
        _("Posizione"),
        _("Protocollo"),
        _("Titolo"),
        _("Proponente"),
        _("Punteggio"),
        _("Esito"),
        _("Contributo assegnato"),
    ]


def public_values(row: Row) -> list[str]:
    return [
        "" if row.position is None else str(row.position),
        "" if row.protocol_number is None else str(row.protocol_number),
        row.title,
        row.public_applicant,
        _score(row.score),
        row.status_label,
        format_eur(row.awarded) if row.awarded else "",
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Sequence[Row]) -> Iterator[str]:
    """The public ranking as RFC 4180 CSV lines (CRLF, quoted when needed), BOM first."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff"
    yield writer.writerow(public_headings())
    for row in rows:
        yield writer.writerow(public_values(row))


def xlsx_bytes(ranking: Ranking, rows: Sequence[Row]) -> bytes:
    """The public ranking as an XLSX workbook, written in openpyxl's write-only mode."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(_("Graduatoria"))[:31])
    sheet.append(public_headings())
    for row in rows:
        sheet.append(
            [
                row.position,
                row.protocol_number,
                row.title,
                row.public_applicant,
                None if row.score is None else float(row.score),
                row.status_label,
                float(row.awarded),
            ]
        )
    sheet.append([])
    sheet.append([str(_("Impronta SHA-256 dei dati")), ranking.sha256])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes(ranking: Ranking, rows: Sequence[Row]) -> bytes:
    """The public ranking as a PDF, with the SHA-256 of the canonical data printed."""
    call = ranking.call
    kind = ranking.get_kind_display()
    from rione.core.pdf import Document  # fpdf and its fonts: loaded when a PDF is made

    document = Document(
        title=_("Graduatoria %(kind)s · %(call)s")
        % {"kind": str(kind).lower(), "call": call.title},
        city=call.city.name,
        footer_note=f"SHA-256 {ranking.sha256}",
        created_at=ranking.published_at or ranking.computed_at,
    )
    if ranking.act_number:
        date = ranking.act_date.strftime("%d/%m/%Y") if ranking.act_date else ""
        document.field(_("Determina"), f"n. {ranking.act_number} {date}".strip())
    if ranking.published_at:
        document.field(_("Pubblicata il"), ranking.published_at.strftime("%d/%m/%Y"))
    document.long_field(_("Impronta SHA-256 dei dati"), ranking.sha256, size=8)
    document.simple_table(
        public_headings(),
        [public_values(row) for row in rows],
        widths=(8, 10, 34, 24, 10, 16, 14),
    )
    return bytes(document.output())
