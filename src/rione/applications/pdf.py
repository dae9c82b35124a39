"""PDFs of a receipt: the receipt itself and the whole application as submitted.

Both are drawn from the receipt's canonical content (``services/canonical.py``), never
from the proposal as it is now, so they show exactly what the hash covers. Labels are
rendered in the language active when the function is called.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import TextChoices
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rione.applicants.models import LegalForm
from rione.applications.models import Partner, Receipt, ReceiptKind
from rione.applications.services.canonical import PROPOSAL_SCHEMA
from rione.core.clock import ROME
from rione.core.money import format_eur

if TYPE_CHECKING:
    from rione.core.pdf import Document

HASH_SIZE = 8.0


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt of a submission, new version or withdrawal, with how to verify it."""
    content = json.loads(receipt.content)
    is_proposal = content.get("schema") == PROPOSAL_SCHEMA
    title = _receipt_title(receipt)
    pdf = _document(receipt, title=title)
    pdf.heading(title)
    pdf.field(_("Amministrazione"), _city_name(receipt))
    pdf.field(_("Avviso"), receipt.call.title)
    pdf.field(_("Numero di protocollo"), str(receipt.protocol_number))
    pdf.field(_("Data e ora"), issued_at_text(receipt))
    pdf.field(_("Versione"), str(receipt.version))
    if is_proposal:
        pdf.field(_("Proponente"), content["applicant"]["name"])
        pdf.field(_("Titolo della proposta"), content["idea"]["title"])
        pdf.field(_("Dichiarante"), content["declarant"]["name"])
    else:
        pdf.field(_("Proponente"), content.get("applicant", ""))
        pdf.field(_("Titolo della proposta"), content.get("title", ""))
        pdf.long_field(_("Motivo del ritiro"), content.get("reason", ""))
    pdf.long_field(_("Impronta SHA-256 del contenuto"), receipt.sha256, size=HASH_SIZE)
    if is_proposal:
        pdf.heading(_("File allegati"))
        _attachments(pdf, content["attachments"])
    pdf.heading(_("Come verificare questa ricevuta"))
    json_name = f"ricevuta-{receipt.protocol_number}.json"
    explanation = _(
        "L'impronta SHA-256 è calcolata sul contenuto canonico di quanto registrato (testo "
        "JSON in UTF-8, allegato a questo PDF come file %(file)s): cambia se cambia anche un "
        "solo carattere."
    ) % {"file": json_name}
    if is_proposal:
        explanation += " " + _(
            "Poiché il contenuto comprende l'impronta di ciascun file allegato, la ricevuta "
            "attesta anche i file."
        )
    explanation += " " + _(
        "Per verificare la ricevuta apri la pagina %(url)s e inserisci il numero di protocollo "
        "e l'impronta indicati sopra."
    ) % {"url": verify_url(receipt)}
    pdf.paragraph(explanation)
    pdf.embed_file(
        bytes=receipt.content.encode("utf-8"),
        basename=json_name,
        mime_type="application/json",
        modification_date=receipt.issued_at,
        desc=str(_("Contenuto canonico della ricevuta")),
    )
    return pdf.render()


def application_pdf(receipt: Receipt) -> bytes:
    """The whole application as submitted with ``receipt``; ValueError for a withdrawal."""
    if receipt.kind not in {ReceiptKind.SUBMISSION, ReceiptKind.NEW_VERSION}:
        raise ValueError("only submissions and new versions contain an application")
    content = json.loads(receipt.content)
    if content.get("schema") != PROPOSAL_SCHEMA:
        raise ValueError(f"unexpected content schema {content.get('schema')!r}")
    title = _("Domanda all'avviso «%(call)s»") % {"call": receipt.call.title}
    pdf = _document(receipt, title=title)

    pdf.heading(_("Registrazione"))
    pdf.field(_("Avviso"), receipt.call.title)
    pdf.field(_("Numero di protocollo"), str(receipt.protocol_number))
    pdf.field(_("Tipo"), receipt.get_kind_display())
    pdf.field(_("Data e ora"), issued_at_text(receipt))
    pdf.field(_("Versione"), str(receipt.version))
    declarant = content["declarant"]
    pdf.field(_("Dichiarante"), _joined(declarant["name"], declarant.get("codice_fiscale")))
    pdf.long_field(_("Impronta SHA-256 del contenuto"), receipt.sha256, size=HASH_SIZE)

    _applicant(pdf, content["applicant"])
    if content.get("partners"):
        _partners(pdf, content["partners"])
    if content.get("lot"):
        pdf.heading(_("Lotto"))
        lot = content["lot"]
        pdf.field(_("Lotto"), f"{lot['number']}. {lot['title']}")
    _idea(pdf, content["idea"])
    _targets(pdf, content["targets"])
    _budget(pdf, content["budget"])
    if content.get("answers"):
        pdf.heading(_("Domande dell'avviso"))
        for answer in content["answers"]:
            pdf.long_field(answer["question"], answer["answer"])
    pdf.heading(_("Allegati"))
    _attachments(pdf, content["attachments"])
    _declarations(pdf, content.get("declarations", {}), declarant["name"])
    return pdf.render()


