"""Importing fellows from a spreadsheet (CSV or XLSX), in two steps.

:func:`read_table` turns an upload into rows of text, refusing files it cannot
read without garbling them. :func:`plan_import` checks every row and says what
would happen to it (new person, existing person, or an error with its row,
column and reason) without writing anything. :func:`apply_import` writes the
valid rows of a plan in one transaction: all of them or, on any failure, none.
Importing the same file twice changes nothing the second time.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import ngettext
from django_countries import countries

from imports import ImportFileError, check_upload, text_problem
from people.models import Discipline, Fellowship, Person

#: Column name in the file (lower case, spaces for _ and -) → field.
HEADERS = {
    "given name": "given_name",
    "first name": "given_name",
    "family name": "family_name",
    "last name": "family_name",
    "surname": "family_name",
    "honorific": "honorific",
    "title": "honorific",
    "email": "email",
    "e mail": "email",
    "start year": "start_year",
    "end year": "end_year",
    "cohort": "cohort",
    "home institution": "home_institution",
    "institution": "home_institution",
    "university": "home_institution",
    "city": "city",
    "country": "country",
    "discipline": "discipline",
    "thesis title": "thesis_title",
    "thesis": "thesis_title",
    "listed": "listed_publicly",
    "listed publicly": "listed_publicly",
    "public": "listed_publicly",
}
COLUMN_NAMES = {
    "given_name": "given name",
    "family_name": "family name",
    "honorific": "honorific",
    "email": "email",
    "start_year": "start year",
    "end_year": "end year",
    "home_institution": "home institution",
    "city": "city",
    "country": "country",
    "discipline": "discipline",
    "thesis_title": "thesis title",
    "listed_publicly": "listed",
}
#: What the “listed” column accepts: the fellow agreed to be listed in the public directory, or not.
LISTED_VALUES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}
REQUIRED = ("given_name", "family_name", "start_year", "end_year")
ENCODINGS = {
    "auto": "Detect (UTF-8, else Windows-1252)",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252 (Western European, Excel's default “CSV”)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp932": "Shift-JIS (Japanese, Excel's “CSV” in Japan)",
}
MAX_ROWS = 5000
#: An .xlsx of at most FELLOW_IMPORT_MAX_BYTES may unpack to at most this much (5,000 rows are far less).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: The model field each text column is stored in: its max_length is checked in the preview.
TEXT_FIELDS = {
    "honorific": Person._meta.get_field("honorific"),
    "given_name": Person._meta.get_field("given_name"),
    "family_name": Person._meta.get_field("family_name"),
    "email": Person._meta.get_field("email"),
    "home_institution": Fellowship._meta.get_field("home_institution"),
    "city": Fellowship._meta.get_field("city"),
    "thesis_title": Fellowship._meta.get_field("thesis_title"),
}

# ---------------------------------------------------------------- reading


def decode(data, encoding="auto"):
    """Bytes of a text file → ``(text, encoding used)``, never garbled.

    A byte-order mark decides (UTF-8, UTF-16 or UTF-32, whatever was chosen).
    Otherwise ``auto`` takes UTF-8, else Windows-1252, and refuses what would
    come out garbled: binary data, UTF-8 with broken or cut-off characters,
    Japanese Shift-JIS, or mangled Cyrillic. Every refusal says why and what to do.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data, bom, codec, name)
    problem = _binary_problem(data)
    if problem:
        raise ImportFileError(problem)
    if encoding != "auto":
        try:
            return data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"The file is not valid {ENCODINGS[encoding]} text ({_where(data, error.start)}). "
                "Choose another encoding, or save the file as “CSV UTF-8”."
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        first_error = error
    if _looks_like_shift_jis(data):
        raise ImportFileError(
            "The file is not UTF-8, and it reads as Japanese text in Shift-JIS, which as Windows-1252 would come "
            "out as gibberish such as “ŽR“c”. Choose “Shift-JIS (Japanese)” as the encoding, or save the file as "
            "“CSV UTF-8”."
        )
    problem = _broken_utf8_problem(data, first_error)
    if problem:
        raise ImportFileError(problem)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is neither UTF-8 nor Windows-1252 text (see {_where(data, error.start)}). "
            "Save it as “CSV UTF-8” in Excel (File › Save as), or choose its encoding above."
        ) from None
    if _looks_like_cyrillic(text):
        raise ImportFileError(
            "The file is not UTF-8, and read as Windows-1252 its names come out as gibberish "
            "such as “Àëèíà”: it is probably Cyrillic. Choose “Windows-1251 (Cyrillic)” as the "
            "encoding, or save the file as “CSV UTF-8”."
        )
    return text, "cp1252"


