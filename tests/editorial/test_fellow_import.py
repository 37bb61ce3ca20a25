"""Importing fellows from a spreadsheet: reading, per-row checks, all-or-nothing writes."""

import codecs
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from editorial.fellow_import import ImportFileError, apply_import, decode, plan_import, read_table
from people.models import Fellowship, Person
from tests.conftest import make_fellowship, make_person, make_programme, make_staff

HEADER = "given name,family name,email,start year,end year,home institution,city,country,discipline,thesis title"
GOOD = [
    "Albina,Muratbekova,albina@example.org,2017,2019,Al Farabi Kazakh National University,Almaty,Kazakhstan,Political science,China-India border issues",
    "Nino,Beridze,,2019,2021,Tbilisi State University,Tbilisi,GE,economics,Energy transit",
]


def csv_bytes(*rows, header=HEADER, encoding="utf-8"):
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def plan(data, programme, name="fellows.csv", encoding="auto"):
    header, rows, _used = read_table(name, data, encoding)
    return plan_import(header, rows, programme=programme)


# ----------------------------------------------------------------- reading


def test_utf8_with_or_without_a_byte_order_mark_is_read():
    assert decode("Müller".encode("utf-8-sig")) == ("Müller", "utf-8")
    assert decode("Müller".encode()) == ("Müller", "utf-8")


def test_excel_windows_1252_csv_is_read_correctly_not_garbled():
    assert decode("José Müller, Zoë".encode("cp1252")) == ("José Müller, Zoë", "cp1252")


def test_cyrillic_that_is_not_utf8_is_refused_with_a_way_out_then_read_when_named():
    data = "Алина,Муратбекова".encode("cp1251")
    with pytest.raises(ImportFileError, match="Windows-1251"):
        decode(data)
    assert decode(data, "cp1251") == ("Алина,Муратбекова", "cp1251")


def test_a_wrong_explicit_encoding_is_refused_not_guessed():
    with pytest.raises(ImportFileError, match="not valid UTF-8"):
        decode("Müller".encode("cp1252"), "utf-8")


def test_utf16_from_excel_unicode_text_is_read_by_its_byte_order_mark():
    header, rows, used = read_table("f.csv", "given name\tfamily name\nAsel\tNurova\n".encode("utf-16"))
    assert (header, rows, used) == (["given name", "family name"], [["Asel", "Nurova"]], "utf-16")


def test_semicolon_separated_csv_from_a_european_excel_is_read():
    header, rows, _ = read_table("f.csv", b"given name;family name;start year;end year\nAsel;Nurova;2017;2019\n")
    assert rows == [["Asel", "Nurova", "2017", "2019"]]


