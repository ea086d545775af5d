"""wenzheng settings: one module, every value from the environment through typed helpers.

Defaults give a working development setup on the embedded SQLite database under ./var/.
Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WENZHENG_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
# The development key is refused by a system check when DEBUG is off (wenzheng.core.checks).
DEV_SECRET_KEY = "wenzheng-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "ninja",  # serves the interactive API docs' assets locally (no CDN)
    "wenzheng.core",
    "wenzheng.accounts",
    "wenzheng.casework",
    "wenzheng.intake",
    "wenzheng.intake.channels.api",
    "wenzheng.intake.channels.open311",
    "wenzheng.intake.channels.email",
    "wenzheng.intake.channels.webhook",
    "wenzheng.intake.channels.boards",
    "wenzheng.workbench",
    "wenzheng.portal",
    "wenzheng.insight.router",
    "wenzheng.insight.metrics",
    "wenzheng.insight.reports",
    "wenzheng.insight.problems",
    "wenzheng.insight.hotspots",
    "wenzheng.insight.replies",
    "wenzheng.notifications",
    "wenzheng.participation",  # components: wenzheng.participation.registry.COMPONENTS
    "wenzheng.participation.consultations",
    "wenzheng.participation.polls",
    "wenzheng.participation.live",
    "wenzheng.participation.commitments",
    "wenzheng.participation.observation",
    "wenzheng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "wenzheng.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wenzheng.core.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "wenzheng.urls"
WSGI_APPLICATION = "wenzheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wenzheng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wenzheng.workbench.context_processors.nav",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL when DATABASE_URL is set. Same code, same migrations.
SQLITE_PATH = VAR_DIR / "wenzheng.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"].setdefault("TEST", {})
    if env_str("DATABASE_TEST_NAME", ""):
        DATABASES["default"]["TEST"]["NAME"] = env_str("DATABASE_TEST_NAME", "")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one failing
                # with "database is locked" when it upgrades a read lock mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            # Tests use a file, not memory: concurrency tests run real threads on their own connections.
            # One file per process, so parallel test runs on one machine never share a database.
            "TEST": {"NAME": str(VAR_DIR / f"test-wenzheng-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Staff log in by username; citizens by mobile phone or email (wenzheng.accounts.backends).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "wenzheng.accounts.backends.PhoneOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "workbench:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "workbench:login"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "wenzheng" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))

# --- Security (hardened further in production by the deploy settings) -----------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Headers and CSP (docs/security.md). No inline script or style anywhere: scripts and styles are
# static files, or carry the per-response nonce ({{ csp_nonce }}); no page may be framed.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Sessions end after this many minutes without a request (wenzheng.core.middleware).
WENZHENG_STAFF_IDLE_MINUTES = env_int("WENZHENG_STAFF_IDLE_MINUTES", 30)
WENZHENG_CITIZEN_IDLE_MINUTES = env_int("WENZHENG_CITIZEN_IDLE_MINUTES", 120)
# Login throttling (wenzheng.accounts.login): failures of one login from one address, of one address.
WENZHENG_LOGIN_FAILURES = env_int("WENZHENG_LOGIN_FAILURES", 5)
WENZHENG_LOGIN_FAILURES_PER_IP = env_int("WENZHENG_LOGIN_FAILURES_PER_IP", 50)
WENZHENG_LOGIN_WINDOW_MINUTES = env_int("WENZHENG_LOGIN_WINDOW_MINUTES", 15)
WENZHENG_LOGIN_LOCK_MINUTES = env_int("WENZHENG_LOGIN_LOCK_MINUTES", 15)
# Encryption at rest of citizens' phone numbers (wenzheng.core.crypto): comma-separated 32-byte
# URL-safe base64 keys, the first encrypts; `wenzheng rotate-keys` moves rows to the first key.
# Unset: a development key derived from SECRET_KEY, refused in production (wenzheng.E010).
WENZHENG_FIELD_KEYS = env_list("WENZHENG_FIELD_KEYS", [])
# Key of the blind indexes (HMAC) by which encrypted numbers are looked up; never rotated casually.
WENZHENG_BLIND_INDEX_KEY = env_str("WENZHENG_BLIND_INDEX_KEY", "")

# --- wenzheng -------------------------------------------------------------------------------
# Case numbers: placeholders {prefix} (the organisation's case prefix), {year} and {seq}.
WENZHENG_CASE_NUMBER_FORMAT = env_str("WENZHENG_CASE_NUMBER_FORMAT", "{prefix}-{year}-{seq:06d}")
# Key for the HMAC under which citizens' query codes are stored (never in clear).
WENZHENG_QUERY_CODE_KEY = env_str("WENZHENG_QUERY_CODE_KEY", SECRET_KEY)
# Key of the HMAC chain over each case's events (wenzheng audit verify). Keep it out of the database.
WENZHENG_AUDIT_KEY = env_str("WENZHENG_AUDIT_KEY", SECRET_KEY)
WENZHENG_DEMO_PASSWORD = env_str("WENZHENG_DEMO_PASSWORD", "wenzheng-demo")

# The public portal.
WENZHENG_HOTLINE = env_str("WENZHENG_HOTLINE", "12345")
WENZHENG_INTAKE_EMAIL = env_str("WENZHENG_INTAKE_EMAIL", "wenzheng@example.gov.cn")
WENZHENG_SUBMISSIONS_PER_HOUR = env_int("WENZHENG_SUBMISSIONS_PER_HOUR", 10)
WENZHENG_CAPTCHA_AFTER = env_int("WENZHENG_CAPTCHA_AFTER", 3)
WENZHENG_TRUSTED_PROXIES = env_list("WENZHENG_TRUSTED_PROXIES", [])
# Open311 GeoReport v2: the api_key values allowed to POST service requests (comma-separated).
WENZHENG_OPEN311_API_KEYS = env_list("WENZHENG_OPEN311_API_KEYS", [])

# One process: the local-memory cache. Several processes (production) need a shared cache so that
# rate limits and lock-outs hold across them: WENZHENG_CACHE=db uses the database.
if env_str("WENZHENG_CACHE", "locmem") == "db":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "wenzheng_cache"}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail ---------------------------------------------------------------------------------
# Development prints mail on the console; production sends through the government's SMTP relay
# (DJANGO_EMAIL_HOST set). Django's MAILERS setting, one "default" mailer.
EMAIL_RELAY = env_str("DJANGO_EMAIL_HOST", "")
if EMAIL_RELAY:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_RELAY,
                "port": env_int("DJANGO_EMAIL_PORT", 25),
                "username": env_str("DJANGO_EMAIL_HOST_USER", ""),
                "password": env_str("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "wenzheng@example.gov.cn")

# --- Notifications (wenzheng/notifications, docs/supervision.md) -----------------------------
WENZHENG_SITE_URL = env_str("WENZHENG_SITE_URL", "http://127.0.0.1:8000")  # base of links in mail and SMS
WENZHENG_SMS_BACKEND = env_str("WENZHENG_SMS_BACKEND", "wenzheng.notifications.sms.ConsoleSmsBackend")
WENZHENG_SMS_SIGNATURE = env_str("WENZHENG_SMS_SIGNATURE", "")
WENZHENG_DELIVERY_ATTEMPTS = env_int("WENZHENG_DELIVERY_ATTEMPTS", 5)

# --- Background jobs (huey) ------------------------------------------------------------------
# Embedded default: a queue in a SQLite file under var/, served by `manage.py run_huey` (started by
# `make run`); nothing else to install. Production: WENZHENG_QUEUE_URL=redis://host:6379/0 (a real
# queue shared by every web and worker process). "immediate" runs each job at once in the caller
# (the test suite does this).
WENZHENG_QUEUE_URL = env_str("WENZHENG_QUEUE_URL", "")
if WENZHENG_QUEUE_URL.startswith(("redis://", "rediss://", "unix://")):
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "wenzheng",
        "url": WENZHENG_QUEUE_URL,
        "immediate": False,
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "wenzheng",
        "filename": str(VAR_DIR / "jobs.sqlite3"),
        "immediate": WENZHENG_QUEUE_URL == "immediate",
    }
HUEY["consumer"] = {"workers": env_int("WENZHENG_WORKERS", 2), "worker_type": "thread"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("WENZHENG_LOG_LEVEL", "INFO")},
}

# --- Production (deploy/, docs/deploy.md, docs/scale.md) --------------------------------------
# TLS ends at nginx, which overwrites X-Forwarded-Proto and X-Forwarded-For; gunicorn listens only
# where nginx reaches it (loopback or the compose network), so Django may believe them. With
# DJANGO_DEBUG=0 the HTTPS protections `wenzheng check --deploy` asks for are on; each can be tuned.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # The preload token lets anyone submit the domain to browsers' built-in HTTPS-only lists, which
    # is hard to undo: an operator opts in (deploy/wenzheng.env.example does, with the reason).
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
    # Static names carry a hash of their content, so nginx lets browsers cache them for a year
    # and an upgrade is seen at once (`wenzheng collectstatic` writes the manifest).
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

# Persistent connections (DB_CONN_MAX_AGE) are checked before reuse, so a database restart costs
# one reconnect instead of an error page. Behind pgbouncer in transaction mode, server-side cursors
# (QuerySet.iterator on PostgreSQL) do not survive between transactions: DATABASE_PGBOUNCER=1.
DATABASE_PGBOUNCER = env_bool("DATABASE_PGBOUNCER", False)
# Read replicas (wenzheng/core/dbrouter.py): replica1, replica2, … read only by code that asks.
# Under the test runner they mirror the test database instead of needing one of their own.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASES[f"replica{_number}"] = {
        **dj_database_url.parse(_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)),
        "TEST": {"MIRROR": "default"},
    }
WENZHENG_READ_REPLICAS = [alias for alias in DATABASES if alias != "default"]
if DATABASE_URL:
    for _alias in DATABASES:
        DATABASES[_alias]["CONN_HEALTH_CHECKS"] = True
        DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_PGBOUNCER
DATABASE_ROUTERS = ["wenzheng.core.dbrouter.ReplicaRouter"]

# Installations (or test runs) sharing one Redis keep apart by name: the queue's and the cache's.
WENZHENG_REDIS_PREFIX = env_str("WENZHENG_REDIS_PREFIX", "wenzheng")
# Nothing reads a job's return value. Kept, huey would store each one in Redis for ever (about a
# million a day at 10^5 messages a day), and the queue's Redis, which must not evict, fills up.
if HUEY["huey_class"] == "huey.PriorityRedisHuey":
    HUEY["name"] = WENZHENG_REDIS_PREFIX
    HUEY["results"] = False

# WENZHENG_CACHE=redis://host:6379/1: rate limits and lock-outs shared by every web process
# without a database write per hit (the "db" cache above also works, on the primary).
if env_str("WENZHENG_CACHE", "").startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "wenzheng.core.cache.RedisCache",
            "LOCATION": env_str("WENZHENG_CACHE", ""),
            "KEY_PREFIX": WENZHENG_REDIS_PREFIX,
        }
    }
