"""Settings for mubiao: one file, driven by the environment.

Modes (``MUBIAO_MODE``):
- ``production`` (default): DEBUG off, a secret key and allowed hosts must be given.
- ``demo``: the single-machine demo that ``mubiao demo`` starts; a secret key is generated
  once into ``var/`` and the site listens on 127.0.0.1 only.
- ``test``: the test suite's, set by :mod:`mubiao.settings_test` (pytest-django's
  ``DJANGO_SETTINGS_MODULE`` in pyproject.toml); a throwaway key, fast password hashing,
  background tasks run at once.

Everything else is read from ``MUBIAO_*`` variables and ``DATABASE_URL``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


MODE = env_str("MUBIAO_MODE", "production")
TESTING = MODE == "test"
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"MUBIAO_MODE must be production or demo, not {MODE!r}")
DEMO = MODE == "demo"
PRODUCTION = MODE == "production"

DATA_DIR = Path(env_str("MUBIAO_DATA_DIR") or BASE_DIR / "var")


def _demo_secret_key() -> str:
    """A key made once per checkout, so demo sessions survive a restart."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("MUBIAO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "MUBIAO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or run the demo with `mubiao demo`."
        )
    SECRET_KEY = _demo_secret_key() if DEMO else secrets.token_urlsafe(50)


def weak_secret_key(key: str) -> str:
    """Why ``key`` is too weak to sign sessions in production ("" when it is not).

    The same bar as Django's deploy check (security.W009): at least 50 characters, at
    least 5 different ones, and not one of Django's generated "insecure" keys.

    >>> weak_secret_key("x" * 60)
    'it uses fewer than 5 different characters'
    >>> weak_secret_key("kZq8#v@L!m2$Xw9&" * 4)
    ''
    """
    if len(key) < 50:
        return f"it is {len(key)} characters long, and at least 50 are needed"
    if len(set(key)) < 5:
        return "it uses fewer than 5 different characters"
    if key.startswith("django-insecure"):
        return "it is one of Django's generated insecure keys"
    return ""


