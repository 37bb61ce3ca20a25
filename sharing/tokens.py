"""The token in a proofreading address: the link's id, signed.

The signature (``django.core.signing``, with a salt used for nothing else) lets
the view refuse a made-up or altered token before it asks the database anything,
so a guess learns nothing, not even whether such a link exists. The database
keeps only the random id: a copy of it gives no working address without
``SECRET_KEY``. Pure functions; no database.
"""

import uuid

from django.core import signing

#: Only these tokens: a value signed elsewhere on the site with the same key does not pass.
SALT = "sharing.ShareLink.proof"


def _signer():
    return signing.Signer(salt=SALT)


def token_for(link_id):
    """The token for the link with id ``link_id`` (a UUID): ``<32 hex digits>:<signature>``."""
    return _signer().sign(uuid.UUID(str(link_id)).hex)


def link_id_from(token):
    """The link id ``token`` was made for, or None if it was not made by :func:`token_for`."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    try:
        return uuid.UUID(hex=value)
    except ValueError:
        return None
