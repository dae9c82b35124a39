"""Attachments and partners: files are checked by content and size, submitted files are kept."""

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rione.applicants.models import MemberRole
from rione.applicants.tests.factories import OrganisationFactory
from rione.applications.models import Attachment, Partner, Proposal, Step
from rione.applications.services import (
    ProposalLocked,
    add_attachment,
    add_partner,
    remove_attachment,
    remove_partner,
    reopen_proposal,
    save_applicant_step,
    start_proposal,
    submit_proposal,
    update_partner,
)
from rione.applications.tests.factories import complete_proposal
from rione.applications.tests.helpers import NOW, call_in, member_of, reviewed, step_events
from rione.core import clock
from rione.core.files import private_storage
from rione.core.tests import sample_files as files
from rione.programmes.models import RequiredDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now():
    with clock.travel_to(NOW):
        yield NOW


@pytest.fixture
def call(city):
    return call_in(city)


@pytest.fixture
def statute(call):
    return RequiredDocument.objects.create(call=call, title="Statuto", is_mandatory=True)


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def rep(organisation):
    return member_of(organisation, MemberRole.LEGAL_REPRESENTATIVE)


@pytest.fixture
def proposal(call, organisation, rep):
    return start_proposal(call=call, by=rep, organisation=organisation)


@pytest.fixture
def network(call, organisation, rep):
    return start_proposal(call=call, by=rep, organisation=organisation, is_network=True)


@pytest.fixture
def limits(settings):
    settings.PROPOSAL_FILE_MAX_BYTES = 1000
    settings.PROPOSAL_FILES_MAX_BYTES = 1500
    return settings


def stored(attachment) -> bool:
    return private_storage().exists(attachment.file.name)


def stored_files() -> list[str]:
    storage = private_storage()
    found = []

    def walk(path):
        directories, names = storage.listdir(path)
        found.extend(f"{path}/{name}".lstrip("/") for name in names)
        for directory in directories:
            walk(f"{path}/{directory}".lstrip("/"))

    if storage.exists(""):
        walk("")
    return found


def current(proposal):
    return list(Attachment.objects.filter(proposal=proposal, is_current=True))


PARTNER = {
    "name": "Scuola Media Dante",
    "kind": Partner.Kind.SCHOOL,
    "codice_fiscale": " 80012345678 ",
    "role": "Ospita i laboratori.",
    "resources": "Aule e palestra.",
}


# add_attachment


def test_an_upload_is_stored_with_its_sha256_size_and_type(proposal, rep, statute):
    content = files.pdf_bytes()

    attachment = add_attachment(
        proposal=proposal,
        by=rep,
        upload=files.upload(content, name="statuto firmato.pdf"),
        required_document=statute,
    )

    attachment.refresh_from_db()
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content)
    assert attachment.content_type == "application/pdf"
    assert (attachment.original_name, attachment.title) == ("statuto firmato.pdf", "Statuto")
    assert (attachment.uploaded_by, attachment.uploaded_at) == (rep, NOW)
    assert (attachment.is_current, attachment.in_submission) == (True, False)
    # stored under its hash, never under the name the person gave it
    assert attachment.file.name == f"proposals/{proposal.pk}/{attachment.sha256}.pdf"
    with attachment.file.open("rb") as stored_file:
        assert stored_file.read() == content
    [event] = step_events(proposal, Step.ATTACHMENTS)
    assert event.data == {
        "step": "attachments",
        "attachment": attachment.pk,
        "sha256": attachment.sha256,
        "replaced": None,
    }
    assert Step.ATTACHMENTS in Proposal.objects.get(pk=proposal.pk).saved_steps


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (files.docx_bytes(), "relazione.docx", "application/vnd.openxmlformats-officedocument"),
        (files.odt_bytes(), "relazione.odt", "application/vnd.oasis.opendocument.text"),
        (files.png_bytes(), "foto.png", "image/png"),
        (files.P7M_BYTES, "statuto.pdf.p7m", "application/pkcs7-mime"),
    ],
)
def test_the_type_is_read_from_the_content(proposal, rep, content, name, expected):
    attachment = add_attachment(
        proposal=proposal,
        by=rep,
        upload=files.upload(content, name=name, content_type="application/octet-stream"),
        title="Allegato libero",
    )

    assert attachment.content_type == expected
    assert attachment.title == "Allegato libero"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (files.TEXT_BYTES, "bilancio.pdf"),
        (files.HTML_BYTES, "pagina.html"),
        (files.plain_zip_bytes(), "archivio.docx"),
        (b"", "vuoto.pdf"),
    ],
)
def test_files_of_other_types_are_refused_and_nothing_is_stored(proposal, rep, content, name):
    with pytest.raises(ValidationError) as raised:
        add_attachment(proposal=proposal, by=rep, upload=files.upload(content, name=name))

    assert "file" in raised.value.message_dict
    assert not Attachment.objects.exists()
    assert stored_files() == []
    assert step_events(proposal, Step.ATTACHMENTS) == []


