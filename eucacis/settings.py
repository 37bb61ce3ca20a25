"""Settings for the EUCACIS CMS, read from the environment.

Development defaults are safe: with nothing set, the site runs on an SQLite file
in the project folder. Production values (``DEBUG=0``) must be given explicitly:
the settings refuse to load without ``SECRET_KEY`` and ``ALLOWED_HOSTS`` then.

Grouped by concern, each under a ``# ==== …`` heading; docs/operations.md lists every
variable read here.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import Script, static_lazy

from common.reversing import url_for
from eucacis.env import database_from_url, email_from_url, env_bool, env_list

# ==== The site: debug, secret key, hosts, address =========================================
BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEVELOPMENT_SECRET_KEY = "development-only-insecure-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(a long random string) or, for local development only, DEBUG=1."
        )
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Give the host names the site answers to, "
        "comma-separated, e.g. ALLOWED_HOSTS=briefs.example.org"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
# The site's public address, e.g. https://briefs.example.org: canonical links,
# scholarly metadata, citation files, feeds, the sitemap and robots.txt give
# absolute addresses under it, whatever Host a request names. Empty: the
# request's own scheme and host (checked against ALLOWED_HOSTS; its scheme from
# X-Forwarded-Proto behind the HTTPS proxy), as in development. See common/site_url.py.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if SITE_URL and not re.fullmatch(r"https?://[^/\s?#]+", SITE_URL):
    raise ImproperlyConfigured(
        f"SITE_URL={SITE_URL!r} is not a site address: give the scheme and host only, "
        "e.g. SITE_URL=https://briefs.example.org (no path, query or fragment)."
    )

# OAI-PMH (/oai/, docs/public-site.md). The repository's name in every record's identifier
# (oai:<this>:issue/42): a domain name, SITE_URL's host unless set. Fix it before the first
# harvest; harvesters keep the identifiers for ever.
_OAI_DOMAIN = r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+"
OAI_REPOSITORY_IDENTIFIER = os.environ.get("OAI_REPOSITORY_IDENTIFIER", "").strip()
if OAI_REPOSITORY_IDENTIFIER and not re.fullmatch(_OAI_DOMAIN, OAI_REPOSITORY_IDENTIFIER):
    raise ImproperlyConfigured(
        f"OAI_REPOSITORY_IDENTIFIER={OAI_REPOSITORY_IDENTIFIER!r} is not a domain name (the OAI identifier "
        "guidelines ask for one), e.g. OAI_REPOSITORY_IDENTIFIER=briefs.example.org."
    )
if not OAI_REPOSITORY_IDENTIFIER:
    _site_host = re.sub(r"^https?://|:\d+$", "", SITE_URL)
    # A site at an IP address or a one-word host (development) has no domain name to lend.
    OAI_REPOSITORY_IDENTIFIER = _site_host if re.fullmatch(_OAI_DOMAIN, _site_host) else "localhost.localdomain"
# Who harvesters write to (Identify's adminEmail), comma-separated; else the series' contact addresses.
OAI_ADMIN_EMAILS = [e.strip() for e in os.environ.get("OAI_ADMIN_EMAILS", "").split(",") if e.strip()]
# The repository's name in Identify; else the site's name.
OAI_REPOSITORY_NAME = os.environ.get("OAI_REPOSITORY_NAME", "").strip()


# ==== Apps, middleware, URLs and templates ================================================
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "django_countries",
    "axes",
    "csp",
    "reversion",
    # The project's apps, one per concept; each may import only those listed
    # before it (docs/architecture.md; tests/test_architecture.py holds them to it).
    "richtext",
    "sitecache",
    # Background jobs (PDF builds, proofreading PDFs, search-index updates): docs/architecture.md, Background jobs
    "django_tasks",
    "django_tasks_db",
    "jobs",
    "imports",
    "people",
    "briefs",
    "printing",
    "search",
    "sharing",
    "crossref",
    "newsletter",
    # Readership figures: views and downloads per issue and day (counted by its middleware, first below).
    "readership",
    "reader",
    "editorial",
    # OAI-PMH for harvesters (/oai/): reads reader's and briefs' functions; nothing imports it.
    "oai",
]
# Demo content and accounts with a known password: development only.
if DEBUG:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    # Outermost: counts readers' views and downloads of issues after everything inside has answered,
    # so that page-cache hits and 304s are counted (readership/counting.py).
    "readership.middleware.ReadershipMiddleware",
    # Then: a cached page for an anonymous reader is sent from here, with the
    # headers the middleware below gave it when it was rendered.
    "sitecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every response but static files and PDFs.
    "eucacis.security.ContentSecurityPolicyMiddleware",
    # Before anything reads the body: refuses requests over MAX_REQUEST_BYTES.
    "eucacis.errors.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eucacis.urls"

# people knows nothing of briefs; the person page (with their publications) is
# the public site's, so the project wires it here.
ABSOLUTE_URL_OVERRIDES = {
    "people.person": lambda person: url_for("reader:person_detail", slug=person.slug),
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # canonical_url: every page's <link rel="canonical"> (templates/base.html)
                "common.site_url.canonical",
            ],
        },
    },
]
# Django's form renderer, with its plain widgets and labels drawn in Python: the same bytes, without
# a template per widget (a long issue's admin form has some 6,500 of them; common/form_rendering.py).
FORM_RENDERER = "common.form_rendering.PlainWidgetsRenderer"

WSGI_APPLICATION = "eucacis.wsgi.application"


# ==== Database ============================================================================
DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", ""), sqlite_default=BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# models.W040: SQLite has no covering indexes, so the archive's index of the public rule
# (briefs.Issue, "issue_public") is made there without its included columns, which
# PostgreSQL reads instead of the issues' rows; nothing to fix on SQLite.
SILENCED_SYSTEM_CHECKS = ["models.W040"]


# ==== Language and time ===================================================================
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True
# Dates read “4 December 2026” everywhere, the admin included (eucacis/formats/en_GB).
FORMAT_MODULE_PATH = ["eucacis.formats"]


# ==== Files: static files, photos, PDFs; local disk or S3 =================================
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (the icons), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "root_files"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Built issue PDFs, kept apart from MEDIA_ROOT: the site serves them itself, after
# checking that the issue is public (a scheduled issue's PDF stays private).
PDF_ROOT = Path(os.environ.get("PDF_ROOT", BASE_DIR / "pdfs"))
# Person photos as uploaded (without their metadata), kept apart from MEDIA_ROOT:
# readers only ever get the resized copy, which is in MEDIA_ROOT.
PHOTO_ORIGINALS_ROOT = Path(os.environ.get("PHOTO_ORIGINALS_ROOT", BASE_DIR / "private" / "photos"))

# S3-compatible object storage (django-storages): with a bucket named, photos,
# their originals and the PDFs go to it, one prefix each, instead of the folders
# above (docs/operations.md, Object storage). The bucket stays private; the site serves what
# readers may see. The keys come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, which django-storages reads from the environment.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None  # e.g. SeaweedFS or MinIO; none for AWS
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
# Path-style addresses (endpoint/bucket/key) unless told otherwise: servers of
# one's own rarely have a DNS name per bucket.
AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE") or ("path" if AWS_S3_ENDPOINT_URL else None)
AWS_DEFAULT_ACL = None  # objects inherit the bucket's (private) access


def _s3_storage(backend, folder):
    prefix = os.environ.get("AWS_LOCATION", "").strip("/")
    return {
        "BACKEND": f"common.s3_storage.{backend}",
        "OPTIONS": {"location": f"{prefix}/{folder}" if prefix else folder},
    }


FILE_STORAGES = (
    {
        "default": _s3_storage("PublicMediaS3Storage", "media"),
        "issue_pdfs": _s3_storage("PrivateS3Storage", "pdfs"),
        "person_photo_originals": _s3_storage("PrivateS3Storage", "private/photos"),
    }
    if AWS_STORAGE_BUCKET_NAME
    else {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "issue_pdfs": {"BACKEND": "printing.storage.IssuePdfStorage"},
        "person_photo_originals": {"BACKEND": "people.storage.PersonPhotoOriginalStorage"},
    }
)

STORAGES = {
    **FILE_STORAGES,
    # Hashed, compressed file names need collectstatic; development serves the
    # files as they are.
    # STATIC_COMPRESS=0 skips pre-compressing them (a faster collectstatic).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_COMPRESS", default=True)
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}


# ==== Caches: Redis, the page cache and what is kept under the content version ============
# Caches: in-process by default (one process, as in development); REDIS_URL
# gives the shared Redis cache that production with several workers needs.
# Django's own Redis backend; every call gives up after REDIS_TIMEOUT seconds
# (connecting and reading), with no retry: a stalled or refusing Redis costs a
# request at most that, and callers then do without the cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", 0.25))


def redis_cache(url, key_prefix=None):
    """The settings of a Redis cache at ``url`` (the tests' own throwaway servers use it too)."""
    if key_prefix is None:
        key_prefix = os.environ.get("CACHE_KEY_PREFIX", "eucacis")
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }


