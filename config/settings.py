"""
Settings for the AI Strategy Atlas.

One module, driven by environment variables with secure defaults. Every
variable is documented in the README ("Configuration").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_choice, env_float, env_int, env_list, env_url, env_words
from .release import release

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is not 1. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-development-key-only-used-with-DJANGO_DEBUG-1"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    # Translated content fields (name_en, name_es, ...); before the admin.
    "modeltranslation",
    "config.apps.AtlasAdminConfig",  # django.contrib.admin, as the atlas's editing site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "config.apps.ThemesConfig",  # django-taggit, its tags called themes
    "reversion",
    "axes",
    "csp",
    # The atlas's own apps; each depends only on those listed before it.
    "config.apps.SiteConfig",
    "web",
    "editing",
    "citations",
    "strategy",
    "chapters",
    "api",
    "search",
    "pagecache",
    "operations",
]

MIDDLEWARE = [
    # One spelling of the Host header for everything below (and the page cache).
    "config.middleware.HostSpellingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # /api/ answers in JSON with CORS headers, whichever layer answers.
    "api.middleware.ApiAnswersMiddleware",
    # Security headers go before WhiteNoise, which answers static file requests
    # itself: static files get the same headers as pages.
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language a request is answered in: the address's /es/ prefix on the
    # public site, the editor's choice in the admin (web/languages.py). Before
    # the 400 page for null characters and the page cache, which keys pages by it.
    "web.languages.LanguageMiddleware",
    "config.middleware.RejectNullCharactersMiddleware",
    # Cached public pages are answered here, before sessions and the rest; they
    # were stored with every header the middleware below adds (pagecache/).
    "pagecache.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Locked-out logins get the lockout page (see "Login throttling" below).
    "axes.middleware.AxesMiddleware",
    # A database that cannot be reached gives a friendly 503 page, not a 500.
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "web.context_processors.page_address",
                "web.context_processors.canonical_address",
                "web.languages.language_pages",
                "citations.context_processors.bibliography_formats",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite file in the project unless DATABASE_URL names another database.
try:
    DATABASES = {
        "default": dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from None
# A PostgreSQL server that does not answer must not hang a worker, and the
# worker must answer 503 well within gunicorn's timeout (30 s): give up
# connecting after DJANGO_DB_CONNECT_TIMEOUT seconds; on a kept connection,
# give up on data the network does not deliver after DJANGO_DB_NETWORK_TIMEOUT
# seconds (TCP_USER_TIMEOUT), and probe idle connections (TCP keepalives), so
# a blackholed server is noticed; cancel a statement that runs longer than
# DJANGO_DB_STATEMENT_TIMEOUT seconds (0: no limit). Values given in
# DATABASE_URL's query string win.
# A statement still running a little after it should have been cancelled has
# its connection closed by the client too (config/database.py).
DATABASE_STATEMENT_TIMEOUT = env_int("DJANGO_DB_STATEMENT_TIMEOUT", 25)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 5))
    options.setdefault("tcp_user_timeout", env_int("DJANGO_DB_NETWORK_TIMEOUT", 5) * 1000)
    options.setdefault("keepalives", 1)
    options.setdefault("keepalives_idle", 10)
    options.setdefault("keepalives_interval", 5)
    options.setdefault("keepalives_count", 3)
    if DATABASE_STATEMENT_TIMEOUT:
        options.setdefault("options", f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}")
# SQLite lets one writer in at a time. Every transaction starts as a writer
# (BEGIN IMMEDIATE), so that two editors saving at once queue for the lock
# rather than one failing with "database is locked"; a save waits up to
# DJANGO_SQLITE_TIMEOUT seconds for it. Write-ahead logging lets pages be
# read while a save is being written.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=env_float("DJANGO_SQLITE_TIMEOUT", 20),
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out usernames before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English and Spanish (see README, "Languages"). English is at the addresses
# without a prefix, Spanish under /es/. Interface strings are in locale/;
# content fields have one column per language (django-modeltranslation,
# strategy/translation.py): a text not yet translated falls back to English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as the atlas writes them in each language (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A country is published only once its texts exist in each of these
# languages (besides English), unless a Country manager waives it.
PUBLISH_REQUIRES_LANGUAGES = env_list("ATLAS_PUBLISH_REQUIRES_LANGUAGES")
_unknown_languages = set(PUBLISH_REQUIRES_LANGUAGES) - {code for code, _name in LANGUAGES}
if _unknown_languages:
    raise ImproperlyConfigured(
        "ATLAS_PUBLISH_REQUIRES_LANGUAGES names languages the atlas does not have: "
        + ", ".join(sorted(_unknown_languages))
    )
# django-taggit's Tag gains a name per language: its migrations, with the one
# that adds those columns, live in the project.
MIGRATION_MODULES = {"taggit": "strategy.taggit_migrations"}
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Caching. Public pages are cached for anonymous visitors and invalidated on
# every content change (pagecache/). Local memory by default (one cache per
# process, bounded in bytes; correct, since the content version lives in the
# database); Redis, shared by every server, when REDIS_URL is set. A cache
# that fails (down, unreachable, slow, full) is a miss, never an error: its
# sockets time out after DJANGO_CACHE_TIMEOUT seconds, and after a failure it
# is left alone for a few seconds (pagecache/backends.py).
REDIS_URL = env_url("REDIS_URL", ["redis", "rediss", "unix"])
# Every key and ETag names the release (config/release.py): copies made by
# other code are never served.
RELEASE = release(BASE_DIR)
CACHE_TIMEOUT_SECONDS = env_float("DJANGO_CACHE_TIMEOUT", 0.25)
CACHES = {
    "default": (
        {
            "BACKEND": "pagecache.backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": RELEASE,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
                "RETRY_AFTER": 5,
            },
        }
        if REDIS_URL
        else {
            "BACKEND": "pagecache.backends.BoundedLocMemCache",
            "KEY_PREFIX": RELEASE,
            "OPTIONS": {
                # Bounded by the bytes held; entries are pages and fragments.
                "MAX_ENTRIES": 10000,
                "MAX_BYTES": env_int("DJANGO_LOCAL_CACHE_MB", 64) * 1024 * 1024,
            },
        }
    )
}
# How long a rendered page is kept; 0 turns the page cache off (conditional
# GET with ETag/Last-Modified stays on).
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/static/", "/healthz"]
# How long the rendered parts of a page are kept, under the version of the
# content they show (a country's profile: strategy.views.render_country);
# 0 renders them afresh every time.
FRAGMENT_CACHE_SECONDS = env_int("DJANGO_FRAGMENT_CACHE_SECONDS", 3600)
# Which pages a change can alter, finer than "every page": a country's page
# is keyed by its own version (pagecache.versions, strategy.page_scopes).
PAGE_CACHE_SCOPES = "strategy.page_scopes"

# django-taggit: tag lookups are case-insensitive, so "Health" and "health"
# are one theme.
TAGGIT_CASE_INSENSITIVE = True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "web.logging.WithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "console_one_line": {
            "class": "logging.StreamHandler",
            "filters": ["without_traceback"],
        },
    },
    "loggers": {
        # Django's messages once, through the console handler (not also its own).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A Host header the site does not serve: one line each, not a traceback.
        "django.security.DisallowedHost": {
            "handlers": ["console_one_line"],
            "level": "ERROR",
            "propagate": False,
        },
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "DJANGO_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
        ),
    },
}

# --- HTTPS, cookies and security headers (README: "Production") --------------
# With DEBUG off the site is HTTPS only: plain HTTP is redirected, browsers are
# told to use HTTPS for a year (HSTS, subdomains included), and the session and
# CSRF cookies are Secure, HttpOnly and SameSite=Lax. Behind a proxy that
# terminates TLS, name the header it sets (X-Forwarded-Proto) in
# DJANGO_SECURE_PROXY_SSL_HEADER so Django sees the original scheme; a proxy
# that already redirects to HTTPS may turn Django's redirect off with
# DJANGO_SECURE_SSL_REDIRECT=0.


def proxy_ssl_header(value):
    """
    "X-Forwarded-Proto" (or "X-Forwarded-Proto=https") as Django's
    SECURE_PROXY_SSL_HEADER tuple; None when unset.
    """
    name, expected = value
    if not name:
        return None
    return ("HTTP_" + name.upper().replace("-", "_"), expected)


SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env_words("DJANGO_SECURE_PROXY_SSL_HEADER"))
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Only needed when the site is reached through another origin than its own
# host name, e.g. "https://atlas.example.org".
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Content-Security-Policy (django-csp): everything from the site's own origin,
# no inline script or style, no plugins, no framing. No nonces, so a cached page
# stays valid; templates and the admin use no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}

# Permissions-Policy (config.middleware.PermissionsPolicyMiddleware): the site
# needs no camera, microphone, location or other powerful browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    ]
}

# --- Logging in -----------------------------------------------------------------
# The admin's login is the site's only one; after it, editors land in the admin
# (also when a "next" address is refused as off-site).
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# --- Login throttling (django-axes) -------------------------------------------
# Five failed logins for one username lock that username, from any address,
# for the cool-off time; every further failure restarts it. A correct login
# resets the count. Unlock early with: manage.py axes_reset_username USERNAME.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for "ip_address" in the lockout parameters, saying attackers
# could otherwise rotate browsers or cookies. Not so here: failures are summed
# over every attempt for the username, whatever the address or browser
# (tests/test_login_throttling.py rotates both). Locking by address as well
# would let one person lock out every editor behind a shared office or proxy
# address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.views.login_locked_out"
# Log lines name the username; the attempt records keep address and browser.
AXES_VERBOSE = False

# --- Email ---------------------------------------------------------------------
# Review steps tell the people involved by email (strategy.notifications).
# Without EMAIL_HOST the messages are written to the server's console (its
# log); with it they go out by SMTP.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "atlas@localhost")
# The site's address, for links in those messages, e.g. https://atlas.example.org
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# --- Link checking (manage.py check_links; citations.linkcheck) -------------------
# Who the checker says it is: servers' admins can tell who to write to.
LINK_CHECK_CONTACT = os.environ.get("LINK_CHECK_CONTACT", DEFAULT_FROM_EMAIL)
LINK_CHECK_USER_AGENT = (
    f"AIStrategyAtlas-LinkChecker/1.0 (+{SITE_URL or 'AI Strategy Atlas'}; {LINK_CHECK_CONTACT})"
)
# Seconds between two requests to one host, at most; hosts checked at once.
LINK_CHECK_DELAY_SECONDS = env_float("LINK_CHECK_DELAY_SECONDS", 2)
LINK_CHECK_CONCURRENCY = env_int("LINK_CHECK_CONCURRENCY", 4)
LINK_CHECK_TIMEOUT_SECONDS = env_float("LINK_CHECK_TIMEOUT_SECONDS", 15)
# The longest Retry-After (or Crawl-delay) waited for; past it the host waits
# for the next run.
LINK_CHECK_MAX_WAIT_SECONDS = env_float("LINK_CHECK_MAX_WAIT_SECONDS", 60)
# A link is checked again after this long, and called broken only after two
# failed checks this far apart (a daily cron confirms a failure the next day).
LINK_CHECK_INTERVAL_HOURS = env_float("LINK_CHECK_INTERVAL_HOURS", 20)
# How long one run holds the links it checks, so that a run on another
# server leaves them alone.
LINK_CHECK_LEASE_MINUTES = env_int("LINK_CHECK_LEASE_MINUTES", 120)
# Refuse any address but 127.0.0.1/::1/localhost (the test suite sets this).
LINK_CHECK_LOOPBACK_ONLY = env_bool("LINK_CHECK_LOOPBACK_ONLY", False)
WAYBACK_AVAILABILITY_URL = os.environ.get(
    "WAYBACK_AVAILABILITY_URL", "https://archive.org/wayback/available"
)
WAYBACK_SAVE_URL = os.environ.get("WAYBACK_SAVE_URL", "https://web.archive.org/save/")
