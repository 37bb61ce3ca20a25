"""The endpoint as harvesters see it: every verb, every error, sets, dates, deleted and scheduled issues.

Every answer here is first validated against the OAI-PMH and oai_dc schemas
(tests/oai/conftest.py).
"""

import datetime

import pytest
from django.utils import timezone

from briefs.models import Issue, Topic
from briefs.workflow import apply_transition
from oai.records import PAGE_SIZE
from tests.conftest import make_interview, make_issue, make_person, make_series
from tests.oai.conftest import NS, identifier

pytestmark = pytest.mark.django_db

#: Generated issues go public on days up to 2026 (demo.generate): all are public by then.
AFTER_EVERY_GENERATED_ISSUE = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)


def floor(moment):
    return moment.replace(microsecond=0)


# -- Identify, formats, sets ----------------------------------------------------------


def test_identify_declares_persistent_deletions_and_seconds(oai, demo_issue):
    answer = oai(verb="Identify")
    assert answer.xpath("string(//o:baseURL)") == "http://testserver/oai/"
    assert answer.xpath("string(//o:protocolVersion)") == "2.0"
    assert answer.xpath("string(//o:deletedRecord)") == "persistent"
    assert answer.xpath("string(//o:granularity)") == "YYYY-MM-DDThh:mm:ssZ"
    assert answer.xpath("string(//o:adminEmail)") == "info@eucacis.eu"  # the series' contact address
    earliest = answer.xpath("string(//o:earliestDatestamp)")
    listed = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert earliest <= min(listed.xpath("//o:header/o:datestamp/text()"))  # a lower bound of every datestamp
    assert answer.request_attributes == {"verb": "Identify"}


def test_identify_names_the_identifier_scheme(oai, settings, db):
    settings.OAI_REPOSITORY_IDENTIFIER = "briefs.example.org"
    answer = oai(verb="Identify")
    ns = {"i": "http://www.openarchives.org/OAI/2.0/oai-identifier"}
    assert answer.tree.xpath("string(//i:repositoryIdentifier)", namespaces=ns) == "briefs.example.org"
    assert answer.tree.xpath("string(//i:sampleIdentifier)", namespaces=ns) == "oai:briefs.example.org:issue/1"


def test_list_metadata_formats_offers_oai_dc(oai, demo_issue):
    answer = oai(verb="ListMetadataFormats")
    assert answer.xpath("//o:metadataPrefix/text()") == ["oai_dc"]
    assert answer.xpath("string(//o:metadataNamespace)") == "http://www.openarchives.org/OAI/2.0/oai_dc/"
    assert oai(verb="ListMetadataFormats", identifier=identifier(demo_issue)).errors == []
    assert oai(verb="ListMetadataFormats", identifier="oai:elsewhere.org:issue/1").errors == ["idDoesNotExist"]


def test_list_sets_names_each_series_kind_and_topic_with_their_parents(oai, demo_issue):
    answer = oai(verb="ListSets")
    specs = answer.xpath("//o:setSpec/text()")
    assert specs[:5] == ["series", "series:eucacis-in-brief", "kind", "kind:interview", "topic"]
    assert "topic:bilateral-relations" in specs
    assert answer.xpath("string(//o:set[o:setSpec='series:eucacis-in-brief']/o:setName)") == "EUCACIS in Brief"


def test_a_topic_only_drafts_have_is_no_set(oai, db):
    draft = make_issue(status=Issue.Status.DRAFT)
    draft.topics.add(Topic.objects.create(name="Secret plans", slug="secret-plans"))
    assert "topic:secret-plans" not in oai(verb="ListSets").xpath("//o:setSpec/text()")


def test_list_sets_has_no_resumption_token(oai, db):
    assert oai(verb="ListSets", resumptionToken="x").errors == ["badResumptionToken"]


# -- records -----------------------------------------------------------------------


def test_get_record_gives_the_issue_in_oai_dc(oai, demo_issue):
    answer = oai(verb="GetRecord", identifier=identifier(demo_issue), metadataPrefix="oai_dc")
    dc = answer.dc()
    assert dc["title"] == ["Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"]
    assert dc["creator"] == ["Muratbekova, Albina"]
    assert dc["contributor"] == ["Baydarov, Erkin"]
    assert "https://doi.org/10.5555/eucacis-in-brief.6" in dc["identifier"]
    assert answer.header(identifier(demo_issue)).xpath("o:setSpec/text()", namespaces=NS)[:2] == [
        "series:eucacis-in-brief",
        "kind:interview",
    ]
    assert answer.request_attributes == {
        "verb": "GetRecord",
        "identifier": identifier(demo_issue),
        "metadataPrefix": "oai_dc",
    }


