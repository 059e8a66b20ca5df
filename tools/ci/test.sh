#!/usr/bin/env bash
# The full test suite on a fresh machine (Node 20+, Java 17+, Maven, PostgreSQL or DATABASE_URL):
# installs dependencies, fetches and starts a local Kafka broker (Maven Central jars) when none answers,
# then runs lint, type-check, unit, integration, end-to-end (incl. the console's browser tests in the system Chromium),
# the reduced fault suite and the benchmark smoke run.
#   npm test                     everything
#   TEST_TIERS="unit int" npm test   a subset (unit, lint, typecheck, int, e2e, faults, bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
export TZ=UTC
export CI="${CI:-}"
tiers="${TEST_TIERS:-lint typecheck unit int e2e faults bench}"

step() { printf '\n=== %s ===\n' "$*"; }

step "install dependencies"
# `npm install` honours package-lock.json; `npm ci` is not used because the lock file cannot list the
# other platforms' optional @swc/core binaries where the registry mirror does not serve them.
if [ -n "$CI" ] || [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi

# Debian package `prometheus`: promtool for the alert-rule unit tests (unit tier) and the prometheus binary for the
# alerting e2e test (tools/k8s/prometheus-alerts.e2e-spec.ts, e2e tier); installed when missing and possible. The
# test runs its own prometheus on a free port: a system service the package may start is stopped.
for t in $tiers; do
  if { [ "$t" = unit ] && ! command -v promtool > /dev/null; } || { [ "$t" = e2e ] && ! command -v prometheus > /dev/null; }; then
    step "promtool + prometheus (Debian package prometheus)"
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus > /dev/null) \
        || echo "could not install prometheus: the promtool checks and the alerting e2e test will fail under CI=true" >&2
      if command -v systemctl > /dev/null && systemctl is-active --quiet prometheus 2> /dev/null; then systemctl stop prometheus || true; fi
      if command -v service > /dev/null && service prometheus status > /dev/null 2>&1; then service prometheus stop > /dev/null 2>&1 || true; fi
    else
      echo "prometheus/promtool missing and not installable here (needs root + apt-get): install the prometheus package" >&2
    fi
  fi
done

# Debian package `chromium`: the console's browser tests (apps/console/e2e/*.e2e-spec.ts, e2e tier) drive the system
# Chromium with playwright-core; nothing downloads a browser. Installed when missing and possible; CHROMIUM_PATH
# points elsewhere.
for t in $tiers; do
  if [ "$t" = e2e ] && [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium > /dev/null && ! command -v chromium-browser > /dev/null; then
    step "chromium (Debian package chromium, for the console's browser tests)"
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium > /dev/null) \
        || echo "could not install chromium: the console's browser tests will fail (install the chromium package or set CHROMIUM_PATH)" >&2
    else
      echo "chromium missing and not installable here (needs root + apt-get): install the chromium package or set CHROMIUM_PATH" >&2
    fi
  fi
done

started_kafka=""
# KEEP_KAFKA=1 from the caller keeps the broker this script starts; the export below (for the Jest tiers) must not.
keep_kafka_after="${KEEP_KAFKA:-}"
cleanup() {
  if [ -n "$started_kafka" ] && [ -z "$keep_kafka_after" ]; then bash tools/kafka/kafka.sh stop || true; fi
}
trap cleanup EXIT

need_kafka=""
for t in $tiers; do case "$t" in int|e2e|faults|bench) need_kafka=1 ;; esac; done
if [ -n "$need_kafka" ]; then
  step "local Kafka broker"
  if ! bash tools/kafka/kafka.sh status; then
    bash tools/kafka/kafka.sh start
    started_kafka=1
  fi
  export KEEP_KAFKA=1 # one broker for all tiers; stopped by the trap above
  step "PostgreSQL"
  node -e "
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres' });
    c.connect().then(() => c.query('select version()')).then((r) => { console.log(r.rows[0].version); return c.end(); })
      .catch((e) => { console.error('PostgreSQL is not reachable (set DATABASE_URL):', e.message); process.exit(1); });"
fi

for t in $tiers; do
  case "$t" in
    lint) step "lint (ESLint + Nx module boundaries)"; npm run -s lint ;;
    typecheck) step "type-check"; npx tsc -p tsconfig.json && npx tsc -p apps/console/tsconfig.json ;;
    unit) step "unit tests"; npx jest -c jest.unit.config.js --ci ;;
    int) step "integration tests (real Kafka + PostgreSQL)"; npx jest -c jest.int.config.js --ci ;;
    e2e) step "end-to-end tests (apps as processes)"; npx jest -c jest.e2e.config.js --ci ;;
    faults)
      if [ -f jest.faults.config.js ]; then step "fault-injection suite (reduced)"; FAULTS_PROFILE="${FAULTS_PROFILE:-ci}" npx jest -c jest.faults.config.js --ci; fi ;;
    bench)
      if [ -f bench/run.ts ]; then step "benchmark smoke run"; node -r @swc-node/register bench/run.ts --quick; fi ;;
    *) echo "unknown tier $t" >&2; exit 2 ;;
  esac
done
step "all tiers passed: $tiers"
