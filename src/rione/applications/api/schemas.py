"""What the applicant endpoints read (``…In``) and answer (``…Out``)."""

import json
from typing import Annotated, Any

from ninja import Field, Path, Schema

from rione.api.schemas import MAX_ID, Amount, Moment, Percent
from rione.applications.models import (
    Partner,
    Proposal,
    ProposalStatus,
    Receipt,
    ReceiptKind,
    Step,
    StepState,
)

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Revision = Annotated[int, Field(ge=0)]
# Decimal strings, parsed exactly; their bounds keep them within the database columns.
Quantity = Annotated[str, Field(pattern=r"^-?\d{1,8}(\.\d{1,10})?$", examples=["12.5"])]
Money = Annotated[str, Field(pattern=r"^-?\d{1,12}(\.\d{1,10})?$", examples=["1500.00"])]


class ApplicantErrorOut(Schema):
    code: str = Field(..., examples=["step_conflict"])
    message: str = Field(..., description="In the request's language.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Only for `invalid`: messages by field (`__all__` for the whole step)."
    )
    problems: list[str] | None = Field(None, description="Only for `not_ready_to_submit`.")
    detail: list[dict[str, Any]] | None = Field(None, description="Only for `invalid_request`.")


ERRORS: dict[int, type[Schema]] = {s: ApplicantErrorOut for s in (401, 403, 404, 409, 422)}


# Out


class ProposalItemOut(Schema):
    id: int
    call_id: int
    call_title: str
    city: str = Field(..., description="Slug of the city.")
    status: ProposalStatus
    title: str
    applicant_name: str
    is_network: bool
    lot_id: int | None
    version: int = Field(..., description="Versions submitted so far.")
    updated_at: Moment
    submitted_at: Moment | None
    last_receipt_number: int | None

    @staticmethod
    def resolve_call_title(obj: Proposal) -> str:
        return obj.call.title

    @staticmethod
    def resolve_city(obj: Proposal) -> str:
        return obj.call.city.slug

    @staticmethod
    def resolve_last_receipt_number(obj: Proposal) -> int | None:
        receipt = next(iter(obj.receipts.all()), None)
        return receipt.protocol_number if receipt else None


class StepOut(Schema):
    step: Step
    label: str
    state: StepState
    revision: int = Field(..., description="Send it back with the step's PUT.")


class SectionOut(Schema):
    revision: int = Field(..., description="Send it back with the next PUT of this step.")
    state: StepState
    problems: list[str] = Field(..., description="What this step still lacks.")


class PartnerOut(Schema):
    id: int
    name: str
    kind: Partner.Kind
    codice_fiscale: str
    role: str
    resources: str
    letter_id: int | None = Field(None, description="Id of the partner's letter (attachment).")


class ApplicantSectionOut(SectionOut):
    organisation_id: int | None
    group_id: int | None
    applicant_name: str
    is_network: bool
    lot_id: int | None
    partners: list[PartnerOut]


class IdeaSectionOut(SectionOut):
    title: str
    summary: str
    sector_id: int | None
    neighbourhood_ids: list[int]
    problem: str
    solution: str
    innovation: str
    impact: str
    sustainability: str


class TargetOut(Schema):
    target_group_id: int
    name: str
    participants: int


class TargetsSectionOut(SectionOut):
    targets: list[TargetOut]


class BudgetLineOut(Schema):
    cost_category_id: int
    cost_category: str
    description: str
    quantity: Amount
    unit_cost: Amount
    amount: Amount = Field(..., description="quantity × unit_cost, to the cent.")


class BudgetSectionOut(SectionOut):
    lines: list[BudgetLineOut]
    requested_grant: Amount | None
    total_cost: Amount
    own_contribution: Amount
    cofinancing_pct: Percent


class AnswerOut(Schema):
    question_id: int
    question: str
    value: str


class AnswersSectionOut(SectionOut):
    answers: list[AnswerOut]