def test_identifiers_name_the_primary_key_which_outlives_number_and_address(oai, demo_issue):
    before = identifier(demo_issue)
    assert before.endswith(f":issue/{demo_issue.pk}")
    Issue.objects.filter(pk=demo_issue.pk).update(number=66, slug="renamed")
    answer = oai(verb="GetRecord", identifier=before, metadataPrefix="oai_dc")
    assert answer.errors == []
    assert any("/66/renamed/" in value for value in answer.dc()["identifier"])


def test_get_record_errors(oai, demo_issue):
    assert oai(verb="GetRecord", identifier=identifier(demo_issue), metadataPrefix="marc21").errors == [
        "cannotDisseminateFormat"
    ]
    unknown = oai(verb="GetRecord", identifier="oai:localhost.localdomain:issue/999999", metadataPrefix="oai_dc")
    assert unknown.errors == ["idDoesNotExist"]
    assert unknown.request_attributes["identifier"] == "oai:localhost.localdomain:issue/999999"
    both = oai(verb="GetRecord", identifier="urn:isbn:123", metadataPrefix="marc21")
    assert both.errors == ["cannotDisseminateFormat", "idDoesNotExist"]


def test_drafts_and_working_copies_are_not_in_the_repository(oai, demo_issue):
    draft = make_issue(demo_issue.series, number=902, status=Issue.Status.DRAFT)
    copy = make_issue(demo_issue.series, working_copy_of=demo_issue, number=demo_issue.number)
    listed = oai(verb="ListIdentifiers", metadataPrefix="oai_dc").identifiers
    assert listed == [identifier(demo_issue)]
    for hidden in (draft, copy):
        assert oai(verb="GetRecord", identifier=identifier(hidden), metadataPrefix="oai_dc").errors == [
            "idDoesNotExist"
        ]


# -- withdrawn, scheduled, changed: the datestamps ----------------------------------


def test_a_withdrawn_issue_is_a_deleted_record_for_good(oai, demo_issue):
    assert not oai(verb="ListIdentifiers", metadataPrefix="oai_dc").is_deleted(identifier(demo_issue))
    moment = floor(timezone.now())
    apply_transition(
        demo_issue, "withdraw", by=None, comment="Withdrawn at the author's request.", check_permission=False
    )
    for verb in ("ListIdentifiers", "ListRecords"):
        answer = oai(verb=verb, metadataPrefix="oai_dc")
        assert answer.is_deleted(identifier(demo_issue))
        assert answer.datestamp(identifier(demo_issue)) >= moment
    record = oai(verb="GetRecord", identifier=identifier(demo_issue), metadataPrefix="oai_dc")
    assert record.is_deleted(identifier(demo_issue))
    assert record.xpath("//o:metadata") == []
    # Harvesting from the withdrawal's moment finds the deletion.
    since = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": f"{moment:%Y-%m-%dT%H:%M:%SZ}"})
    assert since.identifiers == [identifier(demo_issue)]


def test_published_again_it_is_a_record_again_with_a_new_datestamp(oai, demo_issue):
    apply_transition(demo_issue, "withdraw", by=None, comment="Withdrawn for now.", check_permission=False)
    withdrawn = oai(verb="ListIdentifiers", metadataPrefix="oai_dc").datestamp(identifier(demo_issue))
    moment = floor(timezone.now())
    apply_transition(demo_issue, "republish", by=None, check_permission=False)
    answer = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert not answer.is_deleted(identifier(demo_issue))
    assert answer.datestamp(identifier(demo_issue)) >= max(moment, withdrawn)


def test_a_scheduled_issue_is_not_there_before_its_minute(oai, clock, demo_issue):
    moment = floor(timezone.now()) + datetime.timedelta(minutes=10)
    scheduled = make_issue(demo_issue.series, number=901, public_from=moment)
    clock(moment - datetime.timedelta(seconds=1))
    assert oai(verb="ListIdentifiers", metadataPrefix="oai_dc").identifiers == [identifier(demo_issue)]
    assert oai(verb="GetRecord", identifier=identifier(scheduled), metadataPrefix="oai_dc").errors == ["idDoesNotExist"]
    assert "series:" + scheduled.series.slug in oai(verb="ListSets").xpath("//o:setSpec/text()")  # No. 6's series
    clock(moment)
    answer = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert identifier(scheduled) in answer.identifiers
    # Its datestamp is the moment it appeared, not the earlier save: a harvest "from" just before finds it.
    assert answer.datestamp(identifier(scheduled)) == moment
    since = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": f"{moment:%Y-%m-%dT%H:%M:%SZ}"})
    assert since.identifiers == [identifier(scheduled)]


