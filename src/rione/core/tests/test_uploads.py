"""The type of an upload is read from its bytes; the name and the declared type do not count."""

import hashlib
import io
import tracemalloc
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from rione.core.tests import sample_files as files
from rione.core.uploads import (
    JPEG,
    ODF,
    OLE2,
    OOXML,
    P7M,
    PDF,
    PNG,
    detect_content_type,
    inspect_upload,
)


def openpyxl_workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Voce", "Importo"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(files.pdf_bytes(), PDF, id="pdf"),
        pytest.param(files.png_bytes(), PNG, id="png"),
        pytest.param(files.jpeg_bytes(), JPEG, id="jpeg"),
        pytest.param(files.docx_bytes(), OOXML, id="docx"),
        pytest.param(files.xlsx_bytes(), OOXML, id="xlsx"),
        pytest.param(openpyxl_workbook(), OOXML, id="xlsx-openpyxl"),
        pytest.param(files.odt_bytes(), "application/vnd.oasis.opendocument.text", id="odt"),
        pytest.param(files.OLE2_BYTES, OLE2, id="ole2"),
        pytest.param(files.P7M_BYTES, P7M, id="p7m"),
    ],
)
def test_accepted_families_are_recognised_by_content(content, expected):
    stream = io.BytesIO(content)
    stream.seek(7)

    assert detect_content_type(stream) == expected
    assert stream.tell() == 0  # whoever reads next (the storage) starts from the beginning


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(files.TEXT_BYTES, id="text-renamed-pdf"),
        pytest.param(files.HTML_BYTES, id="html"),
        pytest.param(files.plain_zip_bytes(), id="zip-not-office"),
        pytest.param(b"", id="empty"),
        pytest.param(b"PK\x03\x04 not really a zip", id="broken-zip"),
        pytest.param(b"0", id="one-byte"),
        pytest.param(b"\x30\x05\x02\x01\x00", id="der-short-form"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", id="gif"),
    ],
)
def test_other_content_is_refused(content):
    stream = io.BytesIO(content)

    assert detect_content_type(stream) is None
    assert stream.tell() == 0


def test_a_zip_with_a_foreign_mimetype_is_not_an_opendocument():
    content = files.zip_of([("mimetype", b"application/epub+zip"), ("content.xml", b"<x/>")])

    assert detect_content_type(io.BytesIO(content)) is None


def test_a_zip_with_content_types_but_no_office_part_is_refused():
    content = files.zip_of([("[Content_Types].xml", b"<Types/>"), ("other/part.xml", b"<x/>")])

    assert detect_content_type(io.BytesIO(content)) is None


def test_inspect_upload_ignores_the_name_and_declared_type():
    text = files.upload(files.TEXT_BYTES, name="bilancio.pdf", content_type="application/pdf")
    image = files.upload(files.png_bytes(), name="foto.pdf", content_type="application/pdf")

    assert inspect_upload(text) is None
    assert inspect_upload(image).content_type == PNG


def test_inspect_upload_gives_type_size_and_sha256_and_rewinds():
    content = files.docx_bytes()
    upload = files.upload(content, name="statuto.docx", content_type="application/octet-stream")

    checked = inspect_upload(upload)

    assert checked is not None
    assert checked.content_type == OOXML
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert upload.read() == content


def odt_with_deflated_mimetype() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            b"application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return out.getvalue()


ZIP_SAMPLES = [files.docx_bytes(), files.odt_bytes(), odt_with_deflated_mimetype()]


def is_clean_office_type(kind: str) -> bool:
    return kind == OOXML or (kind.startswith(ODF) and kind.isascii() and kind.isprintable())


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(ZIP_SAMPLES),
    st.lists(st.tuples(st.integers(min_value=4), st.integers(0, 255)), min_size=1, max_size=4),
)
def test_a_damaged_office_file_is_refused_never_an_error(sample, damage):
    data = bytearray(sample)
    for position, value in damage:
        data[position % len(data)] = value
    stream = io.BytesIO(bytes(data))

    kind = detect_content_type(stream)

    assert kind is None or is_clean_office_type(kind)
    assert stream.tell() == 0


def _with_mimetype_header(field_offset: int, value: int) -> bytes:
    """An OpenDocument zip whose ``mimetype`` entry has a header field set to ``value``."""
    data = bytearray(files.odt_bytes())
    central = data.find(b"PK\x01\x02")  # its record, the first of the central directory
    for offset in (field_offset, central + field_offset + 2):  # local header, then central
        data[offset : offset + 2] = value.to_bytes(2, "little")
    return bytes(data)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(_with_mimetype_header(8, 99), id="unknown-compression-method"),
        pytest.param(_with_mimetype_header(6, 0x1), id="encrypted"),
    ],
)
def test_an_unreadable_mimetype_entry_is_refused(content):
    assert detect_content_type(io.BytesIO(content)) is None


def test_only_a_well_formed_opendocument_mimetype_is_accepted():
    for mimetype in (
        b"application/vnd.oasis.opendocument.text\x00\x00",
        b"application/vnd.oasis.opendocument.text; charset=<script>",
        b"application/vnd.oasis.opendocument.",
    ):
        content = files.zip_of([("mimetype", mimetype), ("content.xml", b"<x/>")])

        assert detect_content_type(io.BytesIO(content)) is None, mimetype


def test_a_compressed_mimetype_bomb_is_not_read_whole():
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("mimetype", "w") as entry,
    ):
        entry.write(b"application/vnd.oasis.opendocument.text")
        for _ in range(64):  # 64 MB of zeros, about 64 kB once compressed
            entry.write(bytes(1024 * 1024))
    stream = io.BytesIO(out.getvalue())

    tracemalloc.start()
    try:
        kind = detect_content_type(stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert kind is None
    assert peak < 4 * 1024 * 1024