class AttachmentOut(Schema):
    id: int
    title: str
    original_name: str
    content_type: str = Field(..., description="Read from the content, not the name.")
    size: int = Field(..., description="Bytes.")
    sha256: str
    required_document_id: int | None
    partner_id: int | None
    uploaded_at: Moment
    in_submission: bool = Field(..., description="Part of a submitted version: kept for ever.")


class ProposalOut(Schema):
    id: int
    call_id: int
    call_title: str
    closes_at: Moment | None
    status: ProposalStatus
    version: int
    submitted_at: Moment | None
    withdrawn_at: Moment | None
    updated_at: Moment
    ready: bool = Field(..., description="No step has problems left (eligibility aside).")
    steps: list[StepOut]
    applicant: ApplicantSectionOut
    idea: IdeaSectionOut
    targets: TargetsSectionOut
    budget: BudgetSectionOut
    answers: AnswersSectionOut
    attachments: list[AttachmentOut] = Field(..., description="Current files only.")


class ValidationOut(Schema):
    ready: bool = Field(..., description="Nothing below: the proposal can be submitted.")
    steps: dict[str, list[str]] = Field(..., description="Problems by step.")
    eligibility: list[str] = Field(..., description="Deadline, one proposal per applicant…")


class ProposalStateOut(Schema):
    id: int
    status: ProposalStatus
    version: int


class ReceiptItemOut(Schema):
    id: int
    number: int = Field(..., description="Protocol number, gapless within the call.")
    kind: ReceiptKind
    version: int
    issued_at: Moment
    sha256: str

    @staticmethod
    def resolve_number(obj: Receipt) -> int:
        return obj.protocol_number


class ReceiptOut(ReceiptItemOut):
    proposal_id: int
    call_id: int
    content: dict[str, Any] = Field(..., description="The canonical content the hash covers.")

    @staticmethod
    def resolve_content(obj: Receipt) -> Any:
        return json.loads(obj.content)


# In


class StartIn(Schema):
    organisation_id: Id | None = Field(None, description="An organisation you act for…")
    group_id: Id | None = Field(None, description="…or an informal group you are contact of.")
    is_network: bool = False
    lot_id: Id | None = None


class ApplicantIn(StartIn):
    revision: Revision


class IdeaIn(Schema):
    revision: Revision
    title: str = ""
    summary: str = ""
    sector_id: Id | None = None
    neighbourhood_ids: list[Id] = Field(default_factory=list, max_length=200)
    problem: str = ""
    solution: str = ""
    innovation: str = ""
    impact: str = ""
    sustainability: str = ""


class TargetIn(Schema):
    target_group_id: Id
    participants: int = Field(..., ge=-(2**31), le=2**31)


class TargetsIn(Schema):
    revision: Revision
    targets: list[TargetIn] = Field(..., max_length=200)


class BudgetLineIn(Schema):
    cost_category_id: Id
    description: str
    quantity: Quantity
    unit_cost: Money


class BudgetIn(Schema):
    revision: Revision
    lines: list[BudgetLineIn] = Field(..., max_length=1000)
    requested_grant: Money | None = None


class AnswerIn(Schema):
    question_id: Id
    value: str


class AnswersIn(Schema):
    revision: Revision
    answers: list[AnswerIn] = Field(..., max_length=200)


class PartnerIn(Schema):
    name: str
    kind: Partner.Kind
    codice_fiscale: str = ""
    role: str
    resources: str


class AttachmentIn(Schema):
    required_document_id: Id | None = None
    partner_id: Id | None = None
    title: str = ""


class SubmitIn(Schema):
    truthfulness: bool = Field(False, description="Declaration under DPR 445/2000.")
    privacy: bool = False
    expected_version: int | None = Field(
        None, description="The version you saw: a retried submission returns the same receipt."
    )


class WithdrawIn(Schema):
    reason: str = ""