#: Byte-order marks, longest first (UTF-32 LE's starts with UTF-16 LE's): (mark, codec, name for the editor).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _decode_with_bom(data, bom, codec, name):
    try:
        return data[len(bom) :].decode(codec), name.lower()
    except UnicodeDecodeError as error:
        cut = error.reason in ("truncated data", "unexpected end of data") and error.end == len(data) - len(bom)
        reason = (
            "it ends in the middle of a character, so it was probably cut off"
            if cut
            else f"{_where(data, error.start + len(bom), codec)} is not {name}"
        )
        raise ImportFileError(
            f"The file starts with the mark of {name} text but is not valid {name}: {reason}. "
            "Open it in Excel and save it again as “CSV UTF-8”."
        ) from None


def _where(data, offset, codec=None):
    """Where byte ``offset`` is, for the editor: its line and byte (both from 1)."""
    before = data[:offset].decode(codec, "replace") if codec else data[:offset].decode("latin-1")
    return f"line {before.count(chr(10)) + 1}, byte {offset + 1}"


#: Bytes that no text file holds (C0 controls other than tab, line breaks, form feed and escape).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
#: Files that are not text, known by their first bytes: what to tell the editor.
_SIGNATURES = (
    (
        b"PK\x03\x04",
        "This file is a zip archive, such as an .xlsx workbook, not CSV text. If it is a workbook, rename it to "
        "end in .xlsx and upload it again; otherwise save the sheet as “CSV UTF-8”.",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "This file is an old Excel workbook (.xls) or another Office file, not CSV text. Open it in Excel and save "
        "it as .xlsx or as “CSV UTF-8”.",
    ),
    (b"%PDF", "This file is a PDF, not CSV text. Upload the spreadsheet itself, as .xlsx or “CSV UTF-8”."),
)


def _binary_problem(data):
    """Why ``data`` is not a text file at all (a zip, a picture, a program…), or ``None``."""
    for signature, message in _SIGNATURES:
        if data.startswith(signature):
            return message
    sample = data[:65536]
    if len(sample) >= 8 and any(half.count(0) * 10 >= len(half) * 9 for half in (sample[0::2], sample[1::2])):
        return (
            "The file looks like UTF-16 text without its byte-order mark, which cannot be read safely. "
            "Open it in Excel and save it as “CSV UTF-8”."
        )
    controls = len(_BINARY_BYTES.findall(sample))
    # One stray control character is a cell's error in the preview; many of them mean the file is not text.
    if controls >= 2 and controls * 50 >= len(sample):
        return (
            "This file is not text: it holds binary data, as a picture, an archive or a program does. "
            "Upload the spreadsheet as .xlsx or as “CSV UTF-8”."
        )
    return None


def _broken_utf8_problem(data, error):
    """Why ``data``, which is not valid UTF-8, is UTF-8 gone wrong rather than another encoding, or ``None``.

    Windows-1252 text almost never happens to hold a valid UTF-8 sequence of two
    or more bytes (“Ã©” would be one), so several valid sequences and few broken
    ones mean a UTF-8 file with damaged characters; a sequence cut at the very
    end (more than one byte of it) means a UTF-8 file cut off. Read as
    Windows-1252 either would import as “MÃ¼ller”.
    """
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd")
    whole = sum(1 for char in text if char > "\x7f" and char != "\ufffd")
    if error.reason == "unexpected end of data" and error.end == len(data) and (error.end - error.start > 1 or whole):
        return (
            "The file ends in the middle of a character: it is UTF-8 text that was cut off. "
            "Upload the whole file, or save it again as “CSV UTF-8”."
        )
    if whole >= 2 and whole >= 2 * broken:
        return (
            ngettext(
                "The file is UTF-8 text with {count} damaged character, on {where}",
                "The file is UTF-8 text with {count} damaged characters, the first on {where}",
                broken,
            ).format(count=broken, where=_where(data, error.start))
            + "; read any other way its accented letters would come out as “Ã¼”. "
            "Correct the text there (or save the file again as “CSV UTF-8”) and upload it again."
        )
    return None


