"""Uploaded files: their type is read from the content, never from the name; SHA-256 while reading.

Accepted families: PDF, digitally signed envelopes (.p7m, CAdES in DER), PNG/JPEG images,
and office documents (OOXML and OpenDocument zip containers, legacy OLE2 files).
"""

import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
P7M = "application/pkcs7-mime"
PNG = "image/png"
JPEG = "image/jpeg"
OOXML = "application/vnd.openxmlformats-officedocument"
ODF = "application/vnd.oasis.opendocument"
OLE2 = "application/x-ole-storage"

ACCEPTED_LABEL = _(
    "PDF, file firmati digitalmente (.p7m), immagini PNG o JPEG, documenti Office o OpenDocument"
)

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# "application/vnd.oasis.opendocument.text", "….spreadsheet", "….text-template"…
_ODF_MIMETYPE = re.compile(r"application/vnd\.oasis\.opendocument\.[a-z]+(?:[.-][a-z]+)*")


def _zip_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and any(
                name.startswith(("word/", "xl/", "ppt/")) for name in names
            ):
                return OOXML
            if "mimetype" in names:
                with archive.open("mimetype") as entry:  # never decompress more than we need
                    mimetype = entry.read(100).decode("ascii", "replace")
                if _ODF_MIMETYPE.fullmatch(mimetype):
                    return mimetype
    except (
        zipfile.BadZipFile,
        OSError,
        KeyError,
        ValueError,
        EOFError,
        RuntimeError,  # an encrypted entry
        NotImplementedError,  # an unknown compression method
        zlib.error,  # damaged compressed data
    ):
        return None
    return None


def detect_content_type(stream: IO[bytes]) -> str | None:
    """The accepted type of the file's content, or None when it is none of them."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_OLE2_MAGIC):
        return OLE2
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
        stream.seek(0)
        return kind
    # A CAdES envelope is a DER SEQUENCE (0x30) with a long-form length (0x80-0x84).
    if len(head) > 1 and head[0] == 0x30 and 0x80 <= head[1] <= 0x84:
        return P7M
    return None


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def inspect_upload(upload: UploadedFile) -> CheckedFile | None:
    """Type, size and SHA-256 of an upload; None when the type is not accepted."""
    if upload.file is None:
        return None
    content_type = detect_content_type(upload.file)
    if content_type is None:
        return None
    return CheckedFile(
        content_type=content_type, size=int(upload.size or 0), sha256=sha256_of(upload)
    )
