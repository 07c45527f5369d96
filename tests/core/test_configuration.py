"""The settings profiles and deployment files, checked the way an operator would use them."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO", "DATABASE", "REDIS", "SECRET", "DEBUG", "ALLOWED"))
    }
    clean.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="marketplace.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_profile_passes_the_deploy_check_without_warnings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "shop.example.com",
        },
        tmp_path=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_default_profile_fails_the_deploy_check(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env={"DEBUG": "true"}, tmp_path=tmp_path
    )

    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_secret_key_is_required_in_production(tmp_path):
    result = run_manage(
        "check",
        env={"DJANGO_ENV": "production", "ALLOWED_HOSTS": "shop.example.com"},
        tmp_path=tmp_path,
    )

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_development_commands_need_no_environment(tmp_path):
    """A fresh checkout runs management commands (makemigrations --check in CI) with nothing set."""
    result = run_manage("makemigrations", "--check", "--dry-run", env={}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()


def test_embedded_defaults_use_sqlite_and_the_file_broker_in_var(tmp_path):
    script = (
        "import json;from django.conf import settings as s;print(json.dumps({"
        "'db': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
        "'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'],"
        "'queue': s.CELERY_BROKER_TRANSPORT_OPTIONS['data_folder_in'],"
        "'control': s.CELERY_BROKER_TRANSPORT_OPTIONS['control_folder']}))"
    )
    result = run_manage("shell", "-c", script, env={"DEBUG": "true"}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    chosen = json.loads(result.stdout.strip().splitlines()[-1])
    assert chosen["db"] == "django.db.backends.sqlite3"
    assert chosen["name"] == str(tmp_path / "db.sqlite3")
    assert chosen["broker"] == "filesystem://"
    assert chosen["queue"].startswith(str(tmp_path))
    assert chosen["control"].startswith(str(tmp_path))  # never ./control in the checkout
    assert chosen["cache"].endswith("FileBasedCache")


def test_service_urls_switch_to_postgres_and_redis(tmp_path):
    script = (
        "import json;from django.conf import settings as s;print(json.dumps({"
        "'db': s.DATABASES['default']['ENGINE'], 'broker': s.CELERY_BROKER_URL,"
        "'cache': s.CACHES['default']['BACKEND'], 'sessions': s.SESSION_ENGINE}))"
    )
    env = {
        "DEBUG": "true",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
    }
    result = run_manage("shell", "-c", script, env=env, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    chosen = json.loads(result.stdout.strip().splitlines()[-1])
    assert chosen == {
        "db": "django.db.backends.postgresql",
        "broker": "redis://127.0.0.1:6379/14",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "sessions": "django.contrib.sessions.backends.cache",
    }


def test_docker_compose_file_follows_the_compose_specification():
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_web_worker_beat_postgres_and_redis():
    text = (ROOT / "docker-compose.yml").read_text()

    for service in ("web:", "worker:", "beat:", "postgres:", "redis:"):
        assert f"\n  {service}" in text
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()


def test_every_beat_entry_names_a_registered_task(settings):
    from marketplace.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
