"""Bonespine settings, read from the environment.

Development defaults need no configuration at all (SQLite file, DEBUG on).
Production is ``DJANGO_DEBUG=0`` and then refuses to start without
``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from js_asset import static_lazy

from articles.rendering import process_citation, process_nothing

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0 (production). "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if not DEBUG else "127.0.0.1,localhost,[::1],testserver")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0 (comma-separated host names)."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "simple_history",
    "csp",
    "axes",
    "django_ratelimit",
    "django_prose_editor",
    "authors",
    "articles",
]

MIDDLEWARE = [
    # The visitor's address behind a trusted proxy (BONESPINE_TRUSTED_PROXIES), before anything reads it.
    "bonespine.middleware.ForwardedClientMiddleware",
    # Outermost: times and logs every request, static files and error pages included.
    "bonespine.middleware.RequestLogMiddleware",
    # gzip for clients that accept it, never a page with a CSRF token and reflected input
    # (BREACH; bonespine/compression.py). Outside the page cache, which keeps identity copies.
    "bonespine.compression.CompressionMiddleware",
    # The header-setting middleware sits before WhiteNoise, which answers static files
    # itself without calling the middleware below it.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "bonespine.middleware.SecurityHeadersMiddleware",
    "bonespine.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "articles.pagecache.PageCacheMiddleware",
    # Old WordPress addresses (articles/importers/redirects.py): acts on 404s only; inside the page cache.
    "articles.importers.redirects.LegacyRedirectMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a locked-out log-in into the lockout page (axes wants to be near the end).
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a view's database errors first (friendly 503).
    "bonespine.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "bonespine.urls"

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
                "bonespine.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "bonespine.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers and one writer work at once; the busy timeout waits for the writer.
    # IMMEDIATE: a transaction takes the write lock when it starts, so a read-then-write
    # transaction (an admin save) waits for a concurrent writer (a view count) instead of
    # failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL")
if CACHE_URL:
    # django-redis: one connection pool and one client per process, reused by every cache call
    # (Django's own RedisCache builds a new redis-py client for each call: 0.5 ms of a 1.8 ms page hit).
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "bonespine",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Rate limits on the contact form and "was this helpful" (django-ratelimit, see
# articles/feedback/ratelimit.py) count in the default cache.
RATELIMIT_USE_CACHE = "default"


def ratelimit_silenced_checks(backend: str) -> list[str]:
    """django-ratelimit's system checks that do not apply to our cache ``backend``.

    Its check knows only memcached and django-redis as supported (W001), and refuses the
    local-memory cache because it is not shared between processes (E003). Django's own
    RedisCache is not on that list but increments with Redis INCR, which is atomic.
    The local-memory cache increments under a lock, atomic within one process;
    it serves development, the tests and a single server process (``make serve`` without
    ``REDIS_URL`` runs one). Several worker processes must share Redis (``REDIS_URL``, see
    gunicorn.conf.py), for the limits as for the page cache and the view counts.
    """
    if backend == "django.core.cache.backends.redis.RedisCache":
        return ["django_ratelimit.W001"]
    if backend == "django.core.cache.backends.locmem.LocMemCache":
        return ["django_ratelimit.E003", "django_ratelimit.W001"]
    return []


SILENCED_SYSTEM_CHECKS = ratelimit_silenced_checks(CACHES[RATELIMIT_USE_CACHE]["BACKEND"])

# Proxies whose X-Forwarded-For is believed (bonespine/middleware.py, ForwardedClientMiddleware):
# comma-separated addresses or networks, "unix" for a unix socket peer. `make serve` sets "unix"
# (nginx in front on gunicorn's socket). Empty: REMOTE_ADDR is the visitor.
BONESPINE_TRUSTED_PROXIES = env_list("BONESPINE_TRUSTED_PROXIES", "")
for _proxy in BONESPINE_TRUSTED_PROXIES:
    try:
        if _proxy != "unix":
            ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"BONESPINE_TRUSTED_PROXIES: {_proxy!r} is not an address, a network (e.g. 10.0.0.0/8) or \"unix\"."
        ) from None

# Page cache for anonymous visitors (articles/pagecache.py); popular lists lag by at most this.
BONESPINE_PAGE_CACHE = env_bool("BONESPINE_PAGE_CACHE", True)
# The "ready for review" check (articles/workflow/readiness.py): references an article needs
# before it can be submitted, and the Flesch Reading Ease the advice aims at (patient information).
BONESPINE_REVIEW_MIN_REFERENCES = int(os.environ.get("BONESPINE_REVIEW_MIN_REFERENCES", "1"))
BONESPINE_READING_EASE_TARGET = int(os.environ.get("BONESPINE_READING_EASE_TARGET", "60"))
BONESPINE_PAGE_CACHE_SECONDS = int(os.environ.get("BONESPINE_PAGE_CACHE_SECONDS", "300"))
# How long the popular ranking and the sidebar fragment are reused.
BONESPINE_POPULAR_SECONDS = int(os.environ.get("BONESPINE_POPULAR_SECONDS", "120"))
# How long each process keeps its own copy of a cached fragment or page (articles/pagecache.py):
# a copy is only used while the generations it was built under are current.
BONESPINE_LOCAL_FRAGMENT_SECONDS = int(os.environ.get("BONESPINE_LOCAL_FRAGMENT_SECONDS", "30"))
# With Redis, each process keeps the generation counters too, kept exact by Redis's
# invalidation pushes (articles/tracking.py); this bounds how long one is trusted in any case.
BONESPINE_TRACKED_GENERATION_SECONDS = float(os.environ.get("BONESPINE_TRACKED_GENERATION_SECONDS", "1"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username + address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin log-in throttling (django-axes): 5 wrong passwords for one username from one
# address lock that pair out for 30 minutes (HTTP 429, templates/registration/locked_out.html);
# other usernames and other addresses are unaffected, and a successful log-in clears the
# count. The address is REMOTE_ADDR: behind a reverse proxy it must be the visitor's
# (see README). An administrator lifts a lock early with `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "bonespine.views.login_locked_out"
# Keep only the failed attempts the lockout needs, not a log of every successful log-in
# with its address and browser (the admin's own history already records who changed what).
AXES_DISABLE_ACCESS_LOG = True

# The locale sets how dates read on every page: templates write {{ value|date }} (the locale's
# DATE_FORMAT), and bonespine/formats/ adjusts a locale's formats (en-GB: "12 March 2024").
LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["bonespine.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

SITE_ID = 1
SITE_NAME = os.environ.get("BONESPINE_SITE_NAME", "Bonespine")
SITE_TAGLINE = "Your trusted resource for orthopaedic health information"
SITE_URL = os.environ.get("BONESPINE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The static pages, edited in the admin as flat pages (/<name>/); listed in the sitemap when
# their flat page exists. /contact/ shows its flat page above the contact form.
BONESPINE_STATIC_PAGES = ["about", "contact", "policies", "disclaimer", "editorial-policy"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    # Swap the default backend (e.g. storages.backends.s3.S3Storage) through settings only.
    "default": {"BACKEND": os.environ.get("DJANGO_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploads: refuse anything bigger than this before Pillow sees it.
BONESPINE_MAX_UPLOAD_BYTES = int(os.environ.get("BONESPINE_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
BONESPINE_MAX_IMAGE_PIXELS = int(os.environ.get("BONESPINE_MAX_IMAGE_PIXELS", str(40_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# How long a full medical review stays valid (days); default three years.
BONESPINE_REVIEW_CYCLE = timedelta(days=int(os.environ.get("BONESPINE_REVIEW_CYCLE_DAYS", str(3 * 365))))

TAGGIT_CASE_INSENSITIVE = True
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True  # ASCII tag addresses (Sjögren → sjogren)

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Bonespine <editors@bonespine.example>")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())
# Admin sessions end when the browser closes (shared clinic computers), and in any case
# 12 hours after log-in: SESSION_COOKIE_AGE still bounds the session on the server.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The rich-text editor (django-prose-editor): our own Tiptap extensions, the in-text
# citation and the clean-up of pasted Word / Google Docs HTML, are loaded from this module.
# Their part of the sanitizer's allow-list comes from the functions named here; the whole
# editor configuration is articles.rendering.EDITOR_EXTENSIONS.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/editor_extensions.js")],
        "extensions": {"Citation": process_citation, "PasteCleanup": process_nothing},
    }
]

# Content Security Policy (django-csp 4), sent on every response by
# bonespine.middleware.ContentSecurityPolicyMiddleware. Everything the site uses is
# served from its own origin: no inline scripts, no eval, no inline styles on public
# pages. NONCE only appears in the header on a page whose template used
# {{ request.csp_nonce }}; none does today (JSON-LD data blocks are not executed, so
# script-src does not apply to them). Such a page must stay out of the page cache
# (never_cache), or the cached HTML would carry an old nonce the header no longer has.
# The admin additionally gets style-src 'unsafe-inline' (see the middleware for why).
# DJANGO_CSP_IMG_SRC adds image origins, e.g. a CDN or S3 bucket serving uploads.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *env_list("DJANGO_CSP_IMG_SRC")],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # Production only, and not when https is switched off for a plain-http trial
        # (`make serve`: DJANGO_SECURE_SSL_REDIRECT=0), where it would break every asset.
        "upgrade-insecure-requests": not DEBUG and env_bool("DJANGO_SECURE_SSL_REDIRECT", True),
    }
}
# Permissions-Policy (django-permissions-policy): features no page uses are switched off
# (interest-cohort/browsing-topics opt out of ad-interest tracking).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation", "gyroscope",
        "interest-cohort", "magnetometer", "microphone", "midi", "payment", "usb",
    )
}
# Sent by bonespine.middleware.SecurityHeadersMiddleware (Django has no setting for it).
# Static files (CSS, JS, fonts, images) are for this site's own pages only: no other origin
# may load them, so WhiteNoise does not send its default "Access-Control-Allow-Origin: *"
# (which would contradict this header; deploy/nginx serves /static/ the same way).
BONESPINE_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
WHITENOISE_ALLOW_ALL_ORIGINS = False
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    # Opt-in (README): includeSubDomains commits every subdomain to https, and preload (with a
    # submission to the browsers' list) commits the domain's future, both for years.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    # check --deploy warns about both being off; that is the deliberate default here.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, *(
        check for check, on in (("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS), ("security.W021", SECURE_HSTS_PRELOAD))
        if not on
    )]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# One JSON object per line on the console (stderr). bonespine.request: one line per
# request (method, path without query string, status, duration_ms; no address or user).
# django.request: server errors with their traceback (4xx are in the request line
# already). Django's own handlers on "django" are replaced, so nothing is printed twice.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "bonespine.logging.JSONFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        "django.request": {"level": "ERROR"},
        "bonespine.request": {"level": "INFO"},
        # Lockouts are warnings (usernames and addresses masked); skip its start-up chatter.
        "axes": {"level": "WARNING"},
    },
}
