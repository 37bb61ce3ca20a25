"""Resumption tokens: where the next page of a list starts, signed so that it cannot be forged.

A token carries the list's arguments (verb, metadata prefix, set, date range),
the primary key of the last record given (the next page is the records after
it: keyset pagination, so page 100 costs what page 1 does), how many records
came before the next page (``cursor``) and the list's size as counted on its
first page. It is signed with the site's ``SECRET_KEY`` (``django.core.signing``,
a salt of its own) and dated: an altered, foreign or expired token, or one
given to another verb, is refused (``badResumptionToken``). Nothing is stored.
"""

import datetime

from django.core import signing

SALT = "oai.resumption-token"
#: How long a token may be used; harvesters go through a list in minutes.
LIFETIME = datetime.timedelta(hours=24)


class BadToken(Exception):
    pass


def make(*, verb, prefix, set_spec, start, end, after, cursor, size):
    payload = {
        "v": verb,
        "p": prefix,
        "s": set_spec,
        "f": start.timestamp() if start else None,
        "u": end.timestamp() if end else None,
        "a": after,
        "c": cursor,
        "n": size,
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def read(token, *, verb):
    """The token's arguments, or :class:`BadToken` with the reason."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=LIFETIME)
    except signing.SignatureExpired:
        raise BadToken("The resumption token has expired; start the list again.") from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise BadToken("The resumption token is not one this repository gave.") from None
    if not isinstance(payload, dict) or payload.get("v") != verb:
        raise BadToken(f"The resumption token is not one of {verb}'s.")

    def moment(stamp):
        return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC) if stamp is not None else None

    return {
        "prefix": payload["p"],
        "set_spec": payload["s"],
        "start": moment(payload["f"]),
        "end": moment(payload["u"]),
        "after": payload["a"],
        "cursor": payload["c"],
        "size": payload["n"],
    }


def expires(now):
    return now + LIFETIME
