"""The minutes (verbale) of a commission as a PDF: sessions, conflicts, scores and decisions.

Two steps. ``minutes_data`` reads everything the minutes say into plain JSON-ready data, in
a fixed number of queries whatever the number of proposals, members and sessions.
``minutes_pdf`` draws that data and prints the SHA-256 of its canonical JSON, which is also
attached to the PDF, so anyone can check that the document says what the data said; the
generation time is printed but not hashed, so the same data always gives the same hash.

Proposals appear by protocol number and submitted title only: applicants' names are never
printed (many are natural persons). Commission members are staff and are named. The
reasons given for a conflict of interest and the texts of appeal decisions stay out: they
may name people.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from rione.applications import selectors as application_selectors
from rione.applications.models import STANDING
from rione.core import clock
from rione.core.audit import canonical_json, jsonable
from rione.evaluation import scoring, selectors
from rione.evaluation.models import (
    AdmissibilityOutcome,
    AdmissibilityReview,
    Appeal,
    AppealOutcome,
    Commission,
    CommissionRole,
    CommissionSession,
    ConflictDeclaration,
    ConsensusScore,
    Criterion,
    Ranking,
    RankingKind,
    ScoringMethod,
)

if TYPE_CHECKING:
    from rione.core.pdf import Document

SCHEMA = "rione.minutes/1"
HASH_SIZE = 8.0


@dataclass(frozen=True)
class Minutes:
    """The data of the minutes, its canonical JSON and that JSON's SHA-256."""

    data: dict[str, Any]
    canonical: str
    sha256: str


def _points(value: Decimal | None) -> str | None:
    return None if value is None else str(scoring.round_score(value))


def minutes_data(*, commission: Commission) -> Minutes:
    """Everything the minutes of ``commission`` say, as canonical data with its hash.

    20 queries (21 for a commission scoring by consensus), whatever the number of
    proposals, members and sessions.
    """
    commission = Commission.objects.select_related("call__city", "lot").get(pk=commission.pk)
    call = commission.call
    members = selectors.commission_members(commission=commission)

    sessions = list(
        CommissionSession.objects.filter(commission=commission).order_by("held_at", "pk")
    )
    present: dict[int, set[int]] = {}
    for session_id, member_id in CommissionSession.present.through.objects.filter(
        commissionsession__commission=commission
    ).values_list("commissionsession_id", "commissionmember_id"):
        present.setdefault(session_id, set()).add(member_id)

    # Every proposal ever submitted to the call: protocol number, title, lot and status of
    # its latest submitted version; the commission's scope is its lot (or the whole call).
    scope: dict[int, tuple[int | None, str, str]] = {}
    lot_number = str(commission.lot.number) if commission.lot is not None else None
    for pk, number, title, lot, status in (
        application_selectors.submitted_versions(call=call)
        .annotate(
            v_title=KT("version_content__idea__title"), v_lot=KT("version_content__lot__number")
        )
        .values_list("pk", "version_number", "v_title", "v_lot", "status")
    ):
        if lot_number is None or (lot is not None and str(lot) == lot_number):
            scope[pk] = (number, title or "", status)
    standing = sorted(
        (pk for pk, (_n, _t, status) in scope.items() if status in STANDING),
        key=lambda pk: (scope[pk][0] or 0, pk),
    )

    conflicts = [
        {"member": member_id, "protocol_number": scope.get(proposal_id, (None,))[0], "at": at}
        for member_id, proposal_id, at in ConflictDeclaration.objects.filter(
            member__commission=commission, has_conflict=True
        )
        .order_by("declared_at", "pk")
        .values_list("member_id", "proposal_id", "declared_at")
    ]

    results = _results(commission, standing, scope)

    outcomes = dict(
        AdmissibilityReview.objects.filter(proposal_id__in=standing).values_list(
            "proposal_id", "outcome"
        )
    )
    counted = Counter(outcomes.get(pk, AdmissibilityOutcome.PENDING.value) for pk in standing)

    rankings = [
        {
            "kind": kind,
            "published_at": published_at,
            "appeals_close_at": appeals_close_at,
            "act_number": act_number,
            "act_date": act_date,
        }
        for kind, published_at, appeals_close_at, act_number, act_date in Ranking.objects.filter(
            call=call, published_at__isnull=False
        )
        .order_by("published_at", "pk")
        .values_list("kind", "published_at", "appeals_close_at", "act_number", "act_date")
    ]
    appeals = [
        {"protocol_number": scope[proposal_id][0], "outcome": outcome, "decided_at": decided_at}
        for proposal_id, outcome, decided_at in Appeal.objects.filter(ranking__call=call)
        .exclude(outcome=AppealOutcome.PENDING)
        .order_by("decided_at", "pk")
        .values_list("proposal_id", "outcome", "decided_at")
        if proposal_id in scope
    ]

    data: dict[str, Any] = jsonable(
        {
            "schema": SCHEMA,
            "city": call.city.official_name or call.city.name,
            "call": {"id": call.pk, "title": call.title},
            "commission": {
                "id": commission.pk,
                "name": commission.name,
                "lot": (
                    {"number": commission.lot.number, "title": commission.lot.title}
                    if commission.lot is not None
                    else None
                ),
                "method": commission.method,
            },
            "members": [{"id": m.pk, "name": str(m.user), "role": m.role} for m in members],
            "sessions": [
                {
                    "held_at": s.held_at,
                    "place": s.place,
                    "present": [m.pk for m in members if m.pk in present.get(s.pk, set())],
                    "notes": s.notes,
                }
                for s in sessions
            ],
            "conflicts": conflicts,
            "results": results,
            "admissibility": {
                outcome: counted.get(outcome, 0) for outcome in AdmissibilityOutcome.values
            },
            "rankings": rankings,
            "appeals": appeals,
        }
    )
    canonical = canonical_json(data)
    return Minutes(
        data=data,
        canonical=canonical,
        sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
    )


