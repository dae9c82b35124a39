"""The receipt PDF and the application PDF, read back as text."""

import json
import re
import zlib
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from rione.applicants.tests.factories import GroupMemberFactory
from rione.applications.models import Answer, Receipt, ReceiptKind
from rione.applications.pdf import application_pdf, issued_at_text, receipt_pdf
from rione.applications.services import reopen_proposal, submit_proposal, withdraw_proposal
from rione.applications.tests.factories import (
    ProposalFactory,
    add_partner,
    attach_bytes,
    complete_proposal,
)
from rione.core.pdf import Document, printable
from rione.programmes.models import ExtraQuestion
from rione.programmes.tests.factories import LotFactory

UNICODE_NAME = "Ștefan Łukasz Ærø"


# Reading text back from an fpdf2 PDF (no PDF reader among our dependencies) ----------------

_OBJECT = re.compile(rb"(\d+) 0 obj\s*")
_TOKEN = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf|\((?:[^\\()]|\\.)*\)|\bET\b", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Each object number -> (dictionary, decoded stream or None)."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    position = 0
    while match := _OBJECT.search(data, position):
        start = match.end()
        end = data.index(b"endobj", start)
        stream = data.find(b"stream", start, end)
        if stream == -1:
            objects[int(match[1])] = (data[start:end], None)
            position = end
            continue
        head = data[start:stream]
        length = int(re.search(rb"/Length (\d+)", head)[1])
        body_start = (
            stream + len(b"stream") + (2 if data[stream + 6 : stream + 8] == b"\r\n" else 1)
        )
        body = data[body_start : body_start + length]
        if b"/FlateDecode" in head:
            body = zlib.decompress(body)
        objects[int(match[1])] = (head, body)
        position = data.index(b"endobj", body_start + length)
    return objects


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        byte = literal[i : i + 1]
        if byte != b"\\":
            out += byte
            i += 1
            continue
        following = literal[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
        if octal:
            out.append(int(octal[0], 8))
            i += 1 + len(octal[0])
        else:
            out += _ESCAPES.get(following, following)
            i += 2
    return bytes(out)


def _cmap(text: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.DOTALL):
        for code, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.DOTALL):
        for low, high, target in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = int(target, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, a line per text object, decoded with the fonts' ToUnicode maps."""
    objects = _objects(data)
    fonts: dict[bytes, dict[int, str]] = {}
    for head, _body in objects.values():
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", head):
            unicode_ref = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(number)][0])
            if unicode_ref:
                fonts[name] = _cmap(objects[int(unicode_ref[1])][1] or b"")
    pages = []
    for head, _body in objects.values():
        if not re.search(rb"/Type /Page\b", head):
            continue
        content = objects[int(re.search(rb"/Contents (\d+) 0 R", head)[1])][1] or b""
        lines, line, font = [], "", {}
        for token in _TOKEN.finditer(content):
            if token[1]:
                font = fonts[token[1]]
            elif token[0] == b"ET":
                if line:
                    lines.append(line)
                line = ""
            else:
                raw = _unescape(token[0][1:-1])
                codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                line += "".join(font.get(code, "\ufffd") for code in codes)
        pages.append("\n".join(lines))
    return pages


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


def pdf_body(data: bytes) -> str:
    """The text without page furniture: each page's header (2 lines) and footer (2 lines)."""
    return "\n".join("\n".join(page.split("\n")[2:-2]) for page in pdf_pages(data))


def flat(text: str) -> str:
    """``text`` without whitespace, to find wrapped text whatever the line breaks."""
    return re.sub(r"\s+", "", text)


# Fixtures ------------------------------------------------------------------------------------


def _submit(proposal) -> Receipt:
    return submit_proposal(
        proposal=proposal, by=proposal.created_by, truthfulness=True, privacy=True
    )


@pytest.fixture
def proposal(db):
    return complete_proposal(ProposalFactory(organisation__name=f"{UNICODE_NAME} APS"))


@pytest.fixture
def receipt(proposal) -> Receipt:
    attach_bytes(proposal, b"%PDF-1.4 piano di lavoro", name="piano-di-lavoro.pdf")
    return _submit(proposal)


# The core document ------------------------------------------------------------------------


def test_printable_drops_control_characters_and_keeps_newlines():
    assert printable("a\x00b\r\nc\td\u200be\ud800") == "ab\nc    de"


def test_document_survives_any_text_and_sets_metadata():
    pdf = Document(title="Prova", city="Comune di Napoli", footer_note="nota", language="en")
    pdf.heading("Intestazione")
    pdf.field(UNICODE_NAME, "中文 Ελληνικά Кириллица \x07 \U0001f600 " + "x" * 300)
    pdf.paragraph("parola " * 700)
    pdf.simple_table(["A", "B"], [["1", UNICODE_NAME]] * 60, widths=[1, 3])

    data = pdf.render()

    assert data.startswith(b"%PDF-")
    pages = pdf_pages(data)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "Comune di Napoli" in page
        assert f"{number} / {len(pages)}" in page
    assert UNICODE_NAME in pages[0]
    assert "Ελληνικά Кириллица" in pages[0]
    assert b"/Lang (en)" in data
    assert b"/Creator (rione)" in data
    assert b"/Title (Prova)" in data


# The receipt ---------------------------------------------------------------------------------


