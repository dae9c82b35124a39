"""The automatic admissibility checks: a submitted version against the call's rules.

``judge_version`` is pure (no queries), so the review page, the decision and the ranking
judge the same version the same way; ``automatic_checks`` feeds it one proposal.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rione.applications.budget import BudgetSummary
from rione.applications.models import Proposal
from rione.applications.services.checks import (
    budget_rule_problems,
    category_for,
    pick_grant_rule,
)
from rione.core import clock
from rione.core.errors import DomainError
from rione.evaluation import selectors
from rione.evaluation.selectors import CallRequirements
from rione.territory.models import ApplicantCategory


class NoSubmittedVersion(DomainError):
    code = "no_submitted_version"
    message = gettext_lazy("La proposta non ha ancora una versione presentata.")


CHECK_LABELS: dict[str, Any] = {
    "on_time": gettext_lazy("Presentata entro la scadenza"),
    "applicant_type": gettext_lazy("Tipologia di proponente ammessa"),
    "neighbourhoods": gettext_lazy("Quartieri ammessi dall'avviso"),
    "documents": gettext_lazy("Documenti obbligatori presenti"),
    "budget": gettext_lazy("Contributo e cofinanziamento conformi alle regole"),
}


def rome_minute(moment: datetime) -> str:
    return timezone.localtime(moment, clock.ROME).strftime("%d/%m/%Y %H:%M")


def _category(applicant: Mapping[str, Any]) -> str:
    """The applicant's family, read from the submitted version."""
    return category_for(
        is_group=applicant.get("kind") == "informal_group",
        legal_form=applicant.get("legal_form"),
    )


def _matches(applicant: Mapping[str, Any], category: str, runts_section: str) -> bool:
    """``applications.services.checks.matches_type`` on the submitted version."""
    if applicant.get("network") and category == ApplicantCategory.NETWORK:
        return True
    if category != _category(applicant):
        return False
    if runts_section and applicant.get("kind") == "organisation":
        return bool(runts_section == applicant.get("legal_form"))
    return True


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def _budget_problems(content: Mapping[str, Any], rules: CallRequirements) -> list[str]:
    """The applicant's budget rules (``checks.budget_rule_problems``) on the version."""
    budget = content.get("budget") or {}
    total = _decimal(budget.get("total_cost")) or Decimal(0)
    grant = _decimal(budget.get("requested_grant"))
    if total <= 0:
        return [_("Il budget non ha voci di costo.")]
    if grant is None:
        return [_("Il contributo richiesto non è indicato.")]
    applicant = content.get("applicant") or {}
    lot = content.get("lot") or {}
    return budget_rule_problems(
        BudgetSummary.of([(Decimal(1), total)], grant),
        rule=pick_grant_rule(
            rules.grant_rules,
            category=_category(applicant),
            is_network=bool(applicant.get("network")),
        ),
        lot_budget=rules.lot_budgets.get(int(lot["number"])) if lot.get("number") else None,
        call_budget=rules.call_budget,
    )


def judge_version(
    *,
    content: Mapping[str, Any],
    issued_at: datetime | None,
    rules: CallRequirements,
    supplied: set[int] | frozenset[int] = frozenset(),
) -> dict[str, bool | str]:
    """The automatic checks of one submitted version: pure, no queries.

    Returns each code of CHECK_LABELS with a bool, and ``<code>_note`` with what failed
    (empty when it passed). ``supplied`` are the required documents sent later in answer
    to an integration request: they count as present.
    """
    notes: dict[str, list[str]] = {code: [] for code in CHECK_LABELS}
    if issued_at is None:
        notes["on_time"].append(_("Nessuna versione presentata."))
    elif rules.closes_at is not None and issued_at > rules.closes_at:
        notes["on_time"].append(
            _("Presentata il %(at)s, dopo la scadenza del %(deadline)s.")
            % {"at": rome_minute(issued_at), "deadline": rome_minute(rules.closes_at)}
        )
    applicant = content.get("applicant") or {}
    if rules.applicant_types and not any(
        _matches(applicant, category, section) for category, section in rules.applicant_types
    ):
        notes["applicant_type"].append(_("L'avviso non ammette proponenti di questo tipo."))
    chosen = list((content.get("idea") or {}).get("neighbourhoods") or [])
    if not chosen:
        notes["neighbourhoods"].append(_("Nessun quartiere indicato."))
    elif rules.neighbourhoods:
        outside = [name for name in chosen if name not in rules.neighbourhoods]
        if outside:
            notes["neighbourhoods"].append(
                _("Quartieri non ammessi: %(names)s.") % {"names": ", ".join(outside)}
            )
    present = {item.get("required_document") for item in content.get("attachments") or []}
    for pk, title in rules.mandatory_documents:
        if pk not in present and pk not in supplied:
            notes["documents"].append(
                _("Manca il documento obbligatorio «%(title)s».") % {"title": title}
            )
    notes["budget"] = _budget_problems(content, rules)
    result: dict[str, bool | str] = {}
    for code, problems in notes.items():
        result[code] = not problems
        result[f"{code}_note"] = " ".join(problems)
    return result


def automatic_checks(*, proposal: Proposal) -> dict[str, bool | str]:
    """The automatic admissibility checks of the latest submitted version of ``proposal``.

    Reads the canonical content of the latest submission receipt (never the working
    copy) and the call's current rules: submitted before ``closes_at``, applicant type
    and neighbourhoods eligible, mandatory documents present (in the version or sent in
    answer to an integration request), and the budget rules of the submission checks
    (grant range, co-financing, lot and call budgets). What only the moment of submission
    could tell (one proposal per applicant, earlier-call restriction) was checked then and
    is not repeated. Adds ``protocol_number`` and ``sha256`` of the version judged.
    Raises NoSubmittedVersion for a proposal never submitted.
    """
    receipt = selectors.latest_submission(proposal=proposal)
    if receipt is None:
        raise NoSubmittedVersion()
    checks = judge_version(
        content=json.loads(receipt.content),
        issued_at=receipt.issued_at,
        rules=selectors.call_requirements(call=proposal.call),
        supplied=selectors.supplied_documents(proposal_ids=[proposal.pk]).get(proposal.pk, set()),
    )
    checks["protocol_number"] = str(receipt.protocol_number)
    checks["sha256"] = receipt.sha256
    return checks
