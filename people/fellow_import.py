"""Importing fellows from a spreadsheet (CSV or XLSX), in two steps.

:func:`read_table` turns an upload into rows of text, refusing files it cannot
read without garbling them. :func:`plan_import` checks every row and says what
would happen to it (new person, existing person, or an error with its row,
column and reason) without writing anything. :func:`apply_import` writes the
valid rows of a plan in one transaction: all of them or, on any failure, none.
Importing the same file twice changes nothing the second time.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify
from django_countries import countries

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
}
MAX_ROWS = 5000


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


# ---------------------------------------------------------------- reading


def decode(data, encoding="auto"):
    """Bytes of a text file → ``(text, encoding used)``, never garbled.

    ``auto`` takes UTF-8 (with or without BOM; UTF-16 by its BOM), else
    Windows-1252, and refuses text that only decodes as Windows-1252 by looking
    like mangled Cyrillic.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if encoding != "auto":
        try:
            return data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"The file is not valid {ENCODINGS[encoding]} text (byte {error.start + 1}). "
                "Choose another encoding, or save the file as “CSV UTF-8”."
            ) from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is neither UTF-8 nor Windows-1252 text. Save it as “CSV UTF-8” in Excel "
            "(File › Save as), or choose its encoding above."
        ) from None
    if _looks_like_cyrillic(text):
        raise ImportFileError(
            "The file is not UTF-8, and read as Windows-1252 its names come out as gibberish "
            "such as “Àëèíà”: it is probably Cyrillic. Choose “Windows-1251 (Cyrillic)” as the "
            "encoding, or save the file as “CSV UTF-8”."
        )
    return text, "cp1252"


def _looks_like_cyrillic(text):
    # Windows-1251 Cyrillic letters are bytes C0–FF, which Windows-1252 reads as
    # accented Latin letters; real Western text rarely has three in a row.
    high = re.findall(r"[\u00c0-\u00ff]{3,}", text)
    return sum(map(len, high)) >= 6


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
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    if not rows:
        raise ImportFileError("The file is empty.")
    return rows[0], rows[1:], used


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:
        raise ImportFileError("The file is not a readable .xlsx workbook. Open it in Excel and save it again.") from None
    rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    if not rows:
        raise ImportFileError("The workbook's first sheet is empty.")
    return rows[0], rows[1:]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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

    def error(self, column, reason):
        self.errors.append((COLUMN_NAMES.get(column, column), reason))


@dataclass
class Plan:
    programme: object
    rows: list
    encoding: str = ""

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
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"The file has {len(rows)} rows; import at most {MAX_ROWS} at a time.")
    results = []
    for offset, cells in enumerate(rows, start=2):
        if not any(cells):
            continue
        values = {f: (cells[i] if i < len(cells) else "") for i, f in enumerate(fields) if f}
        result = RowResult(number=offset, values=values)
        _clean_row(result)
        results.append(result)
    _match_people(results)
    _find_duplicates(results)
    _match_fellowships(results, programme)
    return Plan(programme=programme, rows=results)


def _clean_row(result):
    v = result.values
    for name in ("given_name", "family_name"):
        if not v.get(name):
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
            if not cohort_unreadable:
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


def _match_people(results):
    """An existing person is matched by email, else by given and family name."""
    emails = {r.values["email"] for r in results if r.values.get("email")}
    families = {r.values.get("family_name", "").lower() for r in results}
    people = Person.objects.annotate(email_lc=Lower("email"), family_lc=Lower("family_name")).filter(
        Q(email_lc__in=emails) | Q(family_lc__in=families)
    )
    by_email, by_name = {}, {}
    for person in people:
        if person.email_lc:
            by_email.setdefault(person.email_lc, person)
        by_name.setdefault((person.given_name.lower(), person.family_lc), []).append(person)
    for r in results:
        if not r.ok:
            continue
        if r.values.get("email") and r.values["email"] in by_email:
            r.person = by_email[r.values["email"]]
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
        (f.person_id, f.start_year): f
        for f in Fellowship.objects.filter(programme=programme, person__in=people)
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
