"""The settings module: secure by default, loud when misconfigured."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_LIKE = {
    "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-0123456789-abcdefghij",
    "DEBUG": "false",
    "HTTPS": "true",
    "ALLOWED_HOSTS": "capacity.example.nhs.uk",
    "CSRF_TRUSTED_ORIGINS": "https://capacity.example.nhs.uk",
    "EMAIL_HOST": "smtp.example.nhs.uk",
}


def run_python(code_or_args, env_overrides, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_overrides)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        PRODUCTION_LIKE,
        drop=("DJANGO_ALLOW_ASYNC_UNSAFE",),  # set by the browser tests' conftest
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tracker.settings'; django.setup()",
        {"DEBUG": "false"},
        drop=("SECRET_KEY",),
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY is not set" in lines[0]


def test_debug_is_off_unless_asked_for():
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='tracker.settings'; "
        "from django.conf import settings; print(settings.DEBUG, settings.TIME_ZONE)",
        {"SECRET_KEY": "x"},
        drop=("DEBUG",),
    )
    assert result.stdout.split() == ["False", "Europe/London"], result.stderr


def test_a_misspelt_boolean_is_refused_in_one_line():
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='tracker.settings'; "
        "from django.conf import settings; settings.DEBUG",
        {"DEBUG": "maybe"},
    )
    assert result.returncode != 0
    assert result.stderr.strip() == "Care Capacity Tracker will not start: DEBUG must be true or false, not 'maybe'"


def test_database_url_uses_that_server_and_nothing_embedded_starts(tmp_path):
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='tracker.settings'; from django.conf import settings; "
        "d=settings.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['NAME'])",
        {"DATABASE_URL": "postgres://app:pw@db.internal:5432/capacity", "EMBEDDED_POSTGRES_DIR": str(tmp_path / "pg")},
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.internal", "capacity"], result.stderr
    assert not (tmp_path / "pg").exists()


def test_only_postgresql_is_accepted():
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='tracker.settings'; "
        "from django.conf import settings; settings.DEBUG",
        {"DATABASE_URL": "sqlite:///db.sqlite3"},
    )
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr
