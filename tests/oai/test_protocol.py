"""The protocol's arguments and errors, without a database (oai/protocol.py)."""

import datetime

import pytest

from oai.protocol import date_range, parse

UTC = datetime.UTC


def codes(arguments):
    return [error.code for error in parse(arguments).errors]


@pytest.mark.parametrize(
    "arguments",
    [{}, {"verb": ["Nonsense"]}, {"verb": ["Identify", "Identify"]}, {"verb": ["identify"]}, {"verb": [""]}],
)
def test_a_missing_repeated_or_unknown_verb_is_bad_verb(arguments):
    assert codes(arguments) == ["badVerb"]


def test_each_verb_takes_its_own_arguments_only():
    assert codes({"verb": ["Identify"]}) == []
    assert codes({"verb": ["Identify"], "metadataPrefix": ["oai_dc"]}) == ["badArgument"]
    assert codes({"verb": ["ListMetadataFormats"], "identifier": ["oai:a.b:issue/1"]}) == []
    assert codes({"verb": ["ListSets"], "set": ["series"]}) == ["badArgument"]
    assert codes({"verb": ["GetRecord"], "identifier": ["oai:a.b:issue/1"], "metadataPrefix": ["oai_dc"]}) == []
    assert codes({"verb": ["ListRecords"], "metadataPrefix": ["oai_dc"], "colour": ["red"]}) == ["badArgument"]


def test_required_arguments_are_required():
    assert codes({"verb": ["GetRecord"], "identifier": ["oai:a.b:issue/1"]}) == ["badArgument"]
    assert codes({"verb": ["GetRecord"]}) == ["badArgument", "badArgument"]
    assert codes({"verb": ["ListIdentifiers"]}) == ["badArgument"]
    assert codes({"verb": ["ListRecords"], "set": ["series"]}) == ["badArgument"]


def test_a_repeated_argument_is_a_bad_argument():
    assert codes({"verb": ["ListRecords"], "metadataPrefix": ["oai_dc", "oai_dc"]}) == ["badArgument"]


def test_a_resumption_token_is_exclusive():
    request = parse({"verb": ["ListRecords"], "resumptionToken": ["abc"]})
    assert request.errors == [] and request.resumption_token == "abc"
    assert codes({"verb": ["ListRecords"], "resumptionToken": ["abc"], "metadataPrefix": ["oai_dc"]}) == ["badArgument"]
    assert codes({"verb": ["ListSets"], "resumptionToken": ["abc"]}) == []


def test_set_and_prefix_must_have_the_schemas_syntax():
    assert codes({"verb": ["ListRecords"], "metadataPrefix": ["oai_dc"], "set": ["series:eucacis-in-brief"]}) == []
    assert codes({"verb": ["ListRecords"], "metadataPrefix": ["oai_dc"], "set": ["series:"]}) == ["badArgument"]
    assert codes({"verb": ["ListRecords"], "metadataPrefix": ["oai dc"]}) == ["badArgument"]
    assert codes({"verb": ["GetRecord"], "metadataPrefix": ["oai_dc"], "identifier": ["a b"]}) == ["badArgument"]


def test_from_and_until_at_either_granularity():
    assert date_range("2019-02-01", "2019-02-01") == (
        datetime.datetime(2019, 2, 1, tzinfo=UTC),
        datetime.datetime(2019, 2, 2, tzinfo=UTC),  # until a day takes in the whole day
        [],
    )
    assert date_range("2019-02-01T09:00:00Z", "2019-02-01T09:00:00Z") == (
        datetime.datetime(2019, 2, 1, 9, tzinfo=UTC),
        datetime.datetime(2019, 2, 1, 9, 0, 1, tzinfo=UTC),  # and a moment its whole second
        [],
    )
    assert date_range(None, None) == (None, None, [])


@pytest.mark.parametrize(
    "since, until",
    [
        ("2019-02-01", "2019-02-01T00:00:00Z"),  # mixed granularity
        ("2019-02-02", "2019-02-01"),  # from after until
        ("2019-02-01T09:00:01Z", "2019-02-01T09:00:00Z"),
        ("2019-02-30", None),  # no such day
        ("2019-02-01T25:00:00Z", None),
        ("2019-02-01T09:00:00+01:00", None),  # UTC only
        ("2019-02-01T09:00Z", None),  # minutes are not a granularity of OAI-PMH
        ("2019-02-01T09:00:00.5Z", None),
        (None, "yesterday"),
        ("", None),
    ],
)
def test_a_bad_date_range_is_a_bad_argument(since, until):
    arguments = {"verb": ["ListIdentifiers"], "metadataPrefix": ["oai_dc"]}
    if since is not None:
        arguments["from"] = [since]
    if until is not None:
        arguments["until"] = [until]
    assert codes(arguments) == ["badArgument"]
