"""The crash scenario's checker (bench/load/verify.py) passes good data and names each fault.

Submissions are made with the product's own services; each fault is then written into the
database (or into what the client holds) as a crash or a bug could leave it.
"""

import io
import json
from datetime import timedelta

import pytest
from bench.load.verify import ClientReceipt, main, read_receipts, verify
from django.db.models import F

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import OrganisationFactory
from rione.applications.models import (
    Proposal,
    ProposalStatus,
    ProtocolCounter,
    Receipt,
    ReceiptKind,
)
from rione.applications.selectors import get_proposal
from rione.applications.services import (
    reopen_proposal,
    start_proposal,
    submit_proposal,
    withdraw_proposal,
)
from rione.applications.services.canonical import digest, proposal_content, serialise
from rione.applications.tests.factories import complete_proposal
from rione.applications.tests.helpers import NOW, call_in, member_of
from rione.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now():
    with clock.travel_to(NOW):
        yield NOW


@pytest.fixture
def call(city):
    return call_in(city)


def complete_draft(call):
    organisation = OrganisationFactory()
    rep = member_of(organisation, MemberRole.LEGAL_REPRESENTATIVE)
    return complete_proposal(start_proposal(call=call, by=rep, organisation=organisation)), rep


def submit(proposal, rep):
    return submit_proposal(proposal=proposal, by=rep, truthfulness=True, privacy=True)


def held(receipt):
    return ClientReceipt(
        call=receipt.call_id,
        proposal=receipt.proposal_id,
        protocol=receipt.protocol_number,
        sha256=receipt.sha256,
    )


@pytest.fixture
def rush(call, django_capture_on_commit_callbacks):
    """Three submitted, one resubmitted after reopening, one withdrawn, one left a draft."""
    receipts = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            proposal, rep = complete_draft(call)
            receipts.append(submit(proposal, rep))
        proposal, rep = complete_draft(call)
        receipts.append(submit(proposal, rep))
        reopen_proposal(proposal=proposal, by=rep)
        receipts.append(submit(Proposal.objects.get(pk=proposal.pk), rep))
        proposal, rep = complete_draft(call)
        receipts.append(submit(proposal, rep))
        receipts.append(withdraw_proposal(proposal=proposal, by=rep, reason="Cambio di programma"))
        complete_draft(call)
    return receipts


def check(call, receipts, **kwargs):
    return verify(call_ids=[call.pk], client_receipts=[held(r) for r in receipts], **kwargs)


def only(report, kind):
    assert not report.ok
    assert report.kinds() == {kind}, report.violations


# Good data


def test_good_data_passes_and_counts_what_it_checked(call, rush):
    report = check(call, rush, emails=True)

    assert report.ok, report.violations
    assert report.counts["calls"] == 1
    assert report.counts["receipts in the database"] == 7
    assert report.counts["receipt hashes recomputed"] == 7
    assert report.counts["protocol numbers checked"] == 7
    assert report.counts["client receipts"] == 7
    assert report.counts["client receipts matched"] == 7
    assert report.counts["proposals"] == 6
    assert report.counts["proposals submitted"] == 4
    assert report.counts["proposals withdrawn"] == 1
    assert report.counts["drafts"] == 1
    assert report.counts["audit events matched"] == 7
    assert report.counts["audit chains verified"] == 5
    assert report.counts["receipt e-mails checked"] == 7


def test_a_client_holding_the_same_receipt_twice_counts_it_once(call, rush):
    report = verify(call_ids=[call.pk], client_receipts=[held(rush[0]), held(rush[0])])

    assert report.ok
    assert report.counts["client receipts"] == 1


def test_no_submission_at_all_passes(call):
    complete_draft(call)

    report = verify(call_ids=[call.pk])

    assert report.ok
    assert report.counts["receipts in the database"] == 0
    assert report.counts["drafts"] == 1


# Lost


