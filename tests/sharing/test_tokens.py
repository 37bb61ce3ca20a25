"""The token in a proofreading address: only what sharing signed, for share links, passes. No database."""

import uuid

from django.core import signing

from sharing.tokens import SALT, link_id_from, token_for

LINK_ID = uuid.UUID("3f1c2a9e-5b7d-4e21-9a53-0c8d6f4b2e17")


def test_a_token_gives_back_the_link_id_it_was_made_for():
    assert link_id_from(token_for(LINK_ID)) == LINK_ID


def test_a_token_carries_the_id_and_a_signature_and_fits_in_an_address():
    token = token_for(LINK_ID)
    assert token.startswith(LINK_ID.hex + ":")
    assert "/" not in token and "?" not in token and "#" not in token


def test_changing_any_character_of_a_token_makes_it_worthless():
    token = token_for(LINK_ID)
    for position in range(len(token)):
        if token[position] == ":":
            continue
        replacement = "a" if token[position] != "a" else "b"
        assert link_id_from(token[:position] + replacement + token[position + 1 :]) is None, position


def test_another_id_under_the_same_signature_is_refused():
    other = uuid.UUID("00000000-0000-4000-8000-000000000001")
    signature = token_for(LINK_ID).split(":", 1)[1]
    assert link_id_from(f"{other.hex}:{signature}") is None


def test_an_id_signed_with_another_salt_or_none_is_refused():
    for token in (
        signing.Signer(salt="briefs").sign(LINK_ID.hex),
        signing.Signer().sign(LINK_ID.hex),
        signing.dumps(LINK_ID.hex),
        signing.dumps(LINK_ID.hex, salt=SALT),  # the right salt, but not a token of ours
    ):
        assert link_id_from(token) is None, token


def test_made_up_tokens_are_refused():
    for token in ("", ":", "abc", LINK_ID.hex, f"{LINK_ID.hex}:", "not-hex:" + "x" * 43):
        assert link_id_from(token) is None, token


def test_a_well_signed_value_that_is_not_an_id_is_refused():
    assert link_id_from(signing.Signer(salt=SALT).sign("not-an-id")) is None
