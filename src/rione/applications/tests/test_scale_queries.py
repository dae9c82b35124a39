"""Reads that must stay cheap at national scale (docs/performance.md, "Pages and memory").

- the applicant's proposals are a union of two index lookups, not an OR that reads every
  proposal, and list them all: of their organisations and of the groups they are contact of;
- an applicant's roles are read once per request, whatever the number of proposals;
- the back-office filters of a call's proposals read the proposal's columns for a proposal
  in state "submitted", and its latest submitted version for a reopened one;
- a submission reads the proposal once, under its lock, and asks for no list the proposal
  cannot have (answers without questions, partners without a network); the lists of a
  proposal are ordered by their own proposal column, not by a join to the proposals.
"""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import MembershipFactory, OrganisationFactory
from rione.applications import selectors, services
from rione.applications.models import Answer, ProposalStatus
from rione.applications.tests.factories import (
    ProposalFactory,
    add_partner,
    complete_proposal,
    open_call,
)
from rione.core.models import User
from rione.programmes.models import ExtraQuestion

pytestmark = pytest.mark.django_db


def submitted(call, *, title, **kwargs):
    proposal = complete_proposal(ProposalFactory(call=call, **kwargs))
    proposal.title = title
    proposal.save(update_fields=["title"])
    services.submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
    )
    proposal.refresh_from_db()
    return proposal


def test_my_proposals_list_organisations_and_groups_without_an_or():
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation, role=MemberRole.MEMBER).user
    mine = [ProposalFactory(organisation=organisation) for _ in range(3)]
    group_proposal = ProposalFactory(by_group=True)
    group_proposal.group.contact = user
    group_proposal.group.save(update_fields=["contact"])
    ProposalFactory()  # someone else's

    found = selectors.proposals_of(user=user)

    assert sorted(p.pk for p in found) == sorted([*(p.pk for p in mine), group_proposal.pk])
    where = str(found.query).split(" WHERE ", 1)[1].split(" ORDER BY ")[0]
    assert "UNION" in where and " OR " not in where


def test_roles_are_read_once_for_many_proposals():
    organisation, other = OrganisationFactory(), OrganisationFactory()
    user = MembershipFactory(organisation=organisation, role=MemberRole.MEMBER).user
    MembershipFactory(organisation=other, user=user, role=MemberRole.LEGAL_REPRESENTATIVE)
    for owner in (organisation, other):
        for _ in range(4):
            ProposalFactory(organisation=owner)

    def checks(count):
        fresh = User.objects.get(pk=user.pk)  # no roles cached yet
        proposals = list(selectors.proposals_of(user=fresh)[:count])
        with CaptureQueriesContext(connection) as queries:
            answers = [
                (
                    fresh.has_perm("applications.view_proposal", p),
                    fresh.has_perm("applications.submit_proposal", p),
                )
                for p in proposals
            ]
        return len(queries), answers

    few, _answers = checks(1)
    many, answers = checks(8)
    assert many == few == 1
    assert sorted(set(answers)) == [(True, False), (True, True)]


def test_a_membership_added_after_the_roles_were_read_counts():
    organisation, later = OrganisationFactory(), OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    assert user.has_perm("applications.view_proposal", ProposalFactory(organisation=organisation))

    MembershipFactory(organisation=later, user=user, role=MemberRole.LEGAL_REPRESENTATIVE)

    assert user.has_perm("applications.submit_proposal", ProposalFactory(organisation=later))


def test_filters_read_the_submitted_version_of_a_reopened_proposal():
    call = open_call()
    locked = submitted(call, title="Orti sui tetti")
    reopened = submitted(call, title="Cortili aperti")
    services.reopen_proposal(proposal=reopened, by=reopened.created_by)
    reopened.title = "Cortili in lavorazione"
    reopened.save(update_fields=["title"])

    def titles(**filters):
        return sorted(p.title for p in selectors.submitted_versions(call=call, filters=filters))

    assert titles(q="tetti") == ["Orti sui tetti"]
    assert titles(q="cortili aperti") == ["Cortili in lavorazione"]  # its version's title
    assert titles(q="lavorazione") == []  # not yet submitted
    assert titles(q=locked.organisation.name.upper()) == ["Orti sui tetti"]
    assert titles(kind="organisation", status=ProposalStatus.REOPENED) == ["Cortili in lavorazione"]
    assert titles(kind="group") == []


def submit_capturing(proposal):
    with CaptureQueriesContext(connection) as queries:
        receipt = services.submit_proposal(
            proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
        )
    return json.loads(receipt.content), [q["sql"] for q in queries]


def test_a_submission_asks_for_no_list_the_proposal_cannot_have():
    proposal = complete_proposal(ProposalFactory(call=open_call()))

    content, sql = submit_capturing(proposal)

    assert (content["answers"], content["partners"]) == ([], [])
    assert not [q for q in sql if 'FROM "applications_answer"' in q]
    assert not [q for q in sql if 'FROM "applications_partner"' in q]
    assert len([q for q in sql if q.startswith('SELECT "applications_proposal"."id"')]) == 1
    lists = [q for q in sql if re.search(r'FROM "applications_(target|budgetline|attachment)"', q)]
    assert len(lists) == 3
    assert not [q for q in lists if 'JOIN "applications_proposal"' in q]


def test_a_network_submission_carries_its_partners_and_answers():
    call = open_call()
    question = ExtraQuestion.objects.create(call=call, text="Perché voi?", is_required=True)
    proposal = complete_proposal(ProposalFactory(call=call, is_network=True))
    _partner, letter = add_partner(proposal)
    Answer.objects.create(proposal=proposal, question=question, value="Conosciamo il quartiere.")

    content, _sql = submit_capturing(proposal)

    assert [(p["name"], p["letter_sha256"]) for p in content["partners"]] == [
        ("Scuola Media Belvedere", letter.sha256)
    ]
    assert [a["answer"] for a in content["answers"]] == ["Conosciamo il quartiere."]