def issued_at_text(receipt: Receipt) -> str:
    """Date, time and zone of issue on the Rome clock: '03/03/2026 14:05:09 CET (UTC+01:00)'."""
    local = timezone.localtime(receipt.issued_at, ROME)
    offset = local.strftime("%z")
    return f"{local:%d/%m/%Y %H:%M:%S} {local:%Z} (UTC{offset[:3]}:{offset[3:]}, Europe/Rome)"


def verify_url(receipt: Receipt) -> str:
    """The public page where anyone can check a receipt of this call."""
    call = receipt.call
    return settings.SITE_URL + reverse(
        "applications:verify_receipt", args=[call.city.slug, call.slug]
    )


def _receipt_title(receipt: Receipt) -> str:
    kind = str(receipt.get_kind_display())
    return _("Ricevuta di %(kind)s") % {"kind": kind[:1].lower() + kind[1:]}


def _city_name(receipt: Receipt) -> str:
    city = receipt.call.city
    return city.official_name or city.name


def _document(receipt: Receipt, *, title: str) -> Document:
    note = _("Protocollo n. %(number)d · versione %(version)d · SHA-256 %(sha)s") % {
        "number": receipt.protocol_number,
        "version": receipt.version,
        "sha": receipt.sha256,
    }
    from rione.core.pdf import Document  # fpdf and its fonts: loaded when a PDF is made

    return Document(
        title=title, city=_city_name(receipt), footer_note=note, created_at=receipt.issued_at
    )


def _money(value: str | None) -> str:
    return "—" if value is None else format_eur(Decimal(value))


def _number(value: str | None) -> str:
    """'100.00' -> '100', '2.50' -> '2,5' (Italian decimal comma, as ``format_eur``)."""
    if value is None:
        return "—"
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def _percent(value: str | None) -> str:
    return "—" if value is None else f"{Decimal(value):.2f}".replace(".", ",") + " %"


def _yes_no(value: bool) -> str:
    return _("Sì") if value else _("No")


def _joined(*parts: str | None) -> str:
    return " · ".join(part for part in parts if part)


def _label(choices: type[TextChoices], value: str | None) -> str:
    if not value:
        return ""
    return str(choices(value).label) if value in choices.values else value


def _applicant(pdf: Document, applicant: dict[str, Any]) -> None:
    pdf.heading(_("Proponente"))
    if applicant["kind"] == "informal_group":
        pdf.field(_("Gruppo informale"), applicant["name"])
        pdf.heading(_("Componenti del gruppo"), level=1)
        pdf.simple_table(
            [_("Nome e cognome"), _("Codice fiscale")],
            [[m["name"], m["codice_fiscale"]] for m in applicant["members"]],
            widths=[3, 2],
        )
        return
    pdf.field(_("Denominazione"), applicant["name"])
    pdf.field(_("Forma giuridica"), _label(LegalForm, applicant.get("legal_form")))
    pdf.field(_("Codice fiscale"), applicant.get("codice_fiscale"))
    pdf.field(_("Partita IVA"), applicant.get("partita_iva"))
    pdf.field(_("PEC"), applicant.get("pec"))
    pdf.field(_("Numero di iscrizione al RUNTS"), applicant.get("runts_number"))
    pdf.field(_("Sede legale"), applicant.get("registered_office"))
    pdf.field(_("Legale rappresentante"), applicant.get("legal_representative"))
    pdf.field(_("Capofila di una rete di partner"), _yes_no(bool(applicant.get("network"))))