CACHES = {
    "default": redis_cache(REDIS_URL)
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "eucacis"}
}
# Sessions in the database (the default), so that app servers keep none of their own.

# The page cache (sitecache): rendered pages for anonymous readers, kept under
# the content version (a database row), which any write to these apps' models
# renews in its own transaction.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_CONTENT_APPS = ["briefs", "people"]
PAGE_CACHE_IGNORED_MODELS = []
PAGE_CACHE_NEXT_CHANGE = "briefs.models.next_scheduled_change"
# /proof/: an unpublished issue for whoever holds a link that can be revoked at
# any moment; it must be looked up on every request (sharing/views.py).
# /oai/: each answer is worked out from the issues' state at its moment, and reads
# arguments no canonical address keeps (verb, resumptionToken…).
PAGE_CACHE_EXCLUDE = [
    "/admin/", "/static/", "/media/", "/_bench/", "/proof/", "/oai/", "/newsletter/", "/favicon.", "/apple-touch-icon",
]  # fmt: skip
# Who previews drafts and scheduled issues on the public site: active staff with
# this permission (other staff see what the public sees). Signed-in visitors'
# pages are never cached, previews or not.
PAGE_PREVIEW_PERMISSION = "briefs.view_issue"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 24 * 60 * 60))
PAGE_CACHE_MAX_BYTES = 1024 * 1024
# Pages each process also keeps in memory (checked against the shared version on
# every request, so never stale): saves moving them from Redis on each hit.
PAGE_CACHE_LOCAL_PAGES = int(os.environ.get("PAGE_CACHE_LOCAL_PAGES", 200))
# Seconds a CDN may serve a page without asking again (0: it always revalidates).
PAGE_CACHE_SHARED_MAX_AGE = int(os.environ.get("PAGE_CACHE_SHARED_MAX_AGE", 0))
# What each process keeps under the content version (issue documents, the series'
# front matter, an issue page's metadata, the archive's counts). Off only to measure
# renders as for the first reader after a change (scripts/bench.py). Citations are
# kept by what they cite, not by version: a change that alters them renders them anew.
CONTENT_CACHES = env_bool("CONTENT_CACHES", default=True)
# After the shared cache fails (down, stalled, full), each process renders pages
# without it for this many seconds before trying it again.
PAGE_CACHE_RETRY_SECONDS = float(os.environ.get("PAGE_CACHE_RETRY_SECONDS", 5))


