"""Settings come from the environment; the database is PostgreSQL, embedded or from DATABASE_URL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 64 + "production-like-secret-key-for-tests",
    "DJANGO_ALLOWED_HOSTS": "fusion-triage.example.nhs.uk",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://fusion-triage.example.nhs.uk",
    "DATABASE_URL": "postgres://app:secret@db.example:5432/fusion",
}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REQUIRE_2FA"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW_DB = (
    "import json; from django.conf import settings; d = settings.DATABASES['default'];"
    "print(json.dumps({k: d[k] for k in ('ENGINE', 'HOST', 'NAME')} | {'debug': settings.DEBUG,"
    " 'socket': d.get('OPTIONS', {}).get('host')}))"
)


def test_database_url_is_used_when_set():
    result = run_python(SHOW_DB, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    db = json.loads(result.stdout.strip().splitlines()[-1])
    assert db["HOST"] == "db.example"
    assert db["NAME"] == "fusion"
    assert db["ENGINE"] == "core.postgresql"
    assert db["debug"] is False


def test_embedded_postgres_is_started_when_database_url_is_unset():
    result = run_python(SHOW_DB, {"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    db = json.loads(result.stdout.strip().splitlines()[-1])
    assert db["socket"] == str(ROOT / ".pgdata")
    assert db["ENGINE"] == "core.postgresql"


def test_sqlite_database_url_is_refused():
    result = run_python(SHOW_DB, {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_python(SHOW_DB, env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_malformed_boolean_setting_fails_loudly():
    result = run_python(SHOW_DB, {**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize("debug", ["", "false"])
def test_debug_is_off_unless_turned_on(debug):
    result = run_python(SHOW_DB, {**PRODUCTION_ENV, "DJANGO_DEBUG": debug})
    assert json.loads(result.stdout.strip().splitlines()[-1])["debug"] is False


def test_check_deploy_reports_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_test_suite_differs_from_production_only_through_its_environment():
    """pyproject.toml's pytest env turns HTTPS and hashed static files off; nothing else does."""
    result = run_python(
        "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, "
        "settings.STATIC_MANIFEST)",
        {**PRODUCTION_ENV},
    )
    assert result.stdout.split() == ["True", "True"], result.stderr
    test_env = {**PRODUCTION_ENV, "DJANGO_SECURE_HTTPS": "false", "DJANGO_STATIC_MANIFEST": "false"}
    result = run_python(
        "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, "
        "settings.STATIC_MANIFEST)",
        test_env,
    )
    assert result.stdout.split() == ["False", "False"], result.stderr


SHOW_REPLICA = (
    "import json; from django.conf import settings; r = settings.DATABASES.get('replica');"
    "print(json.dumps({'replica': r and {k: r[k] for k in ('ENGINE', 'HOST', 'NAME')},"
    " 'reads': settings.REPLICA_READS}))"
)


def test_replica_alias_is_configured_from_database_replica_url():
    env = {**PRODUCTION_ENV, "DATABASE_REPLICA_URL": "postgres://ro:secret@replica.example/fusion"}
    result = run_python(SHOW_REPLICA, env)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["replica"]["HOST"] == "replica.example"
    assert shown["replica"]["ENGINE"] == "core.postgresql"
    assert shown["reads"] is True


def test_without_database_replica_url_there_is_no_replica_alias():
    result = run_python(SHOW_REPLICA, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"replica": None, "reads": False}


def test_sqlite_replica_url_is_refused():
    result = run_python(SHOW_REPLICA, {**PRODUCTION_ENV, "DATABASE_REPLICA_URL": "sqlite:///r.db"})
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


SHOW_PREPARED = (
    "import json; from django.conf import settings;"
    "print(json.dumps({a: d['PREPARE_STATEMENTS'] for a, d in settings.DATABASES.items()}))"
)


def test_prepared_statements_are_on_unless_turned_off_for_a_pooler():
    on = run_python(SHOW_PREPARED, PRODUCTION_ENV)
    off = run_python(SHOW_PREPARED, {**PRODUCTION_ENV, "DATABASE_PREPARED_STATEMENTS": "false"})
    assert json.loads(on.stdout.strip().splitlines()[-1]) == {"default": True}, on.stderr
    assert json.loads(off.stdout.strip().splitlines()[-1]) == {"default": False}, off.stderr
