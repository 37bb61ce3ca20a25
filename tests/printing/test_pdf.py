"""The printed brief: No. 6 as a PDF, read back with pypdf as a reader's viewer would."""

import dataclasses
import datetime
import html as html_lib
import io
import re
from unittest import mock

import pytest
import weasyprint
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from briefs.document import issue_document
from briefs.models import AboutSection, EditorialMembership, Issue
from demo import eucacis_in_brief_06 as seed
from printing import pdf as pdf_module
from printing import pdf_files
from printing.models import IssuePdf
from tests.conftest import make_interview, make_issue

#: The printed issue's numbering of its notes.
PRINTED_NUMBERS = {"trade-forum": 1, "turkistan": 2, "year-events": 3, "dostyk": 4}


def fold(text):
    """Extracted or source text with line-end hyphenation and whitespace folded."""
    text = text.replace("\u2010\n", "").replace("-\n", "-")
    return re.sub(r"\s+", " ", text).strip()


def squash(text):
    """Text without any whitespace: a URL wrapped over two lines compares equal to itself."""
    return re.sub(r"\s+", "", text.replace("\u2010\n", ""))


def plain(html, numbers=PRINTED_NUMBERS):
    """Source HTML as the PDF prints it: markers become their numbers, tags go."""
    html = re.sub(r"\[\^([\w-]+)\]", lambda m: str(numbers[m.group(1)]), html)
    return fold(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").replace(" ,", ","))


def paragraphs(html):
    return [p for p in re.findall(r"<p>(.*?)</p>", html, re.S)]


def pages_of(data):
    return [fold(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def no6(django_db_setup, django_db_blocker):
    """No. 6 from load_demo: its document and its PDF, built once for this module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        issue = Issue.objects.select_related("series__programme").get(number=6)
        document = issue_document(issue)
        build = pdf_module.build_pdf(document)
        transaction.set_rollback(True)
    return document, build


@pytest.fixture(scope="module")
def no6_pages(no6):
    return pages_of(no6[1].data)


def _without_page_furniture(page, document):
    """A page's text without its running head and page number."""
    head = fold(f"{document.series_name} · No. {document.number} · {document.short_title}")
    return re.sub(r"\s*\d+$", "", page.replace(head, "")).strip()


def test_page_1_shows_series_number_date_author_and_title(no6_pages):
    cover = no6_pages[0]
    for words in [
        "EUCACIS in Brief",
        "No. 6",
        "February 2019",
        "Albina Muratbekova",
        "PhD Support Programme",
        "The EU, Central Asia and the Caucasus in the International System",
        "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov",
        "ISSN 2627-7190",
    ]:
        assert words in cover


def text_runs(page):
    """``[(text, size in pt, top in pt)]`` of a PDF page's text, as its content stream draws it."""
    runs = []

    def visit(text, cm, tm, _font, font_size):
        if text.strip():
            runs.append((text.strip(), round(font_size * abs(tm[3] * cm[3]), 1), round(tm[5] * abs(cm[3]), 1)))

    page.extract_text(visitor_text=visit)
    return runs


def test_the_cover_prints_the_title_in_its_largest_type_at_the_top_with_the_author_right_below(no6):
    """Google Scholar's inclusion guidelines: title in large type at the top of page 1, authors below it."""
    runs = text_runs(PdfReader(io.BytesIO(no6[1].data)).pages[0])
    largest = max(size for _text, size, _top in runs)
    title_runs = [run for run in runs if run[1] == largest]
    assert fold("\n".join(text for text, _s, _t in title_runs)) == seed.TITLE
    by_position = sorted(runs, key=lambda run: run[2])
    assert by_position[: len(title_runs)] == sorted(title_runs, key=lambda run: run[2]), "nothing above the title"
    assert by_position[len(title_runs)][0] == "Albina Muratbekova", "the author comes right after the title"


def test_the_first_text_page_opens_with_the_title_and_the_byline(no6, no6_pages):
    document, _build = no6
    page = _without_page_furniture(no6_pages[2], document)
    assert page.startswith(f"{seed.TITLE} Interview by Albina Muratbekova with Dr Erkin Baydarov Since the beginning")


def _build_with(document, **changes):
    return pdf_module.build_pdf(dataclasses.replace(document, **changes))


def test_a_correction_note_is_printed_at_the_top_of_the_first_text_page(no6):
    document, _build = no6
    corrected_at = datetime.datetime(2019, 3, 4, 10, tzinfo=datetime.UTC)
    corrected = _build_with(document, corrections=((corrected_at, "The date of the Strategic Partnership was wrong."),))
    page = _without_page_furniture(pages_of(corrected.data)[2], document)
    byline = "Interview by Albina Muratbekova with Dr Erkin Baydarov"
    assert page.startswith(
        f"{seed.TITLE} {byline} Corrected on 4 March 2019: The date of the Strategic Partnership was wrong. Since"
    )
    assert "Corrected on" not in " ".join(pages_of(no6[1].data)), "no note where there is no correction"


def test_the_imprint_prints_the_series_licence_with_its_address(no6):
    document, build = no6
    url = "https://creativecommons.org/licenses/by/4.0/"
    licensed = _build_with(
        document, imprint=dataclasses.replace(document.imprint, licence="CC BY 4.0", licence_url=url)
    )
    reader = PdfReader(io.BytesIO(licensed.data))
    last = reader.pages[-1]
    assert f"Licence: CC BY 4.0 ({url})" in last.extract_text().splitlines()
    assert url in [a.get_object()["/A"]["/URI"] for a in last.get("/Annots", []) if "/A" in a.get_object()]
    assert "Licence" not in " ".join(pages_of(build.data)), "no licence line for a series without one"


@pytest.mark.django_db
def test_editors_set_the_series_licence_in_the_series_form_and_the_issue_document_carries_it(admin_client):
    issue = make_interview()
    html = admin_client.get(reverse("admin:briefs_series_change", args=[issue.series.pk])).content.decode()
    assert '<select name="licence"' in html and "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)" in html
    type(issue.series).objects.filter(pk=issue.series.pk).update(licence="CC-BY-4.0")
    imprint = issue_document(Issue.objects.select_related("series__programme").get(pk=issue.pk)).imprint
    assert (imprint.licence, imprint.licence_url) == ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")


NO6_DOI_URL = "https://doi.org/10.5555/eucacis-in-brief.6"
#: Every character a DOI's suffix may hold (briefs.dois), in a suffix long enough to wrap.
ODD_DOI = "10.5555/a_b(1);c/d:e-f." + "long-suffix-" * 6 + "6"


def _link_targets(page):
    return [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", []) if "/URI" in a.get_object().get("/A", {})]


def test_the_cover_prints_the_doi_as_its_address_under_the_issn_and_links_it(no6):
    reader = PdfReader(io.BytesIO(no6[1].data))
    lines = reader.pages[0].extract_text().splitlines()
    assert lines[-2:] == ["ISSN 2627-7190", f"DOI {NO6_DOI_URL}"]
    assert NO6_DOI_URL in _link_targets(reader.pages[0])


def test_the_imprint_prints_the_doi_after_the_issn(no6):
    reader = PdfReader(io.BytesIO(no6[1].data))
    lines = reader.pages[-1].extract_text().splitlines()
    assert lines[lines.index("ISSN: 2627-7190") + 1] == f"DOI: {NO6_DOI_URL}"
    assert NO6_DOI_URL in _link_targets(reader.pages[-1])


def test_the_pdf_metadata_carries_the_bare_doi_as_doi(no6):
    assert PdfReader(io.BytesIO(no6[1].data)).metadata["/doi"] == "10.5555/eucacis-in-brief.6"


def test_an_issue_without_a_doi_prints_none_and_a_long_odd_one_wraps_on_the_page(no6):
    document, _build = no6
    without = PdfReader(io.BytesIO(_build_with(document, doi="").data))
    assert "DOI" not in " ".join(page.extract_text() for page in without.pages)
    assert "/doi" not in without.metadata and "doi.org" not in str(without.metadata)
    assert without.pages[0].extract_text().splitlines()[-1] == "ISSN 2627-7190"

    odd = PdfReader(io.BytesIO(_build_with(document, doi=ODD_DOI).data))
    assert odd.metadata["/doi"] == ODD_DOI
    address = f"https://doi.org/{ODD_DOI}"
    for page in (odd.pages[0], odd.pages[-1]):
        text = page.extract_text()
        assert squash(address) in squash(text) and address in _link_targets(page)
        # Broken over lines rather than run off the page (it is one word, longer than the column).
        assert not any(address in line for line in text.splitlines())


def test_the_doi_is_escaped_in_the_print_html():
    """Not a DOI the site can make: the template escapes whatever the document holds."""
    from tests.reader.scholarly_samples import scholarly_document

    html = pdf_module.print_html(scholarly_document(doi="10.5555/a<x>&\"'"))
    assert "<x>" not in html and 'content="10.5555/a&lt;x&gt;&amp;&quot;&#x27;"' in html


def test_back_matter_labels_stay_on_one_line(no6):
    lines = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(no6[1].data)).pages[-2:]).splitlines()
    for label in ["Place of publication:", "Publishers:", "Editors:", "Layout:", "ISSN:", "Internet:", "Hashtag:"]:
        assert any(line.startswith(label) for line in lines), f"{label!r} is broken over two lines"


def test_a_long_label_beside_a_long_value_stays_on_one_line(no6):
    document, _build = no6
    imprint = dataclasses.replace(document.imprint, place="Almaty, Bishkek, Dushanbe, Tashkent and Berlin " * 2)
    build = _build_with(document, imprint=imprint)
    lines = PdfReader(io.BytesIO(build.data)).pages[-1].extract_text().splitlines()
    assert any(line.startswith("Place of publication: Almaty") for line in lines)


def _unbroken(text):
    """Page text with line breaks removed but hyphenation hyphens (U+2010) kept."""
    return re.sub(r"\s+", "", text)


def test_questions_titles_and_headings_are_never_hyphenated(no6):
    text = _unbroken(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(no6[1].data)).pages))
    document, _build = no6
    pieces = [plain(question) for question, _answer in seed.QUESTIONS] + [seed.TITLE, "About the Author"]
    for piece in pieces:
        wanted = _unbroken(piece)
        hyphenated = re.search("\u2010?".join(map(re.escape, wanted)), text)
        assert hyphenated is not None, piece[:60]
        assert "\u2010" not in hyphenated.group(), f"hyphenated: {hyphenated.group()[:80]}"


