#!/usr/bin/env bash
# Makes sure Debian's Chromium is there for the e2e tests (Playwright never downloads a browser here).
set -euo pipefail
bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$bin" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium package for the e2e tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The e2e tests need Chromium at $bin. Install Debian's 'chromium' package (sudo apt-get install chromium)," >&2
echo "or set CHROMIUM_PATH to a Chromium binary." >&2
exit 1
