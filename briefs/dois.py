"""DOIs: the series' prefix, the pattern of its issues' suffixes, and an issue's DOI.

Pure functions, no database. An issue's DOI is worked out once, when it is first
published in a series that has a DOI prefix (:mod:`briefs.workflow`), and kept on the
issue from then on: a DOI never changes, whatever later happens to the series' slug,
the issue's number or its address.
"""

import re
import string

from django.core.exceptions import ValidationError

#: Crossref's prefixes: "10." and four or more digits (10.5555 is its test prefix).
_PREFIX_RE = re.compile(r"^10\.\d{4,9}$")
#: The placeholders a suffix pattern may use.
PLACEHOLDERS = {"series": "the series' web address", "number": "the issue's number"}
DEFAULT_SUFFIX_PATTERN = "{series}.{number}"
#: What Crossref allows in a suffix (its "DOI syntax" guidance): letters, digits and - . _ ; ( ) /
_SUFFIX_RE = re.compile(r"^[A-Za-z0-9\-._;()/]+$")
#: A DOI as it is written on its own.
DOI_RE = re.compile(r"^10\.\d{4,9}/[A-Za-z0-9\-._;()/:]+$")
RESOLVER = "https://doi.org/"
#: The longest DOI kept (``Issue.doi``), its longest prefix ("10." and nine digits) with the slash, and so the
#: longest suffix a pattern may make with the longest series slug (``Series.slug``) and a ten-digit number.
MAX_DOI = 255
MAX_SUFFIX = MAX_DOI - len("10.123456789/")
LONGEST_SLUG = 100
LARGEST_NUMBER = 9_999_999_999


def validate_doi_prefix(value):
    if not _PREFIX_RE.match(value or ""):
        raise ValidationError(
            "“%(value)s” is not a DOI prefix. A prefix is “10.” followed by four or more digits, "
            "e.g. 10.5555 (Crossref's test prefix); it is given by Crossref.",
            code="doi_prefix",
            params={"value": value},
        )


def validate_suffix_pattern(value):
    """The pattern must name the issue's number once, use known placeholders, and make a valid suffix."""
    try:
        parsed = [
            (name, spec, conv) for _, name, spec, conv in string.Formatter().parse(value or "") if name is not None
        ]
    except ValueError:
        raise ValidationError(
            "The pattern has an unmatched brace. Write placeholders as {series} and {number}.",
            code="doi_pattern_braces",
        ) from None
    if any(spec or conv for _, spec, conv in parsed):
        raise ValidationError(
            "Write the placeholders plainly, as {series} and {number}, with nothing after the name "
            "(no “:03d” or “!r”).",
            code="doi_pattern_format",
        )
    fields = [name for name, _, _ in parsed]
    unknown = sorted({name for name in fields if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            "The pattern uses %(unknown)s, which is not a placeholder; use {series} and {number}.",
            code="doi_pattern_unknown",
            params={"unknown": ", ".join(f"{{{name}}}" for name in unknown)},
        )
    if fields.count("number") != 1:
        raise ValidationError(
            "The pattern must contain {number} exactly once, so that every issue gets a DOI of its own.",
            code="doi_pattern_number",
        )
    longest = suffix_for(value, series_slug="s" * LONGEST_SLUG, number=LARGEST_NUMBER)
    if len(longest) > MAX_SUFFIX:
        raise ValidationError(
            "The pattern can make a suffix of %(length)s characters (with the longest web address a series may "
            "have); a DOI may have %(limit)s here. Shorten the text around the placeholders.",
            code="doi_pattern_length",
            params={"length": len(longest), "limit": MAX_SUFFIX},
        )
    sample = suffix_for(value, series_slug="series", number=1)
    if not _SUFFIX_RE.match(sample):
        raise ValidationError(
            "The pattern makes “%(sample)s”, which is not a valid DOI suffix: use letters, digits "
            "and - . _ ; ( ) / only, with no spaces.",
            code="doi_pattern_characters",
            params={"sample": sample},
        )


def suffix_for(pattern, *, series_slug, number):
    """``"{series}.{number}"`` → ``"eucacis-in-brief.6"``."""
    return (pattern or DEFAULT_SUFFIX_PATTERN).format(series=series_slug, number=number)


def doi_for(prefix, pattern, *, series_slug, number):
    """The DOI an issue gets: ``10.5555/eucacis-in-brief.6``. DOIs are case-insensitive; we keep the case given."""
    return f"{prefix}/{suffix_for(pattern, series_slug=series_slug, number=number)}"


def doi_url(doi):
    """The DOI as an address, as Crossref asks citations to show it: ``https://doi.org/10.5555/…``."""
    return RESOLVER + doi if doi else ""


def validate_deposit_url(value):
    """A deposit address must be one this server sends to (``CROSSREF_DEPOSIT_URLS``): the login goes with it."""
    from django.conf import settings

    if value and value not in settings.CROSSREF_DEPOSIT_URLS:
        raise ValidationError(
            "Deposits go only to Crossref's own addresses: %(allowed)s. The server's Crossref login is sent "
            "with every deposit, so no other address can be used.",
            code="deposit_url",
            params={"allowed": ", ".join(settings.CROSSREF_DEPOSIT_URLS)},
        )
