"""Use cases of proposals. Import services from here."""

from rione.applications.services.checks import (
    Review,
    applicant_category,
    budget_of,
    eligibility_problems,
    grant_rule_for,
    review_proposal,
)
from rione.applications.services.drafts import (
    IDEA_FIELDS,
    LineInput,
    discard_draft,
    ensure_open,
    may_act_for,
    save_answers_step,
    save_applicant_step,
    save_budget_step,
    save_idea_step,
    save_targets_step,
    start_proposal,
    step_revision,
)
from rione.applications.services.errors import (
    CallNotOpen,
    NewerVersionExists,
    NotReadyToSubmit,
    ProposalLocked,
    StepConflict,
)
from rione.applications.services.files import (
    PARTNER_FIELDS,
    add_attachment,
    add_partner,
    remove_attachment,
    remove_partner,
    update_partner,
)
from rione.applications.services.notices import send_deadline_reminders
from rione.applications.services.questions import answer_question, ask_question
from rione.applications.services.submission import (
    next_protocol_number,
    reopen_proposal,
    submission_problems,
    submit_proposal,
    withdraw_proposal,
)

__all__ = [
    "IDEA_FIELDS",
    "PARTNER_FIELDS",
    "CallNotOpen",
    "LineInput",
    "NewerVersionExists",
    "NotReadyToSubmit",
    "ProposalLocked",
    "Review",
    "StepConflict",
    "add_attachment",
    "add_partner",
    "answer_question",
    "applicant_category",
    "ask_question",
    "budget_of",
    "discard_draft",
    "eligibility_problems",
    "ensure_open",
    "grant_rule_for",
    "may_act_for",
    "next_protocol_number",
    "remove_attachment",
    "remove_partner",
    "reopen_proposal",
    "review_proposal",
    "save_answers_step",
    "save_applicant_step",
    "save_budget_step",
    "save_idea_step",
    "save_targets_step",
    "send_deadline_reminders",
    "start_proposal",
    "step_revision",
    "submission_problems",
    "submit_proposal",
    "update_partner",
    "withdraw_proposal",
]
