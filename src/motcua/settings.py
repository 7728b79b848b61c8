"""motcua settings: one module, configured by environment variables (django-environ).

Every variable has an embedded default so that `make demo` works with none set: SQLite in
var/, local files, the database task queue, the demo identity provider served by this
project. README.md ("Running at scale") lists the variables that move each part out.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("MOTCUA_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))


def _secret_from_file(name: str) -> str:
    """Embedded mode only: a random secret kept in var/ (never committed), made on first use."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
# Demo installations only: enables helpers such as `manage.py demo_totp` (never in production).
DEMO_MODE = env.bool("DEMO_MODE", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="") or _secret_from_file("secret_key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "oauth2_provider",
    "ninja",  # the API's docs page (Swagger UI) served from static files, not a CDN
    "mozilla_django_oidc",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "motcua.core",
    "motcua.accounts",
    "motcua.agencies",
    "motcua.procedures",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.portal",
    "motcua.instruction",
    "motcua.notifications",
    "motcua.api",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Replaces SessionMiddleware: the demo identity provider under /idp/ keeps its own
    # session cookie, as a separate site would (see accounts/middleware.py).
    "motcua.accounts.middleware.SplitSessionMiddleware",
    "motcua.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = env.str("ROOT_URLCONF", default="motcua.urls")
WSGI_APPLICATION = "motcua.wsgi.application"
ASGI_APPLICATION = "motcua.asgi.application"

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
                "csp.context_processors.nonce",
                "motcua.core.context_processors.branding",
                "motcua.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "motcua_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_FAILURE_VIEW = "motcua.core.views.csrf_failure"
if SECURE_COOKIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Background work (Django Tasks API) ----------------------------------------------------
TASKS_BACKEND = env.str("TASKS_BACKEND", default="db")
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGE = env.str("STORAGE", default="local")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID"),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif STORAGE != "local":
    raise environ.ImproperlyConfigured("STORAGE must be 'local' or 's3'")

# --- Dossiers ----------------------------------------------------------------------------------
# Drafts untouched for this many days are deleted; their applicant is warned a few days before.
DOSSIER_DRAFT_RETENTION_DAYS = env.int("DOSSIER_DRAFT_RETENTION_DAYS", default=90)
DOSSIER_DRAFT_WARNING_DAYS = env.int("DOSSIER_DRAFT_WARNING_DAYS", default=7)
# Uploaded files (dossiers/attachments.py). A field's own limit applies under this ceiling.
ATTACHMENT_MAX_SIZE_MB = env.int("ATTACHMENT_MAX_SIZE_MB", default=200)
# ZIP-based files (ZIP archives, Word/Excel/OpenDocument files) over these limits are refused as
# possible "zip bombs": entries, total uncompressed size, uncompressed/compressed ratio.
ATTACHMENT_ZIP_MAX_ENTRIES = env.int("ATTACHMENT_ZIP_MAX_ENTRIES", default=10_000)
ATTACHMENT_ZIP_MAX_UNCOMPRESSED_MB = env.int("ATTACHMENT_ZIP_MAX_UNCOMPRESSED_MB", default=1024)
ATTACHMENT_ZIP_MAX_RATIO = env.int("ATTACHMENT_ZIP_MAX_RATIO", default=100)
# Antivirus: the clamd daemon, "tcp://127.0.0.1:3310" or "unix:///run/clamav/clamd.ctl".
# Empty: uploaded files are stored without a scan and shown as "not scanned".
CLAMD_URL = env.str("CLAMD_URL", default="")
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=60)

# --- Signed documents (documents app: PDF forms, PAdES signatures, public verification) ------
# `manage.py documents_setup` makes a demo root CA and an agency certificate under var/signing/
# (never committed). Production points these variables at the agency's real key material.
SIGNING_DIR = Path(env.str("SIGNING_DIR", default=str(VAR_DIR / "signing")))
SIGNING_PROVIDER = env.str("SIGNING_PROVIDER", default="pkcs12")  # documents.signers registry id
SIGNING_P12_PATH = env.str("SIGNING_P12_PATH", default=str(SIGNING_DIR / "agency.p12"))
SIGNING_P12_PASSWORD = env.str("SIGNING_P12_PASSWORD", default="") or _secret_from_file("signing_p12_password")
SIGNING_PEM_KEY_PATH = env.str("SIGNING_PEM_KEY_PATH", default=str(SIGNING_DIR / "agency-key.pem"))
SIGNING_PEM_KEY_PASSWORD = env.str("SIGNING_PEM_KEY_PASSWORD", default="")
SIGNING_PEM_CERT_PATH = env.str("SIGNING_PEM_CERT_PATH", default=str(SIGNING_DIR / "agency-cert.pem"))
SIGNING_PEM_CHAIN_PATHS = env.list("SIGNING_PEM_CHAIN_PATHS", default=[str(SIGNING_DIR / "root-ca.pem")])
# Certificates (PEM or DER files) the public verification page trusts.
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[str(SIGNING_DIR / "root-ca.pem")])

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = env.str("DEFAULT_LANGUAGE", default="vi")
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "motcua_language"
# Follow the browser's Accept-Language too (off: Vietnamese unless the person chose otherwise).
LANGUAGE_FROM_BROWSER = env.bool("LANGUAGE_FROM_BROWSER", default=False)
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "motcua.accounts.backends.StaffBackend",
    "motcua.accounts.oidc.CitizenOIDCBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:my-dossiers"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 3600

