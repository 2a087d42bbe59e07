#!/usr/bin/env bash
# `npm test`: every gate, in the order that fails fastest. Installs what the tests need from
# Debian's packages when it runs as root (Chromium; PostgreSQL's server binaries, which the
# vitest suites use unless TEST_DATABASE_URL is set and tests/faults.e2e.ts always uses: it
# stops and starts a cluster of its own).
set -euo pipefail
cd "$(dirname "$0")/../.."

need_apt=()
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then need_apt+=(chromium); fi
if [ -z "${PG_BIN:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	need_apt+=(postgresql)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "▶ installing ${need_apt[*]} from Debian's packages"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
	else
		echo "Missing: ${need_apt[*]}. Install with: sudo apt-get install ${need_apt[*]}" >&2
		echo "(or set CHROMIUM_PATH to a Chromium binary / PG_BIN to the folder of PostgreSQL ≥ 15 initdb and pg_ctl)" >&2
		exit 1
	fi
fi

echo "▶ type check (svelte-check)"
npm run --silent check
echo "▶ lint (prettier, eslint)"
npm run --silent lint
echo "▶ unit and database tests (vitest: PGlite and PostgreSQL)"
npx vitest run
echo "▶ build"
# Built with the server's secrets set to a canary: tests/ops.e2e.ts checks that none of it
# reaches the files sent to browsers.
KOERS_BUILD_CANARY="canary-$(date +%s)-never-in-the-client-bundle"
export KOERS_BUILD_CANARY
KOERS_SESSION_SECRET="$KOERS_BUILD_CANARY" KOERS_PSEUDONYM_SECRET="$KOERS_BUILD_CANARY" \
	SUPABASE_JWT_SECRET="$KOERS_BUILD_CANARY" DATABASE_URL="postgres://canary:$KOERS_BUILD_CANARY@localhost/x" \
	npm run --silent build >/dev/null
echo "▶ production install (npm install --omit=dev: its size, the built server starts from it)"
npx tsx tests/setup/production-install.ts
echo "▶ browser tests (Playwright, Chromium)"
# the servers' data folders (a few hundred MB per run) go with the run
KOERS_E2E_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/koers-e2e-run-XXXXXX")"
export KOERS_E2E_ROOT
trap 'rm -rf "$KOERS_E2E_ROOT"' EXIT
npx playwright test
