"""Checks on an uploaded file before anything parses it, and on each text value it holds.

:func:`check_upload` is the first thing an import calls: it refuses a file that is
too large, and for the zip containers of Office (.xlsx, .docx) one that is not a
zip at all, is password-protected, has too many members or unpacks to too much
(a zip bomb), all from the zip's directory, before any member is decompressed.
Python's :mod:`zipfile` never returns more bytes for a member than its declared
size (and fails on the checksum if the member holds more), so checking the
declared sizes bounds what a parser reading through it can be given.
"""

import io
import re
import zipfile

from django.template.defaultfilters import filesizeformat


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message, for the editor, says why and what to do."""


#: At most this many members in a zip container (an .xlsx has about 10, a .docx with pictures a few dozen).
MAX_ZIP_MEMBERS = 1000
#: A member that unpacks to more than this many times its packed size is refused, if over 1 MB unpacked.
MAX_ZIP_RATIO = 200

_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: old .doc/.xls, or an encrypted Office file
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # the stream that holds an encrypted .docx/.xlsx
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_upload(upload, *, max_bytes, max_uncompressed_bytes=None, zip_expected=False):
    """Check an upload before it is parsed and return its bytes; raise :class:`ImportFileError` if it cannot be imported.

    ``upload`` is a Django ``UploadedFile`` (its ``size`` is checked before it is
    read) or ``bytes``. ``zip_expected`` is true for Office's zip formats: pass
    the expected format, e.g. ``".docx"``, or ``True`` to take it from the file
    name; the file must then be a zip of at most :data:`MAX_ZIP_MEMBERS` members,
    none encrypted, none unpacking to more than :data:`MAX_ZIP_RATIO` times its
    size, and all together to at most ``max_uncompressed_bytes`` (default: 100
    times ``max_bytes``).
    """
    name = getattr(upload, "name", "") or ""
    size = len(upload) if isinstance(upload, (bytes, bytearray)) else upload.size
    if size > max_bytes:
        raise ImportFileError(
            f"The file is {filesizeformat(size)}; at most {filesizeformat(max_bytes)} can be imported at once."
        )
    if isinstance(upload, (bytes, bytearray)):
        data = bytes(upload)
    else:
        upload.seek(0)
        data = upload.read(max_bytes + 1)
        if len(data) > max_bytes:  # the declared size was wrong
            raise ImportFileError(f"The file is over {filesizeformat(max_bytes)}; import a smaller file.")
    if zip_expected:
        expected = zip_expected if isinstance(zip_expected, str) else _extension(name)
        _check_zip(data, expected, max_uncompressed_bytes or 100 * max_bytes)
    return data


def _extension(name):
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else "Office"


def _check_zip(data, expected, max_uncompressed_bytes):
    program = {".docx": "Word", ".xlsx": "Excel"}.get(expected, "the program that made it")
    if data.startswith(_CFB_SIGNATURE):
        if _ENCRYPTED_PACKAGE in data:
            raise ImportFileError(
                f"This file is password-protected; save it without a password (in {program}: File › Info › "
                "Protect › Encrypt with password, clear the password) and upload it again."
            )
        old = {".docx": ".doc", ".xlsx": ".xls"}.get(expected, "97–2003")
        raise ImportFileError(
            f"This is not a {expected} file but an older {program} file ({old}). Open it in {program} and save it "
            f"as {expected}."
        )
    if data.startswith(b"%PDF"):
        raise ImportFileError(f"This is not a {expected} file but a PDF. Upload the {expected} file itself.")
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(
            f"This is not a {expected} file, or it is damaged. Open it in {program} and save it as {expected}."
        ) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(
            f"This {expected} file holds {len(members)} parts; at most {MAX_ZIP_MEMBERS} can be read. "
            f"Open it in {program} and save it again."
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise ImportFileError("This file is password-protected; save it without a password and upload it again.")
    total = sum(member.file_size for member in members)
    swollen = [
        m for m in members if m.file_size > 1024 * 1024 and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1)
    ]
    if total > max_uncompressed_bytes or swollen:
        raise ImportFileError(
            f"This {expected} file unpacks to {filesizeformat(total)}, more than can be read "
            f"(at most {filesizeformat(max_uncompressed_bytes)}, and at most {MAX_ZIP_RATIO} times its packed size). "
            "Split it into smaller files, or save it again without unused content."
        )


def text_problem(value, *, max_length=None):
    """Why ``value`` cannot be stored in a text field of ``max_length`` characters, or ``None`` if it can.

    Control characters (a NUL byte, or C0/C1 codes other than tab and line
    breaks) are refused everywhere: PostgreSQL cannot store NUL, and the others
    are never typed on purpose.
    """
    found = _CONTROL.search(value)
    if found:
        return (
            f"contains an invisible control character (U+{ord(found.group()):04X}) at position {found.start() + 1}; "
            "retype the text there"
        )
    if max_length is not None and len(value) > max_length:
        return f"is {len(value)} characters long; at most {max_length} fit"
    return None
