"""Word import: an author's .docx becomes a draft issue in one step, and bad files are refused.

The test files are made here: No. 6 written as an author would send it is
turned into .docx by pandoc, and that file is opened and saved again by
LibreOffice; a third file is written as Word writes its XML (styles, bold
questions, footnote parts), since Word itself does not run here.
"""

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from briefs.document import issue_document
from briefs.models import Contribution, Footnote, Issue, Question
from demo import eucacis_in_brief_06 as seed
from editorial.word_import import WordFileError, check_docx_size, match_people, read_docx, recognise
from people.models import Person

UPLOAD = reverse("admin:briefs_issue_import_word")
needs_pandoc = pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc is not installed (apt-get install pandoc)")
needs_soffice = pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
)


def _markdown(html):
    text = html.replace("<p>", "").replace("</p>", "\n\n")
    text = re.sub(r"</?em>", "*", text)
    return re.sub(r"</?strong>", "**", text).strip()


def no6_markdown():
    """No. 6 as the author typed it: title, byline, introduction, numbered questions, “EB:” answers, footnotes."""
    lines = [
        f"# {seed.TITLE}",
        "",
        "Interview by Albina Muratbekova with Dr Erkin Baydarov",
        "",
        _markdown(seed.INTRODUCTION),
        "",
    ]
    for number, (question, answer) in enumerate(seed.QUESTIONS, 1):
        lines += [f"{number}\\. {_markdown(question)}", "", "EB: " + _markdown(answer), ""]
    lines += [f"[^{label}]: {_markdown(note)}\n" for label, note in seed.FOOTNOTES.items()]
    return "\n".join(lines)


def pandoc_docx(markdown, tmp_path, name="issue"):
    source = tmp_path / f"{name}.md"
    source.write_text(markdown)
    target = tmp_path / f"{name}.docx"
    subprocess.run(["pandoc", str(source), "-o", str(target)], check=True)
    return target.read_bytes()


