"""Production settings: `check --deploy` is clean, and a missing SECRET_KEY stops the start."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
MANAGE = ROOT / "manage.py"


def _run(env):
    return subprocess.run(
        [str(PYTHON if PYTHON.exists() else sys.executable), str(MANAGE), "check", "--deploy"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def production_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "SECURE_")) and key != "DATABASE_URL"
    }
    alphabet = string.ascii_letters + string.digits + "!@#$%^&*(-_=+)"
    env.update(
        DEBUG="0",
        HTTPS="1",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        ALLOWED_HOSTS="example.org",
        RIONE_DATA_DIR=str(tmp_path),
    )
    return env


def test_deploy_check_passes_with_production_settings(production_env):
    result = _run(production_env)

    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_stops_production(production_env):
    del production_env["SECRET_KEY"]

    result = _run(production_env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_short_secret_key_stops_production(production_env):
    production_env["SECRET_KEY"] = "too-short"

    result = _run(production_env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_without_https_the_deploy_check_warns(production_env):
    production_env["HTTPS"] = "0"

    result = _run(production_env)

    assert "security.W008" in result.stdout + result.stderr  # SECURE_SSL_REDIRECT


def _setting(env, expression):
    code = f"from django.conf import settings; print({expression})"
    result = subprocess.run(
        [
            str(PYTHON if PYTHON.exists() else sys.executable),
            str(MANAGE),
            "shell",
            "--no-imports",
            "-c",
            code,
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_cache_is_shared_by_every_worker(production_env):
    backend = _setting(production_env, 'settings.CACHES["default"]["BACKEND"]')
    assert backend == "rione.core.cache.DatabaseCache"

    production_env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    backend = _setting(production_env, 'settings.CACHES["default"]["BACKEND"]')
    assert backend == "django.core.cache.backends.redis.RedisCache"


def test_the_database_comes_from_database_url(production_env):
    production_env["DATABASE_URL"] = "postgres://rione@db.example.org:5432/rione"
    engine = _setting(production_env, 'settings.DATABASES["default"]["ENGINE"]')
    assert engine == "django.db.backends.postgresql"