def test_a_file_over_the_limit_is_refused(proposal, rep, limits):
    add_attachment(proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes(1000)))

    with pytest.raises(ValidationError) as raised:
        add_attachment(proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes(1001)))

    assert "file" in raised.value.message_dict
    assert [a.size for a in current(proposal)] == [1000]


def test_the_files_of_a_proposal_have_a_total_limit(proposal, rep, limits):
    add_attachment(proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes(800)))
    add_attachment(proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes(700)))

    with pytest.raises(ValidationError):
        add_attachment(proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes(100)))

    assert sorted(a.size for a in current(proposal)) == [700, 800]


def test_a_removed_file_no_longer_counts_towards_the_total(proposal, rep, limits):
    first = add_attachment(proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes(900)))
    remove_attachment(attachment=first, by=rep)

    add_attachment(proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes(900)))

    assert [a.size for a in current(proposal)] == [900]


def test_a_new_file_replaces_the_one_of_the_same_required_document(
    proposal, rep, statute, django_capture_on_commit_callbacks
):
    old = add_attachment(
        proposal=proposal,
        by=rep,
        upload=files.upload(b"%PDF-1.4 vecchio"),
        required_document=statute,
    )

    with django_capture_on_commit_callbacks(execute=True):
        new = add_attachment(
            proposal=proposal,
            by=rep,
            upload=files.upload(b"%PDF-1.4 nuovo"),
            required_document=statute,
        )

    assert current(proposal) == [new]
    assert not Attachment.objects.filter(pk=old.pk).exists()  # never submitted: gone
    assert not stored(old)
    assert stored(new)
    assert step_events(proposal, Step.ATTACHMENTS)[-1].data["replaced"] == old.pk


def test_replacing_a_file_counts_only_the_new_one(proposal, rep, statute, limits):
    settings = limits
    settings.PROPOSAL_FILES_MAX_BYTES = 1000
    add_attachment(
        proposal=proposal,
        by=rep,
        upload=files.upload(files.pdf_bytes(800)),
        required_document=statute,
    )

    bigger = add_attachment(
        proposal=proposal,
        by=rep,
        upload=files.upload(files.pdf_bytes(950)),
        required_document=statute,
    )
    smaller = add_attachment(
        proposal=proposal,
        by=rep,
        upload=files.upload(files.pdf_bytes(300)),
        required_document=statute,
    )

    assert current(proposal) == [smaller]
    assert not Attachment.objects.filter(pk=bigger.pk).exists()


def test_a_replacement_over_the_per_file_limit_is_refused(proposal, rep, statute, limits):
    first = add_attachment(
        proposal=proposal,
        by=rep,
        upload=files.upload(files.pdf_bytes(800)),
        required_document=statute,
    )

    with pytest.raises(ValidationError):
        add_attachment(
            proposal=proposal,
            by=rep,
            upload=files.upload(files.pdf_bytes(1200)),
            required_document=statute,
        )

    assert current(proposal) == [first]


def test_a_required_document_of_another_call_is_refused(proposal, rep, city):
    foreign = RequiredDocument.objects.create(call=call_in(city), title="Altro")

    with pytest.raises(ValidationError):
        add_attachment(
            proposal=proposal,
            by=rep,
            upload=files.upload(files.pdf_bytes()),
            required_document=foreign,
        )

    assert not Attachment.objects.exists()


def test_someone_else_cannot_attach(proposal, manager):
    stranger = member_of(OrganisationFactory(), MemberRole.LEGAL_REPRESENTATIVE)

    for user in (manager, stranger):
        with pytest.raises(PermissionDenied):
            add_attachment(proposal=proposal, by=user, upload=files.upload(files.pdf_bytes()))

    assert not Attachment.objects.exists()


