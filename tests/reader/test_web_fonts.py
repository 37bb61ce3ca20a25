"""The site's faces: the printed brief's Noto pair, as WOFF2 subsets served by the site itself.

Each subset must hold every letter of the names and words the series prints
(Kazakh, Uzbek, Azerbaijani and Turkish Latin; Russian, Kazakh and Uzbek
Cyrillic) and its typographic punctuation; no page may ask another site for a
font; the reading face is preloaded, and text shows at once in a fallback face.
"""

import importlib.util
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.templatetags.static import static
from fontTools.ttLib import TTFont
from lxml import html as lxml_html

ROOT = Path(settings.BASE_DIR)
FONTS = ROOT / "static" / "fonts"
SITE_CSS = ROOT / "static" / "css" / "site.css"
FACES = (
    "NotoSerif-Regular",
    "NotoSerif-Italic",
    "NotoSerif-Bold",
    "NotoSerif-BoldItalic",
    "NotoSans-Regular",
    "NotoSans-Bold",
)

#: Names and words as the series prints them: every letter must be in every face.
TEXTS = {
    "Kazakh Cyrillic": "Әлихан Бөкейханов, Ғалым Қасымов, Нұрсұлтан Үмбетов, Һ һ, Іле, Ңң Өө Ұұ Үү Әә Ққ Ғғ Іі",
    "Russian": "Щёлково, Объём, Съезд, Эрмитаж, Юрий, Ярослав, ЁЖИК",
    "Uzbek Cyrillic": "Ўзбекистон, Ҳамза, Қўқон, Ғафур Ғулом",
    "Kazakh Latin": "Qazaqstan, Äliхan, Ǵalym, Ńurbek, Ūly, Ümbet, Öskemen, Şymkent, Iаńа, ǵ ń ū ä ö ü ş ı",
    "Uzbek Latin": "Oʻtkir Gʻulomov, Oʻzbekiston, Shavkat Mirziyoyev, Toʻxtasin, oʼ gʼ",
    "Azerbaijani and Turkish": "Ərəstun Məmmədli, Çağrı, Şahin, İlham Əliyev, Ğğ Iı İi",
    "Western European": "Müller-Lüdenscheidt, d’Alembert, Peña, Ångström, Œuvre, Łódź, Dvořák, ß",
    # Not ↩ nor −: Noto Serif and Sans have no arrows or minus sign, in print either.
    "punctuation": "– — ‘ ’ “ ” „ « » ‹ › … № € ₸ ₽ • · ′ ″ ° ± × ÷ § ¶ © ®",
    "spaces": "\u00a0\u2009\u200a\u202f",
}


def _load_script():
    spec = importlib.util.spec_from_file_location("make_web_fonts", ROOT / "scripts" / "make_web_fonts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _characters(font):
    return set(font.getBestCmap())


@pytest.mark.parametrize("face", FACES)
def test_each_face_holds_every_letter_of_kazakh_uzbek_and_russian_names_and_typographic_punctuation(face):
    font = TTFont(FONTS / f"{face}.woff2")
    assert font.flavor == "woff2"
    present = _characters(font)
    for script, text in TEXTS.items():
        missing = sorted({ch for ch in text if ch != " " and ord(ch) not in present})
        assert not missing, f"{face} lacks {script} characters: {' '.join(missing)}"


@pytest.mark.parametrize("face", FACES)
def test_each_face_is_the_printed_fonts_cut_to_the_scripts_ranges_and_no_more(face):
    """What the script keeps: exactly the source face's characters within its ranges."""
    script = _load_script()
    wanted = set(script.code_points())
    source = _characters(TTFont(ROOT / "printing" / "print" / "fonts" / f"{face}.ttf"))
    assert _characters(TTFont(FONTS / f"{face}.woff2")) == source & wanted
    # A subset, not the whole face: the six faces together weigh less than one TrueType face.
    assert (FONTS / f"{face}.woff2").stat().st_size < 80_000


def test_the_committed_reading_face_is_what_the_script_makes(tmp_path):
    """Run scripts/make_web_fonts.py again after changing its ranges: the committed file must be its output."""
    made = _load_script().make("NotoSerif-Regular", tmp_path)
    assert made.read_bytes() == (FONTS / "NotoSerif-Regular.woff2").read_bytes()


def _font_faces(css):
    return re.findall(r"@font-face\s*{([^}]*)}", css)


def test_every_face_is_served_from_the_site_and_shows_text_at_once():
    css = SITE_CSS.read_text(encoding="utf-8")
    faces = _font_faces(css)
    assert len(faces) == len(FACES)
    for face in faces:
        assert "font-display: swap" in face
        (url,) = re.findall(r"url\(\"?([^\")]+)\"?\)", face)
        assert url.startswith("../fonts/") and url.endswith(".woff2"), url
        assert (SITE_CSS.parent / url).resolve().exists(), url
    # No @import and no address of another site anywhere in the stylesheet.
    assert "@import" not in css
    assert not re.search(r"url\(\s*[\"']?(?:[a-z]+:)?//", css, re.IGNORECASE)


@pytest.mark.django_db
def test_pages_preload_the_reading_face_and_ask_no_other_site_for_anything(client):
    response = client.get("/")
    tree = lxml_html.fromstring(response.content)
    (preload,) = tree.xpath('//link[@rel="preload"][@as="font"]')
    assert preload.get("href") == static("fonts/NotoSerif-Regular.woff2")
    assert preload.get("type") == "font/woff2" and preload.get("crossorigin") is not None
    for element in tree.xpath("//link[@href] | //script[@src] | //img[@src]"):
        address = element.get("href") or element.get("src")
        assert not re.match(r"(?:[a-z]+:)?//", address) or address.startswith("http://testserver/"), address
    # The browser enforces it too: fonts may come from this site only.
    policy = response.headers["Content-Security-Policy"]
    font_sources = re.search(r"font-src ([^;]+)", policy) or re.search(r"default-src ([^;]+)", policy)
    assert font_sources.group(1).split() == ["'self'"], policy