# ==== Mail =========================================================================# The newsletter's mails (newsletter/). EMAIL_URL, e.g. submission://user:password@mail.example.org:587,
# or Django's own EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL.
# Neither set: mails are printed on the console in development, and refused in production.
_email_url = os.environ.get("EMAIL_URL", "").strip()
if _email_url:
    globals().update(email_from_url(_email_url))
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "newsletter.backends.NoEmailBackend"
# The Date header in the site's time zone ("+0100"), not "-0000" (which says the zone is unknown).
EMAIL_USE_LOCALTIME = True
# Seconds to wait for the mail server.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", 20))
SITE_NAME = os.environ.get("SITE_NAME", "EUCACIS publications").strip()
# The site's host name (SITE_URL's), for the sender's address and the List-Id; localhost without one.
_mail_host = re.sub(r"^https?://|:\d+$", "", SITE_URL) or "localhost"
# The sender of every mail: by default noreply@ the site's host.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@{_mail_host}>")
NEWSLETTER_FROM_EMAIL = os.environ.get("NEWSLETTER_FROM_EMAIL", DEFAULT_FROM_EMAIL)
# The List-Id's domain (List-Id: <newsletter.this>).
NEWSLETTER_LIST_ID_DOMAIN = _mail_host
# How long a confirmation link, and a link to manage one's subscriptions, work (hours).
NEWSLETTER_CONFIRM_HOURS = int(os.environ.get("NEWSLETTER_CONFIRM_HOURS", 72))
NEWSLETTER_MANAGE_HOURS = int(os.environ.get("NEWSLETTER_MANAGE_HOURS", 24))
# Subscribing: requests per client address per hour, and mails to one address per day.
NEWSLETTER_REQUESTS_PER_CLIENT_HOUR = int(os.environ.get("NEWSLETTER_REQUESTS_PER_CLIENT_HOUR", 10))
NEWSLETTER_MAILS_PER_ADDRESS_DAY = int(os.environ.get("NEWSLETTER_MAILS_PER_ADDRESS_DAY", 3))
# Mails one job sends before handing over to the next; seconds between attempts of a mail the server
# refused for now (4xx) or could not be reached for.
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", 500))
NEWSLETTER_RETRY_DELAYS = [
    float(s) for s in env_list("NEWSLETTER_RETRY_DELAYS", default=["60", "300", "1800", "7200", "21600"])
]
# A mail claimed by a job longer ago than this was left by a job that died: another job sends it.
NEWSLETTER_CLAIM_SECONDS = float(os.environ.get("NEWSLETTER_CLAIM_SECONDS", 2 * EMAIL_TIMEOUT + 60))

