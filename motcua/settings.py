"""MotCua's one settings module.

Every value that changes between installations comes from an environment variable,
read through the strict helpers of ``motcua.env`` and documented here and in the
README's configuration table. SQLite (WAL mode) is the default database;
PostgreSQL is used when ``DATABASE_URL`` says so.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from motcua.env import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# MOTCUA_ENV: "development" (default: `make run`, tests) or "production".
# Production refuses to start without a strong SECRET_KEY and with DEBUG on.
MOTCUA_ENV = env_str("MOTCUA_ENV", "development").strip().lower()
if MOTCUA_ENV not in {"development", "production"}:
    raise ConfigError(f"MOTCUA_ENV={MOTCUA_ENV!r}: expected development or production")
IS_PRODUCTION = MOTCUA_ENV == "production"

# MOTCUA_DATA_DIR: where the embedded database, uploaded files and the development
# secret key live (default: ./var next to manage.py).
DATA_DIR = Path(env_str("MOTCUA_DATA_DIR", str(BASE_DIR / "var"))).resolve()

# DEBUG: Django's debug pages. Default on in development, forbidden in production.
DEBUG = env_bool("DEBUG", default=not IS_PRODUCTION)
if IS_PRODUCTION and DEBUG:
    raise ConfigError("DEBUG must be off when MOTCUA_ENV=production")

_INSECURE_KEY_PREFIX = "django-insecure"


def _secret_key() -> str:
    # SECRET_KEY: signs sessions and tokens. Required in production (50+ characters);
    # in development a random key is generated once and kept in DATA_DIR.
    key = env_str("SECRET_KEY")
    if IS_PRODUCTION:
        if not key:
            raise ConfigError("SECRET_KEY is required when MOTCUA_ENV=production")
        if len(key) < 50 or key.startswith(_INSECURE_KEY_PREFIX) or len(set(key)) < 5:
            raise ConfigError(
                "SECRET_KEY is insecure: use at least 50 random characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
            )
        return key
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    generated = secrets.token_urlsafe(64)
    path.write_text(generated)
    path.chmod(0o600)
    return generated


SECRET_KEY = _secret_key()

# ALLOWED_HOSTS: comma-separated host names this installation answers to.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
# CSRF_TRUSTED_ORIGINS: comma-separated origins (https://motcua.example.gov.vn) behind a proxy.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "motcua.accounts",
    "motcua.org",
    "motcua.workdays",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.notifications",
    "motcua.portal",
    "motcua.printing",
    "motcua.backoffice",
    "motcua.reports",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.common.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "motcua.common.middleware.RejectNulMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "motcua" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.portal.context.site",
                "motcua.backoffice.context.office",
            ],
        },
    },
]

# DATABASE_URL: sqlite:///path/to/file.sqlite3 or postgres://user:pass@host:5432/name.
# Default: the embedded SQLite database DATA_DIR/motcua.sqlite3.
_db_url = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'motcua.sqlite3'}"
_db = parse_database_url(_db_url).as_django()
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while one writer commits; IMMEDIATE transactions take the
    # write lock up front so two writers wait for each other instead of failing with
    # "database is locked" half-way through an action.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["TEST"] = {"NAME": env_str("MOTCUA_TEST_SQLITE", "") or None}
else:
    # DATABASE_CONN_MAX_AGE: seconds a PostgreSQL connection is kept between requests.
    _db["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    _db["CONN_HEALTH_CHECKS"] = True
    # DATABASE_PREPARE=0 behind a pooler in transaction mode that cannot keep prepared
    # statements (PgBouncer before 1.21, or later ones without max_prepared_statements).
    # Otherwise the few statements MotCua runs most (``motcua.common.rows``: those of a
    # reception) are prepared at their first run, whatever the threshold's number (only
    # whether it is set counts); the ORM's own queries bind their values client-side
    # and are never prepared (prepared, their generic plans made some worklists 40
    # times slower: bench/README.md).
    _db["OPTIONS"] = {"prepare_threshold": 5 if env_bool("DATABASE_PREPARE", True) else None}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English second. Source strings are written in Vietnamese, the
# language of every user; English comes from locale/en.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "motcua" / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["motcua.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
# MEDIA_ROOT: uploaded and generated files when STORAGE_BACKEND=local.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))

# STORAGE_BACKEND: "local" (files under MEDIA_ROOT) or "s3" (any S3-compatible store,
# needs `pip install motcua[s3]`). Web processes keep no files of their own, so several
# can run behind a load balancer.
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local").strip().lower()
if STORAGE_BACKEND == "local":
    _default_storage: dict[str, object] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
    }
elif STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            # S3_BUCKET, S3_ENDPOINT_URL, S3_REGION, S3_ACCESS_KEY, S3_SECRET_KEY.
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY") or None,
            "secret_key": env_str("S3_SECRET_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if not env_str("S3_BUCKET"):
        raise ConfigError("S3_BUCKET is required when STORAGE_BACKEND=s3")
else:
    raise ConfigError(f"STORAGE_BACKEND={STORAGE_BACKEND!r}: expected local or s3")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# E-mail. EMAIL_HOST unset → messages are printed to the console (development).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MotCua <no-reply@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# SECURE_PROXY_SSL_HEADER: set when TLS ends at a proxy that sends X-Forwarded-Proto.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- MotCua's own settings -------------------------------------------------------

# MOTCUA_PROVINCE_CODE: the province this installation serves (2-digit NSO code;
# 24 = Bắc Ninh, the demo province).
MOTCUA_PROVINCE_CODE = env_str("MOTCUA_PROVINCE_CODE", "24")
# MOTCUA_OFFICE_PERIODS: office periods (buổi làm việc) counted for deadlines,
# deadlines.md §2. Default 07:00–11:30 and 13:30–17:00 (8 working hours a day).
MOTCUA_OFFICE_PERIODS = env_str("MOTCUA_OFFICE_PERIODS", "07:00-11:30,13:30-17:00")
# MOTCUA_MAKEUP_SATURDAYS_COUNT: whether official make-up Saturdays (ngày làm bù)
# count as working days for deadlines (deadlines.md §1: policy, default yes).
MOTCUA_MAKEUP_SATURDAYS_COUNT = env_bool("MOTCUA_MAKEUP_SATURDAYS_COUNT", True)
# MOTCUA_SAME_DAY_CUTOFF: for "trong ngày" limits, receptions from this time on are
# due the next working day (deadlines.md §4).
MOTCUA_SAME_DAY_CUTOFF = env_str("MOTCUA_SAME_DAY_CUTOFF", "15:00")

# MOTCUA_CLOSED_NATIONAL_CODE: national status code sent for a dossier closed because a
# requested supplement never came (legal-rules §3.16: not fixed by law; 8 = stopped).
MOTCUA_CLOSED_NATIONAL_CODE = env_int("MOTCUA_CLOSED_NATIONAL_CODE", 8)
# MOTCUA_SUPPLEMENT_CLOSE_DAYS: calendar days after a supplement request with no answer
# before the dossier is closed (Decree 118/2025 Art. 19(5): 15 days).
MOTCUA_SUPPLEMENT_CLOSE_DAYS = env_int("MOTCUA_SUPPLEMENT_CLOSE_DAYS", 15)
# MOTCUA_MAX_UPLOAD_MB: largest file accepted for one dossier document.
MOTCUA_MAX_UPLOAD_MB = env_int("MOTCUA_MAX_UPLOAD_MB", 20)
# Uploads larger than Django's memory limit go to a temporary file; the request body
# may carry several scans, each up to MOTCUA_MAX_UPLOAD_MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# MOTCUA_SIGNIN_MAX_FAILURES / MOTCUA_SIGNIN_LOCK_MINUTES: officials' sign-in is locked
# for the given minutes after that many wrong passwords within the same span.
MOTCUA_SIGNIN_MAX_FAILURES = env_int("MOTCUA_SIGNIN_MAX_FAILURES", 5)
MOTCUA_SIGNIN_LOCK_MINUTES = env_int("MOTCUA_SIGNIN_LOCK_MINUTES", 15)

# MOTCUA_PUBLIC_URL: the public address of the portal printed on receipts (QR code of
# the status lookup). Empty: the address the request came in on.
MOTCUA_PUBLIC_URL = env_str("MOTCUA_PUBLIC_URL", "").rstrip("/")

# --- The citizen portal ---------------------------------------------------------

# MOTCUA_BRAND_NAME / MOTCUA_BRAND_LOGO / MOTCUA_BRAND_COLOR / MOTCUA_BRAND_ACCENT: how
# the public pages present the province (name in the header, a logo address served
# by the province, the main and accent colours as CSS colours). Empty name: the
# province's name from the administrative units.
MOTCUA_BRAND_NAME = env_str("MOTCUA_BRAND_NAME", "")
MOTCUA_BRAND_LOGO = env_str("MOTCUA_BRAND_LOGO", "")
MOTCUA_BRAND_COLOR = env_str("MOTCUA_BRAND_COLOR", "#a3141c")
MOTCUA_BRAND_ACCENT = env_str("MOTCUA_BRAND_ACCENT", "#0b5394")

# MOTCUA_OTP_MINUTES: how long a one-time code stays valid; MOTCUA_OTP_MAX_ATTEMPTS:
# wrong entries before a code is void; MOTCUA_OTP_PER_HOUR: codes sent to one address
# (and, separately, requested from one client address) per hour.
MOTCUA_OTP_MINUTES = env_int("MOTCUA_OTP_MINUTES", 5)
MOTCUA_OTP_MAX_ATTEMPTS = env_int("MOTCUA_OTP_MAX_ATTEMPTS", 5)
MOTCUA_OTP_PER_HOUR = env_int("MOTCUA_OTP_PER_HOUR", 5)
# MOTCUA_SMS_CONSOLE: print SMS one-time codes on the server's console. SMS and Zalo
# gateways arrive with the notifications issue; until then phone sign-up works only
# where this is on (development, never production).
MOTCUA_SMS_CONSOLE = env_bool("MOTCUA_SMS_CONSOLE", not IS_PRODUCTION)
if IS_PRODUCTION and MOTCUA_SMS_CONSOLE:
    raise ConfigError("MOTCUA_SMS_CONSOLE must be off when MOTCUA_ENV=production")

# MOTCUA_OIDC_ISSUER / _CLIENT_ID / _CLIENT_SECRET: an OpenID Connect provider for
# citizens' sign-in (VNeID, the national portal's single sign-on). Unset: no button.
# MOTCUA_OIDC_NAME: its name on the button; MOTCUA_OIDC_SCOPES: scopes asked for;
# MOTCUA_OIDC_ID_CLAIM: the claim that carries the 12-digit personal identifier.
MOTCUA_OIDC_ISSUER = env_str("MOTCUA_OIDC_ISSUER", "").rstrip("/")
MOTCUA_OIDC_CLIENT_ID = env_str("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_CLIENT_SECRET = env_str("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_NAME = env_str("MOTCUA_OIDC_NAME", "VNeID")
MOTCUA_OIDC_SCOPES = env_str("MOTCUA_OIDC_SCOPES", "openid profile email phone")
MOTCUA_OIDC_ID_CLAIM = env_str("MOTCUA_OIDC_ID_CLAIM", "personal_id")

# MOTCUA_LOOKUP_PER_MINUTE / MOTCUA_LOOKUP_PER_DAY: status lookups without an account
# allowed from one client address, against guessing other people's codes.
MOTCUA_LOOKUP_PER_MINUTE = env_int("MOTCUA_LOOKUP_PER_MINUTE", 20)
MOTCUA_LOOKUP_PER_DAY = env_int("MOTCUA_LOOKUP_PER_DAY", 500)

# --- Reports --------------------------------------------------------------------

# MOTCUA_REPORT_CUTOFF_DAY: the day reporting periods start on (legal-rules §7.2: 15
# makes "October" run from 15/09 to 14/10 and the year from 15/12 to 14/12); 2 to 28.
# 0 or unset: calendar months.
MOTCUA_REPORT_CUTOFF_DAY = env_int("MOTCUA_REPORT_CUTOFF_DAY", 0)
if MOTCUA_REPORT_CUTOFF_DAY != 0 and not 2 <= MOTCUA_REPORT_CUTOFF_DAY <= 28:
    raise ConfigError("MOTCUA_REPORT_CUTOFF_DAY: expected 2 to 28, or 0 for calendar months")

LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report every layout step at INFO.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
