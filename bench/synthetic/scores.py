"""Evaluations with their scores, and the rankings of a call through the pure engine.

Rankings use ``evaluation.ranking.rank`` and the service's own ``canonical_content`` on
candidates built the way ``services.rankings.gather`` builds them.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from bench.synthetic.build import Generator
from bench.synthetic.refs import CallRefs, stamp

from rione.applications.services.canonical import digest
from rione.evaluation import ranking as engine
from rione.evaluation.models import (
    Assignment,
    ConflictDeclaration,
    Evaluation,
    EvaluationStatus,
    Ranking,
    RankingEntry,
    RankingKind,
    Score,
)
from rione.evaluation.services.rankings import Inputs, _tie_break, canonical_content
from rione.programmes.models import Call, CallStatus

HALF_POINTS = [(Decimal(k) / 2).quantize(Decimal("0.01")) for k in range(0, 81)]
SCORE_COLUMNS = ["id", "evaluation_id", "criterion_id", "points", "comment"]


def evaluate(
    g: Generator,
    call: CallRefs,
    proposal: int,
    members: list[int],
    evaluators: int,
    protocol: int,
    manager: int,
) -> dict[int, dict[int, Decimal]]:
    """Assignments, declarations, evaluations and scores; returns the signed scores."""
    rng, w = g.rng, g.writer
    if Score not in w.tables and w.columns(Score) != SCORE_COLUMNS:
        raise RuntimeError(f"Score's columns are now {w.columns(Score)}: update evaluate")
    quality = rng.random() ** 0.7
    assigned = call.closes_at + timedelta(days=12)
    drafts = call.status == CallStatus.EVALUATION
    signed: dict[int, dict[int, Decimal]] = {}
    for k in range(evaluators):
        member = members[(protocol + k) % len(members)]
        w.add(
            Assignment,
            {
                "id": w.new_id(Assignment),
                "member_id": member,
                "proposal_id": proposal,
                "assigned_by_id": manager,
                "assigned_at": assigned,
            },
        )
        w.add(
            ConflictDeclaration,
            {
                "id": w.new_id(ConflictDeclaration),
                "member_id": member,
                "proposal_id": proposal,
                "has_conflict": False,
                "reason": "",
                "declared_at": assigned + timedelta(days=1),
            },
        )
        evaluation = w.new_id(Evaluation)
        done = assigned + timedelta(days=rng.randint(3, 20))
        is_signed = not drafts or rng.random() < 0.8
        w.add(
            Evaluation,
            {
                "id": evaluation,
                "created_at": assigned + timedelta(days=2),
                "updated_at": done,
                "member_id": member,
                "proposal_id": proposal,
                "status": EvaluationStatus.SIGNED if is_signed else EvaluationStatus.DRAFT,
                "comment": "Proposta coerente con gli obiettivi dell'avviso.",
                "signed_at": done if is_signed else None,
            },
        )
        given = {}
        for leaf in call.leaves:
            top = int(leaf.max_points) * 2
            halves = round(quality * top + (rng.random() - 0.5) * top * 0.3)
            points = HALF_POINTS[max(0, min(top, halves))]
            w.add_row(Score, (w.new_id(Score), evaluation, leaf.id, points, ""))
            given[leaf.id] = points
        if is_signed:
            signed[member] = given
    return signed


def rank_call(
    g: Generator, call: CallRefs, candidates: list[engine.Candidate], manager: int
) -> None:
    """The provisional ranking, published; for a final call also the final one, published."""
    w = g.writer
    rules = engine.Rules(
        cap=call.cap,
        lot_budgets={pk: budget for pk, _, _, budget in call.lots}
        if call.lots
        else {None: call.budget},
        overflow=engine.Overflow(call.overflow),
        tie_breaks=tuple(_tie_break(item) for item in call.tie_breaks or ["earlier_submission"]),
    )
    inputs = Inputs(candidates=candidates, rules=rules, pending=0)
    outcomes = engine.rank(candidates, rules)
    scores = {c.proposal_id: c.score for c in candidates}
    computed = call.closes_at + timedelta(days=60)
    published = computed + timedelta(days=2)
    kinds: list[tuple[str, datetime, datetime, datetime | None, str, date | None]] = [
        (RankingKind.PROVISIONAL, computed, published, published + timedelta(days=10), "", None)
    ]
    if call.status == CallStatus.FINAL_RANKING:
        final = published + timedelta(days=15)
        kinds.append(
            (
                RankingKind.FINAL,
                final,
                final,
                None,
                f"DD {100 + call.id}/{final.year}",
                final.date(),
            )
        )
    shell = Call(pk=call.id, city_id=call.city_id, title=call.title)
    for kind, computed_at, published_at, appeals_close, act_number, act_date in kinds:
        content = canonical_content(
            call=shell, kind=kind, computed_at=computed_at, inputs=inputs, outcomes=outcomes
        )
        ranking = w.new_id(Ranking)
        w.add(
            Ranking,
            {
                "id": ranking,
                **stamp(computed_at),
                "call_id": call.id,
                "kind": kind,
                "computed_at": computed_at,
                "computed_by_id": manager,
                "published_at": published_at,
                "appeals_close_at": appeals_close,
                "act_number": act_number,
                "act_date": act_date,
                "content": content,
                "sha256": digest(content),
            },
        )
        for o in outcomes:
            w.add(
                RankingEntry,
                {
                    "id": w.new_id(RankingEntry),
                    "ranking_id": ranking,
                    "proposal_id": o.proposal_id,
                    "position": o.position,
                    "score": scores[o.proposal_id],
                    "status": o.status.value,
                    "reason": o.reason.value,
                    "reason_detail": o.reason_detail[:100],
                    "awarded": o.awarded,
                },
            )
