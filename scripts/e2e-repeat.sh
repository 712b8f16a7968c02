#!/usr/bin/env bash
# Runs the whole e2e suite N times in a row (default 5) on one build and stops at the first failure: a flaky spec
# shows itself here, not in CI. Not part of `npm test`. Set E2E_PORT when another checkout uses the default port.
# Usage: npm run test:e2e:repeat -- N [playwright args...]
set -euo pipefail
n="${1:-5}"
shift || true
if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
  echo "e2e-repeat: N must be a positive integer, got '$n'" >&2
  exit 2
fi
npx vite build >/dev/null
for i in $(seq 1 "$n"); do
  echo "e2e-repeat: run $i of $n"
  if ! npx playwright test "$@"; then
    echo "e2e-repeat: run $i of $n failed" >&2
    exit 1
  fi
done
echo "e2e-repeat: $n of $n runs passed"