# remove_attachment


def test_a_never_submitted_file_is_deleted_with_its_bytes(
    proposal, rep, django_capture_on_commit_callbacks
):
    attachment = add_attachment(proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes()))
    assert stored(attachment)

    with django_capture_on_commit_callbacks(execute=True):
        remove_attachment(attachment=attachment, by=rep)

    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not stored(attachment)
    assert step_events(proposal, Step.ATTACHMENTS)[-1].data == {
        "step": "attachments",
        "removed_attachment": attachment.pk,
    }


def test_bytes_are_deleted_only_after_commit(proposal, rep, django_capture_on_commit_callbacks):
    attachment = add_attachment(proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes()))

    with django_capture_on_commit_callbacks(execute=False):
        remove_attachment(attachment=attachment, by=rep)

    assert stored(attachment)  # a rolled-back removal must not lose the file


def submit(proposal, by):
    return submit_proposal(proposal=proposal, by=by, truthfulness=True, privacy=True)


@pytest.fixture
def complete(proposal, statute):
    """``proposal`` with every step filled (the statute by a test shortcut, replaced below)."""
    return complete_proposal(proposal)


def test_a_submitted_file_is_detached_not_deleted_after_reopening(
    proposal, rep, statute, complete, django_capture_on_commit_callbacks
):
    attachment = add_attachment(
        proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes()), required_document=statute
    )
    receipt = submit(proposal, rep)
    reopen_proposal(proposal=proposal, by=rep)

    with django_capture_on_commit_callbacks(execute=True):
        remove_attachment(attachment=attachment, by=rep)

    attachment.refresh_from_db()
    assert (attachment.is_current, attachment.in_submission) == (False, True)
    assert stored(attachment)
    listed = json.loads(receipt.content)["attachments"]
    assert [(a["id"], a["sha256"]) for a in listed] == [(attachment.pk, attachment.sha256)]
    assert "Statuto" in " ".join(reviewed(proposal).by_step[Step.ATTACHMENTS])


def test_a_submitted_file_replaced_after_reopening_is_kept(
    proposal, rep, statute, complete, django_capture_on_commit_callbacks
):
    old = add_attachment(
        proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes()), required_document=statute
    )
    submit(proposal, rep)
    reopen_proposal(proposal=proposal, by=rep)

    with django_capture_on_commit_callbacks(execute=True):
        new = add_attachment(
            proposal=proposal,
            by=rep,
            upload=files.upload(b"%PDF-1.7 versione 2"),
            required_document=statute,
        )

    old.refresh_from_db()
    assert (old.is_current, stored(old)) == (False, True)
    assert current(proposal) == [new]


def test_a_file_of_a_submitted_proposal_cannot_be_removed(proposal, rep, statute, complete):
    attachment = add_attachment(
        proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes()), required_document=statute
    )
    submit(proposal, rep)

    with pytest.raises(ProposalLocked):
        remove_attachment(attachment=attachment, by=rep)

    attachment.refresh_from_db()
    assert attachment.is_current


def test_removing_twice_is_refused(proposal, rep, statute, complete):
    attachment = add_attachment(
        proposal=proposal, by=rep, upload=files.upload(files.pdf_bytes()), required_document=statute
    )
    submit(proposal, rep)
    reopen_proposal(proposal=proposal, by=rep)
    remove_attachment(attachment=attachment, by=rep)

    with pytest.raises(ValidationError):
        remove_attachment(attachment=attachment, by=rep)


# partners


def test_partners_are_added_updated_and_removed(network, rep):
    partner = add_partner(proposal=network, by=rep, values=PARTNER)

    assert (partner.name, partner.codice_fiscale) == ("Scuola Media Dante", "80012345678")
    added = step_events(network, Step.APPLICANT)[-1].data["partner_added"]
    assert (added["name"], added["kind"]) == ("Scuola Media Dante", "school")

    update_partner(partner=partner, by=rep, values={"role": "Ospita e co-progetta."})

    partner.refresh_from_db()
    assert (partner.role, partner.resources) == ("Ospita e co-progetta.", "Aule e palestra.")
    changed = step_events(network, Step.APPLICANT)[-1].data["partner_changed"]
    assert changed["role"] == "Ospita e co-progetta."

    remove_partner(partner=partner, by=rep)

    assert not Partner.objects.exists()
    assert step_events(network, Step.APPLICANT)[-1].data["partner_removed"] == "Scuola Media Dante"
    revisions = Proposal.objects.get(pk=network.pk).step_revisions
    assert revisions[Step.APPLICANT] == 4  # started, added, changed, removed