def test_xlsx_is_read_with_years_as_whole_numbers():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Given name", "Family name", "Start year", "End year", "Country"])
    book.active.append(["Asel", "Nurova", 2017, 2019.0, "KZ"])
    buffer = io.BytesIO()
    book.save(buffer)
    header, rows, used = read_table("fellows.xlsx", buffer.getvalue())
    assert rows == [["Asel", "Nurova", "2017", "2019", "KZ"]] and used == "xlsx"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("f.xlsx", bytes(range(256)) * 4, "This is not a .xlsx file"),
        ("f.xls", b"x", "Save it as .xlsx"),
        ("f.csv", b"", "empty"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(name, data, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(name, data)


# ----------------------------------------------------------------- planning


@pytest.mark.django_db
def test_missing_required_columns_are_named():
    with pytest.raises(ImportFileError, match="Missing: start year, end year"):
        plan(b"given name,family name\nA,B\n", make_programme())


@pytest.mark.django_db
def test_each_row_error_names_its_row_column_and_reason():
    rows = [
        GOOD[0],
        ",Nurova,,2017,2019,,,KZ,,",  # row 3: missing given name
        "Asel,Nurova,,2019,2017,,,KZ,,",  # row 4: reversed years
        "Dana,Sadykova,,2017,2019,,,Kazakstan,,",  # row 5: unknown country
        "Albina,Muratbekova,albina@example.org,2017,2019,,,KZ,,",  # row 6: duplicate of row 2
        "Timur,Aliev,,20x7,2019,,,KZ,,",  # row 7: bad year
        "Timur,Aliev,not-an-email,2017,2019,,,KZ,Astrology,",  # row 8: email and discipline
    ]
    result = plan(csv_bytes(*rows), make_programme())
    errors = {r.number: r.errors for r in result.rows}
    assert errors[2] == [("email", "the same email as row 6: an email must belong to one person, on one row")]
    assert errors[3] == [("given name", "missing")]
    assert errors[4] == [("end year", "the year range is reversed: it ends in 2017, before it starts in 2019")]
    assert errors[5][0][0] == "country" and "unknown country “Kazakstan”" in errors[5][0][1]
    assert errors[6] == [("email", "the same email as row 2: an email must belong to one person, on one row")]
    assert errors[7] == [("start year", "“20x7” is not a year between 1950 and 2100")]
    assert [c for c, _ in errors[8]] == ["email", "discipline"]


@pytest.mark.django_db
def test_the_same_person_and_cohort_twice_is_an_error_on_the_second_row():
    rows = [GOOD[1], GOOD[1].replace("Tbilisi,GE", "Batumi,GE")]
    assert [r.errors for r in plan(csv_bytes(*rows), make_programme()).rows] == [
        [],
        [("", "duplicate of row 2: the same person and cohort")],
    ]


@pytest.mark.django_db
def test_people_are_matched_by_email_then_by_name_and_new_ones_are_flagged():
    programme = make_programme()
    by_email = make_person(given_name="Albina", family_name="M.", email="ALBINA@example.org")
    by_name = make_person(given_name="Nino", family_name="Beridze")
    result = plan(csv_bytes(*GOOD, "New,Person,,2017,2019,,,KZ,,"), programme)
    assert [(r.outcome, r.person) for r in result.rows] == [
        ("existing person", by_email),
        ("existing person", by_name),
        ("new person", None),
    ]


@pytest.mark.django_db
def test_two_people_with_the_same_name_need_an_email_to_tell_them_apart():
    make_person(given_name="Nino", family_name="Beridze")
    make_person(given_name="Nino", family_name="Beridze")
    (row,) = plan(csv_bytes(GOOD[1]), make_programme()).rows
    assert row.errors == [("email", "several people have this name; add their email address to say which one")]


@pytest.mark.django_db
def test_a_cohort_column_can_replace_start_and_end_years():
    result = plan(b"given name,family name,cohort\nAsel,Nurova,2017-2019\nB,C,soon\n", make_programme())
    assert (result.rows[0].values["start_year"], result.rows[0].values["end_year"]) == (2017, 2019)
    assert result.rows[1].errors == [("cohort", "“soon” is not a cohort like 2017-2019")]


@pytest.mark.django_db
def test_planning_writes_nothing_and_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    programme = make_programme()
    rows = [f"Given{i},Family{i},p{i}@example.org,2017,2019,,,KZ,," for i in range(300)]
    with django_assert_max_num_queries(2):
        result = plan(csv_bytes(*rows), programme)
    assert len(result.valid) == 300 and not Person.objects.filter(email__startswith="p").exists()


# ----------------------------------------------------------------- writing


@pytest.mark.django_db
def test_importing_creates_people_and_fellowships_and_a_second_import_changes_nothing():
    programme = make_programme()
    data = csv_bytes(*GOOD)
    report = apply_import(plan(data, programme))
    assert (report.people_created, report.fellowships_created) == (2, 2)
    albina = Person.objects.get(email="albina@example.org")
    fellowship = albina.fellowships.get()
    assert (fellowship.cohort, fellowship.country.code, fellowship.discipline) == (
        "2017–2019",
        "KZ",
        "political-science",
    )
    again = apply_import(plan(data, programme))
    assert (again.people_created, again.fellowships_created, again.fellowships_unchanged) == (0, 0, 2)
    assert Person.objects.count() == 2 and Fellowship.objects.count() == 2


@pytest.mark.django_db
def test_a_corrected_row_updates_the_existing_fellowship():
    programme = make_programme()
    apply_import(plan(csv_bytes(GOOD[0]), programme))
    report = apply_import(plan(csv_bytes(GOOD[0].replace("Almaty", "Astana")), programme))
    assert report.fellowships_updated == 1 and Fellowship.objects.get().city == "Astana"


@pytest.mark.django_db(transaction=True)
def test_a_failure_midway_leaves_the_database_as_it_was(monkeypatch):
    programme = make_programme()
    existing = make_fellowship(
        person=make_person(given_name="Nino", family_name="Beridze"),
        programme=programme,
        start_year=2019,
        end_year=2021,
        city="Old city",
    )
    rows = [f"Given{i},Family{i},,2017,2019,,,KZ,," for i in range(5)]
    result = plan(csv_bytes(GOOD[1], *rows), programme)
    real_create = Fellowship.objects.create
    calls = []

    def failing_create(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(Fellowship.objects, "create", failing_create)
    with pytest.raises(RuntimeError):
        apply_import(result)
    assert Person.objects.count() == 1 and Fellowship.objects.count() == 1
    existing.refresh_from_db()
    assert existing.city == "Old city"


# ----------------------------------------------------------------- admin

IMPORT = reverse("admin:people_fellowship_import")


def named(data, name):
    file = io.BytesIO(data)
    file.name = name
    return file


def preview_table(html):
    """The preview's rows as ``{heading: text}``, the text of each cell without its tags."""
    html = html[html.index('<table id="import-preview">') : html.index("</table>", html.index('id="import-preview"'))]
    headings = re.findall(r'<th scope="col">([^<]*)</th>', html)
    rows = re.findall(r'<tr class="(?:ok|error)">(.*?)</tr>', html, re.S)

    def text(cell):
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()

    return [dict(zip(headings, map(text, re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)), strict=True)) for row in rows]


def upload(client, data, programme, name="fellows.csv", encoding="auto"):
    return client.post(IMPORT, {"programme": programme.pk, "file": named(data, name), "encoding": encoding})


@pytest.mark.django_db
def test_the_admin_previews_then_imports_only_on_confirmation(editor_client):
    programme = make_programme()
    preview = upload(editor_client, csv_bytes(*GOOD, "Asel,Nurova,,2019,2017,,,KZ,,"), programme)
    html = preview.content.decode()
    assert "Nothing has been saved yet" in html and "new person" in html
    assert "<td>4</td>" in html and "Column “end year”: the year range is reversed" in html
    assert 'value="Import 2 rows"' in html
    assert not Fellowship.objects.exists()

    preview_id = preview.context["preview_id"]
    done = editor_client.post(IMPORT, {"preview": preview_id}, follow=True)
    assert "2 fellowships added" in done.content.decode() and "1 row with errors was skipped" in done.content.decode()
    assert Fellowship.objects.count() == 2
    again = editor_client.post(IMPORT, {"preview": preview_id}, follow=True)  # confirming twice adds nothing
    assert "imported already" in again.content.decode()
    assert Fellowship.objects.count() == 2


@pytest.mark.django_db
def test_a_windows_1252_file_through_the_admin_keeps_its_accents(editor_client):
    programme = make_programme()
    preview = upload(editor_client, csv_bytes("José,Müller,,2017,2019,,,DE,,", encoding="cp1252"), programme)
    assert "José Müller" in preview.content.decode() and "(cp1252)" in preview.content.decode()
    editor_client.post(IMPORT, {"preview": preview.context["preview_id"]})
    assert Person.objects.get().name == "José Müller"


@pytest.mark.django_db
def test_an_unreadable_file_is_refused_on_the_upload_form_keeping_the_choices(editor_client):
    programme = make_programme()
    response = upload(editor_client, "Алина,Муратбекова".encode("cp1251"), programme)
    html = response.content.decode()
    assert "it is probably Cyrillic" in html
    assert f'<option value="{programme.pk}" selected>' in html


@pytest.mark.django_db
def test_a_tampered_or_expired_preview_is_refused(editor_client):
    response = editor_client.post(IMPORT, {"preview": "forged"}, follow=True)
    assert "That preview is not available" in response.content.decode()
    assert not Fellowship.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(editor_client, settings):
    settings.FELLOW_IMPORT_MAX_BYTES = 10
    response = upload(editor_client, csv_bytes(*GOOD), make_programme())
    assert "at most 10" in response.content.decode()


@pytest.mark.django_db
def test_the_fellowship_list_links_to_the_import_and_filters_by_status(editor_client):
    make_fellowship(start_year=2001, end_year=2003)
    html = editor_client.get(reverse("admin:people_fellowship_changelist")).content.decode()
    assert "Import from spreadsheet" in html
    alumni = editor_client.get(reverse("admin:people_fellowship_changelist"), {"status": "alumni"}).content.decode()
    current = editor_client.get(reverse("admin:people_fellowship_changelist"), {"status": "current"}).content.decode()
    assert "1 fellowship" in alumni and "0 fellowships" in current


@pytest.mark.django_db
def test_an_officer_imports_fixes_the_rejected_row_reimports_and_sees_the_cohort(editor_client, client):
    programme = make_programme()
    rejected = "Asel,Nurova,asel@example.org,2019,2017,Narxoz University,Almaty,Kazakhstan,economics,Banking reform,yes"
    listed = lambda *rows: csv_bytes(*[row + ",yes" for row in GOOD], *rows, header=HEADER + ",listed")
    first = upload(editor_client, listed(rejected), programme)
    assert "the year range is reversed" in first.content.decode()
    editor_client.post(IMPORT, {"preview": first.context["preview_id"]})

    fixed = upload(editor_client, listed(rejected.replace("2019,2017", "2017,2019")), programme)
    assert fixed.context["plan"].count_existing == 2 and fixed.context["plan"].count_new == 1
    editor_client.post(IMPORT, {"preview": fixed.context["preview_id"]})
    assert Fellowship.objects.count() == 3 and Person.objects.count() == 3

    directory = client.get(reverse("reader:fellows_directory"), {"country": "KZ"}).content.decode()
    assert "Asel Nurova" in directory and "Albina Muratbekova" in directory and "Banking reform" in directory


# ----------------------------------------------------------------- listing in the public directory

LISTED_HEADER = HEADER + ",listed"


@pytest.mark.django_db
def test_imported_fellows_are_not_listed_publicly_unless_the_file_says_so(client):
    programme = make_programme()
    rows = ["Asel,Nurova,,2017,2019,,,KZ,,,yes", "Dana,Sadykova,,2017,2019,,,KZ,,,no", "Timur,Aliev,,2017,2019,,,KZ,,,"]
    apply_import(plan(csv_bytes(*rows, header=LISTED_HEADER), programme))
    apply_import(plan(csv_bytes("Nino,Beridze,,2019,2021,,,GE,,"), programme))  # no such column at all
    listed = dict(Fellowship.objects.values_list("person__family_name", "listed_publicly"))
    assert listed == {"Nurova": True, "Sadykova": False, "Aliev": False, "Beridze": False}
    directory = client.get(reverse("reader:fellows_directory")).content.decode()
    assert "Asel Nurova" in directory
    assert [name for name in ("Sadykova", "Aliev", "Beridze") if name in directory] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cell, listed",
    [
        ("yes", True),
        ("Yes", True),
        ("TRUE", True),
        ("1", True),
        ("y", True),
        ("no", False),
        ("No", False),
        ("false", False),
        ("0", False),
        ("n", False),
    ],
)
def test_the_listed_column_accepts_yes_no_true_false_and_1_0(cell, listed):
    (row,) = plan(csv_bytes(f"Asel,Nurova,,2017,2019,,,KZ,,,{cell}", header=LISTED_HEADER), make_programme()).rows
    assert row.ok and row.values["listed_publicly"] is listed


@pytest.mark.django_db
def test_another_value_in_the_listed_column_is_an_error_naming_row_and_column():
    rows = ["Asel,Nurova,,2017,2019,,,KZ,,,yes", "Dana,Sadykova,,2017,2019,,,KZ,,,maybe"]
    result = plan(csv_bytes(*rows, header=HEADER.replace(",thesis title", ",thesis title,Public")), make_programme())
    assert result.rows[0].ok
    assert (result.rows[1].number, result.rows[1].errors) == (
        3,
        [
            (
                "listed",
                "“maybe” is neither yes nor no (y/n, true/false and 1/0 work too): write yes if the fellow agreed "
                "to be listed in the public directory, no if not; left empty, a new fellow is not listed",
            )
        ],
    )


@pytest.mark.django_db
def test_a_reimport_changes_an_existing_fellow_s_listing_only_when_the_file_states_it():
    programme = make_programme()
    asel = make_fellowship(
        person=make_person(given_name="Asel", family_name="Nurova"),
        programme=programme,
        start_year=2017,
        end_year=2019,
        country="KZ",
        home_institution="",
        listed_publicly=True,
    )
    same = "Asel,Nurova,,2017,2019,,,KZ,,"
    assert apply_import(plan(csv_bytes(same), programme)).fellowships_unchanged == 1
    assert apply_import(plan(csv_bytes(same + ",", header=LISTED_HEADER), programme)).fellowships_unchanged == 1
    asel.refresh_from_db()
    assert asel.listed_publicly
    assert apply_import(plan(csv_bytes(same + ",no", header=LISTED_HEADER), programme)).fellowships_updated == 1
    asel.refresh_from_db()
    assert not asel.listed_publicly


@pytest.mark.django_db
def test_the_preview_shows_whether_each_fellow_will_be_listed(editor_client):
    programme = make_programme()
    make_fellowship(
        person=make_person(given_name="Nino", family_name="Beridze"),
        programme=programme,
        start_year=2019,
        end_year=2021,
        listed_publicly=True,
    )
    rows = ["Asel,Nurova,,2017,2019,,,KZ,,,yes", "Dana,Sadykova,,2017,2019,,,KZ,,,", "Nino,Beridze,,2019,2021,,,GE,,,"]
    html = upload(editor_client, csv_bytes(*rows, header=LISTED_HEADER), programme).content.decode()
    assert [row["Listed publicly"] for row in preview_table(html)] == ["yes", "no (not stated)", "yes (unchanged)"]


# ----------------------------------------------------------------- who may import


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def known_fellow_file(db):
    """A programme, a person already here with an email, and a file naming that email."""
    programme = make_programme()
    make_person(given_name="Albina", family_name="Muratbekova", email="albina@example.org")
    return programme, csv_bytes(*GOOD)


@pytest.mark.django_db
def test_staff_without_the_import_permission_get_403_on_the_upload_page_the_preview_and_the_confirmation(
    client, known_fellow_file
):
    programme, data = known_fellow_file
    # A preview as made for someone allowed to import.
    preview_id = upload(signed_in(Client(), make_staff("people.import_fellows")), data, programme).context["preview_id"]
    signed_in(client, make_staff("people.view_fellowship", "people.add_fellowship", "people.add_person"))

    assert client.get(IMPORT).status_code == 403
    preview = upload(client, data, programme)
    assert preview.status_code == 403
    confirmation = client.post(IMPORT, {"preview": preview_id})
    assert confirmation.status_code == 403
    assert not Fellowship.objects.exists() and Person.objects.count() == 1


@pytest.mark.django_db
def test_the_403_on_the_preview_says_nothing_of_whose_email_is_already_here(client, known_fellow_file):
    programme, data = known_fellow_file
    signed_in(client, make_staff())
    known = upload(client, data, programme)
    unknown = upload(client, data.replace(b"albina@example.org", b"nobody@example.org"), programme)
    assert known.status_code == unknown.status_code == 403
    assert known.content == unknown.content
    assert b"albina" not in known.content.lower() and b"Muratbekova" not in known.content
    assert "plan" not in (known.context or {})


@pytest.mark.django_db
def test_the_import_permission_alone_is_enough_to_preview_and_import(client, known_fellow_file):
    programme, data = known_fellow_file
    signed_in(client, make_staff("people.import_fellows"))
    preview = upload(client, data, programme)
    assert preview.status_code == 200 and preview.context["plan"].count_existing == 1
    client.post(IMPORT, {"preview": preview.context["preview_id"]})
    assert Fellowship.objects.count() == 2


@pytest.mark.django_db
def test_the_fellowship_list_links_to_the_import_only_for_those_who_may_import(client):
    signed_in(client, make_staff("people.view_fellowship"))
    assert "Import from spreadsheet" not in client.get(reverse("admin:people_fellowship_changelist")).content.decode()


@pytest.mark.django_db
def test_programme_staff_import_fellows(client_in_role, known_fellow_file):
    programme, data = known_fellow_file
    client = client_in_role("Programme staff")
    assert "Import from spreadsheet" in client.get(reverse("admin:people_fellowship_changelist")).content.decode()
    preview = upload(client, data, programme)
    assert preview.status_code == 200
    client.post(IMPORT, {"preview": preview.context["preview_id"]})
    assert Fellowship.objects.count() == 2


@pytest.mark.django_db
def test_an_editor_cannot_reach_the_import(client_in_role, known_fellow_file):
    programme, data = known_fellow_file
    client = client_in_role("Editor")
    assert client.get(IMPORT).status_code == 403
    assert upload(client, data, programme).status_code == 403
    assert not Fellowship.objects.exists()


# ----------------------------------------------------------------- bad files (issue 9)


def confirm(client, preview, **extra):
    """Post the preview page's confirmation form as the browser would: its hidden fields, nothing else."""
    fields = dict(
        re.findall(
            r'<input type="hidden" name="(?!csrfmiddlewaretoken)([^"]+)" value="([^"]*)"', preview.content.decode()
        )
    )
    assert fields, "the preview has no confirmation form"
    return client.post(IMPORT, fields | extra, follow=True)


@pytest.mark.django_db
def test_one_email_on_several_rows_is_an_error_on_each_naming_the_others():
    rows = [
        "Albina,Muratbekova,albina@example.org,2017,2019,,,KZ,,",
        "Nino,Beridze,nino@example.org,2019,2021,,,GE,,",
        "Alina,Muratova,ALBINA@example.org,2019,2021,,,KZ,,",
        "Asel,Nurova,albina@example.org,2021,2023,,,KZ,,",
    ]
    result = plan(csv_bytes(*rows), make_programme())
    errors = {r.number: r.errors for r in result.rows}
    assert errors == {
        2: [("email", "the same email as rows 4 and 5: an email must belong to one person, on one row")],
        3: [],
        4: [("email", "the same email as rows 2 and 5: an email must belong to one person, on one row")],
        5: [("email", "the same email as rows 2 and 4: an email must belong to one person, on one row")],
    }


@pytest.mark.django_db
def test_an_email_two_people_here_share_is_an_error_naming_them():
    first = make_person(given_name="Albina", family_name="Muratbekova", email="albina@example.org")
    second = make_person(given_name="Alina", family_name="Muratova", email="Albina@Example.org")
    (row,) = plan(csv_bytes(GOOD[0]), make_programme()).rows
    assert row.person is None
    assert row.errors == [
        (
            "email",
            f"2 people here have this email: Albina Muratbekova (no. {first.pk}), Alina Muratova (no. {second.pk}); "
            "give each their own email in the admin, then import again",
        )
    ]


@pytest.mark.django_db
def test_importing_the_same_file_twice_attaches_each_fellowship_to_its_own_person(editor_client):
    programme = make_programme()
    rows = [
        "Albina,Muratbekova,albina@example.org,2017,2019,,,KZ,,",
        "Alina,Muratova,albina@example.org,2019,2021,,,KZ,,",
        "Nino,Beridze,nino@example.org,2019,2021,,,GE,,",
        "Asel,Nurova,,2017,2019,,,KZ,,",
    ]
    for _ in range(2):
        confirm(editor_client, upload(editor_client, csv_bytes(*rows), programme))
    pairs = sorted(Fellowship.objects.values_list("person__given_name", "person__email", "start_year"))
    assert pairs == [("Asel", "", 2017), ("Nino", "nino@example.org", 2019)]
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_a_2_mb_xlsx_that_unpacks_to_525_mb_is_refused_before_it_is_parsed(editor_client, monkeypatch):
    import openpyxl

    from tests.imports.test_files import xlsx_bomb  # noqa: F401  (the fixture)
    from tests.imports.zips import xlsx_with_rows

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", never)
    data = xlsx_with_rows(0, unpacked_bytes=525_000_000)
    assert len(data) < 2 * 1024 * 1024
    response = upload(editor_client, data, make_programme(), name="fellows.xlsx")
    assert response.status_code == 200
    assert "This .xlsx file unpacks to 500.8" in response.content.decode()
    assert "plan" not in response.context


@pytest.mark.django_db
def test_rows_are_counted_while_the_sheet_is_read_so_the_limit_stops_reading_at_once(monkeypatch):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    from editorial import fellow_import
    from tests.imports.zips import xlsx_with_rows

    monkeypatch.setattr(fellow_import, "MAX_ROWS", 50)
    read = []
    real_rows = ReadOnlyWorksheet._cells_by_row

    def counting_rows(self, *args, **kwargs):
        for row in real_rows(self, *args, **kwargs):
            read.append(1)
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting_rows)
    data = xlsx_with_rows(20_000)
    with pytest.raises(ImportFileError, match="more than 50 rows; import at most 50 at a time"):
        read_table("fellows.xlsx", data)
    assert len(read) <= 52  # the header, 50 rows, and the one over the limit


