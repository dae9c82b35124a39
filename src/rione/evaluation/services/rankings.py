"""Rankings of a closed call: selection rules, computation, publication, appeals, scorrimento.

The pure engine (``evaluation.ranking``) orders and selects; this module feeds it the
standing proposals of a call as their latest submitted version says (category, lot,
requested grant, never the working copy), their admissibility outcome and their scores
(``selectors.proposal_results``), stores the entries and the canonical content with its
SHA-256, and runs the publication workflow:

compute → publish provisional (appeal window opens) → appeals filed and decided →
publish final (window closed, no appeal pending; recomputed, with the approving act) →
renunciations and revocations, each promoting the next eligible proposal under the rules
frozen in the ranking's content.

Every publication, appeal decision and promotion is an AuditEvent in the call's stream.
Appeals themselves (filing, decision, re-scoring after an upheld one) are in
``services.appeals``; no ranking is computed while reopened scoring waits for signatures.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rione.applicants.models import ETS_FORMS
from rione.applications.models import STANDING, Proposal, Receipt, ReceiptKind
from rione.applications.services.checks import BUSINESS_FORMS
from rione.core import clock
from rione.core.audit import record_event, snapshot
from rione.core.errors import DomainError
from rione.core.models import User
from rione.core.money import format_eur
from rione.core.permissions import ensure_perm
from rione.core.tasks import enqueue_on_commit, send_email
from rione.evaluation import ranking as engine
from rione.evaluation import selectors
from rione.evaluation.models import (
    AdmissibilityOutcome,
    AppealOutcome,
    Criterion,
    EntryStatus,
    Overflow,
    Ranking,
    RankingEntry,
    RankingKind,
    SelectionRules,
)
from rione.evaluation.services.admissibility import BEFORE_CLOSING, CallNotClosed
from rione.evaluation.services.appeals import ensure_rescored
from rione.monitoring.services import refresh_open_projects
from rione.programmes.models import Call, Lot
from rione.territory.models import ApplicantCategory

MANAGE = "evaluation.manage_ranking"
CONTENT_SCHEMA = "rione.ranking/1"
TIE_BREAK_CODES = frozenset(kind.value for kind in engine.TieBreakKind) - {"criterion"}
VACATED = frozenset({EntryStatus.RENOUNCED, EntryStatus.REVOKED})
RULE_FIELDS = (
    "overall_min",
    "overflow",
    "quotas",
    "reserved",
    "tie_breaks",
    "appeal_days",
    "earlier_call_participation",
)


class AdmissibilityPending(DomainError):
    code = "admissibility_pending"
    message = gettext_lazy("Alcune proposte attendono ancora l'esito dell'ammissibilità.")

    def __init__(self, *, pending: int) -> None:
        super().__init__(
            _(
                "La graduatoria non si può calcolare: %(n)d proposte attendono ancora l'esito "
                "della verifica di ammissibilità (o la risposta a un'integrazione)."
            )
            % {"n": pending},
            pending=pending,
        )


class RankingPublished(DomainError):
    code = "ranking_published"
    message = gettext_lazy("Questa graduatoria è già stata pubblicata.")


class FinalRankingExists(DomainError):
    code = "final_ranking_exists"
    message = gettext_lazy(
        "La graduatoria definitiva è già pubblicata: non si ricalcola. Rinunce e revoche la "
        "aggiornano con lo scorrimento."
    )


class NotProvisional(DomainError):
    code = "not_provisional"
    message = gettext_lazy("Si può pubblicare come provvisoria solo una graduatoria provvisoria.")


class NoProvisionalRanking(DomainError):
    code = "no_provisional_ranking"
    message = gettext_lazy(
        "Prima della graduatoria definitiva va pubblicata una graduatoria provvisoria."
    )


class AppealWindowOpen(DomainError):
    code = "appeal_window_open"
    message = gettext_lazy(
        "Il termine per i ricorsi sulla graduatoria provvisoria non è ancora scaduto: la "
        "graduatoria definitiva si pubblica dopo."
    )


class AppealsPending(DomainError):
    code = "appeals_pending"
    message = gettext_lazy(
        "Ci sono ricorsi ancora da decidere: la graduatoria definitiva si pubblica dopo averli "
        "decisi tutti."
    )


class NotFinal(DomainError):
    code = "not_final"
    message = gettext_lazy(
        "Rinunce e revoche si registrano sulla graduatoria definitiva pubblicata."
    )


class EntryNotSelected(DomainError):
    code = "entry_not_selected"
    message = gettext_lazy("La proposta non è tra quelle selezionate.")


class RulesLocked(DomainError):
    code = "selection_rules_locked"
    message = gettext_lazy(
        "La graduatoria definitiva è pubblicata: le regole di selezione non si modificano più."
    )


class EntryVacated(DomainError):
    code = "entry_vacated"
    message = gettext_lazy(
        "La rinuncia (o la revoca) di questa proposta è già registrata: non si ripete e non "
        "si annulla."
    )


@dataclass(frozen=True)
class Promotion:
    """The result of a renunciation or revocation: the vacated entry and who moved up."""

    vacated: RankingEntry
    promoted: RankingEntry | None


# Selection rules


def _counts(value: Any, field: str) -> dict[str, int]:
    if not isinstance(value, Mapping) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in value.values()
    ):
        raise ValidationError({field: _("Indica per ogni tipologia un numero intero, zero o più.")})
    known = set(ApplicantCategory.values)
    if set(value) - known:
        raise ValidationError({field: _("Alcune tipologie indicate non esistono.")})
    return {str(k): int(n) for k, n in value.items()}


def _tie_breaks(value: Any, call: Call) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError({"tie_breaks": _("I criteri di parità vanno indicati in elenco.")})
    criteria: list[int] = []
    for item in value:
        ok = (isinstance(item, str) and item in TIE_BREAK_CODES) or (
            isinstance(item, Mapping)
            and item.get("kind") == "criterion"
            and isinstance(item.get("criterion_id"), int)
        )
        if not ok:
            raise ValidationError({"tie_breaks": _("Criterio di parità non riconosciuto.")})
        if isinstance(item, Mapping):
            criteria.append(item["criterion_id"])
    if criteria and Criterion.objects.filter(call=call, pk__in=criteria).count() != len(
        set(criteria)
    ):
        raise ValidationError(
            {"tie_breaks": _("Un criterio di parità non è tra i criteri di questo avviso.")}
        )
    return list(value)


@transaction.atomic
def save_selection_rules(*, call: Call, by: User, values: Mapping[str, Any]) -> SelectionRules:
    """Create or change the selection rules of ``call``; audited with the changes.

    Requires `evaluation.manage_ranking`. Refused (RulesLocked) once a final ranking is
    published. ValidationError on unknown fields, categories or tie-breaks.
    """
    locked_call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    ensure_perm(by, MANAGE, locked_call)
    if Ranking.objects.filter(
        call=locked_call, kind=RankingKind.FINAL, published_at__isnull=False
    ).exists():
        raise RulesLocked()
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Campi non modificabili: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    clean = dict(values)
    for field in ("quotas", "reserved"):
        if field in clean:
            clean[field] = _counts(clean[field], field)
    if "tie_breaks" in clean:
        clean["tie_breaks"] = _tie_breaks(clean["tie_breaks"], locked_call)
    if "overflow" in clean and clean["overflow"] not in Overflow.values:
        raise ValidationError({"overflow": _("Scelta non valida.")})
    rules, created = SelectionRules.objects.select_for_update(of=("self",)).get_or_create(
        call=locked_call
    )
    before = snapshot(rules, RULE_FIELDS)
    for name, value in clean.items():
        setattr(rules, name, value)
    rules.full_clean(exclude=["call"])
    rules.save()
    after = snapshot(rules, RULE_FIELDS)
    changed = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
    record_event(
        locked_call,
        "selection_rules.saved",
        by=by,
        data={"created": created, "changes": changed},
    )
    return rules


def rules_of(call: Call) -> SelectionRules:
    """The call's selection rules, or the defaults (unsaved) when none were set."""
    return SelectionRules.objects.filter(call=call).first() or SelectionRules(call=call)


