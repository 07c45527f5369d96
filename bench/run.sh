#!/usr/bin/env bash
# Load benchmark: gunicorn (2 workers) on the PostgreSQL benchmark database, then bench/load.py
# over the home page, a category listing, a product page and searches in Chinese and English.
#
#   createdb -h 127.0.0.1 -U postgres mp_demo_bench
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/mp_demo_bench .venv/bin/python manage.py migrate
#   DATABASE_URL=... .venv/bin/python manage.py seed_demo --products 100000
#   bench/run.sh [seconds-per-page] [concurrency] [spread]
# A spread N requests many addresses per page kind (bench/urls.py --spread): every category,
# N random products and about fifteen searches per script, instead of one address each.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mp_demo_bench}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/8}"
export DEBUG=false
export SECRET_KEY="${SECRET_KEY:-bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz}"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export STATIC_ROOT="${STATIC_ROOT:-$PWD/var/bench-static}"
PORT="${BENCH_PORT:-8765}"
DURATION="${1:-15}"
CONCURRENCY="${2:-8}"
SPREAD="${3:-0}"
PY=.venv/bin/python

$PY manage.py collectstatic --noinput -v0   # the manifest static storage needs it without DEBUG
mapfile -t PAGES < <($PY bench/urls.py --spread "$SPREAD")

.venv/bin/gunicorn bench.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" \
  --access-logfile /dev/null --error-logfile var/bench-gunicorn.log --log-level warning \
  >>var/bench-gunicorn.log 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 1 60); do
  if $PY -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/robots.txt', timeout=1)" \
    2>/dev/null || $PY -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/', timeout=1)" 2>/dev/null; then
    break
  fi
  sleep 0.5
done

# One pass over every page first, so each worker has loaded jieba, OpenCC and warm caches.
for page in "${PAGES[@]}"; do
  first="${page#*=}"; first="${first%%|*}"
  $PY -c "import sys, urllib.request as u; u.urlopen('http://127.0.0.1:$PORT' + sys.argv[1], timeout=30).read()" \
    "$first" 2>/dev/null || echo "warning: ${page%%=*} ($first) does not answer 200"
done

$PY bench/load.py --base "http://127.0.0.1:$PORT" --duration "$DURATION" \
  --concurrency "$CONCURRENCY" --json var/bench-results.json "${PAGES[@]}"
