"""``reverse()``, remembered: each address is reversed once per process.

Reversing walks the URL resolver on every call: an issue page makes about
fifteen addresses, and reversing them took a tenth of a render from scratch.
:func:`url_for` keeps the last addresses it reversed, under everything
``reverse()`` reads: the name and values, the URL configuration (the request's
and the settings'), the script prefix and the active language. What it gives
is therefore ``reverse()``'s own result; what ``reverse()`` refuses is refused
(and not kept).
"""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from common.lru import LRU

_addresses = LRU(4096)


def url_for(name, /, *args, **kwargs):
    """``reverse(name, args=args, kwargs=kwargs)``, reversed once and then remembered."""
    try:
        key = (
            name,
            # With each value's type: 1, 1.0 and True are equal keys but not the same address.
            tuple((type(value), value) for value in args),
            tuple(sorted((key, type(value), value) for key, value in kwargs.items())),
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
            get_language(),
        )
        hash(key)
    except TypeError:  # a value that cannot be a key (a list, say): reversed as usual
        return reverse(name, args=args or None, kwargs=kwargs or None)
    address = _addresses.get(key)
    if address is None:
        address = reverse(name, args=args or None, kwargs=kwargs or None)
        _addresses.put(key, address)
    return address