@pytest.fixture(scope="module")
def no6_files(tmp_path_factory):
    """No. 6 as .docx written by pandoc, and the same saved again by LibreOffice."""
    if not shutil.which("pandoc"):
        pytest.skip("pandoc is not installed (apt-get install pandoc)")
    folder = tmp_path_factory.mktemp("no6")
    files = {"pandoc": pandoc_docx(no6_markdown(), folder, "no6")}
    if shutil.which("soffice"):
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{folder}/lo-profile",
                "--headless",
                "--convert-to",
                "odt",
                "--outdir",
                str(folder / "odt"),
                str(folder / "no6.docx"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{folder}/lo-profile",
                "--headless",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(folder / "lo"),
                str(folder / "odt" / "no6.odt"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        files["libreoffice"] = (folder / "lo" / "no6.docx").read_bytes()
    return files


# -- a file as Word writes it -----------------------------------------------------------

_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _run(text, bold=False):
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _para(*runs, style=None):
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}{''.join(runs)}</w:p>"


def _note_ref(number):
    return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{number}"/></w:r>'


def _endnote_ref(number):
    return f'<w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr><w:endnoteReference w:id="{number}"/></w:r>'


def _notes_xml(kind, notes):
    """Word's footnotes or endnotes part: its two separators (ids -1 and 0), then the notes from id 1."""
    style, reference = (
        ("FootnoteText", "FootnoteReference") if kind == "footnote" else ("EndnoteText", "EndnoteReference")
    )
    items = "".join(
        f'<w:{kind} w:id="{n}"><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:rPr><w:rStyle w:val="{reference}"/></w:rPr><w:{kind}Ref/></w:r>{_run(" " + text)}</w:p></w:{kind}>'
        for n, text in notes
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {_NS}><w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}><w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>{items}</w:{kind}s>'


def word_docx(body_paragraphs, footnotes=(), *, endnotes=(), extra_parts=None, document_extra=""):
    """A .docx laid out as Word saves one: styles part, footnotes and endnotes parts with their separators
    (Word numbers each from 1), relationships."""
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_NS}><w:body>{"".join(body_paragraphs)}{document_extra}<w:sectPr/></w:body></w:document>'
    styles = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {_NS}><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style><w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/></w:style><w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/></w:style><w:style w:type="paragraph" w:styleId="EndnoteText"><w:name w:val="endnote text"/></w:style><w:style w:type="character" w:styleId="EndnoteReference"><w:name w:val="endnote reference"/></w:style><w:style w:type="paragraph" w:styleId="Fancy"><w:name w:val="Fancy Author Style"/></w:style></w:styles>'
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/><Override PartName="/word/endnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/_rels/document.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes" Target="endnotes.xml"/></Relationships>',
        "word/document.xml": document,
        "word/styles.xml": styles,
        "word/footnotes.xml": _notes_xml("footnote", footnotes),
        "word/endnotes.xml": _notes_xml("endnote", endnotes),
        **(extra_parts or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def word_interview(**kwargs):
    return word_docx(
        [
            _para(_run("Water across borders: Interview with Dina Sarsen"), style="Title"),
            _para(_run("Interview by Prof. Dr Janny Schulz with Dina Sarsen")),
            _para(_run("Why water matters in Central Asia."), _note_ref(1)),
            _para(_run("2: How have the talks changed?", bold=True)),
            _para(_run("DS: They became regular"), _note_ref(2), _run(".")),
            _para(_run("What comes next?", bold=True)),
            _para(_run("DS: A joint commission.")),
        ],
        footnotes=[(1, "See the 2018 report."), (2, "Since March 2019.")],
        **kwargs,
    )


# -- recognising ------------------------------------------------------------------------


@pytest.mark.parametrize("program", ["pandoc", "libreoffice"])
def test_no6_as_the_author_sent_it_is_recognised_part_by_part(no6_files, program):
    if program not in no6_files:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    found = recognise(read_docx(no6_files[program]))
    assert found.title == seed.TITLE and found.kind == "interview"
    assert [p.name for p in found.authors] == ["Albina Muratbekova"]
    assert [(p.honorific, p.name) for p in found.interviewees] == [("Dr", "Erkin Baydarov")]
    assert found.speaker_label == "EB"
    assert [q for q, _a in found.questions] == [q for q, _a in seed.QUESTIONS]
    assert all(not re.match(r"<p>\s*EB:", a) for _q, a in found.questions)
    assert list(found.footnotes) == ["1", "2", "3", "4"]
    assert [re.findall(r"\[\^(\w+)\]", a) for _q, a in found.questions] == [["1", "2"], [], [], ["3", "4"]]
    assert found.footnotes["2"] == seed.FOOTNOTES["turkistan"]
    assert found.problems == []


def test_a_file_written_as_word_writes_it_gives_bold_and_colon_numbered_questions_and_its_footnotes():
    found = recognise(read_docx(word_interview()))
    assert found.title == "Water across borders: Interview with Dina Sarsen"
    assert [(p.honorific, p.name) for p in found.authors] == [("Prof. Dr", "Janny Schulz")]
    assert found.introduction == "<p>Why water matters in Central Asia.[^1]</p>"
    assert found.questions == [
        ("<p>How have the talks changed?</p>", "<p>They became regular[^2].</p>"),
        ("<p>What comes next?</p>", "<p>A joint commission.</p>"),
    ]
    assert found.speaker_label == "DS"
    assert found.footnotes == {"1": "<p>See the 2018 report.</p>", "2": "<p>Since March 2019.</p>"}


def test_an_opinion_piece_gets_its_body_and_authors(tmp_path):
    if not shutil.which("pandoc"):
        pytest.skip("pandoc is not installed")
    markdown = "# Borders and trade\n\nBy Albina Muratbekova and Janny Schulz\n\nTrade grew[^a] *quickly*.\n\n- one\n- two\n\n[^a]: A note with [a link](https://example.org/).\n"
    found = recognise(read_docx(pandoc_docx(markdown, tmp_path)))
    assert found.kind == "article" and [p.name for p in found.authors] == ["Albina Muratbekova", "Janny Schulz"]
    assert found.body == "<p>Trade grew[^1] <em>quickly</em>.</p><ul><li>one</li><li>two</li></ul>"
    assert found.footnotes == {"1": '<p>A note with <a href="https://example.org/">a link</a>.</p>'}


def test_what_is_not_imported_is_listed(tmp_path):
    comments = '<?xml version="1.0" encoding="UTF-8"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="1" w:author="Editor"><w:p><w:r><w:t>Check this</w:t></w:r></w:p></w:comment></w:comments>'
    tracked = '<w:p><w:ins w:id="5" w:author="Editor"><w:r><w:t>Inserted.</w:t></w:r></w:ins></w:p>'
    data = word_docx(
        [_para(_run("A title"), style="Title"), _para(_run("By Someone")), _para(_run("Text."), style="Fancy")],
        extra_parts={"word/comments.xml": comments},
        document_extra=tracked,
    )
    endnotes = '<?xml version="1.0" encoding="UTF-8"?><w:endnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:endnote w:id="1"><w:p><w:r><w:t>An endnote.</w:t></w:r></w:p></w:endnote></w:endnotes>'
    data = word_docx(
        [_para(_run("A title"), style="Title"), _para(_run("By Someone")), _para(_run("Text."), style="Fancy")],
        extra_parts={"word/comments.xml": comments, "word/endnotes.xml": endnotes},
        document_extra=tracked,
    )
    problems = " ".join(recognise(read_docx(data)).problems)
    assert "comments" in problems and "tracked changes" in problems and "“Fancy Author Style”" in problems
    assert "endnotes" in problems
    if shutil.which("pandoc"):
        from PIL import Image

        Image.new("RGB", (4, 4), "red").save(tmp_path / "dot.png")
        markdown = f"# T\n\nBy A B\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText.\n\n![A dot]({tmp_path / 'dot.png'})\n"
        problems = " ".join(recognise(read_docx(pandoc_docx(markdown, tmp_path))).problems)
        assert "table" in problems and "1 image(s): images are not imported" in problems


def test_text_that_reads_like_markup_stays_text_and_links_are_sanitised():
    data = word_docx(
        [
            _para(_run("A &lt;script&gt;alert(1)&lt;/script&gt; title"), style="Title"),
            _para(_run("By A B")),
            _para(_run("&lt;b onclick=x&gt;Body&lt;/b&gt;")),
        ]
    )
    found = recognise(read_docx(data))
    assert "<script" not in found.body and "&lt;b onclick=x&gt;" in found.body


# -- bad files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (b"Just some text, not a Word file.", "This is not a .docx file, or it is damaged"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "This is not a .docx file but a PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "older Word file|password-protected"),
        (word_docx([]), "empty"),
        (word_docx([_para(_run("   "))]), "empty"),
    ],
    ids=["text", "renamed-pdf", "password-protected", "no-paragraphs", "blank"],
)
def test_a_bad_file_gets_a_clear_message(data, message):
    with pytest.raises(WordFileError, match=message):
        check_docx_size(data)
        read_docx(data)


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (80 * 1024 * 1024) + b"</w:document>")
    assert len(buffer.getvalue()) < 200 * 1024
    with pytest.raises(WordFileError, match="unpacks to .* more than can be read"):
        check_docx_size(buffer.getvalue())


