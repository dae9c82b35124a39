"""The dashboard as a PDF for the managing authority: the same tables as the page."""

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from rione.core.clock import ROME
from rione.monitoring.figures import THRESHOLD, Amount, Count
from rione.monitoring.selectors import Indicators


def _count(value: Count | None) -> str:
    return _("non ancora disponibile") if value is None else value.text


def _amount(value: Amount | None) -> str:
    return "—" if value is None else value.text


def legend(public: bool) -> list[str]:
    """What the reader needs to read the figures."""
    lines = [
        _(
            "Ogni proposta conta con l'ultima versione presentata. Presentate: domande inviate "
            "e non ritirate. Ammissibili: esito della verifica di ammissibilità. Selezionate: "
            "secondo l'ultima graduatoria pubblicata."
        )
    ]
    if public:
        lines.append(
            _(
                "<%(n)s: da 1 a %(m)s proposte, dato nascosto perché potrebbe identificare un "
                "gruppo informale. n.d.: dato nascosto perché permetterebbe di ricavare un "
                "dato nascosto."
            )
            % {"n": THRESHOLD, "m": THRESHOLD - 1}
        )
    return lines


def pdf_bytes(
    data: Indicators,
    *,
    title: str,
    city: str,
    scope: Sequence[tuple[str, str]],
    at: datetime,
) -> bytes:
    """The indicators as an A4 PDF; ``scope`` lists (label, value) of the filters applied."""
    when = timezone.localtime(at, ROME)
    from rione.core.pdf import Document  # fpdf and its fonts: loaded when a PDF is made

    document = Document(
        title=title,
        city=city,
        footer_note=_("Dati al %(when)s") % {"when": when.strftime("%d/%m/%Y %H:%M")},
        created_at=at,
    )
    for label, value in scope:
        document.field(label, value)
    for source in data.selection:
        document.field(_("Selezione: %(call)s") % {"call": source.call_title}, source.label)
    for line in legend(data.public):
        document.paragraph(line, size=8)
    if data.is_empty:
        document.paragraph(_("Non ci sono ancora domande da contare."))
        return document.render()

    document.heading(_("Dalle bozze alla selezione"))
    document.simple_table(
        [_("Fase"), _("Proposte"), _("Note")],
        [(step.label, _count(step.count), step.note) for step in data.funnel]
        + [(_("Ritirate dopo l'invio"), data.withdrawn.text, "")],
        widths=(30, 14, 56),
    )

    document.heading(_("Risorse"))
    if data.budget is not None:
        document.field(_("Dotazione"), Amount(data.budget).text)
    document.simple_table(
        [
            _("Fase"),
            _("Proposte"),
            _("Costo complessivo"),
            _("Contributo richiesto"),
            _("Cofinanziamento"),
            _("Contributo assegnato"),
        ],
        [
            (
                row.label,
                _count(row.count),
                _amount(row.total_cost),
                _amount(row.requested),
                _amount(row.own_contribution),
                _amount(row.awarded),
            )
            for row in data.money
        ],
        widths=(18, 12, 18, 18, 18, 18),
        align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
    )

    for breakdown in data.breakdowns:
        document.heading(breakdown.title)
        for note in breakdown.notes:
            document.paragraph(note, size=8)
        document.simple_table(
            [
                breakdown.dimension,
                _("Presentate"),
                _("Ammissibili"),
                _("Selezionate"),
                _("Contributo richiesto"),
                _("Contributo assegnato"),
            ],
            [
                (
                    row.label,
                    row.submitted.text,
                    row.admissible.text,
                    row.selected.text,
                    row.requested.text,
                    row.awarded.text,
                )
                for row in breakdown.rows
            ],
            widths=(34, 12, 12, 12, 16, 16),
            align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        )
    return document.render()
