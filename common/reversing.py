"""``reverse()``, with each URL pattern reversed once per process.

Reversing walks the URL resolver on every call: an issue page makes about fifteen
addresses, and reversing them took a tenth of a render from scratch. :func:`url_for`
reverses a pattern once with placeholders and then fills them in. Only values
that need no quoting take that way (integers, and slugs of ASCII letters, digits,
hyphens and underscores) and only where the pattern accepts them (letters where it
takes digits only are reversed, and refused, as ``reverse()`` refuses them); any
other value is reversed as usual. The result is ``reverse()``'s, as a test checks.
"""

import re
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_PLAIN = re.compile(r"[-A-Za-z0-9_]+")
_DIGITS = re.compile(r"[0-9]+")


def _placeholder(position):
    # Digits: every path converter accepts them. Long and odd enough to appear nowhere else.
    return f"90417{position:02d}35028"


@lru_cache(maxsize=512)
def _pattern(name, count, keys, urlconf, prefix):
    """The address with placeholders, and for each position whether it takes letters too."""

    def reversed_with(values):
        if keys:
            return reverse(name, urlconf=urlconf, kwargs=dict(zip(keys, values, strict=True)))
        return reverse(name, urlconf=urlconf, args=values)

    placeholders = [_placeholder(position) for position in range(count)]
    takes_letters = []
    for position in range(count):
        try:
            reversed_with([*placeholders[:position], "x-0", *placeholders[position + 1 :]])
            takes_letters.append(True)
        except NoReverseMatch:
            takes_letters.append(False)
    return reversed_with(placeholders), tuple(takes_letters)


def url_for(name, /, *args, **kwargs):
    """``reverse(name, args=args, kwargs=kwargs)``, reversing the pattern once."""
    if args and kwargs:
        return reverse(name, args=args, kwargs=kwargs)  # refused by reverse(), as it should be
    values = args or tuple(kwargs.values())
    if not all(type(value) is int or (isinstance(value, str) and _PLAIN.fullmatch(value)) for value in values):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    try:
        address, takes_letters = _pattern(name, len(values), tuple(kwargs), get_urlconf(), get_script_prefix())
    except NoReverseMatch:  # a pattern that takes no placeholder (a fixed length, say): reversed as usual
        return reverse(name, args=args or None, kwargs=kwargs or None)
    for position, value in enumerate(values):
        value = str(value)
        if not takes_letters[position] and not _DIGITS.fullmatch(value):
            return reverse(name, args=args or None, kwargs=kwargs or None)
        address = address.replace(_placeholder(position), value)
    return address
