"""Smoke run on the embedded defaults: a fresh SQLite database and file broker in a temporary
folder, migrate, seed the demo data, and render the home page. Exits non-zero on any failure."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="marketplace-smoke-") as var_dir:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(DEBUG="true", VAR_DIR=var_dir, DJANGO_SETTINGS_MODULE="marketplace.settings")
        python = sys.executable
        for args in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
            subprocess.run([python, "manage.py", *args], cwd=ROOT, env=env, check=True)
        check = (
            "from django.test import Client;"
            "c = Client(HTTP_HOST='127.0.0.1');"
            "r = c.get('/', HTTP_ACCEPT_LANGUAGE='en');"
            "assert r.status_code == 200, r.status_code;"
            "assert b'<main' in r.content;"
            "assert c.get('/s/demo-outfitters/').status_code == 200;"
            "h = c.get('/healthz');"
            "assert h.status_code == 200, h.content;"
            "print('smoke: home page and /healthz OK on', h.json()['checks']['database']['detail'])"
        )
        subprocess.run([python, "manage.py", "shell", "-c", check], cwd=ROOT, env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
