import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from rione.core.tests.audit_helpers import only_event
from rione.programmes.models import CallDocument
from rione.programmes.services import attach_call_document

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pdf_bytes():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Avviso pubblico")
    return bytes(pdf.output())


def _upload(content, name="avviso.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_manager_attaches_a_real_pdf(draft_call, manager, pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF-")

    document = attach_call_document(
        call=draft_call, by=manager, title="Testo dell'avviso", upload=_upload(pdf_bytes)
    )

    document.refresh_from_db()
    assert document.sha256 == hashlib.sha256(pdf_bytes).hexdigest()
    assert document.size == len(pdf_bytes)
    assert document.order == 1
    with document.file.open("rb") as stored:
        assert stored.read() == pdf_bytes
    event = only_event(document, "calldocument.created")
    assert (event.actor, event.stream) == (manager, f"call:{draft_call.pk}")
    assert event.data["after"]["sha256"] == document.sha256


def test_documents_are_ordered_as_attached(draft_call, manager, pdf_bytes):
    first = attach_call_document(call=draft_call, by=manager, title="A", upload=_upload(pdf_bytes))
    second = attach_call_document(call=draft_call, by=manager, title="B", upload=_upload(pdf_bytes))

    assert (first.order, second.order) == (1, 2)


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(draft_call, manager):
    fake = b"MZ\x90\x00 this is an executable, not a PDF"

    with pytest.raises(ValidationError) as caught:
        attach_call_document(call=draft_call, by=manager, title="Finto", upload=_upload(fake))

    assert caught.value.message_dict["file"] == ["Il file non è un PDF valido."]
    assert not CallDocument.objects.exists()


def test_a_file_over_the_size_limit_is_refused(draft_call, manager, pdf_bytes, settings):
    settings.CALL_DOCUMENT_MAX_BYTES = len(pdf_bytes) - 1

    with pytest.raises(ValidationError) as caught:
        attach_call_document(call=draft_call, by=manager, title="Grande", upload=_upload(pdf_bytes))

    assert "dimensione massima" in caught.value.message_dict["file"][0]
    assert not CallDocument.objects.exists()


def test_a_file_exactly_at_the_size_limit_is_accepted(draft_call, manager, pdf_bytes, settings):
    settings.CALL_DOCUMENT_MAX_BYTES = len(pdf_bytes)

    attach_call_document(call=draft_call, by=manager, title="Giusto", upload=_upload(pdf_bytes))

    assert CallDocument.objects.count() == 1


@pytest.mark.parametrize("who", ["evaluator", "other_manager", "citizen"])
def test_others_cannot_attach_documents(draft_call, pdf_bytes, who, request):
    with pytest.raises(PermissionDenied):
        attach_call_document(
            call=draft_call, by=request.getfixturevalue(who), title="X", upload=_upload(pdf_bytes)
        )

    assert not CallDocument.objects.exists()