@pytest.mark.django_db
def test_csv_rows_are_counted_while_reading_too(monkeypatch):
    from editorial import fellow_import

    monkeypatch.setattr(fellow_import, "MAX_ROWS", 2)
    read_table("f.csv", csv_bytes(*GOOD, "", ""))  # trailing empty rows do not count
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        read_table("f.csv", csv_bytes(*GOOD, GOOD[0]))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column, value, reason",
    [
        (0, "A" * 101, "is 101 characters long; at most 100 fit"),
        (1, "B" * 101, "is 101 characters long; at most 100 fit"),
        (5, "U" * 256, "is 256 characters long; at most 255 fit"),
        (6, "C" * 121, "is 121 characters long; at most 120 fit"),
        (9, "T" * 501, "is 501 characters long; at most 500 fit"),
        (0, "Alb\x00ina", "contains an invisible control character (U+0000) at position 4; retype the text there"),
        (6, "Alma\x00ty", "contains an invisible control character (U+0000) at position 5; retype the text there"),
        (
            9,
            "Energy\x1btransit",
            "contains an invisible control character (U+001B) at position 7; retype the text there",
        ),
    ],
)
def test_a_value_too_long_or_with_a_control_character_is_an_error_on_its_row_and_column(column, value, reason):
    cells = GOOD[1].split(",")
    cells[column] = value
    result = plan(csv_bytes(GOOD[0], ",".join(cells)), make_programme())
    assert result.rows[0].ok
    assert result.rows[1].errors == [(HEADER.split(",")[column], reason)]


