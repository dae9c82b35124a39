"""What a record reads from a receipt's content, down to the odd shapes of its JSON.

Each case rewrites the content of one submitted proposal's receipt and checks the record
the indicators count it by: null, empty, missing and wrongly shaped fields read as absent;
amounts are read as strings or as JSON numbers, without rounding.
"""

import json
from decimal import Decimal
from typing import Any

import pytest

from rione.applications.models import Receipt, ReceiptKind
from rione.applications.tests.factories import open_call
from rione.monitoring import selectors
from rione.monitoring.tests.givens import YOUNG, proposal, territory

pytestmark = pytest.mark.django_db

ETS = "aps"


def content(**parts: Any) -> str:
    return json.dumps(parts)


CASES = {
    "ets alone, null lot, missing amounts": (
        content(
            applicant={"kind": "organisation", "legal_form": ETS, "network": False},
            lot=None,
            idea={"sector": "welfare", "neighbourhoods": ["Arenella", "Vomero"]},
            targets=[{"target_group": "giovani"}, {"target_group": ""}, "junk", {"x": 1}],
            budget={"total_cost": "100.50", "requested_grant": None},
        ),
        {
            "kind": "ets",
            "lot": None,
            "sector": "welfare",
            "neighbourhoods": ("Arenella", "Vomero"),
            "targets": ("giovani",),
            "total_cost": Decimal("100.50"),
            "requested": Decimal("0"),
            "own_contribution": Decimal("0"),
        },
    ),
    "network, numbers as JSON numbers": (
        content(
            applicant={"kind": "organisation", "legal_form": "company", "network": True},
            lot={"number": 2, "title": "Collina"},
            idea={"sector": ""},
            targets=None,
            budget={
                "total_cost": 12345678901234.57,
                "requested_grant": 8000,
                "own_contribution": "null",
            },
        ),
        {
            "kind": "other_network",
            "lot": (2, "Collina"),
            "sector": None,
            "neighbourhoods": (),
            "targets": (),
            "total_cost": Decimal("12345678901234.57"),
            "requested": Decimal("8000"),
            "own_contribution": Decimal("0"),
        },
    ),
    "informal group, lot number as text, no title": (
        content(
            applicant={"kind": "informal_group", "network": True},
            lot={"number": "3", "title": None},
            budget={"total_cost": "not a number", "requested_grant": "5000.00"},
        ),
        {
            "kind": "informal_group",
            "lot": (3, ""),
            "sector": None,
            "neighbourhoods": (),
            "targets": (),
            "total_cost": Decimal("0"),
            "requested": Decimal("5000.00"),
            "own_contribution": Decimal("0"),
        },
    ),
    "wrongly shaped parts": (
        content(
            applicant="Mario",
            lot=["1", "Centro"],
            idea={"sector": None, "neighbourhoods": "null"},
            targets={"target_group": "giovani"},
            budget=[1, 2],
        ),
        {
            "kind": "other",
            "lot": None,
            "sector": None,
            "neighbourhoods": (),
            "targets": (),
            "total_cost": Decimal("0"),
            "requested": Decimal("0"),
            "own_contribution": Decimal("0"),
        },
    ),
    "network as text, lot with empty number": (
        content(
            applicant={"kind": "organisation", "legal_form": ETS, "network": "true"},
            lot={"number": "", "title": "Centro"},
            idea={"neighbourhoods": []},
            targets=[],
            budget={},
        ),
        {
            "kind": "ets_network",
            "lot": None,
            "sector": None,
            "neighbourhoods": (),
            "targets": (),
            "total_cost": Decimal("0"),
            "requested": Decimal("0"),
            "own_contribution": Decimal("0"),
        },
    ),
}


@pytest.fixture
def submitted(city):
    _districts, places = territory(city)
    call = open_call(programme__city=city)
    call.eligible_neighbourhoods.set(places.values())
    return proposal(call, places=[places["N1"]], targets=[YOUNG])


@pytest.mark.parametrize("case", CASES)
def test_a_record_reads_the_receipt_content(submitted, case):
    text, expected = CASES[case]
    Receipt.objects.filter(proposal=submitted).update(content=text)

    (record,) = selectors._records([submitted.call_id])

    lot = expected.pop("lot")
    assert record.lot == (None if lot is None else (submitted.call_id, *lot))
    assert {key: getattr(record, key) for key in expected} == expected
    assert (record.proposal_id, record.status, record.outcome) == (
        submitted.pk,
        "submitted",
        "pending",
    )


def test_a_record_reads_the_latest_submitted_version(submitted):
    first = Receipt.objects.get(proposal=submitted)
    newer = content(
        applicant={"kind": "informal_group"},
        budget={"requested_grant": "1.00"},
    )
    Receipt.objects.create(
        call_id=first.call_id,
        proposal=submitted,
        protocol_number=first.protocol_number + 1,
        kind=ReceiptKind.NEW_VERSION,
        version=2,
        issued_at=first.issued_at,
        issued_by=first.issued_by,
        content=newer,
        sha256="0" * 64,
    )

    (record,) = selectors._records([submitted.call_id])

    assert (record.kind, record.requested) == ("informal_group", Decimal("1.00"))