# Staff lockout (django-axes). Axes counts a failure *before* answering, so with a limit of N
# the N-th wrong password itself would get the lockout page. Our lockout callable answers that
# N-th attempt with the ordinary "wrong e-mail or password" form; every later attempt on the
# account is refused before the password is checked, even a right one, until the cool-off
# (counted from the last refused attempt) has passed. So with N = 5: five wrong passwords are
# answered normally and the sixth attempt is locked (accounts/lockout.py).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_CALLABLE = "motcua.accounts.lockout.lockout_response"
# Counted per normalised address: "Ana@X.vn" and "ana@x.vn" are the same account.
AXES_USERNAME_CALLABLE = "motcua.accounts.lockout.username_from_credentials"
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lockout is per account on purpose: staff of a one-stop centre share one public IP address,
# so locking by address would lock out a whole desk. Public endpoints get their own rate limits.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ADMIN = True

OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="motcua")

# --- OpenID Connect relying party (citizens) -------------------------------------------------
# Every value comes from OIDC_* variables; the defaults point at the demo identity provider
# that this project serves under /idp/. Pointing at VNeID or a FranceConnect-style provider
# is configuration only.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=True)
_IDP = env.str("OIDC_OP_BASE_URL", default=f"{SITE_URL}/idp/o")
# Shown to citizens as the source of their identity data (e.g. "VNeID").
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="motcua-portal")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="") or _secret_from_file("oidc_client_secret")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile email phone address vneid")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default=_IDP)
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default=f"{_IDP}/authorize/")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default=f"{_IDP}/token/")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default=f"{_IDP}/userinfo/")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default=f"{_IDP}/.well-known/jwks.json")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default=f"{_IDP}/logout/")
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_STORE_ID_TOKEN = True
OIDC_STATE_SIZE = 32
OIDC_NONCE_SIZE = 32
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_CREATE_USER = True
OIDC_OP_LOGOUT_URL_METHOD = "motcua.accounts.oidc.provider_logout_url"
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_CALLBACK_CLASS = "motcua.accounts.oidc.CitizenOIDCCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "accounts:oidc-failed"

# --- API for agency systems (/api/v1/: OAuth2 client credentials, `manage.py api_client_create`) --
# Scopes an API client may be given; the token endpoint is /api/oauth/token/ (even without the IdP).
API_SCOPES = {
    "prefill": "Create prefilled links that start a dossier",
    "dossiers:read": "Read dossiers",
    "dossiers:write": "Change dossiers",
    "directory:read": "Read the directory of agencies and procedures",
}
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=120)  # per API client
# DOT's default, named so that api.ApiClient's migration can depend on it (a swappable model).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# --- Demo identity provider (django-oauth-toolkit OIDC provider) -----------------------------
IDP_ENABLED = env.bool("IDP_ENABLED", default=True)
IDP_RSA_PRIVATE_KEY_PATH = Path(env.str("IDP_RSA_PRIVATE_KEY_PATH", default=str(VAR_DIR / "idp_rsa.pem")))
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": True,
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Full name, birth date, gender",
        "email": "E-mail address",
        "phone": "Phone number",
        "address": "Permanent address",
        "vneid": "Personal identification number",
        **API_SCOPES,
    },
    # API scopes only for the API clients that were given them (motcua/api/scopes.py).
    "SCOPES_BACKEND_CLASS": "motcua.api.scopes.ApiClientScopes",
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_VALIDATOR_CLASS": "motcua.accounts.idp.validators.IdentityClaimsValidator",
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
    "ID_TOKEN_EXPIRE_SECONDS": 600,
    # The demo IdP's own issuer (not OIDC_OP_ISSUER, which may name a real provider).
    "OIDC_ISS_ENDPOINT": f"{SITE_URL}/idp/o",
    # Read from IDP_RSA_PRIVATE_KEY_PATH below (written by `manage.py idp_setup`, never committed).
    "OIDC_RSA_PRIVATE_KEY": "",
}
if IDP_RSA_PRIVATE_KEY_PATH.is_file():
    OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = IDP_RSA_PRIVATE_KEY_PATH.read_text()
# The sign-in page lists the sandbox's fictitious people and their shared password.
IDP_SHOW_DEMO_ACCOUNTS = env.bool("IDP_SHOW_DEMO_ACCOUNTS", default=True)
# The one password `load_demo` gives every demo account (staff and sandbox identities);
# the IdP sign-in page shows it. Demo data only: real accounts never get it.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="Demo@2026!motcua")

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="motcua <no-reply@motcua.local>")

# --- Map field (procedures' "map" type): background tiles ------------------------------------
# An XYZ tile URL ({s} subdomains allowed); empty: the map shows no background, drawing still works.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# HTML shown in the map's corner, as the tile server's terms ask (trusted: it comes from settings).
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION", default='© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

# --- Content Security Policy (django-csp 4) -------------------------------------------------
# The map's tiles are <img> elements from the tile server's origin ("{s}." subdomains -> "*.").
_map_tile_origins = [
    "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL.replace("{s}", "*")))
] if MAP_TILE_URL.startswith(("https://", "http://")) else []
_oidc_op_origins = sorted(
    {"{0.scheme}://{0.netloc}".format(urlsplit(url)) for url in (OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_LOGOUT_ENDPOINT) if url}
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_map_tile_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Signing out (a form) redirects to the identity provider's logout endpoint, and
        # browsers check form-action along redirects: allow the provider's origin.
        "form-action": ["'self'", *_oidc_op_origins, *env.list("CSP_FORM_ACTION_EXTRA", default=[])],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Branding ---------------------------------------------------------------------------------
ADMINISTRATION_NAME = env.str("ADMINISTRATION_NAME", default="Cổng dịch vụ công tỉnh Điện Biên")
ADMINISTRATION_LOGO = env.str("ADMINISTRATION_LOGO", default="img/logo.svg")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every rendering step at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
