import re

from django.core.exceptions import ValidationError

_ISSN_RE = re.compile(r"^(\d{4})-?(\d{3}[\dXx])$")


def issn_check_digit(first_seven):
    """The ISSN check character for seven digits (ISO 3297: mod 11, weights 8..2)."""
    total = sum(int(d) * w for d, w in zip(first_seven, range(8, 1, -1)))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def normalise_issn(value):
    """``"26277190"`` → ``"2627-7190"``; returns None when the shape is wrong."""
    match = _ISSN_RE.match((value or "").strip())
    if not match:
        return None
    return f"{match.group(1)}-{match.group(2).upper()}"


def validate_issn(value):
    issn = normalise_issn(value)
    if issn is None:
        raise ValidationError(
            "“%(value)s” is not an ISSN. An ISSN is eight characters written as NNNN-NNNC, e.g. 2627-7190.",
            code="issn_format",
            params={"value": value},
        )
    digits = issn.replace("-", "")
    expected = issn_check_digit(digits[:7])
    if digits[7] != expected:
        raise ValidationError(
            "“%(value)s” is not a valid ISSN: its check digit should be %(expected)s, "
            "not %(actual)s. Check for a mistyped digit.",
            code="issn_check_digit",
            params={"value": value, "expected": expected, "actual": digits[7]},
        )
