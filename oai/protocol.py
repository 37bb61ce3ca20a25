"""OAI-PMH 2.0's requests: which arguments each verb takes, their syntax, and the errors.

Pure functions, no database and no request: :func:`parse` turns the request's
arguments (a mapping of name to every value given) into a :class:`Request`, or
into the list of :class:`OaiError` the protocol says to answer with
(https://www.openarchives.org/OAI/openarchivesprotocol.html, sections 3.1.2.1,
3.3.1, 3.6 and 4).
"""

import datetime
import re
from dataclasses import dataclass, field

#: The one metadata format: unqualified Dublin Core, which every repository must offer.
OAI_DC = "oai_dc"
METADATA_FORMATS = {
    OAI_DC: (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    ),
}

#: Each verb's arguments: required, optional, and the exclusive one (section 3.1.2.1 and 4).
VERBS = {
    "Identify": {"required": (), "optional": (), "exclusive": None},
    "ListMetadataFormats": {"required": (), "optional": ("identifier",), "exclusive": None},
    "ListSets": {"required": (), "optional": (), "exclusive": "resumptionToken"},
    "GetRecord": {"required": ("identifier", "metadataPrefix"), "optional": (), "exclusive": None},
    "ListIdentifiers": {
        "required": ("metadataPrefix",),
        "optional": ("from", "until", "set"),
        "exclusive": "resumptionToken",
    },
    "ListRecords": {
        "required": ("metadataPrefix",),
        "optional": ("from", "until", "set"),
        "exclusive": "resumptionToken",
    },
}

#: The schema's patterns (OAI-PMH.xsd: setSpecType, metadataPrefixType).
SET_SPEC_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
METADATA_PREFIX_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
#: An identifier is an absolute URI (RFC 3986): a scheme, then unreserved characters, percent-escapes,
#: sub-delimiters, ":", "@", "/" and "?", and at most one "#" fragment. What the schema's anyURI refuses
#: ("%zz", "a[b]", two "#") is refused here as badArgument, so it is never echoed in the answer.
_URI_CHARS = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*"
IDENTIFIER_RE = re.compile(rf"(?=.{{1,500}}$)[A-Za-z][A-Za-z0-9+.\-]*:{_URI_CHARS}(?:#{_URI_CHARS})?")

DAY = "YYYY-MM-DD"
SECONDS = "YYYY-MM-DDThh:mm:ssZ"
_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECONDS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@dataclass(frozen=True)
class OaiError:
    code: str
    message: str


@dataclass(frozen=True)
class Request:
    """A request whose arguments are all well formed (what they name may still not exist)."""

    verb: str
    #: The arguments as given (one value each), for the response's ``<request>`` element.
    arguments: dict
    identifier: str = ""
    metadata_prefix: str = ""
    set_spec: str = ""
    #: ``from`` as the first moment it admits, ``until`` as the first moment after it (UTC).
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    resumption_token: str = ""
    errors: list = field(default_factory=list)


def bad_argument(message):
    return OaiError("badArgument", message)


def parse_datestamp(value):
    """``(first moment, granularity)`` of a ``from``/``until`` value, or None if it is neither form."""
    try:
        if _SECONDS_RE.fullmatch(value):
            moment = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
            return moment.replace(tzinfo=datetime.UTC), SECONDS
        if _DAY_RE.fullmatch(value):
            moment = datetime.datetime.strptime(value, "%Y-%m-%d")
            return moment.replace(tzinfo=datetime.UTC), DAY
    except ValueError:  # 2019-02-30, 25:00:00
        return None
    return None


def date_range(since, until):
    """``(start, end, errors)``: the moments ``from`` and ``until`` select, ``start <= datestamp < end``.

    ``until`` is inclusive at its granularity: a day takes in its last second, a
    moment its whole second (datestamps are given to the second).
    """
    errors, start, end, granularities = [], None, None, set()
    if since is not None:
        parsed = parse_datestamp(since)
        if parsed is None:
            errors.append(bad_argument(f"“from” must be a date ({DAY}) or a moment in UTC ({SECONDS})."))
        else:
            start, granularity = parsed
            granularities.add(granularity)
    if until is not None:
        parsed = parse_datestamp(until)
        if parsed is None:
            errors.append(bad_argument(f"“until” must be a date ({DAY}) or a moment in UTC ({SECONDS})."))
        else:
            moment, granularity = parsed
            granularities.add(granularity)
            try:
                end = moment + (datetime.timedelta(days=1) if granularity == DAY else datetime.timedelta(seconds=1))
            except OverflowError:  # until the last moment a date can hold: no upper bound
                end = None
    if len(granularities) > 1:
        errors.append(bad_argument("“from” and “until” must have the same granularity."))
    elif start is not None and end is not None and start >= end:
        errors.append(bad_argument("“from” is later than “until”."))
    return start, end, errors


def parse(arguments):
    """The :class:`Request` for ``arguments`` (``{name: [values]}``); its ``errors`` say what is wrong.

    A missing, repeated or unknown verb is ``badVerb`` and nothing else is looked
    at; otherwise every problem with the arguments is ``badArgument``.
    """
    verbs = arguments.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        if not verbs:
            message = "The request has no verb."
        elif len(verbs) > 1:
            message = "The verb is given more than once."
        else:
            message = f"“{verbs[0]}” is not an OAI-PMH verb."
        return Request(verb="", arguments={}, errors=[OaiError("badVerb", message)])
    verb = verbs[0]
    spec = VERBS[verb]
    allowed = {*spec["required"], *spec["optional"], *([spec["exclusive"]] if spec["exclusive"] else [])}
    errors = []
    for name, values in arguments.items():
        if name == "verb":
            continue
        if name not in allowed:
            errors.append(bad_argument(f"{verb} takes no argument “{name}”."))
        elif len(values) > 1:
            errors.append(bad_argument(f"“{name}” is given more than once."))
    single = {name: values[0] for name, values in arguments.items() if name != "verb" and values}
    exclusive = spec["exclusive"]
    if exclusive and exclusive in single:
        others = sorted(set(single) - {exclusive})
        if others:
            errors.append(bad_argument(f"“{exclusive}” must be the only argument besides the verb."))
        elif not single[exclusive]:
            errors.append(OaiError("badResumptionToken", "The resumption token is empty."))
        return Request(verb=verb, arguments=single, resumption_token=single[exclusive], errors=errors)
    for name in spec["required"]:
        if name not in single:
            errors.append(bad_argument(f"{verb} needs the argument “{name}”."))
    if "metadataPrefix" in single and not METADATA_PREFIX_RE.fullmatch(single["metadataPrefix"]):
        errors.append(bad_argument("“metadataPrefix” has characters a metadata prefix cannot have."))
    if "set" in single and not SET_SPEC_RE.fullmatch(single["set"]):
        errors.append(bad_argument("“set” is not a setSpec (letters, digits, - _ . ! ~ * ' ( ), parts joined by “:”)."))
    if "identifier" in single and not IDENTIFIER_RE.fullmatch(single["identifier"]):
        errors.append(bad_argument("“identifier” is not a URI."))
    start, end, date_errors = date_range(single.get("from"), single.get("until"))
    errors += date_errors
    return Request(
        verb=verb,
        arguments=single,
        identifier=single.get("identifier", ""),
        metadata_prefix=single.get("metadataPrefix", ""),
        set_spec=single.get("set", ""),
        start=start,
        end=end,
        errors=errors,
    )


def datestamp(moment):
    """``2019-02-01T09:00:00Z``: the granularity the repository declares."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