def _looks_like_shift_jis(data):
    # Shift-JIS writes kana and most kanji with a lead byte 81–9F, where
    # Windows-1252 has only punctuation (’ “ – …), and Western text keeps its
    # accented letters in C0–FF. So: valid Shift-JIS, some Japanese in it, and
    # at least half its high bytes in 80–9F.
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return False
    japanese = len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", text))
    high = [b for b in data if b >= 0x80]
    return japanese >= 2 and 2 * sum(1 for b in high if b <= 0x9F) >= len(high)


def _looks_like_cyrillic(text):
    # Windows-1251 Cyrillic letters are bytes C0–FF, which Windows-1252 reads as
    # accented Latin letters; real Western text rarely has three in a row.
    high = re.findall(r"[\u00c0-\u00ff]{3,}", text)
    return sum(map(len, high)) >= 6


def check_file(upload):
    """Check an upload before anything parses it and return its bytes; raise :class:`ImportFileError` if unfit.

    The size for every file; for an .xlsx also that it is not empty, not CSV text
    under another name, and a zip that unpacks to no more than
    :data:`MAX_UNPACKED_BYTES` (judged from its directory, before anything is unpacked).
    """
    data = check_upload(upload, max_bytes=settings.FELLOW_IMPORT_MAX_BYTES)
    if (getattr(upload, "name", "") or "").lower().endswith(".xlsx"):
        _check_xlsx(data)
    return data


def _check_xlsx(data):
    if not data:
        raise ImportFileError("The file is empty (0 bytes). Save the workbook in Excel and upload it again.")
    if data.startswith(tuple(bom for bom, _codec, _name in _BOMS)) or not _binary_problem(data[:4096]):
        raise ImportFileError(
            "This file is named .xlsx but holds text, probably CSV. Rename it to end in .csv and upload it again, "
            "or open it in Excel and save it as .xlsx."
        )
    check_upload(
        data,
        max_bytes=settings.FELLOW_IMPORT_MAX_BYTES,
        max_uncompressed_bytes=MAX_UNPACKED_BYTES,
        zip_expected=".xlsx",
    )


def read_table(filename, data, encoding="auto"):
    """An upload → ``(header, rows, encoding used)``; rows are lists of strings."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return (*_read_xlsx(data), "xlsx")
    if name.endswith((".xls", ".ods", ".numbers")):
        raise ImportFileError("This spreadsheet format cannot be read. Save it as .xlsx or as “CSV UTF-8”.")
    text, used = decode(data, encoding)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = _counted([cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise ImportFileError(f"The file is not readable as CSV ({error}). Save it again as “CSV UTF-8”.") from None
    if not rows:
        raise ImportFileError("The file is empty.")
    return rows[0], rows[1:], used


def _counted(rows):
    """The rows, read one by one: reading stops at the first non-empty row over :data:`MAX_ROWS`.

    Empty rows are kept (as an empty tuple) so rows keep their numbers; past the
    limit they are skipped, so trailing empty rows of a sheet do not count.
    """
    kept, filled = [], -1  # the first row names the columns
    for row in rows:
        if not any(row):
            if filled < MAX_ROWS:
                kept.append(())
            continue
        filled += 1
        if filled > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS} rows; import at most {MAX_ROWS} at a time.")
        kept.append(row)
    while kept and not kept[-1]:
        kept.pop()
    return kept


def _read_xlsx(data):
    from openpyxl import load_workbook

    # The zip's directory first: nothing is unpacked from a file that would unpack to too much.
    _check_xlsx(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        # The sheet's stated size is not trusted (some programs write A1:A1): every row is read, and counted.
        sheet.reset_dimensions()
        try:
            rows = _counted([_cell(value) for value in row] for row in sheet.iter_rows(values_only=True))
        finally:
            book.close()
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(
            "The file is not a readable .xlsx workbook. Open it in Excel and save it again."
        ) from None
    if not rows:
        raise ImportFileError("The workbook's first sheet is empty.")
    return rows[0], rows[1:]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------- the template

#: The template's example row, one value per column of :data:`COLUMN_NAMES`, in its order.
TEMPLATE_EXAMPLE = {
    "given_name": "Albina",
    "family_name": "Muratbekova",
    "honorific": "Dr",
    "email": "albina.muratbekova@example.org",
    "start_year": 2017,
    "end_year": 2019,
    "home_institution": "Al-Farabi Kazakh National University",
    "city": "Almaty",
    "country": "Kazakhstan",
    "discipline": "Political science",
    "thesis_title": "China–India border issues and Central Asia",
    "listed_publicly": "no",
}


def template_csv():
    """The template as CSV: UTF-8 with a byte-order mark (so Excel opens it as UTF-8), the header and one example."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMN_NAMES.values())
    writer.writerow(TEMPLATE_EXAMPLE[name] for name in COLUMN_NAMES)
    return out.getvalue().encode("utf-8-sig")


