"""The synthetic data generator (bench/generate.py) writes data the application agrees with.

Runs at a tiny scale on the test database: SQLite by default, PostgreSQL (COPY path) with
DATABASE_URL=postgres://…. The application's own functions recompute what the generator
wrote: receipts' canonical content and hash, automatic admissibility checks, proposal
results and rankings.
"""

import hashlib
import json
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client

from rione.applications import selectors as application_selectors
from rione.applications.models import (
    Attachment,
    Proposal,
    ProposalStatus,
    ProtocolCounter,
    Receipt,
    Target,
)
from rione.applications.services.canonical import digest, proposal_content, serialise
from rione.core.models import User
from rione.evaluation import ranking as engine
from rione.evaluation import services as evaluation_services
from rione.evaluation.models import (
    AdmissibilityReview,
    Criterion,
    Evaluation,
    Ranking,
    RankingEntry,
    Score,
)
from rione.evaluation.services.rankings import canonical_content, gather, rules_of
from rione.monitoring.models import OpenProject
from rione.programmes.models import Call, CallStatus
from rione.territory.models import City

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synthetic.build import PASSWORD  # noqa: E402
from bench.synthetic.run import AlreadyGenerated, generate  # noqa: E402
from bench.synthetic.sizes import Sizes  # noqa: E402

pytestmark = pytest.mark.django_db
ANCHOR = datetime(2026, 11, 25, tzinfo=UTC)
TINY = 0.0002  # 4 calls, 100 proposals, about 300 evaluations


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def generated():
    sizes = Sizes.at(TINY)
    report = generate(sizes=sizes, seed=7, anchor=ANCHOR)
    return sizes, report


def fingerprint() -> str:
    """A digest of a few tables, ids included."""
    h = hashlib.sha256()
    for rows in (
        City.objects.order_by("pk").values_list("pk", "slug"),
        Call.objects.order_by("pk").values_list("pk", "status", "opens_at", "closes_at", "budget"),
        Proposal.objects.order_by("pk").values_list("pk", "call_id", "title", "requested_grant"),
        Receipt.objects.order_by("pk").values_list("pk", "protocol_number", "sha256"),
        Score.objects.order_by("pk").values_list("pk", "evaluation_id", "criterion_id", "points"),
        RankingEntry.objects.order_by("pk").values_list("pk", "position", "status", "awarded"),
        Ranking.objects.order_by("pk").values_list("pk", "sha256"),
    ):
        for row in rows:
            h.update(repr(row).encode())
    return h.hexdigest()


def test_sizes_follow_the_scale():
    full = Sizes.at(1)
    assert (full.cities, full.calls, full.proposals, full.evaluations) == (
        50,
        2000,
        500_000,
        1_500_000,
    )
    tiny = Sizes.at(TINY)
    assert (tiny.cities, tiny.calls, tiny.proposals) == (2, 4, 100)
    with pytest.raises(ValueError, match="positive"):
        Sizes.at(0)


def test_counts_are_those_the_scale_asks(generated):
    sizes, report = generated
    assert City.objects.count() == sizes.cities
    assert Call.objects.count() == sizes.calls
    assert Proposal.objects.count() == sizes.proposals
    assert set(Proposal.objects.values_list("status", flat=True)) == {ProposalStatus.SUBMITTED}
    evaluations = Evaluation.objects.count()
    assert abs(evaluations - sizes.evaluations) <= sizes.evaluations * 0.25
    assert report["counts"]["evaluations"] == evaluations
    assert report["tables"]["evaluation_score"]["rows"] == Score.objects.count()
    # every kind of call appears even at the smallest scale
    assert set(Call.objects.values_list("status", flat=True)) == {
        CallStatus.PUBLISHED,
        CallStatus.EVALUATION,
        CallStatus.PROVISIONAL_RANKING,
        CallStatus.FINAL_RANKING,
    }
    connection.check_constraints()  # every foreign key points at a row


def test_protocol_numbers_are_gapless_and_counters_agree(generated):
    numbers = defaultdict(list)
    for call_id, number in Receipt.objects.values_list("call_id", "protocol_number"):
        numbers[call_id].append(number)
    counters = dict(ProtocolCounter.objects.values_list("call_id", "last_number"))
    assert set(numbers) == set(Call.objects.values_list("pk", flat=True))
    for call_id, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1))
        assert counters[call_id] == len(found)


def test_receipts_hash_their_content_as_the_application_builds_it(generated):
    for content, sha in Receipt.objects.values_list("content", "sha256"):
        assert digest(content) == sha
    # the application's own canonical content of the stored proposal is the receipt's
    network = Proposal.objects.filter(is_network=True).first()
    group = Proposal.objects.filter(group__isnull=False).first()
    lot = Proposal.objects.filter(lot__isnull=False).first()
    samples = {p.pk for p in (network, group, lot) if p is not None}
    samples |= set(Proposal.objects.order_by("pk").values_list("pk", flat=True)[:3])
    assert network is not None and group is not None
    for pk in samples:
        proposal = application_selectors.get_proposal(pk=pk)
        receipt = Receipt.objects.get(proposal=proposal)
        expected = proposal_content(proposal, version=1, declarant=proposal.created_by)
        assert receipt.content == serialise(expected)
    # attachments are metadata only, and part of the submission
    assert not Attachment.objects.filter(in_submission=False).exists()


def test_admissibility_checks_match_the_service(generated):
    closed = Proposal.objects.exclude(call__status=CallStatus.PUBLISHED)
    assert AdmissibilityReview.objects.count() == closed.count()
    assert not AdmissibilityReview.objects.filter(
        proposal__call__status=CallStatus.PUBLISHED
    ).exists()
    for review in AdmissibilityReview.objects.select_related("proposal")[:5]:
        assert review.automatic == evaluation_services.automatic_checks(proposal=review.proposal)


