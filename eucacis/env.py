"""Reading settings from environment variables: small pure helpers."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, *, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value; use 1 or 0.")


def env_list(name, *, default):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url, *, sqlite_default):
    """Turn a ``DATABASE_URL`` into a Django ``DATABASES`` entry.

    Empty means the SQLite file ``sqlite_default``. Understood schemes:
    ``sqlite:///relative/or//absolute/path`` and ``postgres://`` (or
    ``postgresql://``) ``user:password@host:port/name``.
    """
    # Reusing connections saves opening one per request (about 1.5 ms for SQLite).
    persistent = {"CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", 60)), "CONN_HEALTH_CHECKS": True}
    # A transaction that will write takes SQLite's write lock when it begins, so two admin
    # saves run one after the other and the second sees the first (the edit-conflict check
    # depends on it; PostgreSQL gets the same from SELECT ... FOR UPDATE). Waiting for the
    # lock for up to 20 s rather than failing with "database is locked".
    sqlite = {"OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20}, **persistent}
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": Path(sqlite_default), **sqlite}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        name = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not name:
            raise ImproperlyConfigured("DATABASE_URL sqlite:/// needs a file path, e.g. sqlite:///db.sqlite3")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name, **sqlite}
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL names no database; use postgres://user@host:5432/dbname")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            **persistent,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported; use postgres:// or sqlite:///")


_EMAIL_SCHEMES = {
    "smtp": ("django.core.mail.backends.smtp.EmailBackend", False, False),
    "submission": ("django.core.mail.backends.smtp.EmailBackend", True, False),
    "smtp+tls": ("django.core.mail.backends.smtp.EmailBackend", True, False),
    "smtps": ("django.core.mail.backends.smtp.EmailBackend", False, True),
    "smtp+ssl": ("django.core.mail.backends.smtp.EmailBackend", False, True),
    "console": ("django.core.mail.backends.console.EmailBackend", False, False),
    "locmem": ("django.core.mail.backends.locmem.EmailBackend", False, False),
}


def email_from_url(url):
    """Django's EMAIL_* settings from an ``EMAIL_URL``.

    ``smtp://user:password@host:25`` (plain), ``submission://…:587`` or ``smtp+tls://`` (STARTTLS),
    ``smtps://…:465`` (TLS from the start), ``console://`` (printed), ``locmem://``. User and
    password are percent-decoded (``%40`` for an ``@`` in a login).
    """
    parts = urlsplit(url)
    if parts.scheme not in _EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {parts.scheme!r} is not supported; use one of {', '.join(sorted(_EMAIL_SCHEMES))}, "
            "e.g. EMAIL_URL=submission://user:password@mail.example.org:587"
        )
    backend, starttls, ssl = _EMAIL_SCHEMES[parts.scheme]
    settings = {"EMAIL_BACKEND": backend}
    if backend.endswith("smtp.EmailBackend"):
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL names no host; e.g. EMAIL_URL=smtp://mail.example.org:25")
        try:
            port = parts.port
        except ValueError as error:
            raise ImproperlyConfigured(f"EMAIL_URL's port is not a number: {url!r}") from error
        settings.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or (465 if ssl else 587 if starttls else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=starttls,
            EMAIL_USE_SSL=ssl,
        )
    return settings