@pytest.mark.parametrize("sample", ["no6", 2, 3])
def test_only_words_of_six_letters_or_more_are_hyphenated_three_either_side(no6, sample):
    from tests.printing.print_samples import article_document, random_article

    data = no6[1].data if sample == "no6" else pdf_module.build_pdf(article_document(*random_article(sample))).data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    # A note's call number may come out before the word's second part: it is not part of the word.
    breaks = re.findall(r"([^\W\d]+)\u2010\n\d*([^\W\d]+)", text)
    assert breaks, "the text has some hyphenation"
    for head, tail in breaks:
        assert len(head + tail) >= 6 and len(head) >= 3 and len(tail) >= 3, f"{head}-{tail}"


@pytest.mark.parametrize("sample", ["no6", 2, 3])
def test_names_and_other_capitalised_words_are_never_hyphenated(no6, sample):
    """“Kaza-khstan”, “Bay-darov”, “Uzbek-istan”: the dictionaries break names badly, so names stay whole."""
    from tests.printing.print_samples import article_document, random_article

    if sample == "no6":
        data = no6[1].data
    else:  # a generated article that names places in its sentences
        body, notes = random_article(sample)
        body = body.replace(" the ", " Kazakhstan, Uzbekistan and Tajikistan, the ")
        data = pdf_module.build_pdf(article_document(body, notes)).data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    breaks = re.findall(r"([^\W\d]+)\u2010\n\d*([^\W\d]+)", text)
    assert breaks, "the text has some hyphenation"
    assert not [f"{head}-{tail}" for head, tail in breaks if head[0].isupper()]
    if sample == "no6":
        assert "Kazakhstan" in _unbroken(text) and "Baydarov" in _unbroken(text)