def test_a_receipt_the_client_holds_but_the_database_lacks_is_lost(call, rush):
    ghost = ClientReceipt(call=call.pk, proposal=rush[0].proposal_id, protocol=99, sha256="0" * 64)

    report = verify(call_ids=[call.pk], client_receipts=[*map(held, rush), ghost])

    only(report, "lost")
    assert "n. 99" in report.violations[0].detail


def test_a_receipt_number_given_to_another_proposal_is_lost(call, rush):
    first, second = rush[0], rush[1]
    moved = ClientReceipt(
        call=call.pk,
        proposal=second.proposal_id,
        protocol=first.protocol_number,
        sha256=first.sha256,
    )

    report = verify(call_ids=[call.pk], client_receipts=[moved])

    only(report, "lost")


def test_a_receipt_of_a_call_not_checked_is_lost(call, rush, city):
    other = ClientReceipt(call=call.pk + 1000, proposal=1, protocol=1, sha256="0" * 64)

    report = verify(call_ids=[call.pk], client_receipts=[other])

    only(report, "lost")


# Hash


def test_content_changed_after_issue_fails_its_hash(call, rush):
    Receipt.objects.filter(pk=rush[0].pk).update(content=rush[0].content.replace("Biblioteca", "B"))

    report = check(call, rush)

    only(report, "hash")
    assert f"n. {rush[0].protocol_number} " in report.violations[0].detail


def test_a_client_given_another_hash_than_the_stored_one_fails(call, rush):
    wrong = ClientReceipt(
        call=call.pk,
        proposal=rush[0].proposal_id,
        protocol=rush[0].protocol_number,
        sha256="f" * 64,
    )

    report = verify(call_ids=[call.pk], client_receipts=[wrong])

    only(report, "hash")


# Duplicate


def test_a_second_receipt_for_the_same_version_is_a_duplicate(call, rush):
    first = rush[0]
    Receipt.objects.create(
        call=call,
        proposal=first.proposal,
        protocol_number=len(rush) + 1,
        kind=first.kind,
        version=first.version,
        issued_at=first.issued_at + timedelta(seconds=1),
        issued_by=first.issued_by,
        content=first.content,
        sha256=first.sha256,
    )
    ProtocolCounter.objects.filter(call=call).update(last_number=F("last_number") + 1)

    report = check(call, rush)

    # The copy has no audit event of its own either: it was not made by submitting.
    assert report.kinds() == {"duplicate", "half_submitted"}
    details = [v.detail for v in report.violations if v.kind == "duplicate"]
    assert any("2 receipts for version 1" in d for d in details)
    assert any("for the first time 2 times" in d for d in details)


# Gap


def test_a_missing_protocol_number_is_a_gap(call, rush):
    last = rush[-1]
    skipped = last.protocol_number
    Receipt.objects.filter(pk=last.pk).update(protocol_number=skipped + 1)
    ProtocolCounter.objects.filter(call=call).update(last_number=F("last_number") + 1)
    last.protocol_number = skipped + 1

    report = check(call, rush)

    # The audit event still names the number the receipt was issued with.
    assert report.kinds() == {"gap", "half_submitted"}
    assert any(f"missing [{skipped}]" in v.detail for v in report.violations)


def test_a_counter_ahead_of_the_receipts_is_a_gap(call, rush):
    ProtocolCounter.objects.filter(call=call).update(last_number=F("last_number") + 1)

    report = check(call, rush)

    only(report, "gap")
    assert "counter says 8, 7 receipts issued" in report.violations[0].detail


# Half-submitted


def test_a_submitted_proposal_without_its_receipt_is_half_submitted(call, rush):
    draft = Proposal.objects.get(call=call, status=ProposalStatus.DRAFT)
    Proposal.objects.filter(pk=draft.pk).update(
        status=ProposalStatus.SUBMITTED, version=1, submitted_at=clock.now()
    )

    report = check(call, rush)

    only(report, "half_submitted")
    assert f"proposal {draft.pk} is submitted at version 1 without its receipt" in (
        report.violations[0].detail
    )


