"""One call and everything under it: its rules, rubric and commission, then its proposals.

The proposals (with receipts and admissibility) are in ``proposals``, evaluations and
rankings in ``scores``.
"""

import json
from datetime import datetime, timedelta
from decimal import Decimal

from bench.synthetic.build import CallPlan, CityRefs, Generator
from bench.synthetic.names import DOCUMENTS, ORG_WORDS
from bench.synthetic.proposals import proposal
from bench.synthetic.refs import EVALUATED, RANKED, CallRefs, stamp
from bench.synthetic.scores import rank_call

from rione.applications.models import (
    ProtocolCounter,
)
from rione.evaluation import scoring
from rione.evaluation.models import (
    BonusRule,
    Commission,
    CommissionMember,
    CommissionRole,
    Criterion,
    SelectionRules,
)
from rione.evaluation.selectors import CallRequirements, GrantRange
from rione.programmes.models import Call, CallKind, CallStatus, GrantRule, Lot, RequiredDocument
from rione.territory.models import ApplicantCategory

DAYS_SINCE_CLOSING: dict[str, tuple[int, int]] = {
    CallStatus.EVALUATION: (15, 90),
    CallStatus.PROVISIONAL_RANKING: (100, 200),
    CallStatus.FINAL_RANKING: (200, 500),
}


def _dates(g: Generator, status: str) -> tuple[datetime, datetime]:
    rng = g.rng
    if status == CallStatus.PUBLISHED:
        opens = g.at(-rng.randint(10, 40))
        return opens, g.at(rng.randint(20, 90))
    closes = g.at(-rng.randint(*DAYS_SINCE_CLOSING[status]))
    return closes - timedelta(days=rng.randint(45, 90)), closes


