"""dpm settings: one file, every value from the environment, defaults that run on a laptop.

The embedded default needs nothing installed: SQLite and Celery's filesystem broker, both in var/.
Production sets DATABASE_URL and REDIS_URL (see the README's table of variables).
"""

import re
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from dpm.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DPM_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dpm-insecure-development-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", _DEV_SECRET_KEY):
    # The development key is public (it is in this file): with it anyone could forge sessions.
    raise ImproperlyConfigured("SECRET_KEY must be set to a private random value when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "dpm",
    "products",
    "discovery",
    "roadmaps",
    "metrics",
    "adoption",
    # django-ninja in INSTALLED_APPS makes its docs page load the Swagger UI it ships as static
    # files instead of from a CDN.
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dpm.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dpm.middleware.RefuseNulMiddleware",  # one rule for NUL in any field: a 400, not a 500
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Login is required everywhere; the few public views say so with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Signed-in pages are never stored: Back must not show a page as it was before htmx changed it.
    "dpm.middleware.PrivatePagesMiddleware",
    # Last, so it sees the views' exceptions first: a database timeout becomes a 503 page.
    "dpm.timeouts.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "dpm.urls"
WSGI_APPLICATION = "dpm.wsgi.application"

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
            "builtins": ["django_htmx.templatetags.django_htmx"],
        },
    }
]

# PostgreSQL timeouts (issue 12): a database that accepts connections but never answers, a
# runaway statement or a row lock held by a long write must cost a request seconds and a clear
# 503, never a hung process. The worker gets its own, longer statement limit (dpm/timeouts.py):
# its set-based statements are big by design, and its tasks have their own time limits.
DB_CONNECT_TIMEOUT = env_int("DPM_DB_CONNECT_TIMEOUT", 5, minimum=1)  # seconds
DB_STATEMENT_TIMEOUT_MS = env_int("DPM_DB_STATEMENT_TIMEOUT_MS", 30_000, minimum=0)
DB_LOCK_TIMEOUT_MS = env_int("DPM_DB_LOCK_TIMEOUT_MS", 10_000, minimum=0)
DB_WORKER_STATEMENT_TIMEOUT_MS = env_int("DPM_DB_WORKER_STATEMENT_TIMEOUT_MS", 240_000, minimum=0)
DB_WORKER_LOCK_TIMEOUT_MS = env_int("DPM_DB_WORKER_LOCK_TIMEOUT_MS", 60_000, minimum=0)

_database_url = env_str("DATABASE_URL", "")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {
                "connect_timeout": DB_CONNECT_TIMEOUT,
                # A database host that vanishes under an open connection (kept for
                # conn_max_age) is noticed: unacknowledged data gives up after 10 s, an idle
                # connection is probed after 30 s. A server that is up but stuck is the
                # statement timeout's, and past that gunicorn's --timeout.
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
                "tcp_user_timeout": 10_000,
                "options": (
                    f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
                    f" -c lock_timeout={DB_LOCK_TIMEOUT_MS}"
                ),
            }
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "dpm.sqlite3",
            # WAL lets the web process read while the embedded worker writes.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must start with redis://, rediss:// or unix://, got {REDIS_URL!r}"
    )
# Seconds a Redis call (cache or broker) may take: a Redis that hangs rather than refuses must
# not hold every write and login for the operating system's TCP timeout (issue 12).
REDIS_TIMEOUT = env_int("DPM_REDIS_TIMEOUT", 2, minimum=1)
# The cache may live in another Redis database than the task queue, so that clearing one never
# empties the other (e.g. redis://host:6379/1 beside a queue on /0).
CACHE_URL = env_str("DPM_CACHE_URL", REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT},
        }
    }
else:
    # A file cache is shared between the embedded web and worker processes (locks, debouncing).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "products:portfolio"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(
        f"TIME_ZONE must be an IANA time zone such as Europe/Berlin, got {TIME_ZONE!r}"
    )
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
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