def test_partners_are_refused_when_the_proposal_is_not_a_network(proposal, rep):
    with pytest.raises(ValidationError):
        add_partner(proposal=proposal, by=rep, values=PARTNER)

    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [{"role": ""}, {"kind": "alien"}, {"name": "x" * 251}, {"codice_fiscale": "X" * 17}],
)
def test_a_wrong_partner_is_refused(network, rep, changes):
    with pytest.raises(ValidationError):
        add_partner(proposal=network, by=rep, values={**PARTNER, **changes})

    assert not Partner.objects.exists()


def test_partner_fields_outside_the_list_are_a_programming_error(network, rep):
    with pytest.raises(ValueError, match="proposal"):
        add_partner(proposal=network, by=rep, values={**PARTNER, "proposal": None})


def test_someone_else_cannot_add_a_partner(network, manager):
    with pytest.raises(PermissionDenied):
        add_partner(proposal=network, by=manager, values=PARTNER)


def test_a_letter_of_commitment_is_attached_to_its_partner(network, rep):
    partner = add_partner(proposal=network, by=rep, values=PARTNER)
    missing = reviewed(network).by_step[Step.APPLICANT]
    assert any("Scuola Media Dante" in message for message in missing)

    letter = add_attachment(
        proposal=network, by=rep, upload=files.upload(files.pdf_bytes()), partner=partner
    )

    assert (letter.partner, letter.required_document) == (partner, None)
    assert letter.title == "Lettera di impegno di Scuola Media Dante"
    assert list(partner.letters.all()) == [letter]
    assert step_events(network, Step.APPLICANT)[-1].data["attachment"] == letter.pk
    assert Step.APPLICANT not in reviewed(network).by_step


def test_a_new_letter_replaces_the_partners_previous_one(network, rep):
    partner = add_partner(proposal=network, by=rep, values=PARTNER)
    first = add_attachment(
        proposal=network, by=rep, upload=files.upload(b"%PDF-1.4 uno"), partner=partner
    )

    second = add_attachment(
        proposal=network, by=rep, upload=files.upload(b"%PDF-1.4 due"), partner=partner
    )

    assert list(partner.letters.filter(is_current=True)) == [second]
    assert not Attachment.objects.filter(pk=first.pk).exists()


def test_a_partner_of_another_proposal_is_refused(network, rep, call):
    other = start_proposal(call=call, by=rep, organisation=network.organisation, is_network=True)
    partner = add_partner(proposal=other, by=rep, values=PARTNER)

    with pytest.raises(ValidationError):
        add_attachment(
            proposal=network, by=rep, upload=files.upload(files.pdf_bytes()), partner=partner
        )

    assert not partner.letters.exists()


def test_removing_a_partner_removes_its_unsubmitted_letter(
    network, rep, django_capture_on_commit_callbacks
):
    partner = add_partner(proposal=network, by=rep, values=PARTNER)
    letter = add_attachment(
        proposal=network, by=rep, upload=files.upload(files.pdf_bytes()), partner=partner
    )

    with django_capture_on_commit_callbacks(execute=True):
        remove_partner(partner=partner, by=rep)

    assert not Attachment.objects.filter(pk=letter.pk).exists()
    assert not stored(letter)


def test_leaving_the_network_removes_partners_and_letters(
    network, rep, django_capture_on_commit_callbacks
):
    partner = add_partner(proposal=network, by=rep, values=PARTNER)
    letter = add_attachment(
        proposal=network, by=rep, upload=files.upload(files.pdf_bytes()), partner=partner
    )

    with django_capture_on_commit_callbacks(execute=True):
        save_applicant_step(
            proposal=network, by=rep, organisation=network.organisation, is_network=False
        )

    assert not Partner.objects.filter(proposal=network).exists()
    assert not Attachment.objects.filter(pk=letter.pk).exists()
    assert not stored(letter)