def _longest_hyphen_ladder(data):
    """The most consecutive lines ending in a hyphenation hyphen, as pdftotext-like extraction shows them."""
    longest = run = 0
    for page in PdfReader(io.BytesIO(data)).pages:
        for line in page.extract_text().splitlines():
            run = run + 1 if line.rstrip().endswith("\u2010") else 0
            longest = max(longest, run)
    return longest


def test_no_more_than_two_hyphenated_lines_in_a_row(no6):
    assert _longest_hyphen_ladder(no6[1].data) <= 2 and no6[1].longest_hyphen_run <= 2


@pytest.mark.parametrize("seed", [5, 8])
def test_a_run_of_three_hyphenated_lines_is_broken_up_by_the_build(seed):
    from tests.printing.print_samples import article_document, random_article

    document = article_document(*random_article(seed, paragraphs=25))
    html = weasyprint.HTML(string=pdf_module.print_html(document), base_url=str(pdf_module.PRINT_DIR) + "/")
    first_pass = max(len(run) for run in pdf_module.hyphen_runs(html.render()))
    if first_pass <= 2:
        pytest.skip(f"WeasyPrint hyphenated at most two lines in a row in article {seed} at once")
    build = pdf_module.build_pdf(document)
    assert build.longest_hyphen_run <= 2 and _longest_hyphen_ladder(build.data) <= 2
    assert all(call == note for call, note in build.placements.values())
    text = " ".join(pages_of(build.data))
    assert all(text.count(f"Source {note.number}.") == 1 for note in document.notes)


def test_no_page_of_no6_leaves_more_than_a_line_empty_above_its_notes(no6):
    _document, build = no6
    assert build.note_gaps and all(gap <= 1 for gap in build.note_gaps.values()), build.note_gaps


@pytest.mark.parametrize("seed", [1, 3, 5])
def test_making_room_for_a_misplaced_note_moves_only_the_lines_it_needs(seed):
    from tests.printing.print_samples import article_document, random_article

    document = article_document(*random_article(seed, paragraphs=25))
    html = weasyprint.HTML(string=pdf_module.print_html(document), base_url=str(pdf_module.PRINT_DIR) + "/")
    first_pass = pdf_module.footnote_placements(html.render())
    moved = {n: call for n, (call, note) in first_pass.items() if call != note}
    if not moved:
        pytest.skip(f"WeasyPrint placed every note of article {seed} with its call at once")
    build = pdf_module.build_pdf(document)
    for number in moved:
        page = build.placements[number][1]
        assert build.note_gaps[page] <= 1, f"note {number}: {build.note_gaps[page]} lines empty above it on page {page}"


