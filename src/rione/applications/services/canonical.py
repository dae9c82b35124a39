"""The canonical content of a receipt: what its SHA-256 is computed over.

JSON, UTF-8, keys sorted, no insignificant whitespace (separators "," and ":"),
non-ASCII characters written as themselves; amounts as strings with two decimals
("1234.50"); quantities likewise; dates and times in ISO 8601 UTC; each file by its
name, type, size and SHA-256 (so the hash covers the files' bytes). Anyone holding
the content can recompute the hash with any SHA-256 tool; see docs/ricevute.md.
"""

import hashlib
import json
from decimal import Decimal
from typing import Any

from rione.applications.budget import line_amount
from rione.applications.models import Proposal
from rione.applications.services.checks import budget_of
from rione.core.models import User

PROPOSAL_SCHEMA = "rione.proposal/1"
WITHDRAWAL_SCHEMA = "rione.withdrawal/1"


def amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01'))}"


def serialise(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _applicant(proposal: Proposal) -> dict[str, Any]:
    if proposal.group is not None:
        group = proposal.group
        return {
            "kind": "informal_group",
            "name": group.name,
            "members": [
                {"name": f"{m.first_name} {m.last_name}", "codice_fiscale": m.codice_fiscale}
                for m in group.members.all()
            ],
        }
    organisation = proposal.organisation
    assert organisation is not None
    return {
        "kind": "organisation",
        "name": organisation.name,
        "legal_form": organisation.legal_form,
        "codice_fiscale": organisation.codice_fiscale,
        "partita_iva": organisation.partita_iva,
        "pec": organisation.pec,
        "runts_number": organisation.runts_number,
        "registered_office": organisation.registered_office,
        "legal_representative": organisation.legal_rep_name,
        "network": proposal.is_network,
    }


def _file(attachment: Any) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "title": attachment.title,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "required_document": attachment.required_document_id,
    }


def proposal_content(proposal: Proposal, *, version: int, declarant: User) -> dict[str, Any]:
    """The canonical content of ``proposal`` as submitted in ``version``.

    Expects ``proposal`` loaded by ``selectors.get_proposal``.
    """
    call = proposal.call
    budget = budget_of(proposal)
    files = [a for a in proposal.attachments.all() if a.is_current]
    letters = {a.partner_id: a for a in files if a.partner_id}
    questions = {q.pk: q for q in call.extra_questions.all()}
    person = getattr(declarant, "person", None)
    return {
        "schema": PROPOSAL_SCHEMA,
        "call": {"id": call.pk, "city": call.city.slug, "slug": call.slug, "title": call.title},
        "proposal": proposal.pk,
        "version": version,
        "applicant": _applicant(proposal),
        "declarant": {
            "name": str(person) if person else declarant.get_full_name(),
            "codice_fiscale": person.codice_fiscale if person else "",
        },
        "lot": None
        if proposal.lot is None
        else {"number": proposal.lot.number, "title": proposal.lot.title},
        "partners": [
            {
                "name": p.name,
                "kind": p.kind,
                "codice_fiscale": p.codice_fiscale,
                "role": p.role,
                "resources": p.resources,
                "letter_sha256": letters[p.pk].sha256 if p.pk in letters else None,
            }
            for p in proposal.partners.all()
        ],
        "idea": {
            "title": proposal.title,
            "summary": proposal.summary,
            "sector": proposal.sector.name if proposal.sector else None,
            "neighbourhoods": sorted(n.name for n in proposal.neighbourhoods.all()),
            "problem": proposal.problem,
            "solution": proposal.solution,
            "innovation": proposal.innovation,
            "impact": proposal.impact,
            "sustainability": proposal.sustainability,
        },
        "targets": [
            {"target_group": t.target_group.name, "participants": t.participants}
            for t in proposal.targets.all()
        ],
        "budget": {
            "lines": [
                {
                    "cost_category": line.cost_category.name,
                    "description": line.description,
                    "quantity": amount(line.quantity),
                    "unit_cost": amount(line.unit_cost),
                    "amount": amount(line_amount(line.quantity, line.unit_cost)),
                }
                for line in proposal.budget_lines.all()
            ],
            "total_cost": amount(budget.total_cost),
            "requested_grant": amount(budget.requested_grant),
            "own_contribution": amount(budget.own_contribution),
            "cofinancing_pct": amount(budget.cofinancing_pct),
        },
        "answers": [
            {"question": questions[a.question_id].text, "answer": a.value}
            for a in sorted(
                proposal.answers.all(),
                key=lambda a: (questions[a.question_id].order, a.question_id),
            )
            if a.question_id in questions
        ],
        "attachments": [_file(a) for a in files if not a.partner_id]
        + [_file(a) for a in files if a.partner_id],
        "declarations": {"truthfulness_dpr_445_2000": True, "privacy": True},
    }


def withdrawal_content(submitted: dict[str, Any], *, reason: str) -> dict[str, Any]:
    """What a withdrawal records: the submitted version it withdraws, never the working copy."""
    return {
        "schema": WITHDRAWAL_SCHEMA,
        "call": submitted["call"],
        "proposal": submitted["proposal"],
        "withdrawn_version": submitted["version"],
        "title": submitted["idea"]["title"],
        "applicant": submitted["applicant"]["name"],
        "reason": reason,
    }