# Readership figures (readership/counting.py): requests for one item by one client within this many seconds
# count once (COUNTER's double-click rule). Their keys, the day's salt and the counts not yet flushed are
# kept in Redis under this prefix.
# Off (0) only to measure what counting costs (scripts/bench.py) or to stop counting for a while.
READERSHIP_COUNTING = env_bool("READERSHIP_COUNTING", default=True)
READERSHIP_DOUBLE_CLICK_SECONDS = int(os.environ.get("READERSHIP_DOUBLE_CLICK_SECONDS", 30))
READERSHIP_REDIS_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "eucacis") + ":readership"
# Each web process sends its counts to Redis in one write when this many wait, or when the oldest has waited
# this many seconds and a request comes (or the process exits): a write per count cost cached pages too much.
READERSHIP_SEND_BATCH = int(os.environ.get("READERSHIP_SEND_BATCH", 32))
READERSHIP_SEND_SECONDS = float(os.environ.get("READERSHIP_SEND_SECONDS", 1))


# ==== Background jobs =====================================================================
# Background jobs (docs/architecture.md, Background jobs). Jobs are rows of this database (django-tasks-db),
# written in the transaction that calls for them, and run by `manage.py jobs_worker`.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# How often an idle worker looks for jobs, in seconds (a PDF follows a publication within this plus its build).
JOBS_POLL_SECONDS = float(os.environ.get("JOBS_POLL_SECONDS", 0.5))
# A worker's heartbeat, and how long without one before its running job is run again by another.
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", 2))
JOBS_WORKER_LOST_AFTER = float(os.environ.get("JOBS_WORKER_LOST_AFTER", 15))
# A running job of a worker that writes no heartbeat (a plain `db_worker`) is run again after this.
JOBS_UNKNOWN_WORKER_LOST_AFTER = float(os.environ.get("JOBS_UNKNOWN_WORKER_LOST_AFTER", 600))
# A job whose worker died this many times is marked failed rather than run again.
JOBS_MAX_CLAIMS = int(os.environ.get("JOBS_MAX_CLAIMS", 5))
# A failed PDF build is tried again after these many seconds (one per attempt), then given up.
# Crossref deposits (crossref/): the login is the server's, never the database's. Without one, a deposit is
# made and checked but not sent, and the admin says so.
CROSSREF_LOGIN = os.environ.get("CROSSREF_LOGIN", "")
CROSSREF_PASSWORD = os.environ.get("CROSSREF_PASSWORD", "")
# Seconds to wait for Crossref's answer; seconds between attempts to send (a timeout, a 5xx); seconds
# before asking for a sent deposit's result, then between the next questions.
# The only addresses deposits (and the series' Crossref login) are ever sent to: Crossref's test and
# production deposit endpoints. A series chooses one; nothing else can be typed in.
CROSSREF_DEPOSIT_URLS = [
    url.strip()
    for url in os.environ.get(
        "CROSSREF_DEPOSIT_URLS", "https://test.crossref.org/servlet/deposit,https://doi.crossref.org/servlet/deposit"
    ).split(",")
    if url.strip()
]
CROSSREF_TIMEOUT = float(os.environ.get("CROSSREF_TIMEOUT", 30))
CROSSREF_RETRY_DELAYS = [
    int(s) for s in os.environ.get("CROSSREF_RETRY_DELAYS", "60,300,1800,7200,21600").split(",") if s
]
CROSSREF_CHECK_DELAYS = [
    int(s) for s in os.environ.get("CROSSREF_CHECK_DELAYS", "60,120,300,900,3600,10800,21600,43200").split(",") if s
]
# Jobs the worker enqueues every so many seconds, from its heartbeat (jobs/periodic.py): (task, seconds).
# The readership flush moves the counts from Redis into the database (readership/flush.py).
READERSHIP_FLUSH_SECONDS = float(os.environ.get("READERSHIP_FLUSH_SECONDS", 60))
JOBS_EVERY = [("readership.flush.flush_counts", READERSHIP_FLUSH_SECONDS)]
PDF_RETRY_DELAYS = [int(s) for s in os.environ.get("PDF_RETRY_DELAYS", "30,120,600,3600,21600").split(",") if s]