def test_a_draft_with_a_receipt_is_half_submitted(call, rush):
    Proposal.objects.filter(pk=rush[0].proposal_id).update(status=ProposalStatus.DRAFT)

    report = check(call, rush)

    only(report, "half_submitted")
    assert "is a draft with 1 receipts" in report.violations[0].detail


def test_a_submitted_proposal_whose_version_moved_on_without_a_receipt_is_half_submitted(
    call, rush
):
    Proposal.objects.filter(pk=rush[0].proposal_id).update(version=2)

    report = check(call, rush)

    only(report, "half_submitted")


def test_a_withdrawn_proposal_still_standing_is_half_submitted(call, rush):
    Proposal.objects.filter(pk=rush[-1].proposal_id).update(status=ProposalStatus.SUBMITTED)

    report = check(call, rush)

    only(report, "half_submitted")
    assert "latest receipt" in report.violations[0].detail


def test_a_receipt_written_without_its_audit_event_is_half_submitted(call, rush):
    draft = Proposal.objects.get(call=call, status=ProposalStatus.DRAFT)
    text = serialise(
        proposal_content(get_proposal(pk=draft.pk), version=1, declarant=draft.created_by)
    )
    Proposal.objects.filter(pk=draft.pk).update(
        status=ProposalStatus.SUBMITTED, version=1, submitted_at=clock.now()
    )
    receipt = Receipt.objects.create(
        call=call,
        proposal=draft,
        protocol_number=len(rush) + 1,
        kind=ReceiptKind.SUBMISSION,
        version=1,
        issued_at=clock.now(),
        issued_by=draft.created_by,
        content=text,
        sha256=digest(text),
    )
    ProtocolCounter.objects.filter(call=call).update(last_number=F("last_number") + 1)

    report = check(call, [*rush, receipt])

    only(report, "half_submitted")
    assert f"receipt n. {len(rush) + 1} of proposal {draft.pk} has no audit event" in (
        report.violations[0].detail
    )


# E-mail


def test_a_receipt_neither_emailed_nor_queued_is_reported_when_asked(call):
    proposal, rep = complete_draft(call)
    receipt = submit(proposal, rep)  # the transaction of the test never commits: no e-mail

    assert verify(call_ids=[call.pk], client_receipts=[held(receipt)]).ok
    only(verify(call_ids=[call.pk], client_receipts=[held(receipt)], emails=True), "email")


# Reading what the clients wrote, and the command line


def test_read_receipts_skips_a_line_cut_by_a_crash(tmp_path):
    path = tmp_path / "receipts.jsonl"
    path.write_text(
        json.dumps({"proposal": 3, "protocol": 1, "sha256": "ab", "call": 7})
        + "\n"
        + '{"proposal": 4, "protoc',
        encoding="utf-8",
    )

    assert read_receipts(path) == [ClientReceipt(call=7, proposal=3, protocol=1, sha256="ab")]
    assert read_receipts(tmp_path / "missing.jsonl") == []


def test_report_prints_counts_and_violations(call, rush):
    Receipt.objects.filter(pk=rush[0].pk).update(content="{}")
    out = io.StringIO()

    check(call, rush).print(out)

    text = out.getvalue()
    assert "receipts in the database" in text
    assert "VIOLATIONS: 1" in text
    assert "hash" in text


def test_command_line_exits_non_zero_on_a_violation(call, rush, tmp_path, capsys):
    path = tmp_path / "receipts.jsonl"
    path.write_text("\n".join(json.dumps(vars(held(r))) for r in rush), encoding="utf-8")

    assert main(["--call", str(call.pk), "--receipts", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["client receipts matched"] == 7

    ProtocolCounter.objects.filter(call=call).update(last_number=0)
    assert main(["--call", str(call.pk), "--receipts", str(path)]) == 1
