"""Make the site's web fonts: WOFF2 subsets of the Noto fonts the printed brief uses.

The web and the PDF set one series in one typeface pair, Noto Serif and Noto Sans
(printing/print/fonts/, SIL Open Font License). A full Noto face is 0.5–0.65 MB of
TrueType; a reader needs only the scripts the series is written in, so each face is
cut down to the characters in WEB_FONT_RANGES (Latin with its extensions for Kazakh,
Uzbek, Azerbaijani and Turkish Latin, Cyrillic with the Kazakh, Uzbek and Tajik
letters, and typographic punctuation), without hinting, and compressed as WOFF2.
The results are committed under static/fonts/; run this again after changing the
ranges or the fonts:

    .venv/bin/python scripts/make_web_fonts.py

tests/reader/test_web_fonts.py checks that the committed files hold every character
the series needs and that they match what this script makes from the ranges.
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "printing" / "print" / "fonts"
TARGET = ROOT / "static" / "fonts"

#: The faces the site uses: the serif for reading, the sans for headings and the interface.
FACES = (
    "NotoSerif-Regular",
    "NotoSerif-Italic",
    "NotoSerif-Bold",
    "NotoSerif-BoldItalic",
    "NotoSans-Regular",
    "NotoSans-Bold",
)

#: What the web fonts keep, as (first, last) code points, both included.
WEB_FONT_RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement: ä ö ü ç ñ, « », no-break space
    (0x0100, 0x017F),  # Latin Extended-A: ğ ı ş ū ń ő ł ž (Kazakh, Uzbek, Turkish, Polish, Czech Latin)
    (0x0180, 0x024F),  # Latin Extended-B: Ə ǵ ǧ ș ț
    (0x0259, 0x0259),  # ə (IPA block; Azerbaijani and Kazakh Latin)
    (0x02B9, 0x02DD),  # modifier letters: ʻ ʼ (Uzbek oʻ, gʻ), ˆ ˇ ˘ ˙ ˚ ˛ ˜ ˝
    (0x0300, 0x036F),  # combining diacritics, for letters typed decomposed
    (0x0400, 0x052F),  # Cyrillic and Cyrillic Supplement: Russian, ә ғ қ ң ө ұ ү һ і (Kazakh), ў қ ғ ҳ (Uzbek)
    (0x1E00, 0x1EFF),  # Latin Extended Additional: ḩ ẞ and Vietnamese, for names
    (0x2000, 0x206F),  # General Punctuation: – — ‘ ’ “ ” „ … ‰ ′ ″ thin and hair spaces
    (0x20A0, 0x20C0),  # currency: € ₸ (tenge) ₽ (rouble) ₼ (manat)
    (0x2116, 0x2116),  # №
    (0x2122, 0x2122),  # ™
    (0xFEFF, 0xFEFF),  # zero-width no-break space, which editors paste from Word
)
# Arrows (the notes' ↩) and the minus sign are not in Noto Serif or Noto Sans (they are in Noto Sans
# Math and Symbols), in print as on screen: the browser takes them from a fallback face.


def code_points():
    return [cp for first, last in WEB_FONT_RANGES for cp in range(first, last + 1)]


def options():
    chosen = subset.Options()
    chosen.flavor = "woff2"
    chosen.hinting = False
    chosen.desubroutinize = True
    # Kerning, ligatures, case-sensitive forms, small caps, old-style and tabular figures, fractions, localised forms
    # (Kazakh and Bulgarian Cyrillic, Turkish i): what a careful page may ask for with font-feature-settings or lang.
    chosen.layout_features = [
        "kern",
        "liga",
        "clig",
        "calt",
        "ccmp",
        "locl",
        "mark",
        "mkmk",
        "case",
        "smcp",
        "c2sc",
        "onum",
        "lnum",
        "tnum",
        "pnum",
        "frac",
        "sups",
        "subs",
    ]
    chosen.name_IDs = ["*"]  # the licence and copyright names stay with the font
    chosen.name_languages = ["*"]
    chosen.notdef_outline = True
    chosen.drop_tables += ["DSIG"]
    return chosen


def make(face, target=TARGET):
    """Write ``<face>.woff2`` into ``target`` and return its path."""
    font = TTFont(SOURCE / f"{face}.ttf")
    subsetter = subset.Subsetter(options())
    subsetter.populate(unicodes=code_points())
    subsetter.subset(font)
    # A fixed timestamp: the same fonts and ranges give the same bytes.
    font.recalcTimestamp = False
    font["head"].modified = font["head"].created
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{face}.woff2"
    font.flavor = "woff2"
    font.save(path, reorderTables=False)
    return path


def main(argv):
    target = Path(argv[1]) if len(argv) > 1 else TARGET
    for face in FACES:
        path = make(face, target)
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size / 1024:.1f} KB")


if __name__ == "__main__":
    main(sys.argv)
