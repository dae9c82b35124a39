"""One submitted proposal: its parts, its receipt with the canonical content, its admissibility.

The content has the dict shape of ``applications.services.canonical.proposal_content`` and is
serialised and hashed with its ``serialise``/``digest``; the automatic admissibility checks
are the pure ``judge_version`` on that content.
"""

import json
import math
import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.synthetic.build import CityRefs, Generator
from bench.synthetic.names import BUDGET_ITEMS, entity_cf
from bench.synthetic.refs import EVALUATED, RANKED, CallRefs, stamp
from bench.synthetic.scores import evaluate

from rione.applications.budget import BudgetSummary, line_amount
from rione.applications.models import (
    Attachment,
    BudgetLine,
    Partner,
    Proposal,
    ProposalStatus,
    Receipt,
    ReceiptKind,
    Target,
)
from rione.applications.services.canonical import PROPOSAL_SCHEMA, amount, digest, serialise
from rione.evaluation import ranking as engine
from rione.evaluation import scoring
from rione.evaluation.models import (
    AdmissibilityOutcome,
    AdmissibilityReview,
)
from rione.evaluation.selectors import CallRequirements, GrantRange
from rione.evaluation.services.checks import judge_version
from rione.evaluation.services.rankings import _category

SAVED_STEPS = json.dumps(["applicant", "idea", "targets", "budget", "attachments"])
STEP_REVISIONS = json.dumps(
    {"applicant": 1, "idea": 1, "targets": 1, "budget": 1, "attachments": 1}
)
NOT_ADMISSIBLE_REASONS = (
    "Manca la firma del legale rappresentante sulla domanda.",
    "Il proponente non ha sede operativa nel territorio comunale.",
    "La proposta non riguarda i quartieri ammessi dall'avviso.",
)
PARTNER_KINDS = [k.value for k in Partner.Kind]


