"""Settings, read strictly from the environment (see core.env and the README table)."""

import json
import secrets
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from core.env import (
    env_bool,
    env_broker_url,
    env_database,
    env_fernet_keys,
    env_hex_key,
    env_int,
    env_json_object,
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

# The node's ed25519 report key (reports/keys.py), its 32-byte seed as hex: it signs the
# execution report bundles, and its public key is published for anyone verifying them.
REPORT_SIGNING_KEY = env_hex_key("REPORT_SIGNING_KEY", length=32)
if REPORT_SIGNING_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("REPORT_SIGNING_KEY must be set when DEBUG is off.")
    REPORT_SIGNING_KEY = _demo_secret("report_signing_key", lambda: secrets.token_hex(32))
# Rates into the quote asset for fees paid in a third asset, used when no market of that
# asset against the quote has a stored price: {"BNB/USDT": "600"} (docs/reports.md).
REPORT_FEE_RATES: dict[str, str] = env_json_object("REPORT_FEE_RATES")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "auditlog",
    "axes",
    "csp",
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
    # Static files from the process itself (gunicorn in production, never runserver).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.TraceIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "core.middleware.CredentialFieldGuardMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

# Admin logins: after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES (even the right password is refused).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind the TLS proxy the client's address is the first X-Forwarded-For hop the proxy set.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

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


def _private_sqlite_file(name: str) -> None:
    """The database holds encrypted keys, the ledger and users: readable by its owner only.
    Created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the same
    mode), and tightened if an older one was world-readable."""
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _private_sqlite_file(str(DATABASES["default"]["NAME"]))
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

LANGUAGE_CODE = "en"
# The pages in English and Chinese (locale/; compiled catalogs are committed, and
# tests/mrmarket/test_locale_catalogs.py checks they match their .po files).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
if DEBUG:
    # whitenoise serves from the apps' folders in debug mode; it only warns of a missing root.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names for long caching; collected once when the image is built.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# TLS ends at a proxy in front of the node (docs/deploy.md). Production defaults are the
# strict ones; the embedded demo (DEBUG) serves plain HTTP on 127.0.0.1.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", default=not DEBUG) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The probe and monitoring reach the node directly, over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# e.g. https://mm.example.org: the admin's login behind the proxy checks its Origin.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: scripts and styles from this origin only (inline scripts carry
# the request's nonce); inline style attributes are allowed for the admin's own markup;
# images may be data: URIs (the payment QR codes); no framing, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # Scripts load only from this origin (inline ones need the request's nonce), and
        # nothing is evaluated from text: the pages use Alpine's CSP build, which parses
        # its x-* attribute expressions itself instead of calling Function().
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Request bodies in error reports never show credential fields.
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.middleware.CredentialSafeExceptionReporterFilter"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "wallet.auth.HashedTokenAuthentication",
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
    # core.converters: ids in paths are bounded to a database key.
    # The schema's bound is the largest integer a JSON double holds exactly; larger ids
    # the converter takes are simply unknown (404).
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 2**53 - 1}},
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
# so the funds loop never waits behind the snapshot poll or the market ticks, and neither
# waits behind a public proof's bundle (seconds of CPU for a busy order). A worker started
# without -Q consumes them all.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name) for name in ("loop", "intake", "ticks", "proofs")
]
# The funds loop, payments, payouts, expiry, reconcile and key checks.
CELERY_TASK_DEFAULT_QUEUE = "loop"
CELERY_TASK_ROUTES = {
    "wallet.tasks.poll_mixin_snapshots": {"queue": "intake"},
    "executor.tasks.executor_tick_all": {"queue": "ticks"},
    "executor.tasks.executor_tick_market": {"queue": "ticks"},
    "executor.tasks.quotes_cancel": {"queue": "ticks"},
    "reports.tasks.reports_snapshot_all": {"queue": "ticks"},
    "reports.tasks.reports_snapshot_markets": {"queue": "ticks"},
    "reports.tasks.reports_roll_up": {"queue": "ticks"},
    "reports.tasks.reports_self_check": {"queue": "ticks"},
    "reports.tasks.reports_proofs_refresh": {"queue": "proofs"},
    "reports.tasks.reports_proof_build": {"queue": "proofs"},
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

# Metric snapshots (reports/, docs/methodology.md): every market with a running order is
# sampled on this interval; raw rows become 1-minute rows after the first retention and
# 1-minute rows 1-hour rows after the second (sized in docs/methodology.md).
REPORTS_SNAPSHOT_INTERVAL_SECONDS = env_int("REPORTS_SNAPSHOT_INTERVAL_SECONDS", 10)
# Markets sampled by one snapshot task: a batch costs a fixed number of database round
# trips, whatever its orders; its book reads run one after the other (benchmarks/snapshots.py).
REPORTS_SNAPSHOT_MARKETS_PER_TASK = env_int("REPORTS_SNAPSHOT_MARKETS_PER_TASK", 25)
# Public proofs (reports/public_proof.py) built by one run of the minute's refresh job: a
# bundle of 100,000 fills costs 3–5 s of CPU, so a run stays well inside its minute; the
# stalest proofs go first and the others wait for the next run.
REPORTS_PROOFS_PER_TASK = env_int("REPORTS_PROOFS_PER_TASK", 5)
REPORTS_RAW_RETENTION_HOURS = env_int("REPORTS_RAW_RETENTION_HOURS", 12)
REPORTS_MINUTE_RETENTION_DAYS = env_int("REPORTS_MINUTE_RETENTION_DAYS", 3)
if REPORTS_SNAPSHOT_MARKETS_PER_TASK < 1:
    raise ImproperlyConfigured("REPORTS_SNAPSHOT_MARKETS_PER_TASK must be 1 or more.")
if REPORTS_PROOFS_PER_TASK < 1:
    raise ImproperlyConfigured("REPORTS_PROOFS_PER_TASK must be 1 or more.")
if REPORTS_SNAPSHOT_INTERVAL_SECONDS < 1:
    raise ImproperlyConfigured("REPORTS_SNAPSHOT_INTERVAL_SECONDS must be 1 or more.")

# Payments (orders/services/payments.py). An unpaid order expires once intake has read
# past its expiry, or, when no payment came since, this long after it: a payment made in
# time is booked, never refunded as expired.
PAYMENT_EXPIRY_GRACE_SECONDS = env_int("PAYMENT_EXPIRY_GRACE_SECONDS", 60)

# Health (/healthz, docs/operations.md): what reads as degraded, and how long a check may take.
HEALTH_BROKER_BACKLOG_MESSAGES = env_int("HEALTH_BROKER_BACKLOG_MESSAGES", 50)
HEALTH_BROKER_OLDEST_MESSAGE_SECONDS = env_int("HEALTH_BROKER_OLDEST_MESSAGE_SECONDS", 30)
HEALTH_BEAT_SILENT_SECONDS = env_int("HEALTH_BEAT_SILENT_SECONDS", 30)
HEALTH_CHECK_TIMEOUT_SECONDS = env_int("HEALTH_CHECK_TIMEOUT_SECONDS", 2)

# HuFi campaigns (campaigns/, docs/campaigns.md). In debug mode the HuFi simulator that
# `make run` starts on :8103; elsewhere unset (nothing synced or joined) until configured.
_HUFI_DEFAULT_BASE = "http://127.0.0.1:8103" if DEBUG else ""
HUFI_LAUNCHER_URL = env_str(
    "HUFI_LAUNCHER_URL", f"{_HUFI_DEFAULT_BASE}/launcher" if _HUFI_DEFAULT_BASE else ""
)
HUFI_ORACLE_URL = env_str(
    "HUFI_ORACLE_URL", f"{_HUFI_DEFAULT_BASE}/oracle" if _HUFI_DEFAULT_BASE else ""
)
HUFI_HTTP_TIMEOUT_MS = env_int("HUFI_HTTP_TIMEOUT_MS", 10_000)
# The chain HuFi's escrows live on (the simulator's /chain: escrow factory, transfers).
HUFI_CHAIN_URL = env_str(
    "HUFI_CHAIN_URL", f"{_HUFI_DEFAULT_BASE}/chain" if _HUFI_DEFAULT_BASE else ""
)
# Creating a campaign here: how long a launch waits for its fund, and how long the node's
# signed transfer to an escrow stays valid (past it, an unanswered transfer never lands).
CAMPAIGN_LAUNCH_FUNDING_WINDOW_SECONDS = env_int("CAMPAIGN_LAUNCH_FUNDING_WINDOW_SECONDS", 3600)
CAMPAIGN_FUNDING_TRANSFER_DEADLINE_SECONDS = env_int(
    "CAMPAIGN_FUNDING_TRANSFER_DEADLINE_SECONDS", 600
)
# The platform's published share of every campaign reward, in basis points (0 allowed).
CAMPAIGN_REWARD_FEE_BPS = env_int("CAMPAIGN_REWARD_FEE_BPS", 0)
if not 0 <= CAMPAIGN_REWARD_FEE_BPS <= 10_000:
    raise ImproperlyConfigured("CAMPAIGN_REWARD_FEE_BPS must be between 0 and 10000.")
# The Mixin asset of each HuFi reward token, "{chain_id}:{token symbol}" -> Mixin asset id:
# rewards arrive as deposits of that asset. Default: USDT on Ethereum and on Polygon.
HUFI_REWARD_ASSETS: dict[str, str] = {
    "1:USDT": "4d8c508b-91c5-375b-92b0-ee702ed2dac5",
    "137:USDT": "b91e18ff-a9ae-3dc7-8679-e935d9a4b34b",
    **json.loads(env_str("HUFI_REWARD_ASSETS", "{}")),
}
# The decimals of each token a campaign can be funded with (same keys): the fund amount is
# checked against them before any escrow exists.
HUFI_TOKEN_DECIMALS: dict[str, int] = {
    "1:USDT": 6,
    "137:USDT": 6,
    **json.loads(env_str("HUFI_TOKEN_DECIMALS", "{}")),
}
# System status (the admin's status page and /admin/status.json; docs/operations.md). A
# source over a warning threshold is a warning, over a critical one critical; /healthz's
# degraded thresholds above are the warning ones for the broker and the beat.
STATUS_CHECK_TIMEOUT_SECONDS = env_int("STATUS_CHECK_TIMEOUT_SECONDS", HEALTH_CHECK_TIMEOUT_SECONDS)
STATUS_BROKER_BACKLOG_CRITICAL_MESSAGES = env_int("STATUS_BROKER_BACKLOG_CRITICAL_MESSAGES", 500)
STATUS_BROKER_OLDEST_CRITICAL_SECONDS = env_int("STATUS_BROKER_OLDEST_CRITICAL_SECONDS", 300)
STATUS_BEAT_CRITICAL_SECONDS = env_int("STATUS_BEAT_CRITICAL_SECONDS", 300)
STATUS_TICK_LAG_WARNING_SECONDS = env_int(
    "STATUS_TICK_LAG_WARNING_SECONDS", 3 * EXECUTOR_MAX_TICK_INTERVAL_SECONDS
)
STATUS_TICK_LAG_CRITICAL_SECONDS = env_int("STATUS_TICK_LAG_CRITICAL_SECONDS", 60)
STATUS_ORDER_STUCK_GRACE_SECONDS = env_int("STATUS_ORDER_STUCK_GRACE_SECONDS", 600)
STATUS_EXCHANGE_SLOW_MS = env_int("STATUS_EXCHANGE_SLOW_MS", 1000)
STATUS_LEDGER_CHECK_MAX_AGE_SECONDS = env_int("STATUS_LEDGER_CHECK_MAX_AGE_SECONDS", 7200)
# A monitoring system reads /admin/status.json with "Authorization: Bearer <token>".
MONITORING_TOKEN = env_str("MONITORING_TOKEN")
# Flower (the Procfile's `flower` process, configured by mrmarket/flowerconfig.py): basic
# auth as "user:password" from FLOWER_BASIC_AUTH; in debug mode without it, the demo login
# that `manage.py demo_setup` generated once into var/ and printed once. Flower does not
# start without a login. On the filesystem broker it reads the workers by inspect: that
# transport carries no events (mrmarket/filesystem_broker.py).
FLOWER_BASIC_AUTH = env_str("FLOWER_BASIC_AUTH")
FLOWER_DEMO_LOGIN_FILE = VAR_DIR / "flower_login"
if FLOWER_BASIC_AUTH is None and DEBUG and FLOWER_DEMO_LOGIN_FILE.exists():
    FLOWER_BASIC_AUTH = FLOWER_DEMO_LOGIN_FILE.read_text().strip()
