#!/usr/bin/env bash
# The browser tests need Debian's Chromium (never Playwright's download). Install it when we can;
# when we cannot, say how - the browser tests then fail with the same message, never skip.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium and fonts-noto-cjk with apt-get..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  exit 0
fi
echo "WARNING: Chromium is not installed and cannot be installed automatically." >&2
echo "         Install it with: sudo apt-get install -y chromium fonts-noto-cjk" >&2
echo "         (the browser tests will fail until it is there)." >&2
