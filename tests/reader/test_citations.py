"""Citations in APA, Chicago and Harvard (CSL via citeproc-py), BibTeX and RIS.

No database: documents are assembled from unsaved objects (scholarly_samples).
BibTeX is read back with bibtexparser 2, RIS by its line format (``XX  - value``).
"""

import re
from html import unescape

import bibtexparser
import pytest
from bibtexparser import middlewares

from reader import citations
from reader.citations import bibtex, csl_item, formatted_citations, latex_escape, render_csl, ris
from tests.reader.scholarly_samples import (
    ALBINA,
    CYRILLIC,
    ERKIN,
    LINKS,
    OKINA,
    UZBEK,
    VAN_DER_BERG,
    scholarly_document,
)


def plain(html):
    return unescape(re.sub(r"<[^>]+>", "", html))


def rendered(document):
    return {c.key: c.html for c in render_csl(csl_item(document, LINKS))}


def parse_bibtex(text, *, decode=True):
    extra = [middlewares.LatexDecodingMiddleware()] if decode else []
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            *extra,
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.MonthIntMiddleware(True),
        ],
    )
    assert not library.failed_blocks, library.failed_blocks
    (entry,) = library.entries
    return entry


def parse_ris(text):
    """``[(tag, value), …]`` of one RIS record, checking the line format as it goes."""
    assert text.endswith("ER  - \r\n")
    lines = text.split("\r\n")[:-1]
    fields = []
    for line in lines:
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert match, f"not a RIS line: {line!r}"
        fields.append(match.groups())
    assert fields[0] == ("TY", "RPRT") and fields[-1] == ("ER", "")
    return fields


def ris_values(fields, tag):
    return [value for t, value in fields if t == tag]


# -- the three styles ------------------------------------------------------------


def test_no6_like_interview_in_apa_chicago_and_harvard():
    styles = {key: plain(html) for key, html in rendered(scholarly_document()).items()}
    title = "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"
    publisher = "The EU, Central Asia and the Caucasus in the International System (EUCACIS)"
    assert styles["apa"] == f"Muratbekova, A. (2019). {title} (EUCACIS in Brief No. 6). {publisher}. {LINKS.page}"
    assert styles["chicago"] == (
        "Muratbekova, Albina. 2019. Recent Changes in the Kazakh-Uzbek Relations: Interview with Erkin Baydarov. "
        f"EUCACIS in Brief No. 6. {publisher}. {LINKS.page}."
    )
    assert (
        styles["harvard"]
        == f"Muratbekova, A. (2019) {title}. EUCACIS in Brief 6. Berlin: {publisher}. Available at: {LINKS.page}."
    )


def test_the_title_is_in_italics_and_the_series_is_named_once():
    for key, html in rendered(scholarly_document()).items():
        assert "<i>Recent" in html, key
        assert plain(html).count("EUCACIS in Brief") == 1, key


def test_the_interviewee_is_not_an_author_of_the_citation():
    for key, html in rendered(scholarly_document()).items():
        assert not plain(html).startswith("Baydarov"), key
        assert "Dr" not in plain(html).split("(")[0], key


def test_chicago_keeps_given_names_whole_although_citeproc_py_would_initialise_them():
    # citeproc-py ignores CSL's initialize="false" (reader.citations._patch_initialize).
    assert plain(rendered(scholarly_document(authors=(ALBINA, VAN_DER_BERG)))["chicago"]).startswith(
        "Muratbekova, Albina, and Jan van der Berg. 2019."
    )


@pytest.mark.parametrize(
    "author, apa, chicago, harvard",
    [
        # Chicago demotes the particle of an inverted name, as CSL's default and CMOS do (“Gogh, Vincent van”)
        (VAN_DER_BERG, "van der Berg, J. (2019).", "Berg, Jan van der. 2019.", "van der Berg, J. (2019)"),
        (CYRILLIC, "Жумабаева, А. (2019).", "Жумабаева, Айгерим. 2019.", "Жумабаева, А. (2019)"),
        (UZBEK, f"O{OKINA}rinov, G. (2019).", f"O{OKINA}rinov, G{OKINA}ulom. 2019.", f"O{OKINA}rinov, G. (2019)"),
        (ERKIN, "Baydarov, E. (2019).", "Baydarov, Erkin. 2019.", "Baydarov, E. (2019)"),
    ],
)
def test_names_in_each_style_particles_cyrillic_okina_and_no_honorific(author, apa, chicago, harvard):
    styles = {
        key: plain(html)
        for key, html in rendered(scholarly_document(authors=(author,), kind="article", interviewees=())).items()
    }
    assert styles["apa"].startswith(apa)
    assert styles["chicago"].startswith(chicago)
    assert styles["harvard"].startswith(harvard)
    for text in styles.values():
        assert "Dr" not in text and "Prof" not in text


