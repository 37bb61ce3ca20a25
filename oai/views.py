"""The OAI-PMH 2.0 endpoint, ``/oai/``: all six verbs over GET and POST.

Every answer is a 200 with an XML document (the protocol's errors are XML too,
section 3.6); a request the view cannot read is a protocol error, never a 500.
The work is in :mod:`oai.protocol` (the arguments), :mod:`oai.records` (what the
repository holds) and :mod:`oai.xml` (the response).
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from briefs.models import Series
from common.site_url import site_root
from oai import protocol, records, tokens, xml
from oai.protocol import METADATA_FORMATS, OaiError
from reader.feeds import SITE_NAME

#: The clock every answer reads once (tests replace it).
clock = timezone.now

#: With these errors the ``<request>`` element names the base URL only (section 3.2).
_ARGUMENTS_NOT_ECHOED = {"badVerb", "badArgument"}


def _response(root):
    response = HttpResponse(xml.serialise(root), content_type="text/xml; charset=utf-8")
    response["Cache-Control"] = "no-store"  # worked out from the issues' state at each request
    return response


@csrf_exempt  # a harvester's POST carries no CSRF token; the endpoint changes nothing
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request):
    now = clock()
    root_url = site_root(request)
    base_url = root_url + reverse("oai:endpoint")
    arguments = dict((request.POST if request.method == "POST" else request.GET).lists())
    parsed = protocol.parse(arguments)
    echo = parsed.verb and not {error.code for error in parsed.errors} & _ARGUMENTS_NOT_ECHOED
    envelope = xml.envelope(
        response_date=now, base_url=base_url, arguments={"verb": parsed.verb, **parsed.arguments} if echo else {}
    )
    if parsed.errors:
        return _response(xml.errors(envelope, parsed.errors))
    answer = _VERBS[parsed.verb](parsed, now=now, root=root_url, base_url=base_url)
    if isinstance(answer, list):  # errors
        return _response(xml.errors(envelope, answer))
    return _response(answer(envelope))


def _identify(request, *, now, root, base_url):
    emails = (
        settings.OAI_ADMIN_EMAILS
        or sorted(set(Series.objects.exclude(email="").values_list("email", flat=True)))
        or [f"webmaster@{records.repository_identifier()}"]
    )
    earliest = records.earliest_datestamp(now) or now
    return lambda envelope: xml.identify(
        envelope,
        name=settings.OAI_REPOSITORY_NAME or SITE_NAME,
        base_url=base_url,
        admin_emails=emails,
        earliest=earliest,
        repository_identifier=records.repository_identifier(),
        sample_identifier=records.identifier_of(1),
    )


def _unknown(identifier):
    return OaiError("idDoesNotExist", f"The repository has no record “{identifier}”.")


def _cannot_disseminate(prefix):
    return OaiError("cannotDisseminateFormat", f"The repository gives its records as oai_dc, not “{prefix}”.")


def _one(identifier, now):
    """The issue named by ``identifier`` if it is in the repository now (one query), else None."""
    pk = records.pk_of(identifier)
    if pk is None:
        return None
    found = records.page_of(records.harvestable(now).filter(pk=pk), after=0, limit=1)
    return found[0] if found else None


def _list_metadata_formats(request, *, now, root, base_url):
    if request.identifier and _one(request.identifier, now) is None:
        return [_unknown(request.identifier)]
    return xml.metadata_formats


def _list_sets(request, *, now, root, base_url):
    if request.resumption_token:
        return [OaiError("badResumptionToken", "The list of sets comes whole; it has no resumption token.")]
    found = records.sets(now)
    return lambda envelope: xml.list_sets(envelope, found)


def _get_record(request, *, now, root, base_url):
    errors = []
    if request.metadata_prefix not in METADATA_FORMATS:
        errors.append(_cannot_disseminate(request.metadata_prefix))
    issue = _one(request.identifier, now)
    if issue is None:
        errors.append(_unknown(request.identifier))
    if errors:
        return errors
    (record,) = records.records([issue], root=root, now=now)
    return lambda envelope: xml.get_record(envelope, record)


def _list(request, *, now, root, base_url):
    """ListIdentifiers and ListRecords: a page of at most ``PAGE_SIZE``, and a token for the next."""
    if request.resumption_token:
        try:
            state = tokens.read(request.resumption_token, verb=request.verb)
        except tokens.BadToken as problem:
            return [OaiError("badResumptionToken", str(problem))]
    else:
        if request.metadata_prefix not in METADATA_FORMATS:
            return [_cannot_disseminate(request.metadata_prefix)]
        state = {
            "prefix": request.metadata_prefix,
            "set_spec": request.set_spec,
            "start": request.start,
            "end": request.end,
            "after": 0,
            "cursor": 0,
            "size": None,
        }
    issues = records.in_range(records.in_set(records.harvestable(now), state["set_spec"]), state["start"], state["end"])
    page = records.page_of(issues, after=state["after"])
    if not page:
        return [OaiError("noRecordsMatch", "No record matches these arguments.")]
    more, page = len(page) > records.PAGE_SIZE, page[: records.PAGE_SIZE]
    size = state["size"]
    if size is None:
        size = issues.count() if more else len(page)
    cursor = state["cursor"]
    resumption = None
    if more:
        token = tokens.make(
            verb=request.verb,
            prefix=state["prefix"],
            set_spec=state["set_spec"],
            start=state["start"],
            end=state["end"],
            after=page[-1].pk,
            cursor=cursor + len(page),
            size=size,
        )
        resumption = (token, max(size, cursor + len(page) + 1), cursor, tokens.expires(now))
    elif cursor:
        resumption = ("", max(size, cursor + len(page)), cursor, None)  # the list's last page
    if request.verb == "ListIdentifiers":
        found = records.headers(page, now)
        return lambda envelope: xml.list_identifiers(envelope, found, resumption)
    found = records.records(page, root=root, now=now)
    return lambda envelope: xml.list_records(envelope, found, resumption)


_VERBS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": _list,
    "ListRecords": _list,
}
