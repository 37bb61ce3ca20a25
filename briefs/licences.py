"""The licences a series may publish under: SPDX identifier, printed name, and deed URL.

A short fixed list rather than free text, so that every output can give both the
name a reader recognises (“CC BY 4.0”, in the PDF's imprint and ``DC.rights``) and
the address machines compare (schema.org ``license``). The identifiers are SPDX's,
as Crossref and DataCite take them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    spdx: str
    name: str
    url: str


LICENCES = (
    Licence("CC-BY-4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    Licence("CC-BY-SA-4.0", "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    Licence("CC-BY-ND-4.0", "CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/"),
    Licence("CC-BY-NC-4.0", "CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
    Licence("CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    Licence("CC-BY-NC-ND-4.0", "CC BY-NC-ND 4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    Licence("CC0-1.0", "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
)

BY_SPDX = {licence.spdx: licence for licence in LICENCES}

#: The series form's choices: the printed name, and what it lets readers do.
CHOICES = [(licence.spdx, f"{licence.name} ({licence.url})") for licence in LICENCES]


def licence(spdx):
    """The :class:`Licence` of an SPDX identifier, or None for none set (or one no longer offered)."""
    return BY_SPDX.get(spdx or "")
