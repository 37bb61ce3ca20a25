"""A programme officer imports fellows in Chromium: a refused file is kept, the preview shows every column."""

from pathlib import Path

import pytest

from tests.conftest import make_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path("/tmp/h-fellows-shots")
ROWS = [
    "given name,family name,email,start year,end year,home institution,city,country,discipline,thesis title,listed",
    "太郎,山田,taro@example.org,2017,2019,Al-Farabi Kazakh National University,Almaty,Kazakhstan,Political science,"
    "Water sharing on the Syr Darya between Kazakhstan and Uzbekistan since 1991,no",
    "Nino,Beridze,,2019,2021,Tbilisi State University,Tbilisi,GE,economics,Energy transit,yes",
]


def axe_violations(page):
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => (await axe.run(document.querySelector('#content'),
             {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))
           .violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '))"""
    )


def test_a_file_refused_for_its_encoding_is_kept_and_the_preview_shows_every_column(
    page, live_server, django_user_model
):
    django_user_model.objects.create_superuser("officer", "officer@example.org", "pw-for-tests-only")
    programme = make_programme()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/people/fellowship/import/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/fellowship/import/")

    assert page.get_by_label("Programme").input_value() == str(programme.pk)  # the only one, chosen already
    page.get_by_label("Spreadsheet").set_input_files(
        files=[{"name": "japan.csv", "mimeType": "text/csv", "buffer": "\n".join(ROWS).encode("shift_jis")}]
    )
    page.get_by_role("button", name="Preview import").click()
    assert "Shift-JIS" in page.locator(".errorlist").inner_text()
    note = page.locator("#id_file_helptext")
    assert note.inner_text().startswith("japan.csv kept; choose another file to replace it.")
    assert page.get_by_label("Spreadsheet").get_attribute("aria-describedby").startswith("id_file_helptext")
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "import-file-kept.png"), full_page=True)

    page.get_by_label("Encoding").select_option("cp932")  # no need to choose the file again
    page.get_by_role("button", name="Preview import").click()
    table = page.locator("#import-preview")
    headings = [text.strip() for text in table.locator("thead th").all_text_contents()]
    first = dict(zip(headings, table.locator("tbody tr").first.locator("td").all_inner_texts(), strict=True))
    assert first == {
        "Row": "2",
        "Name": "太郎 山田",
        "Cohort": "2017–2019",
        "Result": "new person",
        "Listed publicly": "no",
        "Email": "taro@example.org",
        "Home institution": "Al-Farabi Kazakh National University",
        "City": "Almaty",
        "Country": "Kazakhstan",
        "Discipline": "Political science",
        "Thesis title": "Water sharing on the Syr Darya between Kazakhstan and Uzbekistan since 1991",
    }
    # The result comes before the details, so it is in view; the details scroll sideways in their own region
    # and the page itself does not grow wider than 1280 px.
    box = page.locator("#import-preview tbody tr").first.locator("td.result").bounding_box()
    assert box["x"] + box["width"] <= 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "import-preview.png"), full_page=True)

    page.get_by_role("button", name="Import 2 rows").click()
    assert "2 fellowships added" in page.locator(".messagelist").inner_text()
    assert "2 new people" in page.locator(".messagelist").inner_text()
