"""Deployment configuration for shouhou, read from environment variables.

Business policy (targets, calendars, escalation) lives in the database, never here.
Defaults are safe for development: SQLite under var/, DEBUG on only when asked.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SHOUHOU_VAR_DIR", BASE_DIR.parent / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules
# Development default only; production must set SECRET_KEY (check --deploy says so otherwise).
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-shouhou-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "rules",
    "shouhou.core",
    "shouhou.accounts",
    "shouhou.notify",
    "shouhou.approvals",
    "shouhou.customers",
    "shouhou.assets",
    "shouhou.contracts",
    "shouhou.tickets",
    "shouhou.sla",
    "shouhou.dispatch",
    "shouhou.charging",
    "shouhou.retention",
    "shouhou.ops",  # the top floor: serve, demo data, import/export, benchmarks
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who changed reference data: the request's user is written on its history rows (issue 6).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Out-of-range ids, pages and filters answer 400 naming the parameter (issue 6).
    "shouhou.core.params.ParameterRangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shouhou.urls"
WSGI_APPLICATION = "shouhou.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite default lives here
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shouhou.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL + a busy timeout let the web server and the in-process worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Password login refuses the system actor; rules answers user.has_perm() from the one permission
# table (accounts.permissions), object by object.
LOGIN_URL = "login"
# A filter select left open reads "不限" (any), not "---------" (django-filter).
FILTERS_EMPTY_CHOICE_LABEL = _("any")
LOGIN_REDIRECT_URL = "home"  # each role's own landing page (accounts.landing)
LOGOUT_REDIRECT_URL = "login"

# Login rate limit (django-axes; issue 6): AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address lock that pair out for AXES_COOLOFF_TIME — the login page and
# /api/v1/auth/token/ answer 429 meanwhile, even to the right password.  Lockouts are logged
# (logger "axes") and listed in the admin, where an administrator can also lift them.
AUTHENTICATION_BACKENDS = [
    "shouhou.accounts.backends.RateLimitBackend",
    "shouhou.accounts.backends.AccountBackend",  # ModelBackend that refuses the system actor
    "rules.permissions.ObjectPermissionBackend",  # has_perm() answered by accounts.permissions
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "shouhou.accounts.lockout.lockout_response"
# The client address (accounts.lockout.client_address): REMOTE_ADDR by default; behind
# TRUSTED_PROXY_COUNT reverse proxies that each append to X-Forwarded-For, the address the
# outermost proxy saw (the count-th entry from the right).  Entries further left are the client's
# own claims and never trusted (docs/limits.md, "Login lockout behind a reverse proxy").
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "shouhou.accounts.lockout.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Simplified Chinese first; English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True  # stored in UTC, shown in the site's zone

STATIC_URL = "static/"
# The project-wide assets (shouhou/static/shouhou/app.css) live outside any app directory.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Hashed, compressed static files in production (after collectstatic); plain files in development
# and under pytest, where nothing has been collected.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG and not TESTING)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Printed documents (shouhou/core/documents/): the company named over every page, and the font
# they are set in (default: Noto Sans SC from the installed package; any TrueType/OpenType file).
COMPANY_NAME = os.environ.get("COMPANY_NAME", "")
DOCUMENT_FONT = os.environ.get("DOCUMENT_FONT", "")

# The address people reach shouhou at (https://service.example.cn): links in e-mail, SMS and chat
# messages are made absolute with it; `shouhou serve` sets it to its own address when unset.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")

# Attachments (P10.6): photos, video, documents.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(50 * 1024 * 1024)))
# A report logged later (letter, e-mail, call) may give when it was received, at most this many days ago (issue 8).
REPORTED_AT_MAX_DAYS = int(os.environ.get("REPORTED_AT_MAX_DAYS", "7"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every endpoint must opt in to its own permission and scoping.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "shouhou.core.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shouhou.core.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "shouhou API",
    "DESCRIPTION": "After-sales service management (售后服务管理) REST API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Field names shared by several apps ("status", "channel") need distinct enum component names.
    "ENUM_NAME_OVERRIDES": {
        "OutboxStatusEnum": "shouhou.notify.choices.OutboxStatus",
        "OutboxChannelEnum": "shouhou.notify.choices.Channel",
        # …and the tickets' own sets keep their plain names.
        "StatusEnum": "shouhou.tickets.choices.Status",
        "ChannelEnum": "shouhou.tickets.choices.Channel",
        # "state" of clocks keeps its name; approvals and repair task forms get their own.
        "StateEnum": "shouhou.sla.choices.ClockState",
        "ApprovalStateEnum": "shouhou.approvals.choices.RequestState",
        "ApprovalOutcomeEnum": "shouhou.approvals.choices.Outcome",
        "RepairTaskFormStatusEnum": "shouhou.dispatch.repair_forms.choices.RepairFormStatus",
        # Plan writes (issue 8): escalation actions, clock events, levels and severities by their own names.
        "EscalationActionEnum": "shouhou.sla.choices.Action",
        "ClockEventEnum": "shouhou.sla.choices.ClockEvent",
        "MilestoneEnum": "shouhou.sla.choices.MILESTONE_CHOICES",  # POST …/tickets/{id}/milestones/
        "ServiceLevelEnum": "shouhou.contracts.choices.ServiceLevel",
        "SeverityEnum": "shouhou.tickets.choices.Severity",
        # Charging (issue 11): VAT kinds, line kinds, quote states, entitlements and ledger entries.
        "VatKindEnum": "shouhou.charging.choices.VatKind",
        "QuoteLineKindEnum": "shouhou.charging.choices.LineKind",
        "RecordedLineKindEnum": "shouhou.charging.choices.RECORDED_KINDS",
        "QuoteStatusEnum": "shouhou.charging.choices.QuoteStatus",
        "EntitlementStatusEnum": "shouhou.charging.choices.EntitlementStatus",
        "ChargeKindEnum": "shouhou.charging.choices.EntryKind",
        "WorkTimeClassEnum": "shouhou.charging.serializers.WHEN",
    },
}

# Development keeps mail on disk (var/mail/) so `make run` sends nothing anywhere; production uses SMTP.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shouhou@localhost")

# Audit trail of reference data (django-simple-history, shouhou.core.audit): reasons can be long,
# and reverting from the admin is off because it would bypass the services' rules and versioning.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")

# The background jobs, declared once (issue 7): the embedded worker (core.worker.default_jobs —
# `shouhou serve`'s thread and `shouhou worker`) and Celery beat (shouhou/celery.py, one task per
# job, named after the app that owns it) read this table and these intervals, nothing else.
# name -> the job's function in its app ("path"), the setting holding its interval in seconds
# ("every"; each overridable by the environment variable of that name), how long a queued run
# stays useful to Celery ("expires"), and the keyword the worker's batch size goes to ("batch").
WORKER_OUTBOX_INTERVAL = float(os.environ.get("WORKER_OUTBOX_INTERVAL", "5"))
WORKER_SLA_INTERVAL = float(os.environ.get("WORKER_SLA_INTERVAL", "30"))
WORKER_PURGE_INTERVAL = float(os.environ.get("WORKER_PURGE_INTERVAL", "3600"))
WORKER_RETENTION_INTERVAL = float(os.environ.get("WORKER_RETENTION_INTERVAL", "86400"))  # P13.9: daily
WORKER_CALENDAR_INTERVAL = float(os.environ.get("WORKER_CALENDAR_INTERVAL", "3600"))
WORKER_ROSTER_INTERVAL = float(os.environ.get("WORKER_ROSTER_INTERVAL", "86400"))  # daily: duty shifts, gaps
BACKGROUND_JOBS = {
    "deliver_outbox": {"path": "shouhou.notify.services.deliver_due", "every": "WORKER_OUTBOX_INTERVAL",
                       "expires": 30, "batch": "limit"},
    "scan_clocks": {"path": "shouhou.sla.tasks.scan_clocks", "every": "WORKER_SLA_INTERVAL", "expires": 120},
    "purge_idempotency_keys": {"path": "shouhou.core.idempotency.purge_expired", "every": "WORKER_PURGE_INTERVAL",
                               "expires": 600},
    "apply_retention": {"path": "shouhou.retention.tasks.apply_retention", "every": "WORKER_RETENTION_INTERVAL",
                        "expires": 3600},
    "check_calendars": {"path": "shouhou.sla.tasks.check_calendars", "every": "WORKER_CALENDAR_INTERVAL",
                        "expires": 1800},
    "check_roster": {"path": "shouhou.dispatch.tasks.check_roster", "every": "WORKER_ROSTER_INTERVAL",
                     "expires": 3600},
}

# Webhooks never reach into our own network (notify/destinations.py; issue 6).  Loopback is
# allowed in development (and by the test suite) for a receiver on this machine; an on-premise
# receiver's network is allowed by listing it, e.g. NOTIFY_WEBHOOK_ALLOWED_NETWORKS=10.20.0.0/16.
NOTIFY_WEBHOOK_ALLOW_LOOPBACK = env_bool("NOTIFY_WEBHOOK_ALLOW_LOOPBACK", DEBUG)
NOTIFY_WEBHOOK_ALLOWED_NETWORKS = env_list("NOTIFY_WEBHOOK_ALLOWED_NETWORKS", "")
# Team group robots accept about 20 messages a minute; the rest go out as one digest (docs/notifications.md).
NOTIFY_ROBOT_PER_MINUTE = int(os.environ.get("NOTIFY_ROBOT_PER_MINUTE", "20"))
# SMS through a provider's HTTP API (notify/sms.py): no URL, no SMS.  The receipt token guards
# POST /notify/sms/receipts/, where the provider reports delivery.
NOTIFY_SMS_URL = os.environ.get("NOTIFY_SMS_URL", "")
NOTIFY_SMS_KEY = os.environ.get("NOTIFY_SMS_KEY", "")
NOTIFY_SMS_SIGN_NAME = os.environ.get("NOTIFY_SMS_SIGN_NAME", "")
NOTIFY_SMS_RECEIPT_TOKEN = os.environ.get("NOTIFY_SMS_RECEIPT_TOKEN", "")
# App messages to staff members' own WeCom / DingTalk / Feishu accounts (notify/chatapps.py);
# an app without its credentials is not used.
NOTIFY_CHAT_APPS = {
    "wecom": {"base_url": os.environ.get("NOTIFY_WECOM_BASE_URL", ""),
              "corp_id": os.environ.get("NOTIFY_WECOM_CORP_ID", ""),
              "secret": os.environ.get("NOTIFY_WECOM_SECRET", ""),
              "agent_id": os.environ.get("NOTIFY_WECOM_AGENT_ID", "")},
    "dingtalk": {"base_url": os.environ.get("NOTIFY_DINGTALK_BASE_URL", ""),
                 "app_key": os.environ.get("NOTIFY_DINGTALK_APP_KEY", ""),
                 "app_secret": os.environ.get("NOTIFY_DINGTALK_APP_SECRET", ""),
                 "agent_id": os.environ.get("NOTIFY_DINGTALK_AGENT_ID", "")},
    "feishu": {"base_url": os.environ.get("NOTIFY_FEISHU_BASE_URL", ""),
               "app_id": os.environ.get("NOTIFY_FEISHU_APP_ID", ""),
               "app_secret": os.environ.get("NOTIFY_FEISHU_APP_SECRET", "")},
}

# How long a POST's Idempotency-Key replays its first answer (docs/api.md); the periodic job
# `purge_idempotency_keys` deletes older keys.
IDEMPOTENCY_KEY_TTL_HOURS = float(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "24"))

# Production hardening; `manage.py check --deploy` is clean when DEBUG is off and
# SECRET_KEY is set.  TLS is terminated by the reverse proxy in front of gunicorn.
if not DEBUG:
    # Tests (and the browser tests' live server) speak plain HTTP on loopback.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not TESTING)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not TESTING)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not TESTING)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    # Content-Security-Policy (django-csp; issue 6): scripts, styles and images from our own origin
    # only — no inline script runs unless it carries the request's nonce ({{ request.csp_nonce }}),
    # and templates have none; no plugins, no framing, forms post only to us.
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Lockouts of the login rate limit are warnings of the "axes" logger (issue 6).
    "loggers": {"axes": {"level": "WARNING"}},
}