# ==== Editing: the prose editor, photos and imports =======================================
# The prose editor's toolbar, reduced to what the printed design uses.
DJANGO_PROSE_EDITOR_MENU_GROUPS = [
    {"group": "blockType -lists", "type": "dropdown", "minItems": 2},
    {"group": "lists"},
    {"group": "nodes -blockType -lists"},
    {"group": "marks"},
    {"group": "link"},
    {"group": "footnote"},
    {"group": "history"},
]

# Our own prose editor extensions (django-prose-editor's "configurable" preset
# loads each group's module only for fields that enable one of its extensions).
# FootnoteMarker: the "Insert a footnote" button of the texts
# (static/briefs/prose/footnote.js). It types plain text, so it allows no tags.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("briefs/prose/footnote.js")],
        "extensions": {"FootnoteMarker": html_tags([])},
    },
]

# The "lazy" preset: an issue with many questions and notes makes each row's editor when it
# comes near the window (static/briefs/prose/lazy.js; editorial.admin.LazyEditorsForLongIssues).
DJANGO_PROSE_EDITOR_PRESETS = {
    "lazy": [
        Script("django_prose_editor/editor.js", type="module"),
        Script("briefs/prose/lazy.js", type="module"),
    ],
}

# Largest person photo an editor may upload, in bytes.
PERSON_PHOTO_MAX_BYTES = int(os.environ.get("PERSON_PHOTO_MAX_BYTES", 5 * 1024 * 1024))
# ... and most pixels: larger images are refused before they are decoded.
PERSON_PHOTO_MAX_PIXELS = int(os.environ.get("PERSON_PHOTO_MAX_PIXELS", 40_000_000))

