"""Names as citations take them: no honorific, particles apart, every letter kept."""

import pytest

from briefs.names import cited_name, strip_honorific

OKINA = "\u02bb"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Erkin", "Erkin"),
        ("Dr Erkin", "Erkin"),
        ("Dr. Erkin", "Erkin"),
        ("Prof. Dr Mathias", "Mathias"),
        ("PD Dr Matthias", "Matthias"),
        ("dr. Anna Maria", "Anna Maria"),
        ("д-р Айгерим", "Айгерим"),
        ("Проф. Иван", "Иван"),
        # whole words only, and a name that is only a title stays a name
        ("Drew", "Drew"),
        ("Prokhor", "Prokhor"),
        ("Dr", "Dr"),
        (f"G{OKINA}ulom", f"G{OKINA}ulom"),
    ],
)
def test_an_honorific_typed_into_the_given_name_is_never_part_of_it(typed, expected):
    assert strip_honorific(typed) == expected


@pytest.mark.parametrize(
    "given, family, particle, rest",
    [
        ("Jan", "van der Berg", "van der", "Berg"),
        ("Juan", "de la Cruz", "de la", "Cruz"),
        ("Ludwig", "von Mises", "von", "Mises"),
        # capitalised prefixes are part of the family name
        ("Martin", "Van Buren", "", "Van Buren"),
        ("Abu Nasr", "Al-Farabi", "", "Al-Farabi"),
        # one lowercase word alone is the family name, not a particle
        ("bell", "hooks", "", "hooks"),
        ("Айгерим", "Жумабаева", "", "Жумабаева"),
        (f"G{OKINA}ulom", f"O{OKINA}rinov", "", f"O{OKINA}rinov"),
    ],
)
def test_a_family_name_opening_with_lowercase_words_has_them_as_its_particle(given, family, particle, rest):
    name = cited_name(given, family)
    assert (name.particle, name.family, name.full_family) == (particle, rest, family)
    assert name.inverted == f"{family}, {given}"


def test_a_cited_name_takes_no_honorific_and_keeps_the_letter_o_with_okina():
    name = cited_name(f"Dr G{OKINA}ulom", f"O{OKINA}rinov")
    assert name.natural == f"G{OKINA}ulom O{OKINA}rinov"
    assert name.inverted == f"O{OKINA}rinov, G{OKINA}ulom"