def test_the_inside_cover_holds_the_four_about_sections_in_order(no6_pages):
    inside = no6_pages[1]
    positions = [inside.index(title) for title, _body in seed.ABOUT_SECTIONS]
    assert positions == sorted(positions)
    for _title, body in seed.ABOUT_SECTIONS:
        for paragraph in paragraphs(body):
            assert plain(paragraph) in inside


def test_every_question_and_answer_paragraph_is_there_in_order(no6, no6_pages):
    document, build = no6
    notes = [squash(f"{n}. " + plain(seed.FOOTNOTES[label])) for label, n in PRINTED_NUMBERS.items()]
    text = squash(" ".join(_without_page_furniture(page, document) for page in no6_pages[2:]))
    for note in notes:
        assert text.count(note) == 1
        text = text.replace(note, "")
    expected = paragraphs(seed.INTRODUCTION)
    for number, (question, answer) in enumerate(seed.QUESTIONS, start=1):
        expected.append(f"{number}. " + plain(question))
        expected += [("EB: " if index == 0 else "") + p for index, p in enumerate(paragraphs(answer))]
    position = 0
    for piece in expected:
        wanted = squash(plain(piece))
        found = text.find(wanted, position)
        assert found >= 0, f"not found in order after position {position}: {plain(piece)[:80]!r}"
        position = found + len(wanted)


def test_each_footnote_is_on_the_page_of_its_reference_numbered_as_on_the_web(no6, no6_pages):
    document, build = no6
    assert [(n.number, n.label) for n in document.notes] == sorted((v, k) for k, v in PRINTED_NUMBERS.items())
    calls = {1: "economic cooperation1", 2: "Turkistan region2", 3: "planned in Kazakhstan3", 4: "First degree4"}
    for label, number in PRINTED_NUMBERS.items():
        note = squash(f"{number}. " + plain(seed.FOOTNOTES[label]))
        note_pages = [i for i, page in enumerate(no6_pages) if note in squash(page)]
        call_pages = [i for i, page in enumerate(no6_pages) if squash(calls[number]) in squash(page)]
        assert len(note_pages) == 1, f"note {number} printed {len(note_pages)} times"
        assert note_pages == call_pages, f"note {number} on page {note_pages}, its call on {call_pages}"
    assert all(call == note for call, note in build.placements.values())


def test_footnote_urls_are_clickable_links(no6):
    reader = PdfReader(io.BytesIO(no6[1].data))
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
    ]
    assert (
        "https://primeminister.kz/en/news/all/first-interregional-forum-kazakhstan-uzbekistan-held-in-shymkent-17470"
        in uris
    )


def test_the_last_pages_have_the_author_the_team_of_five_and_the_imprint(no6_pages):
    back = " ".join(no6_pages[-2:])
    assert "About the Author" in back and plain(seed.AUTHOR["biography"]) in back
    for _role, honorific, given, family, position in seed.EDITORIAL_TEAM:
        assert fold(f"{honorific} {given} {family}, {position}") in back
    for words in [
        "Publishers:",
        "Editors:",
        "Layout:",
        "Place of publication: Berlin",
        "ISSN: 2627-7190",
        "Internet: www.eucacis.eu",
        "Email: info@eucacis.eu",
        "Hashtag: #EUCACIS",
        "published in February 2019",
    ]:
        assert words in back


def test_a_running_head_and_page_number_on_every_page_but_the_cover(no6, no6_pages):
    document, build = no6
    head = "EUCACIS in Brief · No. 6 · Recent changes in the Kazakh-Uzbek relations"
    assert head not in no6_pages[0] and not re.search(r"\s1$", no6_pages[0])
    for number, page in enumerate(no6_pages[1:], start=2):
        assert head in page and page.endswith(f" {number}"), f"page {number}"


def test_the_metadata_is_set(no6):
    reader = PdfReader(io.BytesIO(no6[1].data))
    meta = reader.metadata
    assert meta.title == seed.TITLE and meta.author == "Albina Muratbekova"
    assert meta["/Subject"] == "EUCACIS in Brief No. 6"
    assert "Interview" in meta["/Keywords"] and "Erkin Baydarov" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20190201")
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en" and catalog["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in catalog


