"""Settings for the bare insert view: DEBUG off, no middleware, the same database as the project.

It is the yardstick the HTTP benchmark divides by: what Django and gunicorn cost for one
request that inserts one row, with none of the service's pages, forms or security layers.
"""

import os

import dj_database_url

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1").split(",") if h]
INSTALLED_APPS = ["bench.bare.apps.BareConfig"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.bare.urls"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Europe/London"
LOGGING = {"version": 1, "disable_existing_loggers": False}