# Candidates

# The categories ``_category`` gives a candidate: the only ones quotas and reserved shares
# can act on (a network counts as its lead, so it has no category of its own).
RANKED_CATEGORIES: tuple[ApplicantCategory, ...] = (
    ApplicantCategory.ETS,
    ApplicantCategory.INFORMAL_GROUP,
    ApplicantCategory.BUSINESS,
    ApplicantCategory.OTHER,
)


def _category(applicant: Mapping[str, Any]) -> str:
    """The applicant's family from the submitted version; a network counts as its lead."""
    if applicant.get("kind") == "informal_group":
        return str(ApplicantCategory.INFORMAL_GROUP)
    form = applicant.get("legal_form")
    if form in ETS_FORMS:
        return str(ApplicantCategory.ETS)
    if form in BUSINESS_FORMS:
        return str(ApplicantCategory.BUSINESS)
    return str(ApplicantCategory.OTHER)


def _tie_break(item: Any) -> engine.TieBreak:
    if isinstance(item, Mapping):
        return engine.TieBreak.criterion(int(item["criterion_id"]))
    return engine.TieBreak(engine.TieBreakKind(item))


@dataclass(frozen=True)
class Inputs:
    candidates: list[engine.Candidate]
    rules: engine.Rules
    pending: int


def _standing(call: Call) -> list[tuple[int, int, datetime, dict[str, Any], str]]:
    """(pk, protocol number, issued at, submitted content, admissibility outcome). One query."""
    latest = (
        Receipt.objects.filter(proposal=OuterRef("pk"))
        .exclude(kind=ReceiptKind.WITHDRAWAL)
        .order_by("-protocol_number")
    )
    rows = (
        Proposal.objects.filter(call=call, status__in=STANDING)
        .annotate(
            version_number=Subquery(latest.values("protocol_number")[:1]),
            version_issued_at=Subquery(latest.values("issued_at")[:1]),
            version_text=Subquery(latest.values("content")[:1]),
            outcome=Coalesce(
                "admissibility__outcome",
                Value(AdmissibilityOutcome.PENDING.value),
                output_field=CharField(),
            ),
        )
        .order_by("pk")
        .values_list("pk", "version_number", "version_issued_at", "version_text", "outcome")
    )
    return [
        (pk, number, issued, json.loads(text), outcome)
        for pk, number, issued, text, outcome in rows
        if number is not None
    ]