def test_only_the_shipped_fonts_are_embedded(no6):
    reader = PdfReader(io.BytesIO(no6[1].data))
    fonts = {
        font.get_object()["/BaseFont"].split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert fonts and all(name.startswith(("Brief-Serif", "Brief-Sans")) for name in fonts), fonts


def test_the_build_corrects_a_note_weasyprint_puts_on_the_page_after_its_call(no6):
    document, build = no6
    html = weasyprint.HTML(string=pdf_module.print_html(document), base_url=str(pdf_module.PRINT_DIR) + "/")
    first_pass = pdf_module.footnote_placements(html.render())
    misplaced = {n: pages for n, pages in first_pass.items() if pages[0] != pages[1]}
    if not misplaced:
        pytest.skip("WeasyPrint placed every note of No. 6 with its call (upstream #2502/#1564 fixed?)")
    assert build.passes > 1
    assert all(call == note for call, note in build.placements.values())


def test_a_note_that_cannot_be_placed_fails_the_build_loudly(no6, monkeypatch):
    document, _build = no6
    monkeypatch.setattr(pdf_module, "_make_room_for_note", lambda *args: False)
    monkeypatch.setattr(pdf_module, "footnote_placements", lambda rendered: {4: (6, 7)})
    with pytest.raises(pdf_module.FootnotePlacementError, match="footnotes \\[4\\]"):
        pdf_module.build_pdf(document)


@pytest.mark.django_db
def test_kazakh_and_uzbek_letters_come_out_as_themselves():
    issue = make_issue(
        kind="article", title="Oʻzbekiston va Қазақстан", body="<p>Oʻzbekiston, Қазақстан, Ўзбекистон.</p>"
    )
    data = pdf_module.build_pdf(issue_document(Issue.objects.select_related("series__programme").get(pk=issue.pk))).data
    text = " ".join(pages_of(data))
    assert "Oʻzbekiston, Қазақстан, Ўзбекистон." in text and "Oʻzbekiston va Қазақстан" in text


@pytest.mark.django_db
def test_a_40_question_issue_with_60_notes_prints_every_note_exactly_once():
    issue = make_interview(questions=40, footnotes=60)
    build = pdf_module.build_pdf(issue_document(Issue.objects.select_related("series__programme").get(pk=issue.pk)))
    text = " ".join(pages_of(build.data))
    for k in range(60):
        assert len(re.findall(rf"Note text {k}\b", text)) == 1, f"note text {k}"
    assert len(build.placements) == 60 and all(call == note for call, note in build.placements.values())


def test_css_strings_cannot_break_out_of_the_style_element():
    value = pdf_module.css_string('A "quoted" title</style><script>x</script>\\')
    assert "<" not in value and "</style" not in value and value.count('"') == 2


# -- built when published and when what it shows changes; never for a reader ----


@pytest.fixture
def built(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    return Issue.objects.select_related("series__programme").get(number=6)


def _stored(issue):
    return IssuePdf.objects.get(issue=issue)


@pytest.mark.django_db
def test_publishing_builds_the_pdf_and_readers_download_it(built):
    stored = _stored(built)
    assert stored.pages >= 6 and stored.version == pdf_module.pdf_version(issue_document(built))
    response = Client().get(reverse("reader:issue_pdf", args=["eucacis-in-brief", 6]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="EUCACIS-in-Brief-06-Muratbekova.pdf"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    assert stored.size == len(data)  # what feeds give as the enclosure's length


@pytest.mark.django_db
def test_the_issue_page_links_its_pdf(client, built):
    html = client.get(built.get_absolute_url()).content.decode()
    assert f'href="{reverse("reader:issue_pdf", args=["eucacis-in-brief", 6])}"' in html


@pytest.mark.django_db
def test_reading_the_page_or_the_pdf_builds_nothing(client, built):
    with mock.patch.object(pdf_files, "build_pdf", wraps=pdf_files.build_pdf) as builds:
        client.get(built.get_absolute_url())
        client.get(reverse("reader:issue_pdf", args=["eucacis-in-brief", 6]))
        client.get(reverse("reader:issue_pdf", args=["eucacis-in-brief", 6]))
    assert builds.call_count == 0


@pytest.mark.django_db
def test_a_stored_pdf_lost_from_storage_is_built_again_by_the_worker_not_by_the_reader(
    built, django_capture_on_commit_callbacks
):
    stored = _stored(built)
    stored.file.storage.delete(stored.file.name)  # lost from the disk or the bucket
    url = reverse("reader:issue_pdf", args=["eucacis-in-brief", 6])
    with mock.patch.object(pdf_files, "build_pdf", wraps=pdf_files.build_pdf) as builds:
        with django_capture_on_commit_callbacks(execute=False) as jobs:
            response = Client().get(url)
        assert builds.call_count == 0  # not built in the reader's request
    assert response.status_code == 503 and "The PDF is being prepared" in response.content.decode()
    assert len(jobs) == 1  # a build job, run once the request is over (the tests' backend: at its commit)
    jobs[0]()  # the worker's turn
    response = Client().get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_a_storage_that_cannot_say_whether_the_pdf_exists_is_a_recorded_failure_retried_later(built):
    stored = _stored(built)
    with mock.patch.object(type(stored.file.storage), "exists", side_effect=OSError("the storage does not answer")):
        assert pdf_files.refresh_issue_pdf(built) == "failed"
    failed = _stored(built)
    assert "the storage does not answer" in failed.failure and failed.attempts == 1
    assert failed.file.name == stored.file.name  # the stored PDF's record is kept
    assert pdf_files.refresh_issue_pdf(built, retry=True) == "current"  # the storage answers again
    assert _stored(built).failure == "" and _stored(built).attempts == 0  # and the editors are told nothing more


@pytest.mark.django_db
def test_an_unchanged_issue_is_never_rebuilt(built, django_capture_on_commit_callbacks):
    with mock.patch.object(pdf_files, "build_pdf", wraps=pdf_files.build_pdf) as builds:
        with django_capture_on_commit_callbacks(execute=True):
            built.save()  # saved with nothing changed
            built.contributions.first().person.save()
    assert builds.call_count == 0


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param("issue", id="editing-the-issue"),
        pytest.param("about", id="editing-an-about-section"),
        pytest.param("team", id="editing-a-team-membership"),
        pytest.param("biography", id="editing-a-printed-biography"),
        pytest.param("name", id="renaming-a-contributor"),
    ],
)
@pytest.mark.django_db
def test_a_change_to_what_the_pdf_shows_builds_a_new_one(built, edit, django_capture_on_commit_callbacks):
    before = _stored(built)
    old_file = before.file.name
    with django_capture_on_commit_callbacks(execute=True):
        if edit == "issue":
            built.title = "A corrected title"
            built.save()
        elif edit == "about":
            section = AboutSection.objects.get(title="About IEP")
            section.body = "<p>New text about IEP.</p>"
            section.save()
        elif edit == "team":
            membership = EditorialMembership.objects.get(person__family_name="Weber")
            membership.position = "Layout and design, IEP"
            membership.save()
        elif edit == "biography":
            author = built.contributions.get(role="interviewer")
            author.printed_biography = "<p>A corrected biography.</p>"
            author.save()
        elif edit == "name":
            person = built.contributions.get(role="interviewee").person
            person.family_name = "Baydarov-Kim"
            person.save()
    after = _stored(built)
    assert after.version != before.version and after.file.name != old_file
    # The replaced file stays one build longer (a download may be under way), then goes.
    assert after.previous_file == old_file and after.file.storage.exists(old_file)
    with django_capture_on_commit_callbacks(execute=True):  # removed once the row no longer naming it is committed
        pdf_files.refresh_issue_pdf(
            Issue.objects.filter(pk=built.pk).update(slug="moved") and Issue.objects.get(pk=built.pk)
        )
    assert not after.file.storage.exists(old_file), "the file two builds old is removed"
    data = after.file.read()
    # The interviewee is named in the PDF's metadata (the cover names the author only).
    text = " ".join(pages_of(data)) + PdfReader(io.BytesIO(data)).metadata["/Keywords"]
    expected = {
        "issue": "A corrected title",
        "about": "New text about IEP.",
        "team": "Layout and design, IEP",
        "biography": "A corrected biography.",
        "name": "Erkin Baydarov-Kim",
    }[edit]
    assert expected in text


@pytest.mark.django_db
def test_a_stale_pdf_is_never_served(client, built):
    Issue.objects.filter(pk=built.pk).update(title="Changed behind the signals' back")
    response = client.get(reverse("reader:issue_pdf", args=["eucacis-in-brief", 6]))
    assert response.status_code == 503 and response["Retry-After"]
    assert "being prepared" in response.content.decode()


@pytest.mark.django_db
def test_a_draft_pdf_is_404_for_the_public_and_marked_draft_on_every_page_for_staff(
    editor_client, django_capture_on_commit_callbacks
):
    draft = make_interview(status=Issue.Status.DRAFT, footnotes=2)
    url = reverse("reader:issue_pdf", args=[draft.series.slug, draft.number])
    assert Client().get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):  # the worker's job, run in-process here
        first = editor_client.get(url)
    assert (
        first.status_code == 503 and "being prepared" in first.content.decode() and "no-cache" in first["Cache-Control"]
    )
    response = editor_client.get(url)
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    pages = pages_of(b"".join(response.streaming_content))
    assert len(pages) >= 3 and all("DRAFT" in page for page in pages)
    assert not IssuePdf.objects.exists(), "a draft's PDF is not stored"


@pytest.mark.django_db
def test_returning_an_issue_to_draft_removes_its_stored_pdf(built, django_capture_on_commit_callbacks):
    name = _stored(built).file.name
    with django_capture_on_commit_callbacks(execute=True):
        built.status = Issue.Status.DRAFT
        built.save()
    assert not IssuePdf.objects.exists()
    assert not IssuePdf.file.field.storage.exists(name)


@pytest.mark.django_db
def test_a_scheduled_issue_has_its_pdf_ready_but_not_public(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue = make_interview(publication_date=datetime.date(2999, 1, 1))
    url = reverse("reader:issue_pdf", args=[issue.series.slug, issue.number])
    assert IssuePdf.objects.filter(issue=issue).exists()
    assert Client().get(url).status_code == 404
    assert editor_client.get(url).status_code == 200


@pytest.mark.django_db
def test_build_pdfs_builds_what_is_missing_and_leaves_current_pdfs_alone(built):
    IssuePdf.objects.all().delete()
    out = io.StringIO()
    call_command("build_pdfs", stdout=out)
    assert "No. 6: built" in out.getvalue() and "1 built, 0 already current, 0 failed." in out.getvalue()
    out = io.StringIO()
    call_command("build_pdfs", stdout=out)
    assert "0 built, 1 already current" in out.getvalue()


@pytest.mark.django_db
def test_the_issue_form_tells_the_editor_about_the_pdf(built, editor_client):
    change = reverse("admin:briefs_issue_change", args=[built.pk])
    html = editor_client.get(change).content.decode()
    assert "Download</a> (" in html and "pages, built" in html
    Issue.objects.filter(pk=built.pk).update(title="Changed behind the signals' back")
    assert "Being made again by the background worker" in editor_client.get(change).content.decode()
    draft = make_interview(status=Issue.Status.DRAFT)
    html = editor_client.get(reverse("admin:briefs_issue_change", args=[draft.pk])).content.decode()
    assert "Download a preview marked DRAFT" in html


@pytest.mark.django_db
def test_a_staff_preview_is_made_even_when_a_note_cannot_be_placed(no6, monkeypatch, caplog):
    document, _build = no6
    monkeypatch.setattr(pdf_module, "_make_room_for_note", lambda *args: False)
    monkeypatch.setattr(pdf_module, "footnote_placements", lambda rendered: {4: (6, 7)})
    build = pdf_module.build_pdf(document, draft=True, strict=False)
    assert build.data.startswith(b"%PDF-") and "could not be placed" in caplog.text


def test_no_thread_is_started_in_the_web_process_for_a_change_to_many_issues(editor_client, monkeypatch):
    """A change to a whole series enqueues jobs for the worker process; the web process starts no thread."""
    import threading

    from jobs.queue import one_job_per_issue

    series = make_interview().series
    for _ in range(4):
        make_interview(series)
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread.name))
    with one_job_per_issue():
        series.name = "Renamed series"
        series.save()
    response = editor_client.post(reverse("admin:briefs_series_change", args=[series.pk]), {})  # any admin request
    assert response.status_code in (200, 302)
    assert started == []