def template_xlsx():
    """The template as an .xlsx workbook: the header (bold, frozen) and one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Fellows"
    sheet.append(list(COLUMN_NAMES.values()))
    sheet.append([TEMPLATE_EXAMPLE[name] for name in COLUMN_NAMES])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(str(TEMPLATE_EXAMPLE[_field(cell.value)])) + 2)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _field(column_name):
    return next(name for name, column in COLUMN_NAMES.items() if column == column_name)


# ---------------------------------------------------------------- planning


@dataclass
class RowResult:
    number: int  # the row's number in the file, header = 1
    values: dict
    errors: list = field(default_factory=list)  # (column name, reason)
    person: Person | None = None
    fellowship: Fellowship | None = None

    @property
    def ok(self):
        return not self.errors

    @property
    def outcome(self):
        if self.errors:
            return "error"
        return "existing person" if self.person else "new person"

    @property
    def name(self):
        return f"{self.values.get('given_name', '')} {self.values.get('family_name', '')}".strip()

    @property
    def listed_label(self):
        """Whether the fellowship will be in the public directory, as the preview says it."""
        listed = self.values.get("listed_publicly")
        if listed is None:
            if self.fellowship is not None:
                return "yes (unchanged)" if self.fellowship.listed_publicly else "no (unchanged)"
            return "no (not stated)"
        return "yes" if listed else "no"

    def shown(self, name):
        """The value of field ``name`` as the preview shows it: a country or discipline by its name."""
        value = self.values.get(name, "")
        if name == "country" and value in countries:
            return countries.name(value)
        if name == "discipline" and value in Discipline.values:
            return Discipline(value).label
        return value

    def error(self, column, reason):
        self.errors.append((COLUMN_NAMES.get(column, column), reason))


#: The preview's columns besides name, cohort and listing, in this order, each shown when the file has it.
PREVIEW_COLUMNS = {
    "honorific": "Honorific",
    "email": "Email",
    "home_institution": "Home institution",
    "city": "City",
    "country": "Country",
    "discipline": "Discipline",
    "thesis_title": "Thesis title",
}


@dataclass
class Plan:
    programme: object
    rows: list
    encoding: str = ""
    #: The fields the file's columns were mapped to, and the headings of the columns that are not imported.
    fields: tuple = ()
    ignored: tuple = ()

    @property
    def columns(self):
        """The preview's extra columns: ``(field, heading)`` for each that the file has, so none goes unseen."""
        return [(name, heading) for name, heading in PREVIEW_COLUMNS.items() if name in self.fields]

    @property
    def table(self):
        """``(row, cells)`` for the preview: each row's ``(field, value)`` in :attr:`columns`, as they will be stored."""
        return [(row, [(name, row.shown(name)) for name, _heading in self.columns]) for row in self.rows]

    @property
    def valid(self):
        return [r for r in self.rows if r.ok]

    @property
    def invalid(self):
        return [r for r in self.rows if not r.ok]

    @property
    def count_new(self):
        return sum(1 for r in self.rows if r.outcome == "new person")

    @property
    def count_existing(self):
        return sum(1 for r in self.rows if r.outcome == "existing person")


def map_header(header):
    """File header → list of field names (None for columns that are not imported)."""
    fields = [HEADERS.get(re.sub(r"[\s_\-]+", " ", (h or "").strip().lower())) for h in header]
    present = set(fields)
    if "cohort" in present:
        present |= {"start_year", "end_year"}
    missing = [COLUMN_NAMES[f] for f in REQUIRED if f not in present]
    if missing:
        raise ImportFileError(
            "The first row must name the columns. Missing: "
            + ", ".join(missing)
            + ". Expected columns: given name, family name, email, start year, end year (or cohort, "
            "e.g. 2017-2019), home institution, city, country, discipline, thesis title, listed (yes or no)."
        )
    return fields