def test_a_change_to_a_contributors_name_gives_a_new_datestamp(oai, db):
    issue = make_interview()
    before = oai(verb="ListIdentifiers", metadataPrefix="oai_dc").datestamp(identifier(issue))
    person = issue.contributions.get(role="interviewee").person
    moment = floor(timezone.now())
    person.family_name = "Renamed"
    person.save()
    answer = oai(verb="ListRecords", metadataPrefix="oai_dc")
    assert answer.datestamp(identifier(issue)) >= max(moment, before)
    assert any(name.startswith("Renamed, ") for name in answer.dc()["contributor"])


def _aged(issue):
    """The issue, its people and its publication as if last changed in 2020: only a new change is recent."""
    from people.models import Person

    long_ago = timezone.make_aware(datetime.datetime(2020, 1, 1))
    Issue.objects.filter(pk=issue.pk).update(updated_at=long_ago, public_from=long_ago)
    Person.objects.filter(contributions__issue=issue).update(updated_at=long_ago)


@pytest.mark.parametrize(
    "change, shows",
    [
        (lambda issue: _rename(issue.series, "name", "EUCACIS Briefs"), ("relation", "EUCACIS Briefs")),
        (lambda issue: _rename(issue.series.programme, "name", "A Renamed Programme"), ("publisher", None)),
        (lambda issue: _rename(issue.topics.first(), "name", "Renamed topic"), ("subject", "Renamed topic")),
        (lambda issue: _rename(issue.places.first(), "name", "Renamed place"), ("subject", "Renamed place")),
        (lambda issue: issue.topics.first().delete(), None),
    ],
    ids=["series", "programme", "topic", "place", "topic deleted"],
)
def test_a_change_to_what_a_record_shows_beyond_its_issue_gives_it_a_new_datestamp(oai, demo_issue, change, shows):
    _aged(demo_issue)
    moment = floor(timezone.now())
    since = {"from": f"{moment:%Y-%m-%dT%H:%M:%SZ}"}
    assert oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **since).errors == ["noRecordsMatch"]
    change(demo_issue)
    answer = oai(verb="ListRecords", metadataPrefix="oai_dc", **since)
    assert answer.identifiers == [identifier(demo_issue)]
    if shows and shows[1]:
        assert shows[1] in answer.dc()[shows[0]]


def _rename(obj, field, value):
    setattr(obj, field, value)
    obj.save()


def test_a_saved_issue_gets_a_new_datestamp(oai, demo_issue):
    moment = floor(timezone.now())
    demo_issue.title = "A corrected title"
    demo_issue.save()
    answer = oai(verb="ListRecords", metadataPrefix="oai_dc", **{"from": f"{moment:%Y-%m-%dT%H:%M:%SZ}"})
    assert answer.dc()["title"] == ["A corrected title"]


# -- selective harvesting -----------------------------------------------------------


def test_sets_select_by_series_kind_and_topic(oai, demo_issue):
    other = make_series(slug="other-series")
    article = make_issue(other, kind=Issue.Kind.ARTICLE)
    untagged = make_issue(other, kind=Issue.Kind.OPINION)

    def listed(set_spec):
        answer = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set=set_spec)
        return set(answer.identifiers) if not answer.errors else answer.errors

    six, a, u = identifier(demo_issue), identifier(article), identifier(untagged)
    assert listed("series:eucacis-in-brief") == {six}
    assert listed("series:other-series") == {a, u}
    assert listed("series") == listed("kind") == {six, a, u}
    assert listed("kind:interview") == {six}
    assert listed("kind:opinion") == {u}
    assert listed("topic:security") == {six}
    assert listed("topic") == {six}
    assert listed("topic:no-such-topic") == ["noRecordsMatch"]
    assert listed("shelf:top") == ["noRecordsMatch"]
    assert oai(verb="ListRecords", metadataPrefix="oai_dc", set="kind:article").identifiers == [a]


