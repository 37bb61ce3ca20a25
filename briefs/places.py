"""Countries from the ISO 3166 list (django-countries) as places of issues.

:func:`countries_matching` is the pure search the issue form's autocomplete
offers new countries from; :func:`add_country` is the one write that turns a
picked country into a :class:`~briefs.models.Place`.
"""

import unicodedata

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django_countries import countries

from briefs.models import Place, PlaceKind


def fold(text):
    """``text`` for comparing as people type: case, accents and apostrophes' shapes ignored."""
    decomposed = unicodedata.normalize("NFKD", str(text).replace("’", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _names_of_every_country():
    """(code, ISO name as shown, every name it is known by), in the list's order."""
    # ``shadowed_names``: the ISO names that the library's common names replace
    # (“Iran (Islamic Republic of)”) and the names a country had before (“Turkey”, “Swaziland”).
    others = countries.shadowed_names
    return [(code, str(name), [str(name), *map(str, others.get(code, ()))]) for code, name in countries]


def countries_matching(term):
    """The ISO countries one of whose names contains ``term``: ``[(code, name), …]``.

    Case- and accent-insensitive (“cote” finds Côte d'Ivoire, “turkey” Türkiye);
    countries whose name starts with the term come first, then the rest, each
    part in alphabetical order. An empty term matches nothing.
    """
    wanted = fold(term).strip()
    if not wanted:
        return []
    found = []
    for code, name, names in _names_of_every_country():
        folded = [fold(each) for each in names]
        if any(wanted in each for each in folded):
            starts = any(each.startswith(wanted) for each in folded)
            found.append((not starts, fold(name), code, name))
    return [(code, name) for _later, _key, code, name in sorted(found)]


def is_country_code(code):
    return isinstance(code, str) and code in dict(countries)


def free_slug(name, *, excluding=None):
    """A web address for a place called ``name`` that no other place has (“georgia”, else “georgia-2”, …).

    ``excluding``: the primary key of the place being edited, whose own address is free for it.
    """
    max_length = Place._meta.get_field("slug").max_length
    base = slugify(name)[:max_length] or "place"
    taken = set(Place.objects.filter(slug__startswith=base).exclude(pk=excluding).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
    return slug


def add_country(*, code):
    """The place of the ISO country ``code``: the one listed, or a new one (kind country, ISO name, a free slug).

    Safe when two editors add the same country at once: the database's
    uniqueness of a place's country decides, and the second gets the first's
    place. Raises ValueError for a code that is not on the ISO list.
    """
    if not is_country_code(code):
        raise ValueError(f"{code!r} is not an ISO 3166 country code.")
    name = countries.name(code)
    for _attempt in range(3):
        existing = Place.objects.filter(country=code).first()
        if existing is not None:
            return existing
        slug = free_slug(name)
        try:
            with transaction.atomic():  # a savepoint: the editor's save goes on after a lost race
                return Place.objects.create(kind=PlaceKind.COUNTRY, country=code, name=name, slug=slug)
        except IntegrityError:
            # Someone added this country (then it is found above) or took the slug meanwhile (then another is chosen).
            continue
    return Place.objects.get(country=code)
