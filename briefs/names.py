"""People's names as citations and metadata need them: no titles, particles apart.

A person's honorific (“Dr”, “Prof. Dr”) is a field of its own and is printed in
the byline, never cited. An honorific typed into the given name by mistake
(“Dr Erkin”) is taken off here too, so no citation format ever shows it.

A family name that opens with lowercase words (“van der Berg”, “de la Cruz”)
has those words as its particle. CSL calls it a non-dropping particle: it is
printed with the family name (“van der Berg, J.”), and a style that sorts
without it may. BibTeX keeps it by bracing the whole family name. Capitalised
prefixes (“Van Buren”, “O'Brien”, “Al-Farabi”) are part of the family name.

Everything else is kept exactly as typed: Cyrillic, and letters such as “Oʻ”
(U+02BB, the Uzbek Latin “oʻ”), which are letters, not punctuation.
"""

from dataclasses import dataclass

#: Academic and courtesy titles that may open a given name typed by mistake,
#: lowercased and without their full stop. Whole words only: “Drew” stays.
HONORIFICS = frozenset(
    {
        "dr",
        "dres",
        "prof",
        "professor",
        "pd",
        "priv.-doz",
        "doz",
        "mag",
        "dipl.-ing",
        "phd",
        "mr",
        "mrs",
        "ms",
        "mx",
        "sir",
        "д-р",
        "др",
        "проф",
        "профессор",
        "доц",
        "акад",
    }
)


def strip_honorific(given_name):
    """``given_name`` without the titles typed before it: “Prof. Dr Mathias” → “Mathias”."""
    words = given_name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words.pop(0)
    # A given name that is only a title (“Dr”) is left as it is: then it is a name.
    return " ".join(words)


@dataclass(frozen=True)
class CitedName:
    """One person's name as citations take it."""

    given: str
    #: The family name without its particle: “Berg”.
    family: str
    #: Lowercase words before the family name: “van der”.
    particle: str = ""

    @property
    def full_family(self):
        """The family name as written, particle included: “van der Berg”."""
        return f"{self.particle} {self.family}".strip()

    @property
    def inverted(self):
        """“van der Berg, Jan”: the form Highwire, RIS and Dublin Core take."""
        return f"{self.full_family}, {self.given}" if self.given else self.full_family

    @property
    def natural(self):
        """“Jan van der Berg”."""
        return f"{self.given} {self.full_family}".strip()


def cited_name(given_name, family_name):
    """The :class:`CitedName` of a person from the given and family names as stored."""
    given = strip_honorific(given_name)
    words = family_name.split()
    particle = []
    # Leading lowercase words, so long as one word is left for the family name.
    while len(words) > 1 and words[0][:1].islower():
        particle.append(words.pop(0))
    return CitedName(given=given, family=" ".join(words), particle=" ".join(particle))