def test_every_evaluation_scores_each_leaf_once(generated):
    leaves = defaultdict(set)
    parents = set(Criterion.objects.exclude(parent=None).values_list("parent_id", flat=True))
    for pk, call_id in Criterion.objects.values_list("pk", "call_id"):
        if pk not in parents:
            leaves[call_id].add(pk)
    scored = defaultdict(list)
    for evaluation_id, criterion_id in Score.objects.values_list("evaluation_id", "criterion_id"):
        scored[evaluation_id].append(criterion_id)
    evaluations = Evaluation.objects.values_list("pk", "proposal__call_id")
    assert evaluations
    for pk, call_id in evaluations:
        assert Counter(scored[pk]) == Counter(leaves[call_id])
    # only admissible proposals are evaluated, never those of open calls
    assert not Evaluation.objects.exclude(proposal__admissibility__outcome="admissible").exists()


def test_rankings_are_what_the_ranking_service_computes(generated):
    ranked = Call.objects.filter(
        status__in=[CallStatus.PROVISIONAL_RANKING, CallStatus.FINAL_RANKING]
    )
    assert ranked.exists()
    for call in ranked.select_related("city"):
        rankings = list(Ranking.objects.filter(call=call).order_by("pk"))
        expected_kinds = ["provisional"] + (["final"] if call.status == "final_ranking" else [])
        assert [r.kind for r in rankings] == expected_kinds
        assert all(r.published_at is not None for r in rankings)
        inputs = gather(call, rules_of(call))
        outcomes = engine.rank(inputs.candidates, inputs.rules)
        standing = set(Proposal.objects.filter(call=call).values_list("pk", flat=True))
        for ranking in rankings:
            entries = list(ranking.entries.order_by("pk"))
            assert {e.proposal_id for e in entries} == standing
            assert [
                (e.proposal_id, e.position, e.status, e.reason, e.awarded) for e in entries
            ] == [
                (o.proposal_id, o.position, o.status.value, o.reason.value, o.awarded)
                for o in outcomes
            ]
            content = canonical_content(
                call=call,
                kind=ranking.kind,
                computed_at=ranking.computed_at,
                inputs=inputs,
                outcomes=outcomes,
            )
            assert content == ranking.content
            assert hashlib.sha256(content.encode()).hexdigest() == ranking.sha256
    assert json.loads(Ranking.objects.first().content)["schema"] == "rione.ranking/1"


def test_the_selected_proposals_are_published_as_open_data(generated):
    _sizes, report = generated
    chosen = {}  # a final ranking wins over a provisional one
    for ranking in Ranking.objects.order_by("pk"):
        if ranking.kind == "final" or ranking.call_id not in chosen:
            chosen[ranking.call_id] = ranking
    expected = {
        (e.proposal_id, e.ranking_id, e.awarded)
        for ranking in chosen.values()
        for e in ranking.entries.filter(status="selected")
    }

    published = set(OpenProject.objects.values_list("proposal", "ranking", "awarded"))

    assert published == expected and report["open_projects"] == len(expected) > 0
    assert Client().get("/api/opendata/projects").json()["count"] == len(expected)


def test_synthetic_people_sign_in_with_the_published_password(generated):
    applicant = User.objects.filter(person__isnull=False).first()
    evaluator = User.objects.filter(staff_roles__role="evaluator").first()
    for user in (applicant, evaluator):
        assert Client().login(email=user.email, password=PASSWORD)
        assert not Client().login(email=user.email, password="wrong")


def test_same_seed_same_data_and_another_seed_other_data():
    sizes = Sizes.at(TINY)
    prints = []
    for seed in (3, 3, 4):
        with transaction.atomic():
            generate(sizes=sizes, seed=seed, anchor=ANCHOR)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_refuses_a_database_that_already_has_the_data(generated):
    before = (Proposal.objects.count(), Receipt.objects.count())
    with pytest.raises(AlreadyGenerated, match="roma"):
        generate(sizes=Sizes.at(TINY), seed=7, anchor=ANCHOR)
    assert (Proposal.objects.count(), Receipt.objects.count()) == before


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the COPY path needs PostgreSQL (set DATABASE_URL=postgres://… to run it)",
)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_background_copy_writes_the_same_rows_as_the_synchronous_one():
    sizes = Sizes.at(TINY)
    with transaction.atomic():  # inside a transaction the writer copies synchronously
        synchronous = generate(sizes=sizes, seed=5, anchor=ANCHOR)
        expected = fingerprint()
        transaction.set_rollback(True)
    report = generate(sizes=sizes, seed=5, anchor=ANCHOR)
    assert not synchronous["background_copy"]
    assert report["background_copy"]
    assert report["foreign_keys"] == "checked per table after the load"
    assert fingerprint() == expected
    assert Proposal.objects.count() == sizes.proposals
    # the sequences moved past the generated ids: the application can insert again
    city = City.objects.create(name="Nuova", slug="nuova")
    assert city.pk == City.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert city.pk > sizes.cities


@on_postgresql
def test_a_row_pointing_nowhere_is_reported():
    from bench.synthetic.writer import OrphanRows, Writer

    writer = Writer()
    assert writer.deferred_keys  # per-row checks off, one check per key at the end
    writer.add(
        Target,
        {
            "id": writer.new_id(Target),
            "proposal_id": 10**9,
            "target_group_id": 10**9,
            "participants": 5,
        },
    )
    with pytest.raises(OrphanRows, match=r"applications_target\.proposal_id: 1"):
        writer.finish()