def test_receipt_pdf_of_a_submission(receipt):
    content = json.loads(receipt.content)

    data = receipt_pdf(receipt)

    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Ricevuta di presentazione" in text
    assert receipt.call.title in text
    assert receipt.call.city.name in text
    assert str(receipt.protocol_number) in text
    assert issued_at_text(receipt) in text
    assert receipt.sha256 in text
    assert f"{UNICODE_NAME} APS" in text
    assert "Biblioteca di strada" in text
    assert content["attachments"]
    for attachment in content["attachments"]:
        assert attachment["sha256"] in text
        assert attachment["name"] in text
    url = settings.SITE_URL + reverse(
        "applications:verify_receipt", args=[receipt.call.city.slug, receipt.call.slug]
    )
    assert url in flat(text)
    assert receipt.content.encode("utf-8") in data  # the canonical content travels with it


def test_receipt_time_is_shown_on_the_rome_clock(receipt):
    text = issued_at_text(receipt)

    assert re.fullmatch(
        r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d CES?T \(UTC\+0[12]:00, Europe/Rome\)", text
    )


def test_receipt_pdf_of_a_new_version(receipt):
    proposal = receipt.proposal
    reopen_proposal(proposal=proposal, by=proposal.created_by)
    second = _submit(proposal)

    text = pdf_text(receipt_pdf(second))

    assert second.kind == ReceiptKind.NEW_VERSION
    assert "Ricevuta di nuova versione" in text
    assert str(second.protocol_number) in text
    assert second.sha256 in text


def test_receipt_pdf_of_a_withdrawal(receipt):
    proposal = receipt.proposal
    withdrawal = withdraw_proposal(
        proposal=proposal, by=proposal.created_by, reason="Il gruppo si è sciolto."
    )

    data = receipt_pdf(withdrawal)

    text = pdf_text(data)
    assert "Ricevuta di ritiro" in text
    assert str(withdrawal.protocol_number) in text
    assert withdrawal.sha256 in text
    assert "Il gruppo si è sciolto." in text
    assert f"{UNICODE_NAME} APS" in text
    assert "File allegati" not in text


def test_receipt_pdf_takes_the_active_language(receipt):
    with translation.override("en"):
        data = receipt_pdf(receipt)

    assert b"/Lang (en)" in data
    assert b"/Lang (it)" in receipt_pdf(receipt)


# The application -----------------------------------------------------------------------------


def test_application_pdf_of_an_organisation_shows_every_section(proposal):
    long_text = ("Ștefan e Łukasz raccontano il quartiere ærø, " * 100)[:4000]
    proposal.problem = long_text
    proposal.lot = LotFactory(call=proposal.call, title="Periferie")
    proposal.save()
    question = ExtraQuestion.objects.create(
        call=proposal.call, text="Quante persone coinvolgerete?", is_required=False
    )
    Answer.objects.create(proposal=proposal, question=question, value="Almeno trenta.")
    receipt = _submit(proposal)
    content = json.loads(receipt.content)

    data = application_pdf(receipt)

    assert data.startswith(b"%PDF-")
    pages = pdf_pages(data)
    assert len(pages) >= 2
    for page in pages:  # protocol number and hash on every page
        assert f"Protocollo n. {receipt.protocol_number}" in page
        assert receipt.sha256 in page
    text = "\n".join(pages)
    for expected in [
        receipt.call.title,
        f"{UNICODE_NAME} APS",
        "Biblioteca di strada",
        "Libri e letture nei cortili.",
        "Cultura",
        *content["idea"]["neighbourhoods"],
        "Periferie",
        "Educatori",
        "10.000,00 €",  # total cost
        "9.000,00 €",  # requested grant
        "1.000,00 €",  # own contribution
        "10,00 %",  # co-financing
        "100,00 €",  # unit cost
        "Quante persone coinvolgerete?",
        "Almeno trenta.",
        "D.P.R. 445/2000",
        content["declarant"]["name"],
    ]:
        assert expected in text, expected
    assert content["targets"][0]["target_group"] in text
    for attachment in content["attachments"]:
        assert attachment["sha256"] in text
    assert flat(long_text) in flat(pdf_body(data))


def test_application_pdf_of_an_informal_group_lists_its_members(db):
    proposal = complete_proposal(ProposalFactory(by_group=True))
    GroupMemberFactory(group=proposal.group, first_name="Ștefan", last_name="Łukasz Ærø")
    receipt = _submit(proposal)

    text = pdf_text(application_pdf(receipt))

    assert proposal.group.name in text
    assert UNICODE_NAME in text
    for member in proposal.group.members.all():
        assert member.codice_fiscale in text
    assert "9.000,00 €" in text


def test_application_pdf_of_a_network_lists_its_partners(proposal):
    proposal.is_network = True
    proposal.save()
    _partner, letter = add_partner(proposal, name="Scuola Ærø", letter=b"%PDF-1.4 lettera")
    receipt = _submit(proposal)

    text = pdf_text(application_pdf(receipt))

    assert "Scuola Ærø" in text
    assert "Scuola" in text
    assert "Ospita i laboratori." in text
    assert "Aule e palestra." in text
    assert letter.sha256 in text


def test_application_pdf_refuses_a_withdrawal(receipt):
    proposal = receipt.proposal
    withdrawal = withdraw_proposal(proposal=proposal, by=proposal.created_by, reason="")

    with pytest.raises(ValueError):
        application_pdf(withdrawal)


def test_application_pdf_amounts_follow_the_content(db):
    proposal = complete_proposal(ProposalFactory(), grant=Decimal("8500.50"))
    receipt = _submit(proposal)
    pct = Decimal(json.loads(receipt.content)["budget"]["cofinancing_pct"])

    text = pdf_text(application_pdf(receipt))

    assert "8.500,50 €" in text
    assert "1.499,50 €" in text
    assert f"{pct:.2f}".replace(".", ",") + " %" in text