# People reach dpm over HTTPS, through a TLS-terminating proxy in front of it: the production
# set-up, on unless DEBUG. It makes cookies secure-only, redirects HTTP to HTTPS and sends HSTS.
# A trial over plain HTTP (http://localhost:8000, no proxy) opts out with DPM_HTTPS=0.
HTTPS = env_bool("DPM_HTTPS", not DEBUG)
SECURE_COOKIES = env_bool("DPM_SECURE_COOKIES", HTTPS)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The proxy says which scheme the client used (X-Forwarded-Proto) and appends its address to
# X-Forwarded-For; without this trust every request would look like plain HTTP and be redirected.
BEHIND_TLS_PROXY = env_bool("DPM_BEHIND_TLS_PROXY", HTTPS)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
# The container's own health probe asks over plain HTTP from inside, past the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS: a year once served over HTTPS (DPM_HSTS_SECONDS=3600 to try it out first, 0 to send
# none). Subdomains of dpm's own host are covered; joining browsers' preload list binds the whole
# domain, so it is its owner's call (DPM_HSTS_PRELOAD=1), and the check that asks for it is
# silenced below.
SECURE_HSTS_SECONDS = env_int("DPM_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DPM_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DPM_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Content-Security-Policy (dpm/csp.py): nothing inline, nothing from elsewhere.
DPM_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# More sources for one path prefix: the API's Swagger docs draw their icons as data: images.
DPM_CSP_EXTRA = {"/api/v1/docs": {"img-src": ["data:"]}}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dpm@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
# Where people reach dpm: links in e-mails (no request to take the host from).
DPM_BASE_URL = env_str("DPM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Celery: Redis in production, kombu's filesystem transport in var/ for the embedded default.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": None,  # below, once the time limits are known
        "socket_timeout": REDIS_TIMEOUT,
        "socket_connect_timeout": REDIS_TIMEOUT,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
# An edit queues its recompute from inside the request: with the broker down, fail within
# seconds (the edit is saved; the periodic run catches up) instead of hanging the request.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("DPM_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("DPM_TASK_TIME_LIMIT", 300, minimum=1)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("DPM_TASK_SOFT_TIME_LIMIT must be below DPM_TASK_TIME_LIMIT")
if REDIS_URL:
    # A task taken by a worker that then vanished (machine lost, not a crashed child: those are
    # requeued at once) is handed out again after this many seconds. Above the hard time limit,
    # or a healthy slow task would run twice; not much above it, or a lost task waits an hour
    # (the old default). Default: the time limit plus one minute (6 minutes).
    _visibility = env_int("DPM_BROKER_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60, minimum=1)
    if _visibility <= CELERY_TASK_TIME_LIMIT:
        raise ImproperlyConfigured(
            "DPM_BROKER_VISIBILITY_TIMEOUT must be above DPM_TASK_TIME_LIMIT "
            f"({CELERY_TASK_TIME_LIMIT}), or a task still running would be handed out again"
        )
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = _visibility
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# DESIGN.md §6: recompute every 15 minutes, sweep for staleness every hour (seconds).
DPM_RECOMPUTE_INTERVAL = env_int("DPM_RECOMPUTE_INTERVAL", 15 * 60, minimum=10)
DPM_STALENESS_INTERVAL = env_int("DPM_STALENESS_INTERVAL", 60 * 60, minimum=10)
CELERY_BEAT_SCHEDULE = {
    "recompute-scores": {
        "task": "products.tasks.recompute_scores",
        "schedule": DPM_RECOMPUTE_INTERVAL,
    },
    "check-staleness": {
        "task": "products.tasks.check_staleness",
        "schedule": DPM_STALENESS_INTERVAL,
    },
}
# Housekeeping, daily: expired sessions cleared (Django keeps them otherwise), and history
# past its retention purged (README "Retention"). Days; 0 keeps everything.
CELERY_BEAT_SCHEDULE |= {
    "clear-expired-sessions": {"task": "dpm.tasks.clear_expired_sessions", "schedule": 86400},
    "purge-history": {"task": "dpm.tasks.purge_history", "schedule": 86400},
}
DPM_SCORE_HISTORY_DAYS = env_int("DPM_SCORE_HISTORY_DAYS", 730, minimum=0)
DPM_RESOLVED_ALERT_DAYS = env_int("DPM_RESOLVED_ALERT_DAYS", 365, minimum=0)
# Beat touches this file on every tick (at least every 5 minutes); compose's health check reads
# its age, so a hung beat shows as unhealthy.
CELERY_BEAT_SCHEDULER = "dpm.beat:HeartbeatScheduler"
DPM_BEAT_HEARTBEAT_FILE = VAR_DIR / "beat-heartbeat"
# A burst of edits to one product within this many seconds gives one recompute.
DPM_RECOMPUTE_DEBOUNCE = env_int("DPM_RECOMPUTE_DEBOUNCE", 5, minimum=0)
# /healthz reports a periodic task as late when its last success is older than this many of its
# intervals: a stuck worker or beat gets noticed.
DPM_TASK_LATE_AFTER_INTERVALS = 3

# Staleness thresholds (warning, error), DESIGN.md §6: days, except KPIs (multiples of their
# cadence) and adoption (percent fall of active users over four weeks).
DPM_STALENESS = {
    "product_not_reviewed": (90, 180),
    "kpi_not_measured": (1.5, 3),
    "hypothesis_stale": (30, 60),
    "discovery_stale": (30, 60),
    "item_stale": (30, 60),
    "pilot_undecided": (0, 14),
    "adoption_drop": (30, 50),
}

# When set, tests that need PostgreSQL, Redis or Chromium fail instead of skipping (CI sets it).
DPM_REQUIRE_SERVICES = env_bool("DPM_REQUIRE_SERVICES", False)

# The JSON API (api/, README "JSON API").
_RATE_RE = re.compile(r"[1-9][0-9]*/(?:[1-9][0-9]*)?[smhd]")


def _env_rate(name: str, default: str) -> str:
    value = env_str(name, default).strip()
    if not _RATE_RE.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must be a rate like 600/m (per s, m, h or d; 100/5m for every 5 minutes), "
            f"got {value!r}"
        )
    return value


# Requests per API token, and failed log-ins per client address and username, and per client
# address whatever the usernames (one address trying many accounts).
DPM_API_RATE = _env_rate("DPM_API_RATE", "600/m")
DPM_LOGIN_RATE = _env_rate("DPM_LOGIN_RATE", "10/m")
DPM_LOGIN_RATE_PER_ADDRESS = _env_rate("DPM_LOGIN_RATE_PER_ADDRESS", "30/m")
# Behind the TLS proxy the client's address is the last X-Forwarded-For entry, which the proxy
# appends (one proxy; see api/ratelimit.py); otherwise REMOTE_ADDR.
DPM_CLIENT_IP_FROM_PROXY = BEHIND_TLS_PROXY
# Items one ingestion request may carry; validated and written all or nothing.
DPM_API_MAX_ITEMS = env_int("DPM_API_MAX_ITEMS", 1000, minimum=1)
# How long an Idempotency-Key's answer is kept for replays.
DPM_API_IDEMPOTENCY_DAYS = env_int("DPM_API_IDEMPOTENCY_DAYS", 30, minimum=1)
