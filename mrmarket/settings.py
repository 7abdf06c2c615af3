"""Settings, read strictly from the environment (see core.env and the README table)."""

import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from core.env import (
    env_bool,
    env_broker_url,
    env_database,
    env_fernet_keys,
    env_int,
    env_list,
    env_str,
)
from mrmarket import filesystem_broker
from wallet.keystore import generate_keystore_json, keystore_from_env, keystore_from_json

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MRMARKET_VAR_DIR") or BASE_DIR / "var")
MRMARKET_VERSION = "0.1.0"

DEBUG = env_bool("DEBUG", default=False)


def _demo_secret(filename: str, generate) -> str:
    """In debug mode a missing secret is generated once into var/ and reused after."""
    path = VAR_DIR / filename
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _demo_secret("secret_key", lambda: secrets.token_urlsafe(50))

FIELD_ENCRYPTION_KEYS = env_fernet_keys("FIELD_ENCRYPTION_KEYS")
if FIELD_ENCRYPTION_KEYS is None:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off.")
    FIELD_ENCRYPTION_KEYS = [
        _demo_secret("field_encryption_key", lambda: Fernet.generate_key().decode())
    ]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "auditlog",
    "mrmarket",
    "exchanges",
    "wallet",
    "ledger",
    "executor",
    "orders",
    "campaigns",
    "reports",
    "simulators",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.TraceIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "core.middleware.CredentialFieldGuardMiddleware",
]

ROOT_URLCONF = "mrmarket.urls"
WSGI_APPLICATION = "mrmarket.wsgi.application"

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
            ]
        },
    }
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mrmarket.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN
    # so two writers queue on the busy timeout instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
    # Tests on a file, not in memory: a shared in-memory database answers a second
    # connection (the live server's thread) with "table is locked" instead of waiting.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-mrmarket.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Request bodies in error reports never show credential fields.
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.middleware.CredentialSafeExceptionReporterFilter"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Mr.Market API",
    "DESCRIPTION": "Market-making orders, their funds and what they did.",
    "VERSION": MRMARKET_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery. With no CELERY_BROKER_URL the broker is kombu's filesystem transport under
# var/ (mrmarket/filesystem_broker.py), so the embedded default needs no server.
CELERY_BROKER_URL = env_broker_url("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT = filesystem_broker.TRANSPORT
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker.filesystem_broker_options(
        VAR_DIR / "broker"
    )

# Queues by role, each consumed by its own worker in the Procfile (README, process model),
# so the funds loop never waits behind the snapshot poll or the market ticks. A worker
# started without -Q consumes all three.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name) for name in ("loop", "intake", "ticks")
]
# The funds loop, payments, payouts, expiry, reconcile and key checks.
CELERY_TASK_DEFAULT_QUEUE = "loop"
CELERY_TASK_ROUTES = {
    "wallet.tasks.poll_mixin_snapshots": {"queue": "intake"},
    "executor.tasks.executor_tick_all": {"queue": "ticks"},
    "executor.tasks.executor_tick_market": {"queue": "ticks"},
    "executor.tasks.quotes_cancel": {"queue": "ticks"},
}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The beat writes each job's last_run_at every 10 runs (a few seconds with the 1-second
# jobs) instead of every 3 minutes, so /healthz sees a silent beat within its limit.
CELERY_BEAT_SYNC_EVERY = 10
CELERY_TIMEZONE = "UTC"

# auditlog: the acting user from the middleware, the trace id as correlation id.
AUDITLOG_CID_GETTER = "core.context.current_trace_id"

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "ccxt": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}

# Mixin wallet. The keystore comes from MIXIN_KEYSTORE (JSON) or MIXIN_KEYSTORE_FILE; in
# debug mode a missing one is generated once under var/ for the demo's Mixin simulator.
MIXIN_HTTP_TIMEOUT_MS = env_int("MIXIN_HTTP_TIMEOUT_MS", 10_000)
# The snapshot poll task keeps polling for this long, every MIXIN_POLL_INTERVAL_MS, so a
# payment is seen well under the beat's one-second period (see benchmarks/).
MIXIN_POLL_WINDOW_MS = env_int("MIXIN_POLL_WINDOW_MS", 900)
MIXIN_POLL_INTERVAL_MS = env_int("MIXIN_POLL_INTERVAL_MS", 150)
MIXIN_KEYSTORE = keystore_from_env(
    json_text=env_str("MIXIN_KEYSTORE"), file_path=env_str("MIXIN_KEYSTORE_FILE")
)
MIXIN_DEMO_KEYSTORE = MIXIN_KEYSTORE is None and DEBUG
if MIXIN_DEMO_KEYSTORE:
    MIXIN_KEYSTORE = keystore_from_json(
        _demo_secret("mixin_keystore.json", generate_keystore_json),
        source=str(VAR_DIR / "mixin_keystore.json"),
    )
# A demo keystore is known only to the Mixin simulator (`manage.py run_mixin_simulator`).
_MIXIN_DEFAULT_BASE = "http://127.0.0.1:8102" if MIXIN_DEMO_KEYSTORE else None
MIXIN_API_BASE = env_str("MIXIN_API_BASE", _MIXIN_DEFAULT_BASE or "https://api.mixin.one")
MIXIN_OAUTH_BASE = env_str("MIXIN_OAUTH_BASE", _MIXIN_DEFAULT_BASE or "https://mixin.one")

# Executor (executor/). A market is ticked at least this often (more often when an
# order's refresh time is shorter), so fills and risk limits are seen between refreshes.
EXECUTOR_MAX_TICK_INTERVAL_SECONDS = env_int("EXECUTOR_MAX_TICK_INTERVAL_SECONDS", 5)
# Overrides of executor.risk.RiskLimits by name, e.g. {"max_drawdown_pct": "0.1"}.
EXECUTOR_RISK_LIMITS: dict[str, str] = {}

# Payments (orders/services/payments.py). An unpaid order expires once intake has read
# past its expiry, or, when no payment came since, this long after it: a payment made in
# time is booked, never refunded as expired.
PAYMENT_EXPIRY_GRACE_SECONDS = env_int("PAYMENT_EXPIRY_GRACE_SECONDS", 60)

# Health (/healthz, docs/operations.md): what reads as degraded, and how long a check may take.
HEALTH_BROKER_BACKLOG_MESSAGES = env_int("HEALTH_BROKER_BACKLOG_MESSAGES", 50)
HEALTH_BROKER_OLDEST_MESSAGE_SECONDS = env_int("HEALTH_BROKER_OLDEST_MESSAGE_SECONDS", 30)
HEALTH_BEAT_SILENT_SECONDS = env_int("HEALTH_BEAT_SILENT_SECONDS", 30)
HEALTH_CHECK_TIMEOUT_SECONDS = env_int("HEALTH_CHECK_TIMEOUT_SECONDS", 2)

# Flower (the Procfile's `flower` process, configured by mrmarket/flowerconfig.py): basic
# auth as "user:password" from FLOWER_BASIC_AUTH; in debug mode without it, the demo login
# that `manage.py demo_setup` generated once into var/ and printed once. Flower does not
# start without a login. On the filesystem broker it reads the workers by inspect: that
# transport carries no events (mrmarket/filesystem_broker.py).
FLOWER_BASIC_AUTH = env_str("FLOWER_BASIC_AUTH")
FLOWER_DEMO_LOGIN_FILE = VAR_DIR / "flower_login"
if FLOWER_BASIC_AUTH is None and DEBUG and FLOWER_DEMO_LOGIN_FILE.exists():
    FLOWER_BASIC_AUTH = FLOWER_DEMO_LOGIN_FILE.read_text().strip()