def generate_call(g: Generator, city: CityRefs, plan: CallPlan) -> None:
    rng, w = g.rng, g.writer
    opens, closes = _dates(g, plan.status)
    n = plan.proposals
    max_grant = Decimal(rng.choice([20000, 30000, 50000, 80000]))
    pct = Decimal(rng.choice([0, 5, 10, 20]))
    budget = max(
        max_grant * 3, Decimal(round(n * int(max_grant) * 0.55 * rng.uniform(0.2, 0.45), -3))
    )
    call = CallRefs(
        id=w.new_id(Call),
        city_id=city.id,
        title=f"Avviso {plan.index + 1} per l'innovazione sociale a {city.name}",
        slug=f"avviso-{plan.index + 1}",
        status=plan.status,
        opens_at=opens,
        closes_at=closes,
        budget=budget.quantize(Decimal("0.01")),
        cap=max(1, n // 5) if rng.random() < 0.3 else None,
    )
    manager, secretary = city.managers
    w.add(
        Call,
        {
            "id": call.id,
            **stamp(opens - timedelta(days=10)),
            "city_id": city.id,
            "programme_id": rng.choice(city.programmes),
            "stage_id": None,
            "title": call.title,
            "slug": call.slug,
            "kind": rng.choice(
                [
                    CallKind.CALL_FOR_IDEAS,
                    CallKind.CALL_FOR_IDEAS,
                    CallKind.GRANT,
                    CallKind.INCUBATION,
                ]
            ),
            "status": plan.status,
            "summary": "Contributi per progetti di innovazione sociale nei quartieri (dati sintetici).",
            "description": g.namer.text(rng, 3),
            "who_can_apply": "Enti del Terzo settore, imprese, gruppi informali di cittadini.",
            "opens_at": opens,
            "closes_at": closes,
            "budget": call.budget,
            "cap_selected": call.cap,
            "duration_months": 12,
            "allows_multiple_proposals": False,
            "min_group_members": None,
            "restricted_to_call_id": None,
            "contact_email": f"avvisi@{city.slug}.rione.bench",
            "is_illustrative": True,
            "published_at": opens - timedelta(days=5),
        },
    )
    _rules(g, call, max_grant, pct, n)
    counter = 0
    admissible_flags = [plan.status in EVALUATED and rng.random() < 0.92 for _ in range(n)]
    evaluators = g.evaluators_for(sum(admissible_flags)) if plan.status in EVALUATED else 0
    members = _commission(g, city, call, evaluators, secretary) if evaluators else []
    evaluators = min(evaluators, len(members))
    applicants = rng.sample(city.applicants, n)
    span = ((g.anchor if plan.status == CallStatus.PUBLISHED else closes) - opens).total_seconds()
    offsets = sorted(rng.randrange(60, int(span) - 60) for _ in range(n))
    candidates = []
    requirements = CallRequirements(
        closes_at=closes,
        applicant_types=(),
        neighbourhoods=frozenset(),
        grant_rules=call.grant_rules,
        mandatory_documents=tuple(
            (pk, title) for pk, title, _, mandatory in call.documents if mandatory
        ),
        lot_budgets={number: budget for _, number, _, budget in call.lots},
        call_budget=call.budget,
    )
    for j, applicant in enumerate(applicants):
        counter += 1
        submitted = opens + timedelta(seconds=offsets[j])
        candidate = proposal(
            g,
            city,
            call,
            applicant,
            protocol=counter,
            submitted=submitted,
            admissible=admissible_flags[j],
            members=members,
            evaluators=evaluators,
            requirements=requirements,
            manager=manager,
        )
        if candidate is not None:
            candidates.append(candidate)
    w.add(ProtocolCounter, {"call_id": call.id, "last_number": counter})
    if plan.status in RANKED:
        rank_call(g, call, candidates, manager)


def _rules(g: Generator, call: CallRefs, max_grant: Decimal, pct: Decimal, n: int) -> None:
    """Lots, grant rules, required documents, rubric, bonus and selection rules of ``call``."""
    rng, w = g.rng, g.writer
    stamped = stamp(call.opens_at - timedelta(days=10))
    if n >= 10 and rng.random() < 0.2:
        lots = rng.randint(2, 4)
        each = max(max_grant * 2, (call.budget / lots).quantize(Decimal("1")))
        for number in range(1, lots + 1):
            pk = w.new_id(Lot)
            title = f"Lotto {number}: {ORG_WORDS[(call.id + number) % len(ORG_WORDS)]}"
            w.add(
                Lot,
                {
                    "id": pk,
                    **stamped,
                    "call_id": call.id,
                    "number": number,
                    "title": title,
                    "description": "",
                    "budget": each,
                },
            )
            call.lots.append((pk, number, title, each))
    ranges = {
        ApplicantCategory.ETS: (max_grant, pct),
        ApplicantCategory.INFORMAL_GROUP: (min(Decimal(15000), max_grant / 2), Decimal(0)),
        ApplicantCategory.BUSINESS: (max_grant, pct + 10),
        ApplicantCategory.OTHER: (max_grant, pct),
    }
    for category, (top, minimum) in ranges.items():
        low = (top / 10).quantize(Decimal("1"))
        rule = GrantRange(
            low.quantize(Decimal("0.01")),
            top.quantize(Decimal("0.01")),
            minimum.quantize(Decimal("0.01")),
        )
        call.grant_rules[str(category)] = rule
        w.add(
            GrantRule,
            {
                "id": w.new_id(GrantRule),
                **stamped,
                "call_id": call.id,
                "category": category,
                "min_grant": rule.min_grant,
                "max_grant": rule.max_grant,
                "min_cofinancing_pct": rule.min_cofinancing_pct,
            },
        )
    for order, (title, filename) in enumerate(DOCUMENTS[: rng.randint(2, 4)]):
        pk = w.new_id(RequiredDocument)
        mandatory = order < 2
        w.add(
            RequiredDocument,
            {
                "id": pk,
                **stamped,
                "call_id": call.id,
                "title": title,
                "description": "",
                "is_mandatory": mandatory,
                "order": order,
            },
        )
        call.documents.append((pk, title, filename, mandatory))
    _rubric(g, call, stamped)
    if rng.random() < 0.5:
        for kind, points in (
            ("network", Decimal("2.00")),
            ("priority_neighbourhood", Decimal("3.00")),
        ):
            w.add(
                BonusRule,
                {
                    "id": w.new_id(BonusRule),
                    **stamped,
                    "call_id": call.id,
                    "kind": kind,
                    "points": points,
                },
            )
            call.bonus.append(scoring.BonusRule(scoring.BonusKind(kind), points))
    if call.status in RANKED:
        top_total = sum(
            (c.max_points * c.weight for c in call.rubric if c.parent_id is None), Decimal(0)
        )
        call.overall_min = (
            (top_total * Decimal("0.4")).quantize(Decimal("0.01")) if rng.random() < 0.5 else None
        )
        call.overflow = rng.choice(["skip", "skip", "partial"])
        first = call.rubric[0].id
        call.tie_breaks = (
            [{"kind": "criterion", "criterion_id": first}, "earlier_submission"]
            if rng.random() < 0.5
            else ["earlier_submission"]
        )
        w.add(
            SelectionRules,
            {
                "id": w.new_id(SelectionRules),
                **stamped,
                "call_id": call.id,
                "overall_min": call.overall_min,
                "overflow": call.overflow,
                "quotas": "{}",
                "reserved": "{}",
                "tie_breaks": json.dumps(call.tie_breaks),
                "appeal_days": 10,
                "earlier_call_participation": "submitted",
            },
        )


def _rubric(g: Generator, call: CallRefs, stamped: dict[str, datetime]) -> None:
    """Three to five criteria; some split into two or three scored sub-criteria."""
    rng, w = g.rng, g.writer
    order = 0
    for top in range(rng.randint(3, 5)):
        code = "ABCDE"[top]
        children = rng.choice([0, 0, 2, 3])
        child_max = [Decimal(rng.choice([5, 10])) for _ in range(children)]
        top_max = sum(child_max, Decimal(0)) if children else Decimal(rng.choice([10, 15, 20]))
        pk = w.new_id(Criterion)
        minimum = (
            (top_max * Decimal("0.3")).quantize(Decimal("0.01"))
            if top == 0 and rng.random() < 0.3
            else None
        )
        order += 1
        w.add(
            Criterion,
            {
                "id": pk,
                **stamped,
                "call_id": call.id,
                "parent_id": None,
                "code": code,
                "title": f"Criterio {code}",
                "description": "",
                "max_points": top_max,
                "weight": Decimal("1.00"),
                "min_points": minimum,
                "order": order,
            },
        )
        parent = scoring.Criterion(id=pk, max_points=top_max, min_points=minimum)
        call.rubric.append(parent)
        if not children:
            call.leaves.append(parent)
        for k, most in enumerate(child_max, start=1):
            child = w.new_id(Criterion)
            order += 1
            w.add(
                Criterion,
                {
                    "id": child,
                    **stamped,
                    "call_id": call.id,
                    "parent_id": pk,
                    "code": f"{code}.{k}",
                    "title": f"Sottocriterio {code}.{k}",
                    "description": "",
                    "max_points": most,
                    "weight": Decimal("1.00"),
                    "min_points": None,
                    "order": order,
                },
            )
            leaf = scoring.Criterion(id=child, max_points=most, parent_id=pk)
            call.rubric.append(leaf)
            call.leaves.append(leaf)


def _commission(
    g: Generator, city: CityRefs, call: CallRefs, evaluators: int, secretary: int
) -> list[int]:
    rng, w = g.rng, g.writer
    seats = min(len(city.evaluators), evaluators + rng.choice([0, 1, 2]))
    evaluators = min(evaluators, seats)
    commission = w.new_id(Commission)
    stamped = stamp(call.closes_at + timedelta(days=1))
    w.add(
        Commission,
        {
            "id": commission,
            **stamped,
            "call_id": call.id,
            "lot_id": None,
            "name": "Commissione di valutazione",
            "method": "mean",
            "evaluators_per_proposal": evaluators if evaluators < seats else None,
            "outlier_gap": None,
        },
    )
    members = []
    for k, user in enumerate(rng.sample(city.evaluators, seats)):
        pk = w.new_id(CommissionMember)
        role = CommissionRole.CHAIR if k == 0 else CommissionRole.MEMBER
        w.add(
            CommissionMember,
            {"id": pk, **stamped, "commission_id": commission, "user_id": user, "role": role},
        )
        members.append(pk)
    w.add(
        CommissionMember,
        {
            "id": w.new_id(CommissionMember),
            **stamped,
            "commission_id": commission,
            "user_id": secretary,
            "role": CommissionRole.SECRETARY,
        },
    )
    return members