@pytest.mark.django_db
def test_an_honorific_is_checked_against_its_field_too():
    rows = ["Asel,Nurova,,2017,2019,,,KZ,,,Dr", "Dana,Sadykova,,2017,2019,,,KZ,,," + "H" * 41]
    result = plan(csv_bytes(*rows, header=HEADER + ",honorific"), make_programme())
    assert result.rows[0].ok
    assert result.rows[1].errors == [("honorific", "is 41 characters long; at most 40 fit")]


@pytest.mark.django_db
def test_a_101_character_name_or_a_nul_byte_is_shown_in_the_preview_and_the_rest_imports(editor_client):
    programme = make_programme()
    rows = [GOOD[0], "A" * 101 + ",Nurova,,2017,2019,,,KZ,,", "Dana,Sadykova,,2017,2019,Nar\x00xoz,,KZ,,"]
    preview = upload(editor_client, csv_bytes(*rows), programme)
    html = preview.content.decode()
    assert "Column “given name”: is 101 characters long; at most 100 fit" in html
    assert "Column “home institution”: contains an invisible control character (U+0000)" in html
    assert 'value="Import 1 row"' in html
    done = confirm(editor_client, preview)
    assert done.status_code == 200 and "1 fellowship added" in done.content.decode()
    assert list(Person.objects.values_list("family_name", flat=True)) == ["Muratbekova"]