def _results(
    commission: Commission, standing: list[int], scope: dict[int, tuple[int | None, str, str]]
) -> list[dict[str, Any]]:
    """Per standing proposal in scope: each member's signed total, the consensus, the final score.

    The final score is ``selectors.proposal_results`` (bonus included); a member's signed
    total and the consensus total are the weighted sums of their points, without bonus.
    """
    try:
        final = selectors.proposal_results(call=commission.call)
    except scoring.InvalidRubric:
        final = {}  # a broken rubric cannot be aggregated: the minutes still show the rest
    rubric = selectors.pure_rubric(Criterion.objects.filter(call=commission.call_id))
    signed = selectors.signed_scores(proposal_ids=standing, commission=commission)
    agreed: dict[int, dict[int, Decimal]] = {}
    if commission.method == ScoringMethod.CONSENSUS:
        for proposal_id, criterion_id, points in ConsensusScore.objects.filter(
            commission=commission, proposal_id__in=standing
        ).values_list("proposal_id", "criterion_id", "points"):
            agreed.setdefault(proposal_id, {})[criterion_id] = points
    rows = []
    for pk in standing:
        number, title, _status = scope[pk]
        result = final.get(pk)
        rows.append(
            {
                "protocol_number": number,
                "title": title,
                "signed": [
                    {"member": member_id, "total": _total(rubric, {member_id: given})}
                    for member_id, given in sorted(signed.get(pk, {}).items())
                ],
                "consensus": (_total(rubric, {}, consensus=agreed[pk]) if pk in agreed else None),
                "final": _points(result.total) if result is not None else None,
                "complete": bool(result is not None and result.complete),
            }
        )
    return rows


def _total(
    rubric: list[scoring.Criterion],
    scores: dict[int, dict[int, Decimal]],
    *,
    consensus: dict[int, Decimal] | None = None,
) -> str | None:
    """The weighted total of one member's points (or of the consensus), None if they do not fit."""
    method = (
        scoring.ScoringMethod.CONSENSUS if consensus is not None else scoring.ScoringMethod.MEAN
    )
    try:
        aggregate = scoring.aggregate(rubric, scores, method=method, consensus=consensus)
    except (scoring.InvalidRubric, scoring.InvalidScores, scoring.ScoreOutOfRange):
        return None
    return _points(aggregate.total)


# Drawing -----------------------------------------------------------------------------------