def test_from_and_until_select_by_datestamp_at_both_granularities(oai, clock, db):
    issue = make_issue()
    stamp = oai(verb="ListIdentifiers", metadataPrefix="oai_dc").datestamp(identifier(issue))
    second = datetime.timedelta(seconds=1)
    day = stamp.date()

    def listed(**dates):
        answer = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **dates)
        return answer.identifiers or answer.errors

    fmt = "%Y-%m-%dT%H:%M:%SZ"
    assert listed(**{"from": stamp.strftime(fmt), "until": stamp.strftime(fmt)}) == [identifier(issue)]
    assert listed(**{"from": (stamp + second).strftime(fmt)}) == ["noRecordsMatch"]
    assert listed(until=(stamp - second).strftime(fmt)) == ["noRecordsMatch"]
    assert listed(**{"from": day.isoformat(), "until": day.isoformat()}) == [identifier(issue)]
    assert listed(until=(day - datetime.timedelta(days=1)).isoformat()) == ["noRecordsMatch"]
    assert listed(**{"from": day.isoformat(), "until": stamp.strftime(fmt)}) == ["badArgument"]
    assert listed(**{"from": "2030-01-02", "until": "2030-01-01"}) == ["badArgument"]


# -- resumption tokens ---------------------------------------------------------------


def test_long_lists_come_in_pages_of_at_most_a_hundred_with_a_resumption_token(oai, clock, db):
    from demo.generate import generate_issues

    clock(AFTER_EVERY_GENERATED_ISSUE)
    generate_issues(PAGE_SIZE * 2 + 30, seed=3)
    for verb in ("ListIdentifiers", "ListRecords"):
        seen, answer, cursors = [], oai(verb=verb, metadataPrefix="oai_dc"), []
        while True:
            seen += answer.identifiers
            token = answer.token
            assert len(answer.identifiers) <= PAGE_SIZE
            if token is None:
                break
            assert token.get("completeListSize") == str(PAGE_SIZE * 2 + 30)
            cursors.append(token.get("cursor"))
            if not token.text:  # the list's last page: an empty token
                break
            assert token.get("expirationDate")
            answer = oai(verb=verb, resumptionToken=token.text)
            assert answer.request_attributes == {"verb": verb, "resumptionToken": token.text}
        assert len(seen) == len(set(seen)) == PAGE_SIZE * 2 + 30
        assert cursors == ["0", "100", "200"]


def test_a_forged_foreign_or_expired_token_is_refused(oai, clock, monkeypatch, db):
    from demo.generate import generate_issues

    clock(AFTER_EVERY_GENERATED_ISSUE)
    generate_issues(PAGE_SIZE + 1, seed=4)
    token = oai(verb="ListIdentifiers", metadataPrefix="oai_dc").token.text
    assert oai(verb="ListIdentifiers", resumptionToken=token).errors == []
    assert oai(verb="ListIdentifiers", resumptionToken=token[:-2] + "xx").errors == ["badResumptionToken"]
    assert oai(verb="ListIdentifiers", resumptionToken="not a token").errors == ["badResumptionToken"]
    assert oai(verb="ListRecords", resumptionToken=token).errors == ["badResumptionToken"]  # another verb's
    assert oai(verb="ListIdentifiers", resumptionToken=token, metadataPrefix="oai_dc").errors == ["badArgument"]
    import time

    later = time.time() + 25 * 60 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert oai(verb="ListIdentifiers", resumptionToken=token).errors == ["badResumptionToken"]


def test_a_token_made_with_another_secret_key_is_refused(oai, clock, settings, db):
    from demo.generate import generate_issues

    clock(AFTER_EVERY_GENERATED_ISSUE)
    generate_issues(PAGE_SIZE + 1, seed=5)
    token = oai(verb="ListIdentifiers", metadataPrefix="oai_dc").token.text
    settings.SECRET_KEY = "another-secret-key-" * 3
    assert oai(verb="ListIdentifiers", resumptionToken=token).errors == ["badResumptionToken"]


# -- how requests come --------------------------------------------------------------


def test_post_is_answered_as_get(oai, demo_issue):
    got = oai(verb="GetRecord", identifier=identifier(demo_issue), metadataPrefix="oai_dc")
    posted = oai(method="post", verb="GetRecord", identifier=identifier(demo_issue), metadataPrefix="oai_dc")
    assert posted.dc() == got.dc()
    assert oai(method="post", verb="Nonsense").errors == ["badVerb"]


def test_bad_verbs_and_arguments_echo_no_arguments(oai, client, db):
    assert oai(verb="ListRecords").request_attributes == {}
    answer = oai(verb="Nonsense", metadataPrefix="oai_dc")
    assert answer.errors == ["badVerb"] and answer.request_attributes == {}
    repeated = client.get("/oai/?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc")
    from tests.oai.conftest import Answer

    assert Answer(repeated).errors == ["badArgument"]
    assert Answer(client.get("/oai/?verb=Identify&verb=Identify")).errors == ["badVerb"]
    assert Answer(client.get("/oai/")).errors == ["badVerb"]