@pytest.mark.django_db
def test_a_confirmation_that_fails_in_the_database_saves_nothing_and_says_so(editor_client, monkeypatch):
    from django.db import DataError

    from editorial import fellow_import_admin as import_admin

    programme = make_programme()
    preview = upload(editor_client, csv_bytes(*GOOD), programme)
    real_apply = import_admin.apply_import

    def failing_apply(plan):
        real_apply(plan)
        raise DataError("value too long for type character varying(100)")

    monkeypatch.setattr(import_admin, "apply_import", failing_apply)
    done = confirm(editor_client, preview)
    assert done.status_code == 200
    assert "Nothing was imported" in done.content.decode()
    assert not Fellowship.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "山田,太郎,2017,2019\n鈴木,一郎,2018,2020\n",  # reads as “ŽR“c,‘¾˜Y” in Windows-1252: accepted garbled before
        "佐藤,花子,2017,2019\n",  # not Windows-1252 at all (byte 8D)
    ],
)
def test_a_shift_jis_file_is_not_read_as_garbled_windows_1252(text):
    data = text.encode("shift_jis")
    with pytest.raises(ImportFileError, match="Japanese.*Shift-JIS"):
        decode(data)
    assert decode(data, "cp932") == (text, "cp932")


@pytest.mark.parametrize(
    "text",
    [
        "Renée Désirée, Österreich",
        "O’Brien – “Energy” transit…",
        "José Müller, Zoë, Ærø",
        "«CAFÉ» São Paulo, ÉCOLE NORMALE SUPÉRIEURE",  # “É»” happens to be valid UTF-8: one such pair is not UTF-8
    ],
)
def test_western_text_with_accents_and_typographic_marks_is_still_read_as_windows_1252(text):
    assert decode(text.encode("cp1252")) == (text, "cp1252")


@pytest.mark.django_db
def test_a_shift_jis_file_through_the_admin_is_refused_with_the_encoding_to_choose(editor_client):
    programme = make_programme()
    data = csv_bytes("太郎,山田,,2017,2019,,,JP,,", encoding="shift_jis")
    refused = upload(editor_client, data, programme).content.decode()
    assert "Shift-JIS" in refused and "plan" not in refused
    preview = upload(editor_client, data, programme, encoding="cp932")
    assert "太郎 山田" in preview.content.decode()
    confirm(editor_client, preview)
    assert Person.objects.get().name == "太郎 山田"


