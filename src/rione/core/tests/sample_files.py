"""Real minimal files of every family uploads accept or refuse, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_bytes(size: int | None = None) -> bytes:
    """A minimal PDF, padded with a comment to ``size`` bytes when asked."""
    if size is None:
        return PDF_BYTES
    return PDF_BYTES + b"%" + b"x" * (size - len(PDF_BYTES) - 2) + b"\n"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), (30, 30, 200)).save(out, format="JPEG")
    return out.getvalue()


def zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


CONTENT_TYPES_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b"%s</Types>"
)


def docx_bytes() -> bytes:
    override = (
        b'<Override PartName="/word/document.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    )
    return zip_of(
        [
            ("[Content_Types].xml", CONTENT_TYPES_XML % override),
            (
                "_rels/.rels",
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                b'2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
            ),
            (
                "word/document.xml",
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                b"<w:body><w:p><w:r><w:t>Statuto</w:t></w:r></w:p></w:body></w:document>",
            ),
        ]
    )


def xlsx_bytes() -> bytes:
    override = (
        b'<Override PartName="/xl/workbook.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    )
    return zip_of(
        [
            ("[Content_Types].xml", CONTENT_TYPES_XML % override),
            (
                "xl/workbook.xml",
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheets><sheet name="Budget" sheetId="1"/></sheets></workbook>',
            ),
        ]
    )


def odt_bytes() -> bytes:
    return zip_of(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            (
                "META-INF/manifest.xml",
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
            ),
            ("content.xml", b'<?xml version="1.0" encoding="UTF-8"?><office:document-content/>'),
        ]
    )


def plain_zip_bytes() -> bytes:
    return zip_of([("leggimi.txt", b"Un archivio qualsiasi."), ("foto/uno.txt", b"1")])


OLE2_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
# A DER SEQUENCE with a two-byte long-form length, as a CAdES (.p7m) envelope starts.
P7M_BYTES = (
    b"\x30\x82\x01\x0a\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x82\x00\xfb" + b"\x00" * 251
)
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
TEXT_BYTES = b"Questo non e' un PDF, solo testo con l'estensione sbagliata.\n"


def upload(content: bytes, name: str = "documento.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)