@pytest.mark.parametrize(
    "query",
    [
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:localhost.localdomain:issue/99999999999999999999999",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=%00",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=" + "x" * 5000,
        "verb=GetRecord&metadataPrefix=%E2%80%AE&identifier=oai:a.b:issue/1",
        "verb=ListRecords&metadataPrefix=oai_dc&from=9999-99-99",
        "verb=ListRecords&metadataPrefix=oai_dc&from=0000-01-01",
        "verb=ListRecords&metadataPrefix=oai_dc&until=0001-01-01",
        "verb=ListRecords&metadataPrefix=oai_dc&set=%C3%BC",
        "verb=ListRecords&resumptionToken=%00%01",
        "verb=ListRecords&resumptionToken=" + "A" * 10000,
        "verb=ListIdentifiers&resumptionToken=eyJ2IjoiTGlzdElkZW50aWZpZXJzIn0:1:abc",
        "verb=%FF",
        "verb=Identify&%00=1",
        # What the schema's anyURI refuses is badArgument, never echoed into an invalid answer.
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=a:b%23c%23d",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=%25zz",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=a[b]",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=::::",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=http://[::1",
        # A token given empty is a bad token, not no token.
        "verb=ListRecords&resumptionToken=",
        "verb=ListSets&resumptionToken=",
        "verb=ListIdentifiers&resumptionToken=",
    ],
)
def test_bad_requests_are_protocol_errors_never_a_500(client, demo_issue, query):
    from tests.oai.conftest import Answer

    answer = Answer(client.get("/oai/?" + query))
    assert answer.errors, answer.response.content


@pytest.mark.parametrize("until", ["9999-12-31", "9999-12-31T23:59:59Z"])
def test_until_the_last_day_a_date_can_hold_lists_everything(client, demo_issue, until):
    from tests.oai.conftest import Answer

    answer = Answer(client.get(f"/oai/?verb=ListIdentifiers&metadataPrefix=oai_dc&until={until}"))
    assert answer.errors == [] and len(answer.identifiers) == 1


@pytest.mark.parametrize("verb", ["ListRecords", "ListSets", "ListIdentifiers"])
def test_an_empty_resumption_token_is_a_bad_one(client, demo_issue, verb):
    from tests.oai.conftest import Answer

    assert Answer(client.get(f"/oai/?verb={verb}&resumptionToken=")).errors == ["badResumptionToken"]


def test_other_methods_are_refused(client, db):
    assert client.put("/oai/").status_code == 405


def test_answers_are_not_cached_anywhere(client, demo_issue):
    response = client.get("/oai/?verb=Identify")
    assert response["Cache-Control"] == "no-store"
    assert not response.has_header("ETag")  # the page cache left it alone (PAGE_CACHE_EXCLUDE)


def test_a_withdrawal_shows_at_once_whatever_was_asked_before(oai, demo_issue):
    ident = identifier(demo_issue)
    assert not oai(verb="GetRecord", identifier=ident, metadataPrefix="oai_dc").is_deleted(ident)
    apply_transition(demo_issue, "withdraw", by=None, comment="Withdrawn.", check_permission=False)
    assert oai(verb="GetRecord", identifier=ident, metadataPrefix="oai_dc").is_deleted(ident)


def test_a_person_with_a_diacritic_and_control_characters_stays_valid_xml(oai, db):
    issue = make_issue(title="Tab\there, bell\x07 and a vertical\x0btab")
    person = make_person(given_name="Oʻtkir", family_name="Müller")
    issue.contributions.create(person=person, role="author")
    dc = oai(verb="GetRecord", identifier=identifier(issue), metadataPrefix="oai_dc").dc()
    assert dc["creator"] == ["Müller, Oʻtkir"]
    assert dc["title"] == ["Tab\there, bell and a verticaltab"]


def test_until_takes_in_its_whole_second_and_not_the_next(oai, db):
    issue = make_issue(public_from=datetime.datetime(2019, 2, 1, 9, tzinfo=datetime.UTC))
    exact = datetime.datetime(2025, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
    Issue.objects.filter(pk=issue.pk).update(updated_at=exact)  # a datestamp on the second
    assert oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until="2025-03-04T05:06:07Z").identifiers == [
        identifier(issue)
    ]
    assert oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until="2025-03-04T05:06:06Z").errors == [
        "noRecordsMatch"
    ]
    assert oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until="2025-03-03").errors == ["noRecordsMatch"]
    Issue.objects.filter(pk=issue.pk).update(updated_at=exact.replace(hour=0, minute=0, second=0))
    assert oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until="2025-03-03").errors == ["noRecordsMatch"]
    assert oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until="2025-03-04").identifiers == [identifier(issue)]
