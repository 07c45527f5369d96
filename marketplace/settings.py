"""Settings, read from the environment (12-factor).

With no variables set the project runs on embedded defaults that need no server: SQLite and a
file-system Celery broker in ``var/``. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and
Redis; ``DJANGO_ENV=production`` turns on the secure profile. ``.env.example`` lists every variable.
Environments differ only in their variables, never in Python modules.
"""

import secrets
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
IS_PRODUCTION = DJANGO_ENV == "production"
DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """Production takes the key from the environment; development (manage.py commands, make run,
    tests) keeps a random local one in var/, so no command needs setting up first."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if IS_PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set SECRET_KEY (it is required when DJANGO_ENV=production).")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env.str("SITE_NAME", default="Marketplace")
# The public address of the site, for absolute links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Apps are listed in the dependency order of DESIGN.md; seed_demo runs their seed modules in it.
INSTALLED_APPS = [
    "marketplace.core",
    "marketplace.accounts",
    "marketplace.sellers",
    "marketplace.notifications",
    "catalog",
    "orders",
    "payments",
    "logistics",
    "support",
    "community",
    "analytics",
    "marketplace.core.admin_site.MarketplaceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "marketplace.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

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
                "marketplace.core.context_processors.site",
                "marketplace.notifications.context_processors.inbox",
                "marketplace.sellers.context_processors.seller",
                "orders.context_processors.cart",
                "payments.context_processors.display_currency",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parallel query helps one big report, not many short pages: under load on 2 cores each
    # search started two more processes that fought the other requests for the cores (search
    # 手機 p95 165 ms with them, 108 ms without; docs/performance.md). Reports may raise it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={env.int('DATABASE_PARALLEL_WORKERS', default=0)}"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background work ---------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "visibility_timeout": 3600}
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = True
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange tables; kombu's default is ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    # The file-system transport has no fan-out exchange, so remote control (ping, inspect) is off.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False

CELERY_TIMEZONE = "UTC"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through Django's LOGGING (JSON on stdout) like the web processes.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A publisher must not hang when the broker is down: the outbox sweeper sends the message later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_QUEUE_NAMES = ("default", "notifications", "tracking", "reports")
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in CELERY_QUEUE_NAMES]
CELERY_TASK_ROUTES = {
    "marketplace.notifications.tasks.*": {"queue": "notifications"},
    "orders.tasks.send_order_notices": {"queue": "notifications"},
    "orders.tasks.send_group_notices": {"queue": "notifications"},
    "logistics.tasks.send_late_dispatch_notice": {"queue": "notifications"},
    "analytics.tasks.*": {"queue": "reports"},
    "logistics.tasks.poll_active_shipments": {"queue": "tracking"},
    "logistics.tasks.process_carrier_event": {"queue": "tracking"},
    "logistics.tasks.send_shipment_notice": {"queue": "notifications"},
}
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {
        "task": "marketplace.notifications.tasks.sweep_outbox",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=60.0),
    },
    # Warn merchants 30 days before a qualification document expires; suspend on expiry.
    "check-qualification-expiry": {
        "task": "marketplace.sellers.tasks.check_qualification_expiry",
        "schedule": crontab(hour=1, minute=30),
    },
    "lift-expired-penalties": {
        "task": "marketplace.sellers.tasks.lift_expired_penalties",
        "schedule": crontab(minute=0),
    },
    # Rebuild "customers also viewed" from the last 90 days of product views; drop old views.
    "compute-product-associations": {
        "task": "analytics.tasks.compute_product_associations",
        "schedule": crontab(hour=3, minute=0),
        "options": {"queue": "reports"},
    },
    "prune-product-views": {
        "task": "analytics.tasks.prune_product_views",
        "schedule": crontab(hour=3, minute=30),
        "options": {"queue": "reports"},
    },
    # Cancel orders left unpaid past their deadline and put their stock and coupons back.
    "expire-unpaid-orders": {
        "task": "orders.tasks.expire_unpaid_orders",
        "schedule": 60.0,
    },
    # Provider events not applied yet, and refunds a provider could not be reached for.
    "retry-payment-events": {
        "task": "payments.tasks.retry_unprocessed_events",
        "schedule": 300.0,
    },
    "retry-pending-refunds": {
        "task": "payments.tasks.retry_pending_refunds",
        "schedule": 300.0,
    },
    # Complete delivered orders the buyer has not confirmed within ORDERS_AUTO_COMPLETE_DAYS.
    "complete-delivered-orders": {
        "task": "orders.tasks.complete_delivered_orders",
        "schedule": crontab(minute=15),
    },
    # Shops' shares of orders completed PAYMENTS_HOLDING_DAYS ago become available.
    "release-available-funds": {
        "task": "payments.tasks.release_available_funds",
        "schedule": crontab(minute=30),
    },
    # Available balances of at least PAYMENTS_MINIMUM_PAYOUT are paid out, once a day.
    "schedule-payouts": {
        "task": "payments.tasks.schedule_payouts",
        "schedule": crontab(hour=2, minute=0),
    },
    # Take the display currencies' exchange rates from EXCHANGE_RATES_URL (does nothing if unset).
    "refresh-exchange-rates": {
        "task": "payments.tasks.refresh_exchange_rates",
        "schedule": crontab(minute=5),
    },
    # Flag paid orders not shipped within their shop's handling time; tell the shop.
    "flag-late-dispatches": {
        "task": "logistics.tasks.flag_late_dispatches",
        "schedule": 600.0,
    },
    # Ask the carriers about shipments due a poll (LOGISTICS_POLL_MINUTES, less during a peak).
    "poll-active-shipments": {
        "task": "logistics.tasks.poll_active_shipments",
        "schedule": 60.0,
        "options": {"queue": "tracking"},
    },
    # Carriers' webhook events not applied yet (their shipment was not known yet, say).
    "retry-carrier-events": {
        "task": "logistics.tasks.retry_unprocessed_carrier_events",
        "schedule": 300.0,
        "options": {"queue": "tracking"},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Outbox rows not confirmed as delivered after this many seconds are sent again by the sweeper.
OUTBOX_RESEND_AFTER_SECONDS = env.int("OUTBOX_RESEND_AFTER_SECONDS", default=120)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)

# --- Sellers -----------------------------------------------------------------------------------
# Largest qualification document (licence scan, ID card) a merchant may upload.
QUALIFICATION_MAX_UPLOAD_BYTES = env.int("QUALIFICATION_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)

# --- Catalogue ---------------------------------------------------------------------------------
# Largest product picture a merchant may upload (it is re-encoded into thumb/card/zoom sizes).
PRODUCT_IMAGE_MAX_UPLOAD_BYTES = env.int("PRODUCT_IMAGE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# How long a drawn product card stays in the cache (0: draw every card every time). Its key is
# everything the card shows, so this bounds only how late an exchange-rate refresh reaches it.
CATALOG_CARD_CACHE_SECONDS = env.int("CATALOG_CARD_CACHE_SECONDS", default=300)
# How long the facet counts of a search, category or shop page are kept (0: counted every
# time). The products listed are always read afresh; only the counts beside them may lag.
CATALOG_FACET_CACHE_SECONDS = env.int("CATALOG_FACET_CACHE_SECONDS", default=60)

# --- Orders ------------------------------------------------------------------------------------
# The function that offers each shop's delivery options and prices at checkout (dotted path);
# logistics' shipping templates by default (shops without one keep orders' flat rate).
ORDERS_SHIPPING_QUOTE = env.str(
    "ORDERS_SHIPPING_QUOTE", default="logistics.services.quotes.quote_delivery"
)
# Unpaid orders are cancelled after this many minutes (fewer when they hold flash-sale units).
ORDERS_PAYMENT_TIMEOUT_MINUTES = env.int("ORDERS_PAYMENT_TIMEOUT_MINUTES", default=30)
ORDERS_FLASH_PAYMENT_TIMEOUT_MINUTES = env.int("ORDERS_FLASH_PAYMENT_TIMEOUT_MINUTES", default=15)
# Delivered orders complete by themselves after this many days unless after-sales is open.
ORDERS_AUTO_COMPLETE_DAYS = env.int("ORDERS_AUTO_COMPLETE_DAYS", default=10)
# Delivery price of a shop that has not set one.
ORDERS_DEFAULT_SHIPPING_RATE = env.str("ORDERS_DEFAULT_SHIPPING_RATE", default="5.00")
# The function telling checkout which display currency and rate the buyer saw (dotted path),
# recorded on the order group; payments answers from its exchange-rate table.
ORDERS_DISPLAY_RATE = env.str(
    "ORDERS_DISPLAY_RATE", default="payments.services.currencies.display_rate_for_request"
)

# --- Payments ----------------------------------------------------------------------------------
# Payment methods offered to buyers, in this order. The sandbox (no network, a hosted test page on
# this site) is the embedded default; Stripe is offered once STRIPE_SECRET_KEY is set.
# In production the sandbox (which approves without money) is never a default, nor bank transfer
# to the demo account below; listing either there explicitly fails the checks (payments/checks.py).
PAYMENT_PROVIDERS = env.list(
    "PAYMENT_PROVIDERS",
    default=[
        *([] if IS_PRODUCTION else ["sandbox"]),
        *(["stripe"] if env.str("STRIPE_SECRET_KEY", default="") else []),
        "store_credit",
        # In production only once the platform's own account is set (BANK_TRANSFER_*).
        *(
            ["bank_transfer"]
            if not IS_PRODUCTION or env.str("BANK_TRANSFER_ACCOUNT_NUMBER", default="")
            else []
        ),
        "cash_on_delivery",
    ],
)
# Behind a reverse proxy that appends the client's address to X-Forwarded-For, read it from there
# (risk control counts attempts per IP address); off, REMOTE_ADDR is the client.
USE_X_FORWARDED_FOR = env.bool("USE_X_FORWARDED_FOR", default=False)
# Signs the sandbox's own webhooks (it posts them to /payments/webhooks/sandbox/).
SANDBOX_WEBHOOK_SECRET = env.str("SANDBOX_WEBHOOK_SECRET", default="sandbox-webhook-secret")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Where the Stripe client sends its calls; tests point it at a local fake server.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
# How long an order waits for a bank transfer (instead of ORDERS_PAYMENT_TIMEOUT_MINUTES).
BANK_TRANSFER_DAYS = env.int("BANK_TRANSFER_DAYS", default=3)
# Where the sandbox posts its webhooks (this site's own endpoint unless set).
SANDBOX_WEBHOOK_URL = (
    env.str("SANDBOX_WEBHOOK_URL", default="") or f"{SITE_URL}/payments/webhooks/sandbox/"
)
# A sandbox payment approved with "confirm later" succeeds after this many seconds.
SANDBOX_CONFIRM_LATER_SECONDS = env.int("SANDBOX_CONFIRM_LATER_SECONDS", default=10)
# The platform's account shown to buyers who pay by bank transfer.
BANK_TRANSFER_ACCOUNT = {
    "name": env.str("BANK_TRANSFER_ACCOUNT_NAME", default="Marketplace Ltd."),
    "bank": env.str("BANK_TRANSFER_BANK", default="Demo Bank"),
    "number": env.str("BANK_TRANSFER_ACCOUNT_NUMBER", default="000-123-456789"),
    "swift": env.str("BANK_TRANSFER_SWIFT", default="DEMOXXXX"),
}
# Refunds above this amount (base currency) need a person with two-factor authentication.
PAYMENTS_REFUND_MFA_THRESHOLD = env.str("PAYMENTS_REFUND_MFA_THRESHOLD", default="200.00")
# Commission on a category's sales when staff set no rate for it (or its parents), in percent.
PAYMENTS_DEFAULT_COMMISSION_PERCENT = Decimal(
    env.str("PAYMENTS_DEFAULT_COMMISSION_PERCENT", default="5.00")
)
# A completed order's share stays in escrow this many days before the shop can be paid it.
PAYMENTS_HOLDING_DAYS = env.int("PAYMENTS_HOLDING_DAYS", default=7)
# The beat job pays out a shop's available balance once it reaches this amount (base currency).
PAYMENTS_MINIMUM_PAYOUT = Decimal(env.str("PAYMENTS_MINIMUM_PAYOUT", default="50.00"))

# Late dispatch: every N late orders due within the window count as one violation of the
# platform rule LATE-DISPATCH (see logistics.services.dispatch).
LOGISTICS_LATE_DISPATCHES_PER_VIOLATION = env.int(
    "LOGISTICS_LATE_DISPATCHES_PER_VIOLATION", default=3
)
LOGISTICS_LATE_DISPATCH_WINDOW_DAYS = env.int("LOGISTICS_LATE_DISPATCH_WINDOW_DAYS", default=30)
# --- Logistics: shipments and tracking -----------------------------------------------------------
# The sandbox carrier (no network) moves a parcel this many times faster than a real one: at 60,
# a three-day delivery takes about an hour and a quarter, so the demo visibly moves.
LOGISTICS_SANDBOX_TIME_SCALE = env.float("LOGISTICS_SANDBOX_TIME_SCALE", default=60.0)
# Active shipments are asked about this often (a peak period may ask more often), this many a run.
LOGISTICS_POLL_MINUTES = env.int("LOGISTICS_POLL_MINUTES", default=60)
LOGISTICS_POLL_BATCH = env.int("LOGISTICS_POLL_BATCH", default=200)
# The tracking aggregator (AfterShip-style API) behind carriers whose adapter is "tracker".
LOGISTICS_TRACKER_API_URL = env.str(
    "LOGISTICS_TRACKER_API_URL", default="https://api.aftership.com/v4"
).rstrip("/")
LOGISTICS_TRACKER_API_KEY = env.str("LOGISTICS_TRACKER_API_KEY", default="")
LOGISTICS_TRACKER_WEBHOOK_SECRET = env.str("LOGISTICS_TRACKER_WEBHOOK_SECRET", default="")
LOGISTICS_TRACKER_TIMEOUT_SECONDS = env.float("LOGISTICS_TRACKER_TIMEOUT_SECONDS", default=10.0)
# The font labels are printed in: a CJK font so Chinese addresses print (a .ttf/.otf, or a .ttc
# with the face number); without it, labels fall back to DejaVu Sans or the PDF's own Helvetica.
LOGISTICS_LABEL_FONT = env.str(
    "LOGISTICS_LABEL_FONT", default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
)
LOGISTICS_LABEL_FONT_INDEX = env.int("LOGISTICS_LABEL_FONT_INDEX", default=3)  # Noto Sans CJK TC

# --- Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str(
    "ACCOUNT_EMAIL_VERIFICATION", default="mandatory" if IS_PRODUCTION else "optional"
)
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "marketplace.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# --- Languages, money --------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_TZ = True
DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="USD")
CURRENCIES = env.list("CURRENCIES", default=["USD", "CNY", "TWD", "HKD", "EUR", "JPY"])
if DEFAULT_CURRENCY not in CURRENCIES:
    CURRENCIES.insert(0, DEFAULT_CURRENCY)
# Where the beat job reads exchange rates for the display currencies (open.er-api.com's JSON
# shape, e.g. https://open.er-api.com/v6/latest/USD); empty: staff keep the rates in admin.
EXCHANGE_RATES_URL = env.str("EXCHANGE_RATES_URL", default="")
EXCHANGE_RATES_TIMEOUT_SECONDS = env.float("EXCHANGE_RATES_TIMEOUT_SECONDS", default=10.0)

# --- Files -------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Qualification documents and evidence: never under MEDIA_ROOT, served only through checked views.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {
        "BACKEND": env.str("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage")
    },
    "private": {
        "BACKEND": env.str(
            "PRIVATE_MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/private/not-served/"},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail ------------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SILENCED_SYSTEM_CHECKS: list[str] = []

# --- Logging: one JSON object a line on stdout, with the request id ----------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "marketplace.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "marketplace.core.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

ADMIN_SITE_HEADER = _("Marketplace administration")