def _partners(pdf: Document, partners: list[dict[str, Any]]) -> None:
    pdf.heading(_("Partner della rete"))
    for number, partner in enumerate(partners, start=1):
        pdf.heading(f"{number}. {partner['name']}", level=1)
        pdf.field(_("Tipo di partner"), _label(Partner.Kind, partner.get("kind")))
        pdf.field(_("Codice fiscale o partita IVA"), partner.get("codice_fiscale"))
        pdf.long_field(_("Ruolo nel progetto"), partner.get("role"))
        pdf.long_field(_("Risorse messe a disposizione"), partner.get("resources"))
        if partner.get("letter_sha256"):
            pdf.long_field(
                _("Lettera di impegno, impronta SHA-256"), partner["letter_sha256"], size=HASH_SIZE
            )


def _idea(pdf: Document, idea: dict[str, Any]) -> None:
    pdf.heading(_("L'idea"))
    pdf.field(_("Titolo"), idea.get("title"))
    pdf.field(_("Settore"), idea.get("sector"))
    pdf.field(_("Quartieri"), ", ".join(idea.get("neighbourhoods") or []))
    texts = [
        ("summary", _("Sintesi")),
        ("problem", _("Problema o bisogno")),
        ("solution", _("Soluzione proposta")),
        ("innovation", _("Elementi di innovazione")),
        ("impact", _("Impatto atteso")),
        ("sustainability", _("Sostenibilità dopo il contributo")),
    ]
    for key, label in texts:
        pdf.long_field(label, idea.get(key))


def _targets(pdf: Document, targets: list[dict[str, Any]]) -> None:
    pdf.heading(_("Destinatari"))
    if not targets:
        pdf.paragraph(_("Nessun gruppo di destinatari indicato."))
        return
    rows: list[list[object]] = [[t["target_group"], str(t["participants"])] for t in targets]
    rows.append([_("Totale"), str(sum(int(t["participants"]) for t in targets))])
    pdf.simple_table(
        [_("Destinatari"), _("Partecipanti stimati")],
        rows,
        widths=[3, 1],
        align=["LEFT", "RIGHT"],
    )


def _budget(pdf: Document, budget: dict[str, Any]) -> None:
    pdf.heading(_("Budget"))
    lines = budget.get("lines") or []
    if lines:
        pdf.simple_table(
            [
                _("Voce di costo"),
                _("Descrizione"),
                _("Quantità"),
                _("Costo unitario"),
                _("Importo"),
            ],
            [
                [
                    line["cost_category"],
                    line["description"],
                    _number(line["quantity"]),
                    _money(line["unit_cost"]),
                    _money(line["amount"]),
                ]
                for line in lines
            ],
            widths=[2.2, 3.8, 1.2, 1.8, 1.8],
            align=["LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"],
        )
    else:
        pdf.paragraph(_("Nessuna voce di costo indicata."))
    pdf.field(_("Costo totale del progetto"), _money(budget.get("total_cost")))
    pdf.field(_("Contributo richiesto"), _money(budget.get("requested_grant")))
    pdf.field(_("Quota a carico del proponente"), _money(budget.get("own_contribution")))
    pdf.field(_("Cofinanziamento"), _percent(budget.get("cofinancing_pct")))


def _attachments(pdf: Document, attachments: list[dict[str, Any]]) -> None:
    if not attachments:
        pdf.paragraph(_("Nessun file allegato."))
        return
    for number, attachment in enumerate(attachments, start=1):
        pdf.paragraph(f"{number}. {attachment['title']}", bold=True)
        pdf.paragraph(
            _joined(
                attachment["name"],
                attachment.get("content_type"),
                str(filesizeformat(attachment["size"])),
            ),
            size=9,
        )
        pdf.paragraph(f"SHA-256 {attachment['sha256']}", size=HASH_SIZE)


def _declarations(pdf: Document, declarations: dict[str, Any], declarant: str) -> None:
    pdf.heading(_("Dichiarazioni"))
    if declarations.get("truthfulness_dpr_445_2000"):
        pdf.paragraph(
            _(
                "%(name)s ha dichiarato, ai sensi degli articoli 46 e 47 del D.P.R. 445/2000 e "
                "consapevole delle sanzioni penali previste dall'articolo 76 per le "
                "dichiarazioni mendaci, che quanto indicato nella domanda è vero."
            )
            % {"name": declarant}
        )
    if declarations.get("privacy"):
        pdf.paragraph(
            _(
                "%(name)s ha dichiarato di aver letto l'informativa sul trattamento dei dati "
                "personali."
            )
            % {"name": declarant}
        )