def gather(call: Call, rules: SelectionRules) -> Inputs:
    """The engine's candidates and rules for ``call``. A fixed number of queries (about 13)."""
    results = selectors.proposal_results(call=call)
    lots = {
        number: (pk, budget)
        for pk, number, budget in Lot.objects.filter(call=call).values_list(
            "pk", "number", "budget"
        )
    }
    candidates = []
    pending = 0
    for pk, number, issued, content, outcome in _standing(call):
        if outcome not in selectors.DECIDED_OUTCOMES:
            pending += 1
        applicant = content.get("applicant") or {}
        lot = content.get("lot")
        result = results.get(pk)
        scored = result is not None and result.complete
        requested = Decimal((content.get("budget") or {}).get("requested_grant") or "0")
        candidates.append(
            engine.Candidate(
                proposal_id=pk,
                protocol_number=number,
                category=_category(applicant),
                is_network=bool(applicant.get("network")),
                lot_id=lots[int(lot["number"])][0] if lot and int(lot["number"]) in lots else None,
                requested=requested,
                score=result.total if scored and result is not None else None,
                criterion_points=dict(result.points) if result is not None else {},
                submitted_at=issued,
                admissible=outcome == AdmissibilityOutcome.ADMISSIBLE,
                below_threshold=bool(
                    result is not None and (result.below_overall or result.below_minimum)
                ),
            )
        )
    budgets: dict[int | None, Decimal | None] = (
        {pk: budget for pk, budget in lots.values()} if lots else {None: call.budget}
    )
    engine_rules = engine.Rules(
        cap=call.cap_selected,
        lot_budgets=budgets,
        overflow=engine.Overflow(rules.overflow),
        quotas=dict(rules.quotas or {}),
        reserved=dict(rules.reserved or {}),
        tie_breaks=tuple(_tie_break(item) for item in rules.tie_breaks or ["earlier_submission"]),
    )
    return Inputs(candidates=candidates, rules=engine_rules, pending=pending)


