"""Submitting a proposal, its receipts, reopening and withdrawing it."""

from typing import Any

from django.http import HttpRequest

from rione.applications import selectors, services
from rione.applications.api.auth import caller
from rione.applications.api.lookups import access_proposal
from rione.applications.api.routing import ApplicantRouter
from rione.applications.api.schemas import (
    ERRORS,
    PathId,
    ProposalStateOut,
    ReceiptItemOut,
    ReceiptOut,
    SubmitIn,
    WithdrawIn,
)
from rione.applications.models import Proposal

router = ApplicantRouter()


@router.post(
    "/proposals/{proposal_id}/submit",
    response={200: ReceiptOut, **ERRORS},
    summary="Submit the proposal",
)
def submit_proposal(request: HttpRequest, proposal_id: PathId, payload: SubmitIn) -> Any:
    """Submit (or submit a new version) and get the receipt.

    Only the legal representative, a delegate or the group's contact person may submit.
    Submitting again what is already submitted returns the same receipt.
    """
    return services.submit_proposal(
        proposal=access_proposal(request, pk=proposal_id),
        by=caller(request),
        truthfulness=payload.truthfulness,
        privacy=payload.privacy,
        expected_version=payload.expected_version,
    )


@router.get(
    "/proposals/{proposal_id}/receipts",
    response={200: list[ReceiptItemOut], **ERRORS},
    summary="Receipts of a proposal",
)
def list_receipts(request: HttpRequest, proposal_id: PathId) -> Any:
    """Submissions, new versions and withdrawals, newest first."""
    return selectors.receipts_of(proposal=access_proposal(request, pk=proposal_id))


@router.get("/receipts/{receipt_id}", response={200: ReceiptOut, **ERRORS}, summary="A receipt")
def get_receipt(request: HttpRequest, receipt_id: PathId) -> Any:
    """One receipt with its canonical content; its SHA-256 can be recomputed from it."""
    proposal = access_proposal(request, receipts__pk=receipt_id)
    return proposal.receipts.get(pk=receipt_id)


@router.post(
    "/proposals/{proposal_id}/reopen",
    response={200: ProposalStateOut, **ERRORS},
    summary="Reopen for changes",
)
def reopen_proposal(request: HttpRequest, proposal_id: PathId) -> Proposal:
    """Before the deadline; the submitted version stands until a new one is submitted."""
    return services.reopen_proposal(
        proposal=access_proposal(request, pk=proposal_id), by=caller(request)
    )


@router.post(
    "/proposals/{proposal_id}/withdraw",
    response={200: ReceiptOut, **ERRORS},
    summary="Withdraw the proposal",
)
def withdraw_proposal(request: HttpRequest, proposal_id: PathId, payload: WithdrawIn) -> Any:
    """Before the deadline; the withdrawal gets its own receipt."""
    return services.withdraw_proposal(
        proposal=access_proposal(request, pk=proposal_id), by=caller(request), reason=payload.reason
    )