# -- the admin: upload, preview, confirm --------------------------------------------------


def _upload(client, data, series, name="issue.docx"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(UPLOAD, {"series": series.pk, "file": upload})


@pytest.mark.django_db
def test_no6_becomes_a_draft_whose_page_matches_the_printed_issue(editor_client, demo_issue, no6_files):
    people_before = Person.objects.count()
    response = _upload(editor_client, no6_files["pandoc"], demo_issue.series)
    assert response.status_code == 302
    preview = editor_client.get(response["Location"])
    html = preview.content.decode()
    assert "questions and answers: 4" in html and "footnotes: 4" in html
    assert "matched to" in html and "a new person will be added" not in html
    assert re.search(r'name="number" value="7"', html)  # the next free number
    assert re.search(r'type="date" name="publication_date" value="\d{4}-\d{2}-\d{2}"', html), (
        "a date the browser's date field shows"
    )
    assert Issue.objects.count() == 1  # nothing saved before the confirm

    created = editor_client.post(response["Location"], {"number": "7", "publication_date": "2019-02-01"})
    assert created.status_code == 302
    draft = Issue.objects.get(series=demo_issue.series, number=7)
    assert draft.status == "draft" and Person.objects.count() == people_before
    imported, printed = (
        issue_document(draft),
        issue_document(Issue.objects.select_related("series__programme").get(pk=demo_issue.pk)),
    )
    assert imported.plain_text() == printed.plain_text()
    assert [n.html for n in imported.texts("web").notes] == [n.html for n in printed.texts("web").notes]


@pytest.mark.django_db
def test_new_people_are_added_once_and_found_again_by_the_next_import(editor_client):
    from tests.conftest import make_series

    series = make_series()
    for number in ("1", "2"):
        response = _upload(editor_client, word_interview(), series)
        editor_client.post(response["Location"], {"number": number, "publication_date": "2019-02-01"})
    assert (
        Person.objects.filter(family_name="Schulz").count() == 1
        and Person.objects.filter(family_name="Sarsen").count() == 1
    )
    assert Person.objects.get(family_name="Schulz").honorific == "Prof. Dr"
    second = Issue.objects.get(series=series, number=2)
    assert second.contributions.get(role="interviewee").speaker_label == "DS"


@pytest.mark.django_db
def test_an_existing_issue_is_never_overwritten(editor_client):
    from tests.conftest import make_issue, make_series

    series = make_series()
    existing = make_issue(series, number=3, title="Already here")
    response = _upload(editor_client, word_interview(), series)
    page = editor_client.post(response["Location"], {"number": "3", "publication_date": "2019-02-01"})
    assert "already has a No. 3; the import never overwrites an issue" in page.content.decode()
    assert (
        Issue.objects.get(pk=existing.pk).title == "Already here" and Issue.objects.filter(series=series).count() == 1
    )


@pytest.mark.django_db
def test_a_number_taken_by_another_confirm_after_it_was_checked_free_is_a_form_error_with_nothing_written(
    editor_client,
):
    """Two confirms at the same moment: the second's check passed, then the first's issue took the number."""
    from django.db import connection

    from tests.conftest import make_issue, make_series

    series = make_series()
    preview = _upload(editor_client, word_interview(), series)["Location"]
    raced = []

    def another_confirm_takes_the_number_first(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if re.match(r'SELECT \S+ AS "a" FROM "briefs_issue" ', sql) and not raced:  # the check: the number is free
            raced.append(True)  # before the insert below, which comes through here too
            make_issue(series, number=4, title="Confirmed at the same moment")
        return result

    with connection.execute_wrapper(another_confirm_takes_the_number_first):
        page = editor_client.post(preview, {"number": "4", "publication_date": "2019-02-01"})
    assert raced and page.status_code == 200
    assert [e.code for e in page.context["form"].errors.as_data()["number"]] == ["number_taken"]
    assert "already has a No. 4; the import never overwrites an issue" in page.content.decode()
    # Nothing of the draft was written: no issue, none of its new people, parts or notes.
    assert not Issue.objects.filter(title__startswith="Water across borders").exists()
    assert not Person.objects.filter(family_name__in=["Schulz", "Sarsen"]).exists()
    assert not Question.objects.exists() and not Footnote.objects.exists() and not Contribution.objects.exists()
    # The preview is kept: with another number the same confirm goes through, whole.
    assert editor_client.post(preview, {"number": "5", "publication_date": "2019-02-01"}).status_code == 302
    draft = Issue.objects.get(series=series, number=5)
    assert (draft.contributions.count(), draft.questions.count(), draft.footnotes.count()) == (2, 2, 2)


@pytest.mark.django_db
def test_a_bad_upload_is_an_error_on_the_file_field_and_nothing_is_stored(editor_client):
    from tests.conftest import make_series

    response = _upload(editor_client, b"%PDF-1.4 not a docx", make_series(), name="brief.docx")
    assert response.status_code == 200
    assert "This is not a .docx file but a PDF" in response.content.decode() and not Issue.objects.exists()


@pytest.mark.django_db
def test_a_preview_is_confirmed_once_and_only_by_the_editor_who_made_it(editor_client, django_user_model):
    from django.test import Client

    from tests.conftest import make_series

    client = Client()
    series = make_series()
    preview = _upload(editor_client, word_interview(), series)["Location"]
    other = django_user_model.objects.create_superuser("other", "other@example.org", "pw-for-tests-only")
    client.force_login(other)
    assert client.post(preview, {"number": "1", "publication_date": "2019-02-01"}).status_code == 302
    assert not Issue.objects.exists()  # not this editor's preview
    assert editor_client.post(preview, {"number": "1", "publication_date": "2019-02-01"}).status_code == 302
    assert editor_client.post(preview, {"number": "2", "publication_date": "2019-02-01"}).status_code == 302
    assert Issue.objects.filter(series=series).count() == 1  # the second confirm finds the preview gone


@pytest.mark.django_db
def test_importing_needs_permission_to_add_issues(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_issue", "change_issue"]))
    client.force_login(user)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {}).status_code == 403


@pytest.mark.django_db
def test_the_issue_list_offers_the_import_to_those_who_may_add_issues(editor_client):
    html = editor_client.get(reverse("admin:briefs_issue_changelist")).content.decode()
    assert f'href="{UPLOAD}"' in html and "Recover deleted issues" in html


# -- found by a review of the import -----------------------------------------------------


def _title(text):
    return _para(_run(text), style="Title")


@pytest.mark.django_db
def test_a_name_given_twice_is_credited_once_and_said_so(editor_client):
    from tests.conftest import make_series

    series = make_series()
    data = word_docx([_title("Twice"), _para(_run("By Anna Smith and Anna Smith")), _para(_run("Body text."))])
    preview = editor_client.get(_upload(editor_client, data, series)["Location"]).content.decode()
    assert "Anna Smith is named twice as author: added once" in preview
    response = editor_client.post(
        _upload(editor_client, data, series)["Location"], {"number": "1", "publication_date": "2019-02-01"}
    )
    assert response.status_code == 302
    assert Issue.objects.get(series=series).contributions.count() == 1


def test_characters_written_as_entities_come_back_as_characters_in_the_title_and_names():
    data = word_docx(
        [
            _title("Tom &amp; Jerry &lt;b&gt; said &quot;hi&quot;"),
            _para(_run("By Anna O'Neil &amp; Bob Smith")),
            _para(_run("Body.")),
        ]
    )
    found = recognise(read_docx(data))
    assert found.title == 'Tom & Jerry <b> said "hi"'
    assert [p.name for p in found.authors] == ["Anna O'Neil", "Bob Smith"]


def test_a_tables_text_is_kept_as_paragraphs_and_said_so():
    table = "<w:tbl><w:tr><w:tc>" + _para(_run("IMPORTANT cell text")) + "</w:tc></w:tr></w:tbl>"
    found = recognise(
        read_docx(
            word_docx([_title("Table"), _para(_run("By Ann Bee")), _para(_run("before")), table, _para(_run("after"))])
        )
    )
    assert found.body == "<p>before</p><p>IMPORTANT cell text</p><p>after</p>"
    assert any("table" in p for p in found.problems)


@pytest.mark.django_db
def test_notes_cited_out_of_words_order_and_twice_are_labelled_1_2_3_in_reading_order(editor_client):
    """Word numbers its notes by their ids, which follow the order they were added in, not where they
    are cited. The imported labels follow the reading order, so that the label an editor sees in the
    admin is the number a reader sees; a note cited twice keeps one label."""
    from tests.conftest import make_series

    data = word_docx(
        [
            _title("Notes added out of order: Interview with Dina Sarsen"),
            _para(_run("Interview by Janny Schulz with Dina Sarsen")),
            _para(_run("The added note is cited first"), _note_ref(3), _run(".")),
            _para(_run("1. Which came first?")),
            _para(
                _run("DS: The oldest note"), _note_ref(1), _run(", then the added one again"), _note_ref(3), _run(".")
            ),
            _para(_run("2. And the middle one?")),
            _para(_run("DS: Last"), _note_ref(2), _run(".")),
        ],
        footnotes=[(1, "Written first, cited second."), (2, "Written second, cited last."), (3, "Added last.")],
    )
    series = make_series()
    preview = _upload(editor_client, data, series)["Location"]
    assert editor_client.post(preview, {"number": "1", "publication_date": "2019-02-01"}).status_code == 302
    draft = Issue.objects.get(series=series, number=1)

    assert list(draft.footnotes.values_list("label", "text")) == [
        ("1", "<p>Added last.</p>"),
        ("2", "<p>Written first, cited second.</p>"),
        ("3", "<p>Written second, cited last.</p>"),
    ]
    assert draft.introduction == "<p>The added note is cited first[^1].</p>"
    assert list(draft.questions.values_list("answer", flat=True)) == [
        "<p>The oldest note[^2], then the added one again[^1].</p>",
        "<p>Last[^3].</p>",
    ]
    notes = issue_document(draft).texts("web").notes
    assert [(n.number, n.label, n.html, len(n.backlinks)) for n in notes] == [
        (1, "1", "<p>Added last.</p>", 2),
        (2, "2", "<p>Written first, cited second.</p>", 1),
        (3, "3", "<p>Written second, cited last.</p>", 1),
    ]


def test_a_word_footnote_the_text_never_cites_is_named_as_left_out():
    data = word_docx(
        [_title("Base"), _para(_run("By Anna Lee")), _para(_run("Text"), _note_ref(1))],
        footnotes=[(1, "one"), (2, "two")],
    )
    assert "1 footnote(s) of the file are cited nowhere in its text" in " ".join(recognise(read_docx(data)).problems)


def test_marker_like_text_typed_by_the_author_is_flagged():
    data = word_docx(
        [_title("Typed"), _para(_run("By Anna Lee")), _para(_run("Typed [^x] and [^1] here"), _note_ref(1))],
        footnotes=[(1, "one")],
    )
    problems = " ".join(recognise(read_docx(data)).problems)
    assert "“[^1]”, “[^x]” typed as text" in problems


def test_a_sentence_starting_with_by_is_not_a_byline():
    data = word_docx(
        [_title("Fake byline"), _para(_run("By the way, the river flows north.")), _para(_run("More body."))]
    )
    found = recognise(read_docx(data))
    assert found.authors == [] and "By the way, the river flows north." in found.body


def test_overlong_titles_and_names_and_invisible_characters_are_reported_or_removed():
    data = word_docx(
        [_title("T" * 1000), _para(_run("By Ana\u200b Lee\u202e and " + "A" * 150 + " Bee")), _para(_run("Body."))]
    )
    found = recognise(read_docx(data))
    match_people(found, Person.objects.none())
    problems = " ".join(found.problems)
    assert "the title is 1000 characters long" in problems and "given name is 150 characters long" in problems
    assert found.authors[0].name == "Ana Lee"


def test_a_word_file_over_the_limit_is_refused_on_the_field_before_it_is_read(settings):
    settings.WORD_IMPORT_MAX_BYTES = 1024
    with pytest.raises(WordFileError, match="at most 1.0\xa0KB can be imported"):
        check_docx_size(word_interview())


def test_the_largest_word_file_fits_in_a_request():
    from django.conf import settings

    assert settings.MAX_REQUEST_BYTES > settings.WORD_IMPORT_MAX_BYTES


# -- notes Word numbers apart, notes on the title or byline, people added at the same moment --------


@pytest.mark.django_db
def test_footnotes_and_endnotes_that_word_numbers_each_from_1_are_all_kept_and_numbered_in_reading_order(
    editor_client,
):
    """Word's footnote 1 and endnote 1 are two notes: neither replaces the other, and each marker
    points at its own note."""
    from tests.conftest import make_series

    data = word_docx(
        [
            _title("Footnotes and endnotes: Interview with Dina Sarsen"),
            _para(_run("Interview by Janny Schulz with Dina Sarsen")),
            _para(_run("An endnote first"), _endnote_ref(1), _run(", then a footnote"), _note_ref(1), _run(".")),
            _para(_run("1. Which is which?")),
            _para(_run("DS: Endnote two"), _endnote_ref(2), _run(", footnote two"), _note_ref(2), _run(".")),
        ],
        footnotes=[(1, "Footnote one."), (2, "Footnote two.")],
        endnotes=[(1, "Endnote one."), (2, "Endnote two.")],
    )
    series = make_series()
    preview = _upload(editor_client, data, series)["Location"]
    page = editor_client.get(preview).content.decode()
    assert "footnotes: 4" in page and "endnotes: they are imported as footnotes, numbered with them" in page
    assert "cited nowhere" not in page
    assert editor_client.post(preview, {"number": "1", "publication_date": "2019-02-01"}).status_code == 302
    draft = Issue.objects.get(series=series, number=1)

    assert list(draft.footnotes.values_list("label", "text")) == [
        ("1", "<p>Endnote one.</p>"),
        ("2", "<p>Footnote one.</p>"),
        ("3", "<p>Endnote two.</p>"),
        ("4", "<p>Footnote two.</p>"),
    ]
    assert draft.introduction == "<p>An endnote first[^1], then a footnote[^2].</p>"
    assert draft.questions.get().answer == "<p>Endnote two[^3], footnote two[^4].</p>"
    notes = issue_document(draft).texts("web").notes
    assert [(n.number, n.html) for n in notes] == [
        (1, "<p>Endnote one.</p>"),
        (2, "<p>Footnote one.</p>"),
        (3, "<p>Endnote two.</p>"),
        (4, "<p>Footnote two.</p>"),
    ]


def test_an_endnote_the_text_never_cites_is_named_as_left_out_apart_from_the_footnotes():
    data = word_docx(
        [_title("Base"), _para(_run("By Anna Lee")), _para(_run("Text"), _note_ref(1), _endnote_ref(1))],
        footnotes=[(1, "one")],
        endnotes=[(1, "one"), (2, "two")],
    )
    problems = " ".join(recognise(read_docx(data)).problems)
    assert "1 endnote(s) of the file are cited nowhere in its text" in problems
    assert "footnote(s) of the file are cited nowhere" not in problems


@pytest.mark.django_db
def test_a_note_on_the_title_or_the_byline_is_cited_at_the_end_of_the_first_paragraph_and_the_preview_says_so(
    editor_client,
):
    """A title or a name has no notes: the marker never stays in them as “[^1]”, the note is never lost,
    and the editor is told where it went."""
    from tests.conftest import make_series

    data = word_docx(
        [
            _para(_run("Water across borders"), _note_ref(1), style="Title"),
            _para(_run("Interview by Janny Schulz"), _note_ref(2), _run(" with Dina Sarsen"), _endnote_ref(1)),
            _para(_run("Why water matters"), _note_ref(3), _run(".")),
            _para(_run("A second paragraph.")),
            _para(_run("1. What changed?")),
            _para(_run("DS: Much.")),
        ],
        footnotes=[(1, "Thanks to the foundation."), (2, "Janny Schulz is a fellow."), (3, "See the report.")],
        endnotes=[(1, "Dina Sarsen is a minister.")],
    )
    series = make_series()
    preview = _upload(editor_client, data, series)["Location"]
    page = editor_client.get(preview).content.decode()
    assert "title: “Water across borders”" in page and "<h3>Water across borders</h3>" in page
    assert "byline: “Interview by Janny Schulz with Dina Sarsen”" in page
    for label, where in (("2", "the title"), ("3", "the byline"), ("4", "the byline")):
        assert (
            f"footnote {label} was cited in {where}, which cannot have notes: its marker was moved to the end of "
            "the introduction&#x27;s first paragraph; move it where it belongs after the import"
        ) in page
    assert "cited nowhere" not in page
    assert editor_client.post(preview, {"number": "1", "publication_date": "2019-02-01"}).status_code == 302
    draft = Issue.objects.get(series=series, number=1)

    assert draft.title == "Water across borders"
    assert sorted(draft.contributions.values_list("person__given_name", "person__family_name")) == [
        ("Dina", "Sarsen"),
        ("Janny", "Schulz"),
    ]
    assert draft.introduction == "<p>Why water matters[^1].[^2][^3][^4]</p><p>A second paragraph.</p>"
    assert list(draft.footnotes.values_list("label", "text")) == [
        ("1", "<p>See the report.</p>"),
        ("2", "<p>Thanks to the foundation.</p>"),
        ("3", "<p>Janny Schulz is a fellow.</p>"),
        ("4", "<p>Dina Sarsen is a minister.</p>"),
    ]


@pytest.mark.parametrize(
    "paragraphs, text, where",
    [
        (
            [_para(_run("Intro.")), _para(_run("1. Asked?")), _para(_run("Yes.")), _para(_run("2. Again?"))],
            ("introduction", "<p>Intro.[^1]</p>"),
            "the introduction's first paragraph",
        ),
        (
            [_para(_run("1. Asked?")), _para(_run("Answered.")), _para(_run("2. Again?")), _para(_run("Yes."))],
            ("question", "<p>Asked?[^1]</p>"),
            "the first question's first paragraph",
        ),
        (
            [_para(_run("One.")), _para(_run("Two."))],
            ("body", "<p>One.[^1]</p><p>Two.</p>"),
            "the body's first paragraph",
        ),
    ],
    ids=["interview", "interview-without-introduction", "article"],
)
def test_a_title_note_goes_to_the_first_paragraph_of_whatever_text_comes_first(paragraphs, text, where):
    data = word_docx(
        [_para(_run("A title"), _note_ref(1), style="Title"), _para(_run("By Anna Lee")), *paragraphs],
        footnotes=[(1, "Thanks.")],
    )
    found = recognise(read_docx(data))
    part, html = text
    assert (found.questions[0][0] if part == "question" else getattr(found, part)) == html
    assert found.title == "A title" and found.footnotes == {"1": "<p>Thanks.</p>"}
    assert f"its marker was moved to the end of {where}" in " ".join(found.problems)


def test_a_title_note_the_text_cites_too_is_only_taken_off_the_title_and_one_with_no_text_is_said_so():
    cited_too = word_docx(
        [
            _para(_run("A title"), _note_ref(1), style="Title"),
            _para(_run("By Anna Lee")),
            _para(_run("Text"), _note_ref(1)),
        ],
        footnotes=[(1, "Once.")],
    )
    found = recognise(read_docx(cited_too))
    assert (found.title, found.body, found.footnotes) == ("A title", "<p>Text[^1]</p>", {"1": "<p>Once.</p>"})
    assert (
        "footnote 1 was cited in the title, which cannot have notes: that marker was left out (the text cites the note too)"
        in found.problems
    )

    no_text = word_docx(
        [_para(_run("A title"), _note_ref(1), style="Title"), _para(_run("By Anna Lee"))], footnotes=[(1, "Alone.")]
    )
    found = recognise(read_docx(no_text))
    assert found.title == "A title" and found.footnotes == {"1": "<p>Alone.</p>"}
    assert found.problems[-1] == (
        "footnote 1 was cited in the title, which cannot have notes, and the file has no other text to cite it from: "
        "add its marker after the import"
    )


@pytest.mark.django_db
def test_two_previews_of_the_same_file_confirmed_one_after_the_other_add_each_new_person_once(editor_client):
    from tests.conftest import make_series

    series = make_series()
    previews = [_upload(editor_client, word_interview(), series)["Location"] for _ in range(2)]
    for number, preview in enumerate(previews, 1):
        assert editor_client.post(preview, {"number": str(number), "publication_date": "2019-02-01"}).status_code == 302
    assert list(Person.objects.order_by("slug").values_list("slug", flat=True)) == ["dina-sarsen", "janny-schulz"]
    assert Contribution.objects.filter(person__slug="dina-sarsen").count() == 2


@pytest.mark.django_db
def test_a_new_person_added_by_another_confirm_after_the_slug_was_checked_free_is_credited_not_a_500(
    editor_client,
):
    """Two imports confirmed at the same moment both add Dina Sarsen: the second's check found the
    web address free, then the first's person took it. The second credits that person, whole."""
    from django.db import connection

    from tests.conftest import make_series

    series = make_series()
    preview = _upload(editor_client, word_interview(), series)["Location"]
    raced = []

    def another_confirm_adds_her_first(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if re.match(r'SELECT \S+ AS "a" FROM "people_person" WHERE "people_person"."slug" = ', sql) and (
            not raced and "dina-sarsen" in (params or ())
        ):
            raced.append(True)  # before the insert below, which comes through here too
            Person.objects.create(given_name="Dina", family_name="Sarsen", slug="dina-sarsen")
        return result

    with connection.execute_wrapper(another_confirm_adds_her_first):
        response = editor_client.post(preview, {"number": "1", "publication_date": "2019-02-01"})
    assert raced and response.status_code == 302
    assert Person.objects.filter(family_name="Sarsen").count() == 1
    draft = Issue.objects.get(series=series, number=1)
    assert draft.contributions.get(role="interviewee").person == Person.objects.get(slug="dina-sarsen")
    assert (draft.contributions.count(), draft.questions.count(), draft.footnotes.count()) == (2, 2, 2)
