"""Settings for the editorial platform, driven by the environment.

Development defaults (SQLite, debug) are opted into with DJANGO_DEBUG=1, which
`make run` and the test suite set; without it the settings are production-safe
and refuse to start without a SECRET_KEY.

Every environment variable is read here, once, through `env` (editorial/environment.py):
typed, with its default, a bad value refused at start with a message naming it. Each one
has a row in the README's configuration table (tests/test_settings.py checks both).
"""

from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from editorial.environment import (
    OneOf,
    SettingsEnvironment,
    addresses_or_networks,
    http_urls,
    matches,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = SettingsEnvironment()

DEBUG = env.bool("DJANGO_DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

# The origin readers use, such as https://answers.example.org. Emails, password-reset
# links and every absolute URL in a public page (canonical links, structured data) are
# built on it, never on the request's Host header, so a kept page is the same for every
# reader and cannot be poisoned (editorial/urls_absolute.py). Unset in production, it is
# https:// + the first ALLOWED_HOSTS entry (unless that is a wildcard).
_hosts = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
_named_host = _hosts[0] if _hosts and not _hosts[0].startswith((".", "*")) else ""
_site_url_default = "http://127.0.0.1:8000" if DEBUG else _named_host and f"https://{_named_host}"
SITE_URL = env.str("SITE_URL", _site_url_default).strip().rstrip("/")
if SITE_URL:
    _site = urlsplit(SITE_URL)
    if _site.scheme not in ("http", "https") or not _site.hostname or _site.path:
        raise ImproperlyConfigured(
            f"SITE_URL must be a scheme and host such as https://answers.example.org, "
            f"not {SITE_URL!r}"
        )
# The site's own host is always served; ALLOWED_HOSTS adds others (a health-check name).
_site_host = urlsplit(SITE_URL).hostname if SITE_URL else None
ALLOWED_HOSTS = [*_hosts, _site_host] if _site_host and _site_host not in _hosts else _hosts

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "simple_history",
    "django_fsm",
    "rest_framework",
    "drf_spectacular",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "outbox",
    "articles",
    "public",
    "desk",
    "api",
    "screening",
    "board",
    "notifications",
    "answers",
]

MIDDLEWARE = [
    # Every response, a replayed one too, gets its request id, log line and metrics.
    "editorial.observability.RequestObservabilityMiddleware",
    # Then kept public pages are replayed from here, with the headers the rest of the
    # stack gave them (public/fastpath.py); everything else goes on down the stack.
    "public.fastpath.KeptPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "editorial.middleware.DatabaseUnavailableMiddleware",
    "accounts.throttle.LoginThrottleMiddleware",
    "editorial.middleware.PrivateResponseMiddleware",
]

ROOT_URLCONF = "editorial.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "editorial.wsgi.application"

# SQLite is the embedded default; DATABASE_URL switches to PostgreSQL.
_database = env.database_url("DATABASE_URL", conn_max_age=60, conn_health_checks=True)
# A path, or ":memory:" (kept a string: Django recognises an in-memory database only so).
_sqlite_path = env.str("SQLITE_PATH") or BASE_DIR / "db.sqlite3"
if _database:
    DATABASES = {"default": _database}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _sqlite_path,
            # IMMEDIATE takes the write lock when a transaction starts, so two
            # read-check-write transactions (edits, transitions) are serialised
            # on SQLite the way row locks serialise them on PostgreSQL.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            # Keep the connection between requests: opening the file and setting
            # it up again costs more than the queries of a cached page.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic's target; set it outside the checkout for the benchmark or a read-only image.
STATIC_ROOT = Path(env.str("STATIC_ROOT") or BASE_DIR / "staticfiles")
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# A shared cache (Redis) whenever CACHE_URL is set, so every worker and server
# sees the same entries; otherwise a per-process memory cache, which is only
# correct because cached pages are keyed by the content version they show.
CACHE_URL = env.str("CACHE_URL")
_cache_connect_timeout = env.float("CACHE_CONNECT_TIMEOUT", 0.25)
_cache_timeout = env.float("CACHE_TIMEOUT", 0.5)
_cache_retry_after = env.float("CACHE_RETRY_AFTER", 5.0)
if CACHE_URL:
    CACHES = {
        "default": {
            # Redis as an optional speed-up: unreachable or slow, it reads as a miss
            # and the page is rendered from the database (editorial/cache.py).
            "BACKEND": "editorial.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "socket_connect_timeout": _cache_connect_timeout,
                "socket_timeout": _cache_timeout,
            },
            "CIRCUIT_OPEN_SECONDS": _cache_retry_after,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "editorial@localhost")

# Editorial rules that a publisher may tune.
REQUIRED_APPROVALS = env.int("REQUIRED_APPROVALS", 1, minimum=1)
REREVIEW_AFTER_DAYS = env.int("REREVIEW_AFTER_DAYS", 365, minimum=1)
# Days past its due date before an overdue review is escalated to the editors-in-chief.
BOARD_ESCALATE_AFTER_DAYS = env.int("BOARD_ESCALATE_AFTER_DAYS", 7)
# Days before a board member's credential expires that they are reminded (once).
BOARD_CREDENTIAL_REMINDER_DAYS = env.int("BOARD_CREDENTIAL_REMINDER_DAYS", 30)
SHOW_PENDING_ARTICLES = env.bool("SHOW_PENDING_ARTICLES", True)

# Logs: one JSON object per line in production (LOG_FORMAT=json), plain text in
# development; every line carries the request id and user id (editorial/observability.py).
LOG_FORMAT = env.str("LOG_FORMAT", "plain" if DEBUG else "json", validate=OneOf(["json", "plain"]))
_log_level = env.str(
    "LOG_LEVEL",
    "WARNING",
    validate=matches(
        r"(?i)DEBUG|INFO|WARNING|ERROR|CRITICAL", "DEBUG, INFO, WARNING, ERROR or CRITICAL"
    ),
).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "editorial.observability.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "editorial.logformat.JsonFormatter"},
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d [%(request_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": _log_level},
    "loggers": {},
}
if LOG_FORMAT == "json":
    # Django's own console handlers write plain text (in debug, and runserver's request
    # lines); their records go to the one JSON handler instead.
    LOGGING["loggers"] |= {
        name: {"handlers": [], "level": "INFO", "propagate": True}
        for name in ("django", "django.server")
    }

# -- JSON API (the api app) ------------------------------------------------------------
# Token-authenticated, JSON only, with errors in one shape (api.errors) and rate limits.
# A rate as DRF reads it: requests, then per second, minute, hour or day ("120/min").
_rate = matches(r"[0-9]+/(s|m|h|d)[a-z]*", "a number of requests per period, such as 120/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonRateThrottle",
        "api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", "120/min", validate=_rate),
        "user": env.str("API_USER_RATE", "600/min", validate=_rate),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Editorial articles API",
    "DESCRIPTION": (
        "Read articles reviewed by the Medical Advisory Board (and pending ones, marked as "
        "such); drafting tools create, update and submit drafts with an API token."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_article_document",
    ],
    # The docs page loads Redoc from our own static files, never from a CDN.
    "REDOC_DIST": "SIDECAR",
}
INSTALLED_APPS += ["drf_spectacular_sidecar"]  # the Redoc bundle for /api/docs/

# -- Production hardening (editorial.middleware, accounts.throttle, docs/deploy.md) ---------
# On unless DJANGO_DEBUG=1. TLS usually ends at the load balancer: set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https there so Django knows the
# request was HTTPS, or SECURE_SSL_REDIRECT=0 if the proxy already redirects.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]  # polled over plain HTTP
# The header as Django names it in request.META, then the value that means HTTPS.
_proxy_ssl_header = env.str(
    "SECURE_PROXY_SSL_HEADER",
    validate=matches(
        r"HTTP_[A-Z0-9_]+(,[^,]+)?", "a header and its value, such as HTTP_X_FORWARDED_PROTO,https"
    ),
)
if _proxy_ssl_header:
    _header, _, _value = _proxy_ssl_header.partition(",")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

# No inline script or style anywhere: scripts and styles come from our own static
# files, so injected markup cannot run. JSON-LD is data, read by crawlers, not run.
# Sent by django-csp's middleware; the API's Redoc page alone has its own (api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The proxies (load balancers) allowed to tell the client's address in X-Forwarded-For:
# addresses or networks, comma-separated. Empty: REMOTE_ADDR is the client (editorial/clientip.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", validate=addresses_or_networks)

# Log-in throttling (accounts/throttle.py), counted in the database within the window.
LOGIN_THROTTLE_WINDOW = env.int("LOGIN_THROTTLE_WINDOW", 900, minimum=1)
LOGIN_THROTTLE_ATTEMPTS = env.int("LOGIN_THROTTLE_ATTEMPTS", 5, minimum=1)  # username+client
LOGIN_THROTTLE_CLIENT_ATTEMPTS = env.int("LOGIN_THROTTLE_CLIENT_ATTEMPTS", 20, minimum=1)
LOGIN_THROTTLE_USERNAME_ATTEMPTS = env.int("LOGIN_THROTTLE_USERNAME_ATTEMPTS", 10, minimum=1)
LOGIN_THROTTLE_USERNAME_INTERVAL = env.int("LOGIN_THROTTLE_USERNAME_INTERVAL", 10, minimum=1)
LOGIN_THROTTLE_PATHS = {"/accounts/login/", "/admin/login/"}
# Password-reset requests per client address and per address mailed, within the window.
PASSWORD_RESET_THROTTLE_WINDOW = env.int("PASSWORD_RESET_THROTTLE_WINDOW", 3600, minimum=1)
PASSWORD_RESET_THROTTLE_CLIENT = env.int("PASSWORD_RESET_THROTTLE_CLIENT", 10, minimum=1)
PASSWORD_RESET_THROTTLE_EMAIL = env.int("PASSWORD_RESET_THROTTLE_EMAIL", 3, minimum=1)

# Background tasks (django-tasks): mail goes through the outbox (outbox/services.py) and is
# delivered by `manage.py outbox_worker`. The database queue is the default, so a task is
# enqueued in the same transaction as the change that causes it; docs/deploy.md shows how
# to move to Redis or RabbitMQ.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", 10, minimum=1)
OUTBOX_RETRY_SECONDS = env.float("OUTBOX_RETRY_SECONDS", 30.0)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", 3600.0)
# A worker that loses the database waits this long before trying again, doubling up to the cap.
OUTBOX_WORKER_RECONNECT_SECONDS = env.float("OUTBOX_WORKER_RECONNECT_SECONDS", 0.5)
OUTBOX_WORKER_RECONNECT_MAX_SECONDS = env.float("OUTBOX_WORKER_RECONNECT_MAX_SECONDS", 30.0)

if not DEBUG:
    # Server errors, security events (bad hosts, CSRF failures), outages, one line per
    # request and the workflow events are always worth a line.
    LOGGING["loggers"] |= {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "editorial": {"handlers": ["console"], "level": "INFO", "propagate": False},
    }

# -- Operations (editorial/health.py, editorial/observability.py, docs/deploy.md) ----------
# TRUSTED_PROXIES (above) also decides who may name a request's X-Request-ID.
# /metrics answers a scraper that sends "Authorization: Bearer <METRICS_TOKEN>" or
# comes from METRICS_ALLOWED_ADDRESSES (addresses or CIDRs); with neither set it is off (404).
METRICS_TOKEN = env.str("METRICS_TOKEN")
METRICS_ALLOWED_ADDRESSES = env.list("METRICS_ALLOWED_ADDRESSES", validate=addresses_or_networks)
# /readyz says "degraded" when the oldest waiting task has waited longer (seconds).
TASK_QUEUE_MAX_WAIT = env.int("TASK_QUEUE_MAX_WAIT", 300)
# /readyz says "degraded" when no mail worker has been seen for this long, or the oldest
# email not sent yet has waited longer than OUTBOX_MAX_WAIT (seconds).
OUTBOX_WORKER_STALE_AFTER = env.int("OUTBOX_WORKER_STALE_AFTER", 120)
OUTBOX_MAX_WAIT = env.int("OUTBOX_MAX_WAIT", 900)
# An unreachable database makes /readyz "degraded" (200): every server shares the outage
# and still serves kept public pages. True: 503, taking the server out instead.
READY_REQUIRES_DATABASE = env.bool("READY_REQUIRES_DATABASE", False)
# How long (seconds, from this process's first failed read) kept public pages are served,
# marked stale, while the database cannot be read; past it readers get the 503 page.
KEPT_PAGES_OUTAGE_LIMIT = env.int("KEPT_PAGES_OUTAGE_LIMIT", 3600)
# The CDN's purge endpoints (public/purge.py): every change readers see is purged there by
# key once it commits, by the task worker. Empty: no edge in front, nothing is purged.
CDN_PURGE_URLS = env.list("CDN_PURGE_URLS", validate=http_urls)
# While this file exists /readyz answers 503 "draining", so the balancer takes the server
# out before it is stopped (a rolling deploy, a Kubernetes preStop hook).
DRAIN_FILE = env.str("DRAIN_FILE")
# Until a first retraction file is imported /readyz says screening is "not configured";
# True: "degraded" instead, for a site that must screen.
SCREENING_REQUIRED = env.bool("SCREENING_REQUIRED", False)
# With several gunicorn workers, the directory where they add up their counters
# (editorial/metrics.py); prometheus_client reads the same variable when it is imported.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR")

# The benchmark's baseline: a minimal view, mounted only when BENCH_MODE=1.
BENCH_MODE = env.bool("BENCH_MODE", False)
