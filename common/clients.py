"""Who the client is behind the proxies in front of the site (the sign-in throttling, the readership counts, the newsletter's limits)."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's address, as the trusted proxies in front of the site saw it.

    Each proxy appends the address it was connected from to ``X-Forwarded-For``,
    so with ``TRUSTED_PROXY_COUNT`` = n proxies the n-th entry from the right was
    written by the outermost one: the client. Entries further left are whatever
    the client sent, and a client could put any address there to escape its
    lockout, so they are never used. Without the header (a request that did not
    pass the proxies), with fewer entries than proxies, or with an entry that is
    not an address, the connection's own address counts.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count < 1 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    if len(entries) < count:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return remote