def plan_import(header, rows, *, programme):
    """Check every row and match people; writes nothing. A fixed number of queries."""
    fields = map_header(header)
    filled = sum(1 for cells in rows if any(cells))
    if filled > MAX_ROWS:
        raise ImportFileError(f"The file has {filled} rows; import at most {MAX_ROWS} at a time.")
    results = []
    for offset, cells in enumerate(rows, start=2):
        if not any(cells):
            continue
        values = {f: (cells[i] if i < len(cells) else "") for i, f in enumerate(fields) if f}
        result = RowResult(number=offset, values=values)
        _clean_row(result)
        results.append(result)
    _find_shared_emails(results)
    _match_people(results)
    _find_duplicates(results)
    _match_fellowships(results, programme)
    ignored = tuple(h.strip() for h, f in zip(header, fields, strict=False) if not f and (h or "").strip())
    return Plan(programme=programme, rows=results, fields=tuple(f for f in fields if f), ignored=ignored)


def _clean_row(result):
    v = result.values
    # Every value is checked as the database will store it, so a row the preview calls ready is saved on confirm.
    unfit = set()
    for name, value in list(v.items()):
        problem = text_problem(value, max_length=TEXT_FIELDS[name].max_length if name in TEXT_FIELDS else None)
        if problem:
            result.error(name, problem)
            unfit.add(name)
            v[name] = ""  # one reason per cell: checked no further
    for name in ("given_name", "family_name"):
        if not v.get(name) and name not in unfit:
            result.error(name, "missing")
    cohort_unreadable = False
    if v.get("cohort") and not (v.get("start_year") or v.get("end_year")):
        match = re.fullmatch(r"\s*(\d{4})\s*[-–/]\s*(\d{4})\s*", v["cohort"])
        if match:
            v["start_year"], v["end_year"] = match.groups()
        else:
            result.error("cohort", f"“{v['cohort']}” is not a cohort like 2017-2019")
            cohort_unreadable = True
    years = {}
    for name in ("start_year", "end_year"):
        raw = v.get(name, "")
        if not raw:
            if not cohort_unreadable and name not in unfit and "cohort" not in unfit:
                result.error(name, "missing")
        elif not re.fullmatch(r"\d{4}", raw) or not 1950 <= int(raw) <= 2100:
            result.error(name, f"“{raw}” is not a year between 1950 and 2100")
        else:
            years[name] = int(raw)
    if len(years) == 2 and years["end_year"] < years["start_year"]:
        result.error(
            "end_year",
            f"the year range is reversed: it ends in {years['end_year']}, before it starts in {years['start_year']}",
        )
    v.update(years)
    if v.get("email"):
        try:
            validate_email(v["email"])
            v["email"] = v["email"].lower()
        except ValidationError:
            result.error("email", f"“{v['email']}” is not an email address")
    if v.get("country"):
        code = _country_code(v["country"])
        if code:
            v["country"] = code
        else:
            result.error(
                "country",
                f"unknown country “{v['country']}”; use its English name or two-letter ISO code (e.g. Kazakhstan or KZ)",
            )
    listed = v.get("listed_publicly", "")
    v["listed_publicly"] = None  # not stated: a new fellowship is not listed, an existing one keeps its choice
    if listed:
        if listed.lower() in LISTED_VALUES:
            v["listed_publicly"] = LISTED_VALUES[listed.lower()]
        else:
            result.error(
                "listed_publicly",
                f"“{listed}” is neither yes nor no (y/n, true/false and 1/0 work too): write yes if the "
                "fellow agreed to be listed in the public directory, no if not; left empty, a new fellow "
                "is not listed",
            )
    if v.get("discipline"):
        code = _discipline(v["discipline"])
        if code:
            v["discipline"] = code
        else:
            result.error(
                "discipline",
                f"unknown discipline “{v['discipline']}”; use one of: " + ", ".join(Discipline.labels),
            )


def _country_code(value):
    value = value.strip()
    if len(value) == 2 and value.upper() in countries:
        return value.upper()
    return countries.by_name(value, insensitive=True) or None


def _discipline(value):
    wanted = value.strip().lower()
    for code, label in Discipline.choices:
        if wanted in (code, label.lower()):
            return code
    return None


def _identity(values):
    if values.get("email"):
        return ("email", values["email"])
    return ("name", values.get("given_name", "").lower(), values.get("family_name", "").lower())