@pytest.mark.parametrize("seed", [1, 3, 5])
def test_generated_articles_whose_notes_weasyprint_misplaces_get_every_note_beside_its_call(seed):
    from tests.printing.print_samples import article_document, random_article

    document = article_document(*random_article(seed, paragraphs=25))
    html = weasyprint.HTML(string=pdf_module.print_html(document), base_url=str(pdf_module.PRINT_DIR) + "/")
    first_pass = pdf_module.footnote_placements(html.render())
    if all(call == note for call, note in first_pass.values()):
        pytest.skip(f"WeasyPrint placed every note of article {seed} with its call at once")
    build = pdf_module.build_pdf(document)
    assert build.passes > 1
    assert len(build.placements) == len(document.notes)
    assert all(call == note for call, note in build.placements.values()), build.placements
    text = " ".join(pages_of(build.data))
    for note in document.notes:
        assert text.count(f"Source {note.number}.") == 1


# -- when a build fails, and what the fonts cannot print ------------------------


def _failing_build(*args, **kwargs):
    raise pdf_module.FootnotePlacementError(
        "EUCACIS in Brief No. 6: footnotes [4] could not be placed on the page that cites them"
    )


@pytest.mark.django_db
def test_a_failed_build_is_told_to_the_editor_and_readers_are_told_the_pdf_is_unavailable(
    built, editor_client, client, django_capture_on_commit_callbacks
):
    change = reverse("admin:briefs_issue_change", args=[built.pk])
    page = editor_client.get(change)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"title": "A corrected title", "publication_date": "2019-02-01"}
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data |= {f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()}
        for i, f in enumerate(fs.forms):
            for name in f.fields:
                value = f[name].value()
                data[f"{fs.prefix}-{i}-{name}"] = "" if value is None else (value.pk if hasattr(value, "pk") else value)
    publish_change = reverse("admin:briefs_issue_transition", args=["publish_change"]) + f"?ids={built.pk}"
    with mock.patch.object(pdf_files, "build_pdf", side_effect=_failing_build) as builds:
        editor_client.post(change, data)  # prepares the change: nothing is built for it yet
        assert builds.call_count == 0
        with django_capture_on_commit_callbacks(execute=True):  # the job runs once the publication commits
            response = editor_client.post(
                publish_change, {"ids": str(built.pk), "comment": "Title corrected."}, follow=True
            )
        assert builds.call_count == 1
        assert "The PDF is being made in the background" in response.content.decode()
        html = editor_client.get(change).content.decode()
        assert "Could not be built</strong> (1 failed attempt" in html
        assert "footnotes [4] could not be placed" in html and "The background worker tries again at" in html
        listing = editor_client.get(reverse("admin:briefs_issue_changelist")).content.decode()
        assert (
            "Could not be built</strong> (1 attempt, tried again at" in listing
            and "footnotes [4] could not be placed" in listing
        )
        pdf = IssuePdf.objects.get(issue=built)
        assert pdf.attempts == 1 and pdf.next_retry_at is not None and pdf.failed_at <= pdf.next_retry_at
        reader = client.get(reverse("reader:issue_pdf", args=["eucacis-in-brief", 6]))
        assert reader.status_code == 503 and "not available at the moment" in reader.content.decode()
        assert "Retry-After" not in reader
        # The same version is not built again by an unrelated job before its retry is due...
        assert pdf_files.refresh_issue_pdf(Issue.objects.get(pk=built.pk)) == "waiting"
        assert builds.call_count == 1
        # ...and when it is due, the failure is counted again, with a longer wait.
        IssuePdf.objects.filter(issue=built).update(next_retry_at=pdf.failed_at)
        assert pdf_files.refresh_issue_pdf(Issue.objects.get(pk=built.pk)) == "failed"
        second = IssuePdf.objects.get(issue=built)
        assert second.attempts == 2 and second.next_retry_at - second.failed_at > pdf.next_retry_at - pdf.failed_at
    # ...but build_pdfs --retry tries it again.
    out = io.StringIO()
    call_command("build_pdfs", "--retry", stdout=out)
    assert "No. 6: built" in out.getvalue()
    assert client.get(reverse("reader:issue_pdf", args=["eucacis-in-brief", 6])).status_code == 200


