"""A ranking's rows read the title and the applicant from each proposal's latest version."""

import json

import pytest

from rione.applications.models import Receipt, ReceiptKind
from rione.evaluation import exports
from rione.evaluation.services import compute_ranking
from rione.evaluation.tests.test_rankings import ranked_call

pytestmark = pytest.mark.django_db


def receipt_after(first: Receipt, kind: str, content: dict) -> None:
    Receipt.objects.create(
        call_id=first.call_id,
        proposal_id=first.proposal_id,
        protocol_number=first.protocol_number + 10,
        kind=kind,
        version=first.version + 1,
        issued_at=first.issued_at,
        issued_by_id=first.issued_by_id,
        content=json.dumps(content),
        sha256="0" * 64,
    )


def test_rows_read_the_submitted_version(city):
    world = ranked_call(city, [80, 70], groups=frozenset({1}))
    ranking = compute_ranking(call=world.call, by=world.manager)

    rows = {row.proposal_id: row for row in exports.rows_of(ranking)}

    ets, group = (rows[p.pk] for p in world.proposals)
    assert (ets.title, ets.is_network) == ("Proposta 0", False)
    assert ets.applicant == ets.public_applicant != ""
    assert (group.title, group.public_applicant) == ("Proposta 1", "Gruppo informale")


def test_rows_take_the_latest_version_and_read_null_as_absent(city):
    world = ranked_call(city, [80])
    ranking = compute_ranking(call=world.call, by=world.manager)
    first = Receipt.objects.get(proposal=world.proposals[0])
    applicant = {"kind": "organisation", "name": "Coop Sole", "network": True}
    receipt_after(first, ReceiptKind.NEW_VERSION, {"idea": {"title": None}, "applicant": applicant})

    (row,) = exports.rows_from(exports.entries_of(ranking)[:1])

    assert (row.title, row.applicant, row.public_applicant) == (
        "Proposta senza titolo",
        "Coop Sole",
        "Coop Sole",
    )
    assert row.is_network is True
    assert row.protocol_number == first.protocol_number + 10


def test_a_withdrawal_receipt_is_not_a_version(city):
    world = ranked_call(city, [80])
    ranking = compute_ranking(call=world.call, by=world.manager)
    first = Receipt.objects.get(proposal=world.proposals[0])
    receipt_after(first, ReceiptKind.WITHDRAWAL, {"reason": "Rinunciamo."})

    (row,) = exports.rows_of(ranking)

    assert (row.title, row.protocol_number) == ("Proposta 0", first.protocol_number)
