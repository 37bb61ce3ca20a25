import pytest
from django.core.exceptions import ValidationError

from briefs.validators import issn_check_digit, normalise_issn, validate_issn


@pytest.mark.parametrize("issn", ["2627-7190", "26277190", "0317-8471", "2434-561X", "2434-561x"])
def test_valid_issns_pass(issn):
    validate_issn(issn)


def test_a_wrong_check_digit_is_refused_with_the_expected_digit_named():
    with pytest.raises(ValidationError) as error:
        validate_issn("2627-7191")
    assert error.value.code == "issn_check_digit"
    assert "should be 0" in error.value.messages[0]


@pytest.mark.parametrize("value", ["2627-719", "ISSN 2627-7190", "abcd-efgh", "2627 7190 1"])
def test_malformed_issns_are_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_issn(value)
    assert error.value.code == "issn_format"


def test_check_digit_ten_is_written_x():
    assert issn_check_digit("2434561") == "X"


def test_issns_are_normalised_to_the_printed_form():
    assert normalise_issn("26277190") == "2627-7190"
    assert normalise_issn("2434-561x") == "2434-561X"