def _find_shared_emails(results):
    """Rows that give the same email are all errors, each naming the others: one email, one person, one row."""
    rows_by_email = {}
    for r in results:
        if r.values.get("email"):
            rows_by_email.setdefault(r.values["email"].lower(), []).append(r)
    for rows in rows_by_email.values():
        if len(rows) < 2:
            continue
        for r in rows:
            others = [str(o.number) for o in rows if o is not r]
            named = f"row {others[0]}" if len(others) == 1 else f"rows {', '.join(others[:-1])} and {others[-1]}"
            r.error("email", f"the same email as {named}: an email must belong to one person, on one row")


def _match_people(results):
    """An existing person is matched by email, else by given and family name; never one of several."""
    emails = {r.values["email"] for r in results if r.values.get("email")}
    families = {r.values.get("family_name", "").lower() for r in results}
    people = Person.objects.annotate(email_lc=Lower("email"), family_lc=Lower("family_name")).filter(
        Q(email_lc__in=emails) | Q(family_lc__in=families)
    )
    by_email, by_name = {}, {}
    for person in people.order_by("pk"):
        if person.email_lc:
            by_email.setdefault(person.email_lc, []).append(person)
        by_name.setdefault((person.given_name.lower(), person.family_lc), []).append(person)
    for r in results:
        if not r.ok:
            continue
        same_email = by_email.get(r.values.get("email"), [])
        if len(same_email) > 1:
            names = ", ".join(f"{p.name} (no. {p.pk})" for p in same_email)
            r.error(
                "email",
                f"{len(same_email)} people here have this email: {names}; give each their own email in the admin, "
                "then import again",
            )
            continue
        if same_email:
            r.person = same_email[0]
            continue
        same_name = by_name.get((r.values["given_name"].lower(), r.values["family_name"].lower()), [])
        if len(same_name) == 1 and (not r.values.get("email") or not same_name[0].email):
            r.person = same_name[0]
        elif len(same_name) > 1:
            r.error("email", "several people have this name; add their email address to say which one")


def _find_duplicates(results):
    seen = {}
    for r in results:
        if not r.ok:
            continue
        key = (r.person.pk if r.person else _identity(r.values), r.values["start_year"])
        if key in seen:
            r.error("", f"duplicate of row {seen[key]}: the same person and cohort")
        else:
            seen[key] = r.number


def _match_fellowships(results, programme):
    people = [r.person.pk for r in results if r.ok and r.person]
    existing = {
        (f.person_id, f.start_year): f for f in Fellowship.objects.filter(programme=programme, person__in=people)
    }
    for r in results:
        if r.ok and r.person:
            r.fellowship = existing.get((r.person.pk, r.values["start_year"]))


# ---------------------------------------------------------------- writing

_PERSON_FIELDS = ("honorific", "given_name", "family_name", "email")
_FELLOWSHIP_FIELDS = ("end_year", "home_institution", "city", "country", "discipline", "thesis_title")


@dataclass
class ImportReport:
    people_created: int = 0
    fellowships_created: int = 0
    fellowships_updated: int = 0
    fellowships_unchanged: int = 0
    rows_skipped: int = 0


@transaction.atomic
def apply_import(plan):
    """Write the plan's valid rows: all in one transaction, or nothing."""
    report = ImportReport(rows_skipped=len(plan.invalid))
    slugs = set(Person.objects.values_list("slug", flat=True))
    for row in plan.valid:
        v = row.values
        person = row.person
        if person is None:
            person = Person(**{f: v.get(f, "") for f in _PERSON_FIELDS})
            person.slug = _unique_slug(person.name, slugs)
            person.save()
            report.people_created += 1
        elif v.get("email") and not person.email:
            person.email = v["email"]
            person.save(update_fields=["email"])
        values = {f: v.get(f, "") for f in _FELLOWSHIP_FIELDS}
        fellowship = row.fellowship
        if v["listed_publicly"] is not None:
            values["listed_publicly"] = v["listed_publicly"]
        if fellowship is None:
            values.setdefault("listed_publicly", False)
            Fellowship.objects.create(person=person, programme=plan.programme, start_year=v["start_year"], **values)
            report.fellowships_created += 1
        elif any(getattr(fellowship, f) != value for f, value in values.items()):
            for f, value in values.items():
                setattr(fellowship, f, value)
            fellowship.save()
            report.fellowships_updated += 1
        else:
            report.fellowships_unchanged += 1
    return report


def _unique_slug(name, taken):
    base = slugify(name)[:110] or "fellow"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug
