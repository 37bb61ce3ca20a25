"""The characters XML 1.0 cannot carry, even escaped, and text without them.

The feeds (reader.summaries), the OAI-PMH answers (oai.xml) and the Crossref deposits
(crossref.records) all write text editors typed, which may hold a control character
pasted from Word; lxml refuses to write one. The rule is here once.
"""

import re

#: C0 controls but tab, line feed and carriage return; lone surrogates; U+FFFE and U+FFFF.
XML_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text, replacement=""):
    """``text`` with every character XML 1.0 forbids replaced by ``replacement`` (dropped by default).

    >>> xml_safe("Tab\\there,\\x00 NUL\\x0b")
    'Tab\\there, NUL'
    >>> xml_safe("a\\x0bb", " ")
    'a b'
    """
    return XML_FORBIDDEN_RE.sub(replacement, str(text))