@pytest.mark.django_db
def test_a_valid_2_05_mb_xlsx_previews_and_then_imports(editor_client):
    import random

    from openpyxl import Workbook

    chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    rng = random.Random(9)
    book = Workbook()
    book.active.append(["given name", "family name", "start year", "end year", "comments"])
    for i in range(100):
        book.active.append([f"Given{i}", f"Family{i}", 2017, 2019, "".join(rng.choices(chars, k=27_200))])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    assert 2_000_000 < len(data) < 2 * 1024 * 1024
    preview = upload(editor_client, data, make_programme(), name="fellows.xlsx")
    assert 'value="Import 100 rows"' in preview.content.decode()
    done = confirm(editor_client, preview)
    assert done.status_code == 200 and "100 fellowships added" in done.content.decode()
    assert Fellowship.objects.count() == 100


@pytest.mark.django_db
def test_a_preview_is_confirmed_only_by_the_user_who_made_it_and_only_once(client, known_fellow_file):
    programme, data = known_fellow_file
    maker = signed_in(Client(), make_staff("people.import_fellows"))
    preview = upload(maker, data, programme)
    other = signed_in(client, make_staff("people.import_fellows"))
    assert "not yours" in confirm(other, preview).content.decode()
    assert not Fellowship.objects.exists()
    assert "2 fellowships added" in confirm(maker, preview).content.decode()
    assert "imported already" in confirm(maker, preview).content.decode()
    assert Fellowship.objects.count() == 2


# ----------------------------------------------------------------- every encoding, good or bad (issue 17)

NAMES = "given name,family name,start year,end year\nСәуле,Müller,2017,2019\n"


@pytest.mark.parametrize(
    "data, used",
    [
        (NAMES.encode("utf-8-sig"), "utf-8"),
        (codecs.BOM_UTF16_LE + NAMES.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + NAMES.encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF32_LE + NAMES.encode("utf-32-le"), "utf-32"),
    ],
    ids=["utf-8 with BOM", "utf-16 LE with BOM", "utf-16 BE with BOM", "utf-32 LE with BOM"],
)
def test_a_byte_order_mark_says_how_the_file_is_read(data, used):
    header, rows, got = read_table("fellows.csv", data)
    assert (header, rows, got) == (
        ["given name", "family name", "start year", "end year"],
        [["Сәуле", "Müller", "2017", "2019"]],
        used,
    )


def test_latin_1_text_is_read_as_windows_1252_which_agrees_on_its_letters():
    assert decode("Renée Müller, Ærø, Zoë".encode("latin-1")) == ("Renée Müller, Ærø, Zoë", "cp1252")


def _png():
    import random

    rng = random.Random(17)
    return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(3000))


BAD_FILES = [
    (
        "utf-16 BOM then a lone surrogate",
        "fellows.csv",
        codecs.BOM_UTF16_LE + "given name\n".encode("utf-16-le") + b"\x00\xd8A\x00",
        "starts with the mark of UTF-16 text but is not valid UTF-16: line 2, byte 25 is not UTF-16",
    ),
    (
        "utf-16 BOM then an odd number of bytes",
        "fellows.csv",
        codecs.BOM_UTF16_BE + "given name".encode("utf-16-be") + b"\x00",
        "not valid UTF-16: it ends in the middle of a character, so it was probably cut off",
    ),
    (
        "utf-8 BOM then a Windows-1252 byte",
        "fellows.csv",
        codecs.BOM_UTF8 + "given name\nJosé\n".encode("cp1252"),
        "starts with the mark of UTF-8 text but is not valid UTF-8: line 2, byte 18 is not UTF-8",
    ),
    (
        "utf-16 without its BOM",
        "fellows.csv",
        NAMES.encode("utf-16-le"),
        "looks like UTF-16 text without its byte-order mark",
    ),
    (
        "latin-1 with a byte Windows-1252 does not have",
        "fellows.csv",
        b"given name,family name\nAsel,Nur\x81ova\n",
        "neither UTF-8 nor Windows-1252 text (see line 2, byte 32)",
    ),
    (
        "utf-8 cut off in its last character",
        "fellows.csv",
        "given name,family name\nAsel,Nurova –".encode()[:-1],
        "ends in the middle of a character: it is UTF-8 text that was cut off",
    ),
    (
        "utf-8 with one character cut in the middle",
        "fellows.csv",
        "given name,family name\nJosé,Müller\nZo".encode() + b"\xc3,Nurova\n",
        "UTF-8 text with 1 damaged character, on line 3, byte 40",
    ),
    (
        "utf-8 with two characters cut",
        "fellows.csv",
        "given name,family name\nJosé,Müller,Sæther,Ørsted\nZo".encode() + b"\xc3,Nur\xc3\n",
        "UTF-8 text with 2 damaged characters, the first on line 3",
    ),
    ("a picture named .csv", "fellows.csv", _png(), "This file is not text: it holds binary data"),
    ("an .xlsx named .csv", "fellows.csv", b"PK\x03\x04" + bytes(100), "zip archive, such as an .xlsx workbook"),
    ("an old .xls named .csv", "fellows.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old Excel workbook"),
    ("an empty .csv", "fellows.csv", b"", "The file is empty."),
    ("a .csv of a BOM alone", "fellows.csv", codecs.BOM_UTF8, "The file is empty."),
    ("an empty .xlsx", "fellows.xlsx", b"", "The file is empty (0 bytes)"),
    ("a CSV renamed .xlsx", "fellows.xlsx", NAMES.encode(), "named .xlsx but holds text, probably CSV"),
    ("a UTF-16 CSV renamed .xlsx", "fellows.xlsx", NAMES.encode("utf-16"), "named .xlsx but holds text"),
    ("a picture renamed .xlsx", "fellows.xlsx", _png(), "This is not a .xlsx file, or it is damaged"),
]