# Largest spreadsheet accepted by the fellows import, in bytes.
FELLOW_IMPORT_MAX_BYTES = int(os.environ.get("FELLOW_IMPORT_MAX_BYTES", 2 * 1024 * 1024))
# The largest .docx the Word import takes (a brief is some 50 KB; images make it larger).
WORD_IMPORT_MAX_BYTES = int(os.environ.get("WORD_IMPORT_MAX_BYTES", 8 * 1024 * 1024))


# ==== Security: passwords and signing in ==================================================
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes counts failed sign-ins per username *and* client address: after
# LOGIN_FAILURE_LIMIT failures that username is refused from that address (even
# with the right password) for LOGIN_LOCKOUT_MINUTES. Another address, or another
# username, is not affected, so an attacker cannot lock editors out of their own
# office. Its backend must come first; it checks the lock and signs nobody in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15)))
# The pause ends a fixed time after it began (tries during it are refused
# without counting), so the lockout page can say how long to wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# Failures are kept (until their cool-off ends); successful sign-ins are not
# logged with address and browser, which the throttling does not need.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "eucacis.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "common.clients.client_ip"
# How many proxies in front of gunicorn append to X-Forwarded-For (production:
# the HTTPS proxy). The client address is the entry the outermost one wrote.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0 if DEBUG else 1))


# ==== Security: HTTPS and headers =========================================================
# Production hardening; all on unless DEBUG. HTTPS is expected in front of gunicorn.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # On, as Django's deployment check expects; preloading is slow to undo, so an
    # operator whose subdomains are not all HTTPS sets SECURE_HSTS_PRELOAD=0.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


# ==== Security: Content-Security-Policy ===================================================
# Everything from our own origin only; no inline scripts (the one the admin
# needs, the prose editor's import map, gets the response's nonce: see
# eucacis/security.py) and no inline styles but one; no plugins, no framing,
# forms post only to us. django-csp 4 settings format.
#
# The one inline style: the prose editor (Tiptap) adds ProseMirror's base
# stylesheet as a <style> element, which editing needs (white-space: pre-wrap
# keeps typed spaces). Its hash allows exactly that text and nothing else. An
# upgrade that changes it fails tests/test_content_security_policy.py, which
# names the new hash.
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, PROSE_EDITOR_STYLE_HASH],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}


# ==== Security: the size of requests ======================================================
# Django limits form text (DATA_UPLOAD_MAX_MEMORY_SIZE, its default stated here)
# but streams uploaded files to disk whatever their size. A request declaring a
# body over MAX_REQUEST_BYTES is refused with a 413 page before it is read; it
# must leave room for the largest file a form accepts plus the form's text.
# The proxy in front should refuse larger bodies itself (see README).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB of form text
# Django's default of 1,000 fields refused (400) the save of an issue with 500 notes and 200
# questions, about 4,000 fields, which the Word import accepts: room for 1,200 notes and questions.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", 10 * 1024 * 1024))
if MAX_REQUEST_BYTES <= max(PERSON_PHOTO_MAX_BYTES, FELLOW_IMPORT_MAX_BYTES, WORD_IMPORT_MAX_BYTES):
    raise ImproperlyConfigured(
        f"MAX_REQUEST_BYTES={MAX_REQUEST_BYTES} leaves no room for the largest upload a form accepts "
        f"(PERSON_PHOTO_MAX_BYTES={PERSON_PHOTO_MAX_BYTES}, FELLOW_IMPORT_MAX_BYTES={FELLOW_IMPORT_MAX_BYTES}, "
        f"WORD_IMPORT_MAX_BYTES={WORD_IMPORT_MAX_BYTES}): "
        "a file the form would take would be refused before it arrives. Raise MAX_REQUEST_BYTES."
    )


# ==== Logging and the benchmark ===========================================================
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The benchmark's reference view (a minimal view of the same size as a page)
# is mounted only when this is set; see scripts/bench.py.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", default=False)