def _rules_json(rules: engine.Rules) -> dict[str, Any]:
    return {
        "cap": rules.cap,
        "lot_budgets": {
            "" if lot is None else str(lot): None if budget is None else f"{budget:f}"
            for lot, budget in rules.lot_budgets.items()
        },
        "overflow": rules.overflow.value,
        "quotas": dict(rules.quotas),
        "reserved": dict(rules.reserved),
        "tie_breaks": [
            {"kind": t.kind.value, "criterion_id": t.criterion_id} for t in rules.tie_breaks
        ],
    }


def canonical_content(
    *, call: Call, kind: str, computed_at: datetime, inputs: Inputs, outcomes: Any
) -> str:
    """JSON with sorted keys, amounts and scores as strings: what the SHA-256 covers."""
    criteria = {t.criterion_id for t in inputs.rules.tie_breaks if t.criterion_id is not None}
    tie_points = {
        str(c.proposal_id): {
            str(k): f"{v:f}" for k, v in c.criterion_points.items() if k in criteria
        }
        for c in inputs.candidates
        if criteria
    }
    content = {
        "schema": CONTENT_SCHEMA,
        "call": {"id": call.pk, "city": call.city_id, "title": call.title},
        "kind": kind,
        "computed_at": computed_at.isoformat(),
        "rules": _rules_json(inputs.rules),
        "rows": engine.canonical_rows(outcomes, inputs.candidates),
        "tie_points": tie_points,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _lock_call(call: Call) -> Call:
    return Call.objects.select_for_update(of=("self",)).select_related("city").get(pk=call.pk)


def _compute(*, call: Call, by: User, kind: str, now: datetime) -> Ranking:
    """Compute and store a ranking of ``call`` (already locked and checked)."""
    if selectors.published_final(call=call) is not None:
        raise FinalRankingExists()
    if call.phase_at(now) in BEFORE_CLOSING:
        raise CallNotClosed(
            _("La graduatoria si calcola dopo la scadenza dell'avviso: l'avviso è ancora aperto.")
        )
    inputs = gather(call, rules_of(call))
    if inputs.pending:
        raise AdmissibilityPending(pending=inputs.pending)
    ensure_rescored(call)
    outcomes = engine.rank(inputs.candidates, inputs.rules)
    content = canonical_content(
        call=call, kind=kind, computed_at=now, inputs=inputs, outcomes=outcomes
    )
    ranking = Ranking.objects.create(
        call=call,
        kind=kind,
        computed_at=now,
        computed_by=by,
        content=content,
        sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
    )
    scores = {c.proposal_id: c.score for c in inputs.candidates}
    RankingEntry.objects.bulk_create(
        [
            RankingEntry(
                ranking=ranking,
                proposal_id=o.proposal_id,
                position=o.position,
                score=scores[o.proposal_id],
                status=o.status.value,
                reason=o.reason.value,
                reason_detail=o.reason_detail[:100],
                awarded=o.awarded,
            )
            for o in outcomes
        ]
    )
    selected = [o for o in outcomes if o.status is engine.Status.SELECTED]
    record_event(
        ranking,
        "ranking.computed",
        by=by,
        at=now,
        data={
            "ranking": ranking.pk,
            "kind": kind,
            "sha256": ranking.sha256,
            "entries": len(outcomes),
            "selected": len(selected),
        },
    )
    return ranking


@transaction.atomic
def compute_ranking(*, call: Call, by: User, at: datetime | None = None) -> Ranking:
    """Compute a (provisional, unpublished) ranking of ``call`` and store it.

    Locks the call. Requires `evaluation.manage_ranking`; the call past its deadline
    (CallNotClosed); every standing proposal with a decided admissibility outcome
    (AdmissibilityPending, with how many wait); no scoring reopened by an upheld appeal
    still unsigned (ScoringReopened). A fixed number of queries.
    """
    now = clock.resolve(at)
    locked = _lock_call(call)
    ensure_perm(by, MANAGE, locked)
    return _compute(call=locked, by=by, kind=RankingKind.PROVISIONAL, now=now)


# Publication


def _notify_applicants(ranking: Ranking, subject: str, body: str) -> None:
    """E-mail the creator of every proposal in ``ranking``, after commit. One query."""
    emails = sorted(
        set(
            RankingEntry.objects.filter(ranking=ranking)
            .exclude(proposal__created_by__email="")
            .values_list("proposal__created_by__email", flat=True)
        )
    )
    for email in emails:
        enqueue_on_commit(send_email, to=[email], subject=subject, body=body)


def public_url(call: Call) -> str:
    return settings.SITE_URL + reverse(
        "evaluation:ranking_public", args=[call.city.slug, call.slug]
    )


@transaction.atomic
def publish_provisional(*, ranking: Ranking, by: User, at: datetime | None = None) -> Ranking:
    """Publish a computed provisional ranking; the appeal window opens for ``appeal_days``.

    Requires `evaluation.manage_ranking`. Refused when already published (RankingPublished)
    or not provisional (NotProvisional). Audited; applicants are e-mailed after commit.
    """
    now = clock.resolve(at)
    _lock_call(ranking.call)
    locked = (
        Ranking.objects.select_for_update(of=("self",))
        .select_related("call__city")
        .get(pk=ranking.pk)
    )
    ensure_perm(by, MANAGE, locked)
    if locked.kind != RankingKind.PROVISIONAL:
        raise NotProvisional()
    if locked.published_at is not None:
        raise RankingPublished()
    days = rules_of(locked.call).appeal_days
    locked.published_at = now
    locked.appeals_close_at = now + timedelta(days=days)
    locked.save(update_fields=["published_at", "appeals_close_at", "updated_at"])
    refresh_open_projects(Call.objects.filter(pk=locked.call_id))
    record_event(
        locked,
        "ranking.published",
        by=by,
        at=now,
        data={
            "ranking": locked.pk,
            "kind": locked.kind,
            "sha256": locked.sha256,
            "appeals_close_at": locked.appeals_close_at,
        },
    )
    call = locked.call
    _notify_applicants(
        locked,
        _("Graduatoria provvisoria pubblicata · %(call)s") % {"call": call.title},
        _(
            "È pubblicata la graduatoria provvisoria dell'avviso «%(call)s».\n\n"
            "Puoi presentare ricorso dalla tua area personale entro %(days)d giorni.\n%(link)s"
        )
        % {"call": call.title, "days": days, "link": public_url(call)},
    )
    return locked


def latest_provisional(call: Call) -> Ranking | None:
    return (
        Ranking.objects.filter(call=call, kind=RankingKind.PROVISIONAL, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )


@transaction.atomic
def publish_final(
    *, call: Call, by: User, act_number: str, act_date: date | None, at: datetime | None = None
) -> Ranking:
    """Recompute and publish the final ranking of ``call`` with the approving act (determina).

    Locks the call. Requires `evaluation.manage_ranking`; the act's number and date
    (ValidationError); a published provisional ranking (NoProvisionalRanking) whose appeal
    window has closed (AppealWindowOpen) and whose appeals are all decided (AppealsPending);
    no scoring reopened by an upheld appeal still unsigned (ScoringReopened). Refused errors change nothing. Audited; applicants are e-mailed after commit.
    """
    now = clock.resolve(at)
    locked = _lock_call(call)
    ensure_perm(by, MANAGE, locked)
    act_number = (act_number or "").strip()
    errors = {}
    if not act_number:
        errors["act_number"] = _("Indica il numero della determina che approva la graduatoria.")
    if act_date is None:
        errors["act_date"] = _("Indica la data della determina.")
    if errors:
        raise ValidationError(errors)
    provisional = latest_provisional(locked)
    if provisional is None:
        raise NoProvisionalRanking()
    assert provisional.appeals_close_at is not None
    if now < provisional.appeals_close_at:
        raise AppealWindowOpen()
    if provisional.appeals.filter(outcome=AppealOutcome.PENDING).exists():
        raise AppealsPending()
    ranking = _compute(call=locked, by=by, kind=RankingKind.FINAL, now=now)
    ranking.published_at = now
    ranking.act_number = act_number
    ranking.act_date = act_date
    ranking.save(update_fields=["published_at", "act_number", "act_date", "updated_at"])
    refresh_open_projects(Call.objects.filter(pk=locked.pk))
    record_event(
        ranking,
        "ranking.published",
        by=by,
        at=now,
        data={
            "ranking": ranking.pk,
            "kind": ranking.kind,
            "sha256": ranking.sha256,
            "act_number": act_number,
            "act_date": act_date,
            "provisional": provisional.pk,
        },
    )
    _notify_applicants(
        ranking,
        _("Graduatoria definitiva pubblicata · %(call)s") % {"call": locked.title},
        _(
            "È pubblicata la graduatoria definitiva dell'avviso «%(call)s», approvata con "
            "determina n. %(act)s.\n%(link)s"
        )
        % {"call": locked.title, "act": act_number, "link": public_url(locked)},
    )
    return ranking


# Renunciations, revocations and scorrimento


def _frozen_inputs(ranking: Ranking) -> tuple[list[engine.Candidate], engine.Rules]:
    """The candidates and rules as the ranking's canonical content froze them."""
    content = json.loads(ranking.content)
    frozen = content["rules"]
    rules = engine.Rules(
        cap=frozen["cap"],
        lot_budgets={
            (int(k) if k else None): (None if v is None else Decimal(v))
            for k, v in frozen["lot_budgets"].items()
        },
        overflow=engine.Overflow(frozen["overflow"]),
        quotas=frozen["quotas"],
        reserved=frozen["reserved"],
        tie_breaks=tuple(
            engine.TieBreak(engine.TieBreakKind(t["kind"]), t["criterion_id"])
            for t in frozen["tie_breaks"]
        ),
    )
    tie_points = content.get("tie_points") or {}
    candidates = []
    for row in content["rows"]:
        score = row["score"]
        candidates.append(
            engine.Candidate(
                proposal_id=int(row["proposal_id"]),
                protocol_number=int(row["protocol_number"]),
                category=str(row["category"]),
                is_network=bool(row["is_network"]),
                lot_id=None if row["lot_id"] is None else int(row["lot_id"]),
                requested=Decimal(str(row["requested"])),
                score=None if score is None else Decimal(str(score)),
                criterion_points={
                    int(k): Decimal(v)
                    for k, v in (tie_points.get(str(row["proposal_id"])) or {}).items()
                },
                submitted_at=datetime.fromisoformat(str(row["submitted_at"])),
                admissible=row["status"] != engine.Status.NOT_ADMISSIBLE,
                below_threshold=row["status"] == engine.Status.BELOW_THRESHOLD,
            )
        )
    return candidates, rules


def _acts_as_applicant(by: User, ranking: Ranking, proposal: Proposal) -> bool:
    """False for staff who manage the ranking, True for the proposal's applicant.

    Raises PermissionDenied for anyone else.
    """
    if by.has_perm(MANAGE, ranking):
        return False
    if by.has_perm("applications.submit_proposal", proposal):
        return True
    raise PermissionDenied(MANAGE)


def _vacate(
    *,
    entry: RankingEntry,
    by: User,
    status: str,
    reason: str,
    at: datetime | None,
    applicant_may: bool = False,
) -> Promotion:
    now = clock.resolve(at)
    ranking = (
        Ranking.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=entry.ranking_id)
    )
    if applicant_may:
        by_applicant = _acts_as_applicant(by, ranking, Proposal.objects.get(pk=entry.proposal_id))
    else:
        ensure_perm(by, MANAGE, ranking)
        by_applicant = False
    if ranking.kind != RankingKind.FINAL or ranking.published_at is None:
        raise NotFinal()
    entries = {e.proposal_id: e for e in RankingEntry.objects.filter(ranking=ranking)}
    vacated = entries[entry.proposal_id]
    if vacated.status in VACATED:
        raise EntryVacated()
    if vacated.status != EntryStatus.SELECTED:
        raise EntryNotSelected()
    candidates, rules = _frozen_inputs(ranking)
    outcomes = [
        engine.Outcome(
            e.proposal_id,
            e.position,
            engine.Status(e.status),
            engine.Reason(e.reason),
            e.awarded,
            e.reason_detail,
        )
        for e in entries.values()
        if e.status not in VACATED
    ]
    picked = engine.promote_next(
        outcomes, candidates, rules, vacated_proposal_id=vacated.proposal_id
    )
    released = vacated.awarded
    vacated.status, vacated.reason = status, status
    vacated.reason_detail = reason[:100]
    vacated.awarded = Decimal("0.00")
    vacated.save(update_fields=["status", "reason", "reason_detail", "awarded"])
    action = (
        "ranking.entry_renounced" if status == EntryStatus.RENOUNCED else "ranking.entry_revoked"
    )
    record_event(
        ranking,
        action,
        by=by,
        at=now,
        data={
            "proposal": vacated.proposal_id,
            "released": released,
            "reason": reason,
            "by_applicant": by_applicant,
        },
    )
    promoted = None
    if picked is not None:
        promoted = entries[picked.proposal_id]
        promoted.status = picked.status.value
        promoted.reason = picked.reason.value
        promoted.reason_detail = picked.reason_detail[:100]
        promoted.awarded = picked.awarded
        promoted.save(update_fields=["status", "reason", "reason_detail", "awarded"])
        record_event(
            ranking,
            "ranking.promoted",
            by=by,
            at=now,
            data={
                "proposal": promoted.proposal_id,
                "position": promoted.position,
                "awarded": promoted.awarded,
                "replaces": vacated.proposal_id,
                "reason": picked.reason.value,
            },
        )
        _notify_promoted(ranking, promoted)
    refresh_open_projects(Call.objects.filter(pk=ranking.call_id))
    return Promotion(vacated=vacated, promoted=promoted)


def _notify_promoted(ranking: Ranking, promoted: RankingEntry) -> None:
    """Tell the applicant whose proposal moved up that it is now selected, after commit."""
    email = (
        Proposal.objects.filter(pk=promoted.proposal_id)
        .values_list("created_by__email", flat=True)
        .first()
    )
    if not email:
        return
    subject = _("La tua proposta è ora selezionata · %(call)s") % {"call": ranking.call.title}
    body = _(
        "Dopo una rinuncia o una revoca la graduatoria definitiva dell'avviso «%(call)s» è "
        "scorsa: la tua proposta è ora selezionata, con un contributo di %(amount)s.\n%(link)s"
    ) % {
        "call": ranking.call.title,
        "amount": format_eur(promoted.awarded),
        "link": public_url(ranking.call),
    }
    enqueue_on_commit(send_email, to=[email], subject=subject, body=body)


@transaction.atomic
def renounce(*, entry: RankingEntry, by: User, at: datetime | None = None) -> Promotion:
    """Record that a selected proposal renounces; promote the next one the rules allow.

    Locks the ranking. Requires `evaluation.manage_ranking` (staff recording it) or
    `applications.submit_proposal` on the entry's proposal (the applicant renouncing from
    the personal area); anyone else gets PermissionDenied. Needs a published final ranking
    (NotFinal) and a selected entry: EntryVacated when already renounced or revoked (a
    repeated request promotes no one), EntryNotSelected otherwise. Renunciation (with
    ``by_applicant``) and promotion are audited with the actor.
    """
    return _vacate(
        entry=entry, by=by, status=EntryStatus.RENOUNCED, reason="", at=at, applicant_may=True
    )


@transaction.atomic
def revoke(*, entry: RankingEntry, by: User, reason: str, at: datetime | None = None) -> Promotion:
    """Revoke a selected proposal, with a reason; promote the next one the rules allow."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Scrivi il motivo della revoca.")})
    return _vacate(entry=entry, by=by, status=EntryStatus.REVOKED, reason=reason, at=at)