def _when(value: str | None, *, time: bool = True) -> str:
    """An ISO datetime of the data on the Rome clock: "03/03/2026 14:05" (or only the date)."""
    moment = parse_datetime(value) if value else None
    if moment is None:
        return ""
    local = timezone.localtime(moment, clock.ROME)
    return f"{local:%d/%m/%Y %H:%M}" if time else f"{local:%d/%m/%Y}"


def _day(value: str | None) -> str:
    day = parse_date(value) if value else None
    return f"{day:%d/%m/%Y}" if day else ""


def _number(value: str | None) -> str:
    return "" if value is None else value.replace(".", ",")


def _protocol(number: int | None) -> str:
    return _("n. %(n)s") % {"n": number} if number is not None else "—"


def minutes_pdf(*, commission: Commission, at: datetime | None = None) -> tuple[bytes, Minutes]:
    """The minutes of ``commission`` as a PDF, and the data it was drawn from."""
    minutes = minutes_data(commission=commission)
    data = minutes.data
    generated = clock.resolve(at)
    roles = dict(CommissionRole.choices)
    names = {m["id"]: m["name"] for m in data["members"]}
    title = _("Verbale della commissione «%(commission)s» · %(call)s") % {
        "commission": data["commission"]["name"],
        "call": data["call"]["title"],
    }
    from rione.core.pdf import Document  # fpdf and its fonts: loaded when a PDF is made

    pdf = Document(
        title=title,
        city=data["city"],
        footer_note=_("Generato il %(at)s · SHA-256 %(sha)s")
        % {
            "at": f"{timezone.localtime(generated, clock.ROME):%d/%m/%Y %H:%M}",
            "sha": minutes.sha256,
        },
        created_at=generated,
    )

    pdf.heading(_("Verbale dei lavori della commissione"))
    pdf.field(_("Avviso"), data["call"]["title"])
    pdf.field(_("Commissione"), data["commission"]["name"])
    lot = data["commission"]["lot"]
    pdf.field(
        _("Ambito"),
        _("Lotto %(number)s. %(title)s") % lot if lot else _("Tutto l'avviso"),
    )
    pdf.field(
        _("Aggregazione dei punteggi"),
        dict(ScoringMethod.choices).get(data["commission"]["method"], ""),
    )

    pdf.heading(_("Componenti"))
    if data["members"]:
        pdf.simple_table(
            [_("Nome"), _("Ruolo")],
            [[m["name"], roles.get(m["role"], m["role"])] for m in data["members"]],
            widths=(3, 2),
        )
    else:
        pdf.paragraph(_("Nessun componente nominato."))

    _sessions(pdf, data, names)
    _conflicts(pdf, data, names)

    pdf.heading(_("Esiti dell'ammissibilità"))
    outcomes = dict(AdmissibilityOutcome.choices)
    pdf.simple_table(
        [_("Esito"), _("Proposte")],
        [[outcomes[key], str(n)] for key, n in data["admissibility"].items()],
        widths=(4, 1),
        align=("LEFT", "RIGHT"),
    )

    _results_table(pdf, data, names)
    _decisions(pdf, data)

    pdf.heading(_("Impronta dei dati"))
    pdf.long_field(_("Impronta SHA-256 dei dati del verbale"), minutes.sha256, size=HASH_SIZE)
    json_name = f"verbale-commissione-{data['commission']['id']}.json"
    pdf.paragraph(
        _(
            "L'impronta è calcolata sui dati da cui il verbale è stato generato (testo JSON in "
            "UTF-8, allegato a questo PDF come file %(file)s): cambia se cambia anche un solo "
            "dato. La data di generazione non è compresa nell'impronta."
        )
        % {"file": json_name}
    )
    pdf.embed_file(
        bytes=minutes.canonical.encode("utf-8"),
        basename=json_name,
        mime_type="application/json",
        modification_date=generated,
        desc=_("Dati del verbale"),
    )
    return pdf.render(), minutes


