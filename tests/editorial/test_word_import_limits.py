"""Word import limits: a file too costly to convert is refused before mammoth reads it, with a message on the form.

The costly files are built here as the ones an editor met: 60.8 MB of one-letter
runs packed into a 3.2 MB .docx, and 20,000 footnotes in 218 KB.
"""

import io
import random
import time
import tracemalloc
import zipfile

import pytest
from lxml import etree

from editorial import word_import
from editorial.word_import import WordFileError, check_docx_size, read_docx, recognise
from tests.editorial.test_word_import import UPLOAD, _note_ref, _notes_xml, _para, _run, word_docx

_LETTERS = "etaoinshrdlucmfwypvbgkqjxz"


@pytest.fixture(scope="module")
def one_letter_runs():
    """3.2 MB of .docx whose document.xml is 60.8 MB of one-letter runs, as Word splits text by revision ids."""
    rng = random.Random(17)
    rsids = [f"{rng.getrandbits(32):08X}" for _ in range(8)]  # few ids: it packs 19 to 1, like the editor's file
    paragraphs, size = [], 0
    while size < 60_800_000:
        runs = "".join(
            f'<w:r w:rsidR="{rng.choice(rsids)}"><w:t>{rng.choice(_LETTERS)}</w:t></w:r>' for _ in range(1000)
        )
        paragraphs.append(f"<w:p>{runs}</w:p>")
        size += len(paragraphs[-1])
    data = word_docx([_para(_run("A title"), style="Title"), _para(_run("By Ann Lee")), *paragraphs])
    unpacked = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size
    assert unpacked > 60_800_000 and len(data) < 3_500_000
    return data


def _many_notes(count):
    return word_docx(
        [
            _para(_run("A title"), style="Title"),
            _para(_run("By Ann Lee")),
            _para(*(_note_ref(n) for n in range(1, count + 1))),
        ],
        footnotes=[(n, "A source.") for n in range(1, count + 1)],
    )


def test_60_mb_of_one_letter_runs_in_a_3_mb_file_is_refused_in_under_5_seconds_and_50_mb(one_letter_runs):
    check_docx_size(one_letter_runs)  # its size and packing ratio alone pass: only the count stops it
    started = time.process_time()
    with pytest.raises(WordFileError, match="too intricate to import: it is made of more than 50,000 pieces"):
        read_docx(one_letter_runs)
    seconds = time.process_time() - started
    tracemalloc.start()
    try:
        with pytest.raises(WordFileError):
            read_docx(one_letter_runs)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"refused in {seconds:.3f} s of CPU, peak {peak / 1e6:.1f} MB allocated")
    assert seconds < 5 and peak < 50_000_000


def test_20000_footnotes_are_refused_and_500_are_imported():
    many = _many_notes(20_000)
    assert len(many) < 400_000
    with pytest.raises(WordFileError, match="more than 500 footnotes and endnotes"):
        read_docx(many)
    found = recognise(read_docx(_many_notes(500)))  # Word's two separators are not notes
    assert len(found.footnotes) == 500


def test_notes_marked_as_normal_count_too():
    """Word may write a note's type, ``w:type="normal"``; only its separators are not notes."""
    data = _many_notes(501)
    archive = zipfile.ZipFile(io.BytesIO(data))
    notes = (
        archive.read("word/footnotes.xml").decode().replace('<w:footnote w:id="', '<w:footnote w:type="normal" w:id="')
    )
    with pytest.raises(WordFileError, match="more than 500 footnotes and endnotes"):
        read_docx(word_docx([_para(_run("A title"), style="Title")], extra_parts={"word/footnotes.xml": notes}))


def test_notes_marked_as_normal_are_imported_and_an_uncited_one_is_named():
    cited = word_docx([_para(_run("A title"), style="Title"), _para(_run("Text."), _note_ref(1), _note_ref(2))])
    notes = _notes_xml("footnote", [(1, "One."), (2, "Two."), (3, "Three.")])
    notes = notes.replace('<w:footnote w:id="', '<w:footnote w:type="normal" w:id="')
    document = zipfile.ZipFile(io.BytesIO(cited)).read("word/document.xml")
    found = recognise(
        read_docx(word_docx([], extra_parts={"word/document.xml": document, "word/footnotes.xml": notes}))
    )
    assert list(found.footnotes) == ["1", "2"]
    assert "1 footnote(s) of the file are cited nowhere in its text: they were left out" in found.problems


def _elements(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return sum(
        sum(1 for _ in etree.iterparse(archive.open(name), events=("start",)))
        for name in archive.namelist()
        if name.endswith((".xml", ".rels"))
    )


def test_elements_of_every_part_are_counted_up_to_the_limit(monkeypatch):
    data = word_docx(
        [_para(_run("A title"), style="Title"), _para(_run("By Ann Lee")), _para(_run("Text."), _note_ref(1))],
        footnotes=[(1, "A source.")],
    )
    monkeypatch.setattr(word_import, "MAX_XML_ELEMENTS", _elements(data))
    read_docx(data)
    monkeypatch.setattr(word_import, "MAX_XML_ELEMENTS", _elements(data) - 1)
    with pytest.raises(WordFileError, match="too intricate"):
        read_docx(data)


def test_more_xml_than_the_byte_limit_is_refused(monkeypatch):
    data = word_docx([_para(_run("A title"), style="Title"), _para(_run("a" * 100_000))])
    monkeypatch.setattr(word_import, "MAX_XML_BYTES", 100_000)
    with pytest.raises(WordFileError, match="more than 0.1 MB of text and formatting"):
        read_docx(data)


def test_a_part_declaring_entities_is_refused_without_expanding_them():
    laughs = "".join(f'<!ENTITY l{n} "{"&l%d;" % (n - 1) * 10}">' for n in range(1, 10))
    document = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "ha">{laughs}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        "<w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = word_docx([], extra_parts={"word/document.xml": document})
    with pytest.raises(WordFileError, match="declares XML entities"):
        read_docx(data)


def test_a_damaged_part_is_named():
    data = word_docx([], extra_parts={"word/footnotes.xml": "<w:footnotes><w:footnote>"})
    with pytest.raises(WordFileError, match="its part “word/footnotes.xml” cannot be read"):
        read_docx(data)


@pytest.mark.django_db
def test_the_upload_form_says_why_on_the_file_field_and_nothing_is_stored(editor_client):
    from imports.models import ImportPreview
    from tests.conftest import make_series

    upload = io.BytesIO(_many_notes(501))
    upload.name = "notes.docx"
    response = editor_client.post(UPLOAD, {"series": make_series().pk, "file": upload})
    assert response.status_code == 200
    assert "more than 500 footnotes and endnotes" in response.content.decode()
    assert not ImportPreview.objects.exists()