def budget(rng: random.Random, rule: GrantRange) -> tuple[Decimal, list[tuple[Decimal, Decimal]]]:
    """A requested grant within the rule and budget lines whose co-financing reaches it."""
    low, high = int(rule.min_grant), int(rule.max_grant)
    requested = low + 500 * rng.randint(0, (high - low) // 500)
    share = float(rule.min_cofinancing_pct) + rng.uniform(0, 15)
    total = math.ceil(requested / (1 - share / 100)) + (1 if share else 0)
    cents = total * 100
    k = rng.randint(3, 6)
    weights = [rng.uniform(0.2, 1.0) for _ in range(k)]
    whole = sum(weights)
    lines = []
    used = 0
    for weight in weights[:-1]:
        part = int(cents * weight / whole)
        quantity = rng.choice([1, 1, 2, 4, 6, 10, 12])
        unit = part // quantity
        used += unit * quantity
        lines.append((Decimal(quantity).quantize(Decimal("0.01")), Decimal(unit) / 100))
    lines.append((Decimal("1.00"), Decimal(cents - used) / 100))
    return Decimal(requested).quantize(Decimal("0.01")), lines


def proposal(
    g: Generator,
    city: CityRefs,
    call: CallRefs,
    applicant: tuple[int, int, int | None, int | None],
    *,
    protocol: int,
    submitted: datetime,
    admissible: bool,
    members: list[int],
    evaluators: int,
    requirements: CallRequirements,
    manager: int,
) -> engine.Candidate | None:
    """One submitted proposal with its parts, receipt, admissibility and evaluations.

    Returns the ranking candidate when the call is ranked.
    """
    rng, w, namer = g.rng, g.writer, g.namer
    index, user, organisation, group = applicant
    info = g.describe(index, city.name)
    declarant = namer.person(index)
    pk = w.new_id(Proposal)
    is_network = organisation is not None and rng.random() < 0.2
    category = _category({"kind": info.kind, "legal_form": info.legal_form})
    rule = call.grant_rules[category]
    requested, lines = budget(rng, rule)
    lot = rng.choice(call.lots) if call.lots else None
    sector_id, sector = rng.choice(city.sectors)
    areas = rng.sample(city.neighbourhoods, rng.randint(1, 2))
    title = namer.title(rng, areas[0][1])
    texts = {
        "summary": namer.text(rng, 2),
        "problem": namer.text(rng, 3),
        "solution": namer.text(rng, 3),
        "innovation": namer.text(rng, 2),
        "impact": namer.text(rng, 2),
        "sustainability": namer.text(rng, 2),
    }
    created = submitted - timedelta(days=rng.randint(1, 20))
    w.add(
        Proposal,
        {
            "id": pk,
            "created_at": created,
            "updated_at": submitted,
            "call_id": call.id,
            "lot_id": lot[0] if lot else None,
            "organisation_id": organisation,
            "group_id": group,
            "is_network": is_network,
            "created_by_id": user,
            "status": ProposalStatus.SUBMITTED,
            "title": title,
            **texts,
            "sector_id": sector_id,
            "requested_grant": requested,
            "saved_steps": SAVED_STEPS,
            "step_revisions": STEP_REVISIONS,
            "version": 1,
            "submitted_at": submitted,
            "withdrawn_at": None,
            "reminders_sent": "[]",
        },
    )
    through = Proposal.neighbourhoods.through
    for area_id, _name, _target in areas:
        w.add(through, {"id": w.new_id(through), "proposal_id": pk, "neighbourhood_id": area_id})
    targets = sorted(rng.sample(range(len(city.target_groups)), rng.randint(1, 3)))
    target_rows = []
    for t in targets:
        participants = rng.randint(10, 300)
        w.add(
            Target,
            {
                "id": w.new_id(Target),
                "proposal_id": pk,
                "target_group_id": city.target_groups[t][0],
                "participants": participants,
            },
        )
        target_rows.append({"target_group": city.target_groups[t][1], "participants": participants})
    budget_rows = []
    for order, (quantity, unit) in enumerate(lines):
        category_id, category_name = rng.choice(city.cost_categories)
        description = BUDGET_ITEMS[(order + pk) % len(BUDGET_ITEMS)]
        w.add(
            BudgetLine,
            {
                "id": w.new_id(BudgetLine),
                "proposal_id": pk,
                "cost_category_id": category_id,
                "description": description,
                "quantity": quantity,
                "unit_cost": unit,
                "order": order,
            },
        )
        budget_rows.append(
            {
                "cost_category": category_name,
                "description": description,
                "quantity": amount(quantity),
                "unit_cost": amount(unit),
                "amount": amount(line_amount(quantity, unit)),
            }
        )
    summary = BudgetSummary.of(lines, requested)
    partners = []
    for k in range(rng.randint(1, 3) if is_network else 0):
        partner = w.new_id(Partner)
        name = namer.org_name(9_000_000 + pk * 4 + k, "Associazione", city.name)
        row = {
            "name": name,
            "kind": rng.choice(PARTNER_KINDS),
            "codice_fiscale": entity_cf(9_000_000 + pk * 4 + k),
            "role": "Cura le attività con i destinatari.",
            "resources": "Una sede e due operatori.",
        }
        w.add(Partner, {"id": partner, **stamp(created), "proposal_id": pk, **row})
        partners.append((partner, row))
    files: list[tuple[int | None, dict[str, Any]]] = []
    letters: dict[int, str] = {}
    uploads: list[tuple[int | None, str, str, int | None]] = [
        (doc_id, title_, filename, None) for doc_id, title_, filename, _m in call.documents
    ]
    uploads += [
        (None, f"Lettera di impegno – {row['name']}", "lettera-impegno.pdf", partner)
        for partner, row in partners
    ]
    for k, (doc_id, doc_title, filename, letter_of) in enumerate(uploads):
        attachment = w.new_id(Attachment)
        sha = f"{rng.getrandbits(256):064x}"
        size = rng.randint(40_000, 3_000_000)
        w.add(
            Attachment,
            {
                "id": attachment,
                "proposal_id": pk,
                "required_document_id": doc_id,
                "partner_id": letter_of,
                "title": doc_title,
                "file": f"proposals/{pk}/{sha}.pdf",
                "original_name": filename,
                "content_type": "application/pdf",
                "size": size,
                "sha256": sha,
                "uploaded_by_id": user,
                "uploaded_at": submitted - timedelta(hours=len(uploads) - k),
                "is_current": True,
                "in_submission": True,
            },
        )
        if letter_of is not None:
            letters[letter_of] = sha
        files.append(
            (
                letter_of,
                {
                    "id": attachment,
                    "title": doc_title,
                    "name": filename,
                    "content_type": "application/pdf",
                    "size": size,
                    "sha256": sha,
                    "required_document": doc_id,
                },
            )
        )
    if info.kind == "informal_group":
        people = sorted(
            ((namer.person(m), order) for order, m in enumerate(info.member_indexes)),
            key=lambda item: (item[0].last_name, item[0].first_name, item[1]),
        )
        applicant_json: dict[str, Any] = {
            "kind": "informal_group",
            "name": info.name,
            "members": [{"name": p.name, "codice_fiscale": p.codice_fiscale} for p, _ in people],
        }
    else:
        applicant_json = {
            "kind": "organisation",
            "name": info.name,
            "legal_form": info.legal_form,
            "codice_fiscale": info.codice_fiscale,
            "partita_iva": info.partita_iva,
            "pec": info.pec,
            "runts_number": info.runts_number,
            "registered_office": info.registered_office,
            "legal_representative": info.legal_rep,
            "network": is_network,
        }
    content = {
        "schema": PROPOSAL_SCHEMA,
        "call": {"id": call.id, "city": city.slug, "slug": call.slug, "title": call.title},
        "proposal": pk,
        "version": 1,
        "applicant": applicant_json,
        "declarant": {"name": declarant.name, "codice_fiscale": declarant.codice_fiscale},
        "lot": None if lot is None else {"number": lot[1], "title": lot[2]},
        "partners": [{**row, "letter_sha256": letters.get(partner)} for partner, row in partners],
        "idea": {
            "title": title,
            "summary": texts["summary"],
            "sector": sector,
            "neighbourhoods": sorted(name for _, name, _ in areas),
            "problem": texts["problem"],
            "solution": texts["solution"],
            "innovation": texts["innovation"],
            "impact": texts["impact"],
            "sustainability": texts["sustainability"],
        },
        "targets": target_rows,
        "budget": {
            "lines": budget_rows,
            "total_cost": amount(summary.total_cost),
            "requested_grant": amount(summary.requested_grant),
            "own_contribution": amount(summary.own_contribution),
            "cofinancing_pct": amount(summary.cofinancing_pct),
        },
        "answers": [],
        # as proposal_content lists them: documents first, then the partners' letters
        "attachments": [f for partner, f in files if partner is None]
        + [f for partner, f in files if partner is not None],
        "declarations": {"truthfulness_dpr_445_2000": True, "privacy": True},
    }
    text = serialise(content)
    sha256 = digest(text)
    w.add(
        Receipt,
        {
            "id": w.new_id(Receipt),
            "call_id": call.id,
            "proposal_id": pk,
            "protocol_number": protocol,
            "kind": ReceiptKind.SUBMISSION,
            "version": 1,
            "issued_at": submitted,
            "issued_by_id": user,
            "content": text,
            "sha256": sha256,
            "emailed_at": submitted + timedelta(minutes=1),
        },
    )
    if call.status not in EVALUATED:
        return None
    decided = call.closes_at + timedelta(days=10)
    checks = judge_version(content=content, issued_at=submitted, rules=requirements)
    checks["protocol_number"] = str(protocol)
    checks["sha256"] = sha256
    outcome = AdmissibilityOutcome.ADMISSIBLE if admissible else AdmissibilityOutcome.NOT_ADMISSIBLE
    w.add(
        AdmissibilityReview,
        {
            "id": w.new_id(AdmissibilityReview),
            **stamp(decided),
            "proposal_id": pk,
            "outcome": outcome,
            "reason": "Requisiti verificati: la proposta è ammissibile."
            if admissible
            else rng.choice(NOT_ADMISSIBLE_REASONS),
            "automatic": json.dumps(checks),
            "manual": "{}",
            "decided_by_id": manager,
            "decided_at": decided,
        },
    )
    signed: dict[int, dict[int, Decimal]] = {}
    if admissible:
        signed = evaluate(g, call, pk, members, evaluators, protocol, manager)
    if call.status not in RANKED:
        return None
    result = scoring.aggregate(
        call.rubric,
        signed,
        bonus=scoring.bonus_for(
            call.bonus, is_network=is_network, in_priority_neighbourhood=any(t for _, _, t in areas)
        ),
        overall_min=call.overall_min,
        validated=True,
    )
    return engine.Candidate(
        proposal_id=pk,
        protocol_number=protocol,
        category=category,
        is_network=is_network,
        lot_id=lot[0] if lot else None,
        requested=requested,
        score=result.total if result.complete else None,
        criterion_points=dict(result.points),
        submitted_at=submitted,
        admissible=admissible,
        below_threshold=bool(result.below_overall or result.below_minimum),
    )
