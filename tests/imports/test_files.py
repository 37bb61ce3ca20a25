"""The checks every import makes on an upload before parsing it, and on each text value."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import ImportFileError, check_upload, text_problem
from tests.imports.zips import xlsx_with_rows, zip_of

MB = 1024 * 1024
# The start of an Office file saved with a password: a compound file holding the encrypted package.
ENCRYPTED_OFFICE = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64
)
OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WordDocument".encode("utf-16-le") + b"\0" * 64


class CountingUpload(SimpleUploadedFile):
    reads = 0

    def read(self, *args):
        self.reads += 1
        return super().read(*args)


def test_the_size_is_checked_before_anything_is_read():
    upload = CountingUpload("f.xlsx", b"x" * 101)
    with pytest.raises(ImportFileError, match="at most 100"):
        check_upload(upload, max_bytes=100, zip_expected=True)
    assert upload.reads == 0


def test_a_good_upload_comes_back_as_its_bytes():
    data = zip_of({"word/document.xml": b"<w:document/>"})
    assert check_upload(SimpleUploadedFile("a.docx", data), max_bytes=MB, zip_expected=True) == data
    assert check_upload(b"plain,text", max_bytes=MB) == b"plain,text"


@pytest.mark.parametrize(
    "data, expected, message",
    [
        (b"given name,family name\n", ".xlsx", "This is not a .xlsx file, or it is damaged"),
        (b"%PDF-1.7\n...", ".docx", "This is not a .docx file but a PDF"),
        (OLD_WORD, ".docx", r"older Word file \(.doc\)\. Open it in Word and save it as .docx"),
        (ENCRYPTED_OFFICE, ".docx", "This file is password-protected; save it without a password"),
        (ENCRYPTED_OFFICE, ".xlsx", "This file is password-protected; save it without a password"),
    ],
)
def test_what_is_not_an_office_zip_is_refused_naming_what_was_expected(data, expected, message):
    with pytest.raises(ImportFileError, match=message):
        check_upload(data, max_bytes=MB, zip_expected=expected)


def test_the_expected_format_is_taken_from_the_file_name():
    with pytest.raises(ImportFileError, match="not a .xlsx file"):
        check_upload(SimpleUploadedFile("Fellows.XLSX", b"nope"), max_bytes=MB, zip_expected=True)


def test_a_zip_with_encrypted_members_is_refused():
    with pytest.raises(ImportFileError, match="password-protected"):
        check_upload(zip_of({"word/document.xml": b"<x/>"}, encrypted=True), max_bytes=MB, zip_expected=".docx")


def test_a_zip_of_too_many_members_is_refused():
    with pytest.raises(ImportFileError, match="holds 1001 parts; at most 1000"):
        check_upload(zip_of({f"m{i}": b"" for i in range(1001)}), max_bytes=MB, zip_expected=".docx")


def test_a_zip_over_the_uncompressed_limit_is_refused():
    data = zip_of({"word/document.xml": b"<p>text</p>" * 20_000})  # 220 kB unpacked
    check_upload(data, max_bytes=MB, max_uncompressed_bytes=300_000, zip_expected=".docx")
    with pytest.raises(ImportFileError, match="unpacks to 214.8"):
        check_upload(data, max_bytes=MB, max_uncompressed_bytes=200_000, zip_expected=".docx")


def test_a_member_that_swells_more_than_200_times_is_refused_under_the_total_limit():
    data = zip_of({"word/document.xml": b"\0" * (5 * MB)})
    with pytest.raises(ImportFileError, match="200 times its packed size"):
        check_upload(data, max_bytes=MB, max_uncompressed_bytes=100 * MB, zip_expected=".docx")


@pytest.fixture(scope="session")
def xlsx_bomb():
    """About 2 MB on disk, 525 MB of sheet XML once unpacked (as reported in issue 9)."""
    return xlsx_with_rows(0, unpacked_bytes=525_000_000)


def test_a_2_mb_xlsx_that_unpacks_to_525_mb_is_refused_from_its_directory(xlsx_bomb):
    assert len(xlsx_bomb) < 2 * MB
    with pytest.raises(ImportFileError, match=r"unpacks to 500\.\d\sMB"):
        check_upload(xlsx_bomb, max_bytes=2 * MB, max_uncompressed_bytes=600 * MB, zip_expected=".xlsx")
    with pytest.raises(ImportFileError, match=r"unpacks to 500\.\d\sMB"):
        check_upload(xlsx_bomb, max_bytes=2 * MB, zip_expected=".xlsx")


@pytest.mark.parametrize(
    "value, max_length, problem",
    [
        ("Albina", 100, None),
        ("A" * 100, 100, None),
        ("A" * 101, 100, "is 101 characters long; at most 100 fit"),
        ("Alb\x00ina", 100, "contains an invisible control character (U+0000) at position 4; retype the text there"),
        ("Alb\x85ina", None, "contains an invisible control character (U+0085) at position 4; retype the text there"),
        ("Two\nlines\tand a tab", None, None),
    ],
)
def test_a_text_value_is_checked_for_length_and_control_characters(value, max_length, problem):
    assert text_problem(value, max_length=max_length) == problem