def _sessions(pdf: Document, data: dict[str, Any], names: dict[int, str]) -> None:
    pdf.heading(_("Sedute"))
    if not data["sessions"]:
        pdf.paragraph(_("Nessuna seduta registrata."))
        return
    for number, session in enumerate(data["sessions"], start=1):
        pdf.heading(
            _("Seduta n. %(n)d del %(at)s (ora di Roma)")
            % {"n": number, "at": _when(session["held_at"])},
            level=1,
        )
        pdf.field(_("Luogo"), session["place"])
        pdf.field(_("Presenti"), ", ".join(names[pk] for pk in session["present"]))
        pdf.long_field(_("Discussione e decisioni"), session["notes"])


def _conflicts(pdf: Document, data: dict[str, Any], names: dict[int, str]) -> None:
    pdf.heading(_("Conflitti di interessi dichiarati"))
    if not data["conflicts"]:
        pdf.paragraph(_("Nessun componente ha dichiarato un conflitto di interessi."))
        return
    pdf.paragraph(
        _(
            "Chi ha dichiarato un conflitto di interessi su una proposta si è astenuto: non l'ha "
            "aperta né valutata."
        )
    )
    pdf.simple_table(
        [_("Componente"), _("Proposta (protocollo)"), _("Dichiarato il")],
        [
            [names[c["member"]], _protocol(c["protocol_number"]), _when(c["at"])]
            for c in data["conflicts"]
        ],
        widths=(3, 2, 2),
    )


def _results_table(pdf: Document, data: dict[str, Any], names: dict[int, str]) -> None:
    pdf.heading(_("Punteggi delle proposte"))
    if not data["results"]:
        pdf.paragraph(_("Nessuna proposta in valutazione per questa commissione."))
        return
    consensus = data["commission"]["method"] == ScoringMethod.CONSENSUS
    explanation = _(
        "Per ogni componente, il totale ponderato dei punteggi che ha firmato. Il punteggio "
        "finale è quello usato per la graduatoria, premialità comprese; «completa» indica che "
        "tutte le valutazioni previste sono firmate."
    )
    if consensus:
        explanation += " " + _(
            "La commissione valuta per consenso: il punteggio concordato è quello registrato "
            "dal presidente, senza premialità."
        )
    pdf.paragraph(explanation)
    headings = [_("Protocollo"), _("Titolo"), _("Punteggi firmati")]
    if consensus:
        headings.append(_("Concordato"))
    headings += [_("Finale"), _("Completa")]
    rows = []
    for result in data["results"]:
        signed = "\n".join(
            f"{names.get(s['member'], '—')}: {_number(s['total']) or '—'}" for s in result["signed"]
        )
        title = result["title"] or _("Proposta senza titolo")
        row = [_protocol(result["protocol_number"]), title, signed]
        if consensus:
            row.append(_number(result["consensus"]))
        row += [_number(result["final"]), _("sì") if result["complete"] else _("no")]
        rows.append(row)
    widths = (3, 5, 5, 4, 3, 3) if consensus else (3, 6, 7, 3, 3)
    pdf.simple_table(headings, rows, widths=widths)


def _decisions(pdf: Document, data: dict[str, Any]) -> None:
    pdf.heading(_("Graduatoria e ricorsi"))
    if not data["rankings"]:
        pdf.paragraph(_("Nessuna graduatoria pubblicata."))
    else:
        kinds = dict(RankingKind.choices)
        pdf.simple_table(
            [_("Graduatoria"), _("Pubblicata il"), _("Termine per i ricorsi"), _("Determina")],
            [
                [
                    kinds.get(r["kind"], r["kind"]),
                    _when(r["published_at"]),
                    _when(r["appeals_close_at"]),
                    (
                        f"n. {r['act_number']} {_day(r['act_date'])}".strip()
                        if r["act_number"]
                        else ""
                    ),
                ]
                for r in data["rankings"]
            ],
            widths=(2, 2, 2, 3),
        )
    if data["appeals"]:
        outcomes = dict(AppealOutcome.choices)
        pdf.heading(_("Ricorsi decisi"), level=1)
        pdf.simple_table(
            [_("Proposta (protocollo)"), _("Esito"), _("Deciso il")],
            [
                [
                    _protocol(a["protocol_number"]),
                    outcomes.get(a["outcome"], ""),
                    _when(a["decided_at"]),
                ]
                for a in data["appeals"]
            ],
            widths=(2, 2, 2),
        )