def test_the_csl_item_is_a_report_with_its_number_publisher_and_address():
    item = csl_item(scholarly_document(authors=(VAN_DER_BERG,)), LINKS)
    assert item["type"] == "report" and item["number"] == "6" and item["genre"] == "EUCACIS in Brief"
    assert item["author"] == [{"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}]
    assert item["URL"] == LINKS.page and item["ISSN"] == "2627-7190" and item["publisher-place"] == "Berlin"
    assert item["issued"] == {"date-parts": [[2019, 2, 1]]}


def test_citation_text_is_escaped_as_html_and_carries_no_inline_style():
    for html in rendered(scholarly_document(title="Trade <script>alert(1)</script> & tariffs")).values():
        assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; tariffs" in html.lower()
        assert "style=" not in html  # the Content-Security-Policy allows no inline style


# -- rendered once ------------------------------------------------------------------


def test_citations_are_rendered_once_and_then_kept(monkeypatch):
    calls = []
    real = citations.render_csl
    monkeypatch.setattr(citations, "render_csl", lambda item: calls.append(item) or real(item))
    citations._recent.clear()
    item = csl_item(scholarly_document(), LINKS)
    first = formatted_citations(item)
    assert formatted_citations(dict(item)) == first and len(calls) == 1
    # another worker: not in this process, but in the shared cache
    citations._recent.clear()
    assert formatted_citations(item) == first and len(calls) == 1
    # a change anything cited shows is a new key, rendered again
    changed = formatted_citations(csl_item(scholarly_document(title="Another title"), LINKS))
    assert len(calls) == 2 and "Another title" in changed[0].html


# -- BibTeX -------------------------------------------------------------------------


def test_bibtex_is_a_techreport_that_bibtexparser_reads():
    text = bibtex(scholarly_document(), LINKS)
    entry = parse_bibtex(text)
    assert entry.entry_type == "techreport" and entry.key == "eucacis-in-brief-06"
    fields = entry.fields_dict
    assert fields["institution"].value == "The EU, Central Asia and the Caucasus in the International System (EUCACIS)"
    assert fields["type"].value == "EUCACIS in Brief" and fields["number"].value == "6"
    assert fields["year"].value == "2019" and fields["month"].value == 2
    # the month is BibTeX's macro, unbraced, so that styles print the month's name
    assert re.search(r"^  month +\= feb,$", text, re.M)
    assert fields["url"].value == LINKS.page and fields["address"].value == "Berlin"
    assert fields["issn"].value == "2627-7190"
    assert fields["title"].value == "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"
    (author,) = fields["author"].value
    assert (author.first, author.von, author.last) == (["Albina"], [], ["Muratbekova"])


def test_bibtex_names_particles_braced_cyrillic_and_okina_kept_no_honorific():
    text = bibtex(scholarly_document(authors=(VAN_DER_BERG, CYRILLIC, UZBEK), kind="article", interviewees=()), LINKS)
    assert "author      = {{van der Berg}, Jan and Жумабаева, Айгерим and " + f"O{OKINA}rinov, G{OKINA}ulom}}," in text
    authors = parse_bibtex(text, decode=False).fields_dict["author"].value
    assert [(a.first, a.last) for a in authors] == [
        (["Jan"], ["{van der Berg}"]),
        (["Айгерим"], ["Жумабаева"]),
        ([f"G{OKINA}ulom"], [f"O{OKINA}rinov"]),
    ]
    assert "Dr" not in text.split("title")[0] and "Prof" not in text


def test_bibtex_escapes_latex_specials_and_keeps_unicode():
    title = f"Tariffs & trade: 50% of $3 #1 in O{OKINA}zbekiston_{{Қазақстан}} ~ C:\\tmp ^"
    text = bibtex(scholarly_document(title=title), LINKS)
    raw = parse_bibtex(text, decode=False).fields_dict["title"].value
    assert raw == "{" + latex_escape(title) + "}"
    assert r"\&" in raw and r"\%" in raw and r"\$" in raw and r"\#" in raw and r"\_" in raw and r"\{" in raw
    assert f"O{OKINA}zbekiston" in raw and "Қазақстан" in raw  # Unicode kept, not \\'-escaped
    decoded = parse_bibtex(text).fields_dict["title"].value
    assert decoded.startswith(f"Tariffs & trade: 50% of $3 #1 in O{OKINA}zbekiston_{{Қазақстан}} ~ C:\\tmp")


def test_a_title_cannot_break_out_of_its_bibtex_field():
    text = bibtex(scholarly_document(title="Closing } brace, then @misc{evil, title={x}}"), LINKS)
    library = bibtexparser.parse_string(text)
    assert len(library.entries) == 1 and not library.failed_blocks


# -- RIS ------------------------------------------------------------------------------


def test_ris_is_a_report_record_with_every_field():
    fields = parse_ris(ris(scholarly_document(), LINKS))
    tags = dict(fields)
    assert ris_values(fields, "AU") == ["Muratbekova, Albina"]
    assert tags["TI"] == "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"
    assert tags["M3"] == "EUCACIS in Brief" and "T2" not in tags and tags["SN"] == "6"
    assert tags["PY"] == "2019" and tags["DA"] == "2019/02/01/"
    assert tags["PB"] == "The EU, Central Asia and the Caucasus in the International System (EUCACIS)"
    assert tags["CY"] == "Berlin" and tags["LA"] == "en"
    assert tags["UR"] == LINKS.page and tags["L1"] == LINKS.pdf
    assert tags["AB"].startswith("Since 2016, relations deepened.") and "[^" not in tags["AB"]
    assert "EUCACIS in Brief" in ris_values(fields, "KW")


def test_ris_names_and_values_stay_on_one_line():
    document = scholarly_document(
        authors=(VAN_DER_BERG, CYRILLIC, UZBEK), kind="article", interviewees=(), title="A\ntitle\r\non lines"
    )
    fields = parse_ris(ris(document, LINKS))
    assert ris_values(fields, "AU") == ["van der Berg, Jan", "Жумабаева, Айгерим", f"O{OKINA}rinov, G{OKINA}ulom"]
    assert dict(fields)["TI"] == "A title on lines"