if PRODUCTION and (weakness := weak_secret_key(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"MUBIAO_SECRET_KEY is too weak: {weakness}. Set it to a long random string "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

DEBUG = env_bool("MUBIAO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "MUBIAO_DEBUG=true is refused in production: debug pages show settings, code and "
        "data to anyone who causes an error. Unset it, or run the demo with `mubiao demo`."
    )
ALLOWED_HOSTS = env_list(
    "MUBIAO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "MUBIAO_ALLOWED_HOSTS is not set: give the host names this site answers to, "
        "separated by commas (e.g. mubiao.example.gov.cn)."
    )
CSRF_TRUSTED_ORIGINS = env_list("MUBIAO_CSRF_TRUSTED_ORIGINS", [])


def database_from_url(url: str) -> dict:
    """Django's DATABASES entry from ``sqlite:///path`` or ``postgres://user:pw@host:port/db``."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///relative/file and sqlite:////absolute/file, as most tools read them.
        name = path[1:]
        return sqlite_database(Path(name) if name else DATA_DIR / "mubiao.sqlite3")
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": env_int("MUBIAO_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgres://, not {parts.scheme or url!r}"
    )


def sqlite_database(path: Path) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        # Django's backend, retrying a locked BEGIN for MUBIAO_DB_LOCK_WAIT s (lib/db.py).
        "ENGINE": "mubiao.lib.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # WAL lets readers go on while one unit's submission is written; IMMEDIATE
            # takes the write lock at BEGIN, so concurrent writers queue instead of failing.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 5,  # the busy timeout of one attempt
        },
    }


DB_LOCK_WAIT = env_int("MUBIAO_DB_LOCK_WAIT", 20)  # seconds a write waits for the lock


DATABASE_URL = env_str("DATABASE_URL")
DATABASES = {
    "default": database_from_url(DATABASE_URL)
    if DATABASE_URL
    else sqlite_database(DATA_DIR / "mubiao.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "mubiao.audit",
    "mubiao.orgs",
    "mubiao.plans",
    "mubiao.projects",
    "mubiao.reporting",
    "mubiao.api",
    "mubiao.dashboard",
    "mubiao.supervision",
    # After the app whose ``db_worker`` command replaces its own (mubiao.lib.worker).
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mubiao.lib.db.BusyMiddleware",
    "mubiao.lib.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mubiao.orgs.middleware.PasswordChangeRequired",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "mubiao.urls"
WSGI_APPLICATION = "mubiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "mubiao.orgs.context.site",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing with a real KDF costs ~0.3 s per login; tests log in hundreds of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
# Five wrong passwords for one login name within 15 minutes lock it for 15 minutes; an
# address that fails 30 times in that window is locked too (mubiao/orgs/security.py).
MUBIAO_LOGIN_MAX_FAILURES = env_int("MUBIAO_LOGIN_MAX_FAILURES", 5)
MUBIAO_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("MUBIAO_LOGIN_MAX_FAILURES_PER_ADDRESS", 30)
MUBIAO_LOGIN_LOCK_MINUTES = env_int("MUBIAO_LOGIN_LOCK_MINUTES", 15)
MUBIAO_TRUST_X_REAL_IP = env_bool("MUBIAO_TRUST_X_REAL_IP", False)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
# Where Django spools a large upload while its request body arrives (not the system's
# temporary folder): a server killed mid-body leaves its spool here, and `mubiao tick`
# removes it an hour later (mubiao.reporting.evidence.clean_spools).
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "uploads"
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # Demo and tests serve straight from the finders; whitenoise still wants the folder.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Background work (imports, reminders, bulletins) goes through the database worker
# (`mubiao manage task_worker`, started by `mubiao demo`); tests run tasks at once.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend"
    }
}

# Production sends through SMTP (MUBIAO_EMAIL_HOST …); the demo prints mail on the console.
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "MUBIAO_EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if PRODUCTION
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": {
            "host": env_str("MUBIAO_EMAIL_HOST", "localhost"),
            "port": env_int("MUBIAO_EMAIL_PORT", 25),
            "username": env_str("MUBIAO_EMAIL_USER"),
            "password": env_str("MUBIAO_EMAIL_PASSWORD"),
            "use_tls": env_bool("MUBIAO_EMAIL_TLS", False),
        }
        if PRODUCTION
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("MUBIAO_FROM_EMAIL", "mubiao@localhost")

# Reporting: a group robot (WeCom / DingTalk) for reminders, and the evidence size limit.
MUBIAO_WEBHOOK_URL = env_str("MUBIAO_WEBHOOK_URL")
MUBIAO_EVIDENCE_MAX_MB = env_int("MUBIAO_EVIDENCE_MAX_MB", 20)
# At most this many evidence files, and this many MB together, in one request.
MUBIAO_EVIDENCE_MAX_FILES = env_int("MUBIAO_EVIDENCE_MAX_FILES", 10)
MUBIAO_EVIDENCE_MAX_TOTAL_MB = env_int("MUBIAO_EVIDENCE_MAX_TOTAL_MB", 50)
# A plan with up to this many targets and tasks rebuilds its current-status table during
# the first dashboard view of a day; a bigger one has the task worker rebuild it.
MUBIAO_STATUS_INLINE_LIMIT = env_int("MUBIAO_STATUS_INLINE_LIMIT", 5000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A background task (an import being read) whose worker has shown no sign of life for
# this long lost its worker: it is read again, or failed after its last attempt.
MUBIAO_TASK_STALE_SECONDS = env_int("MUBIAO_TASK_STALE_SECONDS", 300)

# Security: strict by default, relaxed only where the demo runs on plain http://127.0.0.1.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("MUBIAO_SESSION_SECONDS", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("MUBIAO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("MUBIAO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("MUBIAO_HSTS_PRELOAD", False)
    # Behind a reverse proxy that terminates HTTPS and sets X-Forwarded-Proto.
    if env_bool("MUBIAO_BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = (
    # HSTS preload is a decision for the operator, not a default.
    ["security.W021"] if PRODUCTION and not SECURE_HSTS_PRELOAD else []
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (4xx) logs one line, not a traceback (mubiao/lib/logs.py).
    "filters": {"client_errors": {"()": "mubiao.lib.logs.NoTracebackForClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors"]},
    },
    "root": {"handlers": ["console"], "level": env_str("MUBIAO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