@pytest.mark.parametrize("name, data, message", [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_every_bad_encoding_or_disguised_file_is_refused_with_what_to_do(name, data, message):
    with pytest.raises(ImportFileError, match=re.escape(message)):
        read_table(name, data)


def test_an_xlsx_that_is_a_zip_bomb_is_refused_from_its_directory():
    from tests.imports.zips import xlsx_with_rows

    with pytest.raises(ImportFileError, match="This .xlsx file unpacks to"):
        read_table("fellows.xlsx", xlsx_with_rows(0, unpacked_bytes=60_000_000))


@pytest.mark.django_db
@pytest.mark.parametrize("name, data, message", [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_through_the_admin_every_bad_file_is_a_message_on_the_form_never_a_500(editor_client, name, data, message):
    response = upload(editor_client, data, make_programme(), name=name)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert "plan" not in response.context


# ----------------------------------------------------------------- the form and its words (issue 17)


@pytest.mark.parametrize(
    "counts, message",
    [
        (
            (1, 1, 0, 0, 1),
            "Imported from f.csv: 1 fellowship added, 0 updated, 0 already up to date; 1 new person. "
            "1 row with errors was skipped.",
        ),
        (
            (5, 5, 2, 1, 0),
            "Imported from f.csv: 5 fellowships added, 2 updated, 1 already up to date; 5 new people. "
            "0 rows with errors were skipped.",
        ),
        (
            (0, 0, 0, 3, 2),
            "Imported from f.csv: 0 fellowships added, 0 updated, 3 already up to date; 0 new people. "
            "2 rows with errors were skipped.",
        ),
    ],
)
def test_the_result_puts_each_count_s_noun_in_the_right_number(counts, message):
    from editorial.fellow_import import ImportReport
    from editorial.fellow_import_admin import report_message

    created, people, updated, unchanged, skipped = counts
    report = ImportReport(
        people_created=people,
        fellowships_created=created,
        fellowships_updated=updated,
        fellowships_unchanged=unchanged,
        rows_skipped=skipped,
    )
    assert report_message("f.csv", report) == message


@pytest.mark.django_db
def test_the_preview_says_person_or_people_as_the_count_needs(editor_client):
    programme = make_programme()
    make_person(given_name="Nino", family_name="Beridze")
    html = upload(editor_client, csv_bytes(*GOOD), programme).content.decode()
    assert "1 new person, 1 matched to a person already here" in html
    make_person(given_name="Albina", family_name="Muratbekova", email="albina@example.org")
    html = upload(editor_client, csv_bytes(*GOOD, "Asel,Nurova,,2017,2019,,,KZ,,"), programme).content.decode()
    assert "1 new person, 2 matched to people already here" in html


@pytest.mark.django_db
def test_the_only_programme_is_chosen_already_and_none_of_several_is(editor_client):
    only = make_programme()
    html = editor_client.get(IMPORT).content.decode()
    assert f'<option value="{only.pk}" selected>' in html
    make_programme()
    assert '<option value="" selected>---------</option>' in editor_client.get(IMPORT).content.decode()


# ----------------------------------------------------------------- the chosen file survives the form's errors (issue 17)


def resend(client, programme, encoding="auto"):
    """Post the upload form again as a browser would after an error: the choices, no file (it cannot re-send one)."""
    return client.post(IMPORT, {"programme": programme.pk if programme else "", "encoding": encoding})


def kept_files():
    from imports.models import ImportPreview

    return ImportPreview.objects.filter(kind="people.fellows.upload")


@pytest.mark.django_db
def test_a_file_chosen_before_a_form_error_is_kept_and_used_when_the_form_is_sent_again(editor_client):
    first, _second = make_programme(), make_programme()
    missing_programme = editor_client.post(
        IMPORT, {"programme": "", "file": named(csv_bytes(*GOOD), "mine.csv"), "encoding": "auto"}
    )
    html = missing_programme.content.decode()
    assert "This field is required." in html and "<b>mine.csv</b> kept; choose another file to replace it." in html
    preview = resend(editor_client, first)
    assert preview.context["plan"].programme == first and len(preview.context["plan"].valid) == 2
    assert "mine.csv (utf-8)" in preview.content.decode()
    assert not kept_files().exists() and "kept" not in editor_client.get(IMPORT).content.decode()
    confirm(editor_client, preview)
    assert Fellowship.objects.count() == 2


@pytest.mark.django_db
def test_a_file_refused_for_its_encoding_is_kept_so_choosing_the_encoding_is_enough(editor_client):
    programme = make_programme()
    data = csv_bytes("太郎,山田,,2017,2019,,,JP,,", encoding="shift_jis")
    refused = upload(editor_client, data, programme, name="japan.csv").content.decode()
    assert "Shift-JIS" in refused and "<b>japan.csv</b> kept" in refused
    preview = resend(editor_client, programme, encoding="cp932")
    assert "太郎 山田" in preview.content.decode()


@pytest.mark.django_db
def test_choosing_another_file_replaces_the_kept_one(editor_client):
    programme = make_programme()
    upload(editor_client, "Алина".encode("cp1251"), programme, name="old.csv")
    refused = upload(editor_client, b"given name\nAsel\n", programme, name="new.csv").content.decode()
    assert "Missing: family name" in refused and "<b>new.csv</b> kept" in refused and "old.csv" not in refused
    assert list(kept_files().values_list("payload__name", flat=True)) == ["new.csv"]


@pytest.mark.django_db
def test_a_file_refused_by_its_size_or_as_a_zip_bomb_is_not_kept(editor_client, settings):
    from tests.imports.zips import xlsx_with_rows

    programme = make_programme()
    bomb = upload(editor_client, xlsx_with_rows(0, unpacked_bytes=60_000_000), programme, name="bomb.xlsx")
    assert "unpacks to" in bomb.content.decode() and "kept" not in bomb.content.decode()
    settings.FELLOW_IMPORT_MAX_BYTES = 10
    large = upload(editor_client, csv_bytes(*GOOD), programme)
    assert "at most 10" in large.content.decode() and "kept" not in large.content.decode()
    assert not kept_files().exists()
    assert "This field is required." in resend(editor_client, programme).content.decode()


@pytest.mark.django_db
def test_a_kept_file_is_only_its_own_session_s_and_no_name_sent_by_the_browser_is_read(editor_client):
    programme, other = make_programme(), make_programme()
    editor_client.post(IMPORT, {"programme": "", "file": named(csv_bytes(*GOOD), "mine.csv"), "encoding": "auto"})
    (kept,) = kept_files()
    colleague = signed_in(Client(), make_staff("people.import_fellows"))
    for sent in ({}, {"file": "mine.csv"}, {"file": "/etc/passwd"}, {"file": str(kept.pk)}):
        response = colleague.post(IMPORT, {"programme": other.pk, "encoding": "auto", **sent})
        assert "This field is required." in response.content.decode() and "plan" not in response.context
    assert "mine.csv" in resend(editor_client, programme).content.decode()


@pytest.mark.django_db
def test_kept_files_are_cleaned_up_after_an_hour(editor_client):
    import datetime

    from django.utils import timezone

    programme = make_programme()
    editor_client.post(IMPORT, {"programme": "", "file": named(csv_bytes(*GOOD), "mine.csv"), "encoding": "auto"})
    kept_files().update(created_at=timezone.now() - datetime.timedelta(hours=2))
    assert "kept" not in editor_client.get(IMPORT).content.decode()
    assert "This field is required." in resend(editor_client, programme).content.decode()
    upload(editor_client, b"given name\nAsel\n", programme, name="new.csv")  # storing anything sweeps the old
    assert list(kept_files().values_list("payload__name", flat=True)) == ["new.csv"]


# ----------------------------------------------------------------- the preview shows every column it imports (issue 17)


@pytest.mark.django_db
def test_the_preview_shows_every_imported_column_as_it_will_be_stored(editor_client):
    rows = [GOOD[0] + ",Dr,yes", GOOD[1] + ",,no"]
    html = upload(editor_client, csv_bytes(*rows, header=HEADER + ",honorific,listed"), make_programme()).content
    assert preview_table(html.decode()) == [
        {
            "Row": "2",
            "Name": "Albina Muratbekova",
            "Cohort": "2017–2019",
            "Honorific": "Dr",
            "Email": "albina@example.org",
            "Home institution": "Al Farabi Kazakh National University",
            "City": "Almaty",
            "Country": "Kazakhstan",
            "Discipline": "Political science",
            "Thesis title": "China-India border issues",
            "Listed publicly": "yes",
            "Result": "new person",
        },
        {
            "Row": "3",
            "Name": "Nino Beridze",
            "Cohort": "2019–2021",
            "Honorific": "",
            "Email": "",
            "Home institution": "Tbilisi State University",
            "City": "Tbilisi",
            "Country": "Georgia",
            "Discipline": "Economics",
            "Thesis title": "Energy transit",
            "Listed publicly": "no",
            "Result": "new person",
        },
    ]


@pytest.mark.django_db
def test_a_mis_mapped_column_is_seen_in_the_preview_under_its_field_and_an_unknown_one_is_named(editor_client):
    # “Institution” and “thesis” swapped in the file: each shows under the field it would be stored in.
    header = "given name,family name,start year,end year,thesis,institution,Supervisor,notes"
    data = csv_bytes("Asel,Nurova,2017,2019,Narxoz University,Banking reform,Prof. X,", header=header)
    html = upload(editor_client, data, make_programme()).content.decode()
    (row,) = preview_table(html)
    assert (row["Home institution"], row["Thesis title"]) == ("Banking reform", "Narxoz University")
    assert "Email" not in row and "Country" not in row  # columns the file does not have are not shown empty
    assert "Columns not imported, as no field has those names: <b>Supervisor</b>, <b>notes</b>." in html


# ----------------------------------------------------------------- a template to start from (issue 17)


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_has_every_column_the_import_expects_and_an_example_row_that_imports(editor_client, file_format):
    from editorial.fellow_import import COLUMN_NAMES

    page = editor_client.get(IMPORT).content.decode()
    url = reverse("admin:people_fellowship_import_template", args=[file_format])
    assert f'href="{url}" download' in page
    response = editor_client.get(url)
    assert response["Content-Disposition"] == f'attachment; filename="fellows-template.{file_format}"'
    header, rows, _used = read_table(f"fellows-template.{file_format}", response.content)
    assert header == list(COLUMN_NAMES.values())
    result = plan_import(header, rows, programme=make_programme())
    assert not result.ignored and set(result.fields) == set(COLUMN_NAMES)
    (row,) = result.rows
    assert row.ok and row.name == "Albina Muratbekova" and row.values["country"] == "KZ"
    assert row.values["listed_publicly"] is False  # the example does not list anyone without their consent


def test_the_csv_template_opens_in_excel_as_utf_8():
    from editorial.fellow_import import template_csv

    assert template_csv().startswith(codecs.BOM_UTF8) and "China–India".encode() in template_csv()


@pytest.mark.django_db
def test_the_template_needs_the_import_permission_and_only_csv_or_xlsx_exist(client, editor_client):
    other = editor_client.get(IMPORT + "template.ods", follow=True)
    assert other.status_code in (200, 404) and "Content-Disposition" not in other  # the admin's own “not found”
    signed_in(client, make_staff("people.view_fellowship"))
    assert client.get(reverse("admin:people_fellowship_import_template", args=["csv"])).status_code == 403


# ----------------------------------------------------------------- the fellowship list's country filter (issue 17)


def country_filter(html):
    """The country codes the fellowship list's “By country” filter offers."""
    section = html.split("By country")[1].split("</details>")[0]
    return sorted(set(re.findall(r"country=([A-Z]{2})", section)))


@pytest.mark.django_db
def test_the_fellowship_list_filters_by_the_countries_fellowships_have_not_all_250(editor_client):
    make_fellowship(country="KZ")
    make_fellowship(country="GE", listed_publicly=False)  # staff see unlisted fellowships too
    make_fellowship(country="")
    changelist = reverse("admin:people_fellowship_changelist")
    html = editor_client.get(changelist).content.decode()
    assert country_filter(html) == ["GE", "KZ"]
    assert ">Georgia</a>" in html and ">Kazakhstan</a>" in html and ">Tajikistan</a>" not in html
    assert "1 fellowship" in editor_client.get(changelist, {"country": "GE"}).content.decode()


@pytest.mark.django_db
def test_the_fellowship_list_s_country_filter_costs_the_same_queries_for_2_or_40_countries(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_countries import countries

    changelist = reverse("admin:people_fellowship_changelist")
    codes = [code for code, _name in list(countries)[:40]]
    for code in codes[:2]:
        make_fellowship(country=code)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(changelist)
    for code in codes[2:]:
        make_fellowship(country=code)
    with CaptureQueriesContext(connection) as many:
        html = editor_client.get(changelist).content.decode()
    assert country_filter(html) == sorted(codes)
    assert len(many) == len(few)