@pytest.mark.django_db
def test_build_pdfs_reports_failures_and_fails_only_when_asked(built):
    IssuePdf.objects.all().delete()
    with mock.patch.object(pdf_files, "build_pdf", side_effect=_failing_build):
        err = io.StringIO()
        call_command("build_pdfs", stdout=io.StringIO(), stderr=err)
        assert "No. 6 could not be built: EUCACIS in Brief No. 6: footnotes [4]" in err.getvalue()
        with pytest.raises(SystemExit):
            call_command("build_pdfs", "--retry", "--fail-on-error", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_characters_the_fonts_lack_are_reported_to_the_editor(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue = make_issue(kind="article", title="Smiles 😀 and Oʻzbekiston\u2028", body="<p>Text ✓ here.</p>")
    stored = IssuePdf.objects.get(issue=issue)
    assert stored.missing_glyphs == "😀✓"
    html = editor_client.get(reverse("admin:briefs_issue_change", args=[issue.pk])).content.decode()
    field = re.search(r"field-printed_pdf.*?<div class=\"readonly\">(.*?)</div>", html, re.S).group(1)
    assert "Its fonts lack these characters" in field and "😀 (U+1F600), ✓ (U+2713)" in field, field
    text = " ".join(pages_of(stored.file.read()))
    assert "\u2028" not in text and "Smiles" in text and "Oʻzbekiston" in text


def test_no6_needs_no_character_the_fonts_lack(no6):
    assert no6[1].missing_glyphs == ()


# -- moves and edits behind the signals' back ------------------------------------


@pytest.mark.django_db
def test_moving_a_team_term_to_another_series_rebuilds_the_series_it_left(
    built, django_capture_on_commit_callbacks, client
):
    from tests.conftest import make_series

    other = make_series()
    before = _stored(built).version
    membership = EditorialMembership.objects.get(person__family_name="Weber")
    with django_capture_on_commit_callbacks(execute=True):
        membership.series = other
        membership.save()
    assert _stored(built).version != before
    assert "Fabian Weber" not in " ".join(pages_of(_stored(built).file.read()))
    assert "Fabian Weber" not in client.get(built.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_moving_a_contribution_to_another_issue_rebuilds_the_issue_it_left(built, django_capture_on_commit_callbacks):
    other = make_interview(built.series)
    before = _stored(built).version
    contribution = built.contributions.get(role="interviewee")
    with django_capture_on_commit_callbacks(execute=True):
        contribution.issue = other
        contribution.save()
    assert _stored(built).version != before


@pytest.mark.django_db
def test_build_pdfs_makes_every_worker_read_the_front_matter_again(built):
    from briefs.front_matter import front_matter

    series = built.series
    front_matter(series)  # this process has it cached
    AboutSection.objects.filter(title="About IEP").update(body="<p>Changed by a queryset update.</p>")
    call_command("build_pdfs", stdout=io.StringIO())
    series.refresh_from_db()
    assert "Changed by a queryset update." in [s.body for s in front_matter(series).about_sections][2]
    assert "Changed by a queryset update." in " ".join(pages_of(_stored(built).file.read()))


@pytest.mark.django_db
def test_saving_a_series_never_brings_back_an_older_front_matter_token(built):
    from briefs.models import series_front_matter_changed

    stale = built.series  # loaded with the current token
    series_front_matter_changed([stale.pk])  # another process changes an about section
    newer = type(stale).objects.get(pk=stale.pk).front_matter_token
    stale.save()  # would write the old token back
    assert type(stale).objects.get(pk=stale.pk).front_matter_token not in {stale.front_matter_token, newer}


@pytest.mark.django_db
def test_a_clash_with_a_build_running_elsewhere_does_not_break_the_editors_save(built):
    def clash(issue, **kwargs):  # another request created the row first
        IssuePdf.objects.create(issue=issue, version="x")

    assert IssuePdf.objects.filter(issue=built).exists()
    with mock.patch.object(pdf_files, "refresh_issue_pdf", side_effect=clash):
        results = pdf_files.refresh_issue_pdfs(Issue.objects.filter(pk=built.pk))
    assert results == {built.pk: "failed"}
    assert Issue.objects.filter(pk=built.pk).exists()  # the transaction is still usable
