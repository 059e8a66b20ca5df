#!/usr/bin/env bash
# Installs and starts the whole stack locally: Kafka broker (Maven Central jars), database migrations,
# topics, every app, and the demo traffic generator. Prints the URLs and a dev token.
#   npm start            start (idempotent: already running apps are left alone)
#   npm stop             stop the apps, the traffic generator and the broker
# Every app runs under tools/dev/supervise.sh: an app that exits (crash, kill -9) is started again with backoff.
# Migrations and topic creation are skipped when nothing changed since the last successful run (a stamp of the
# migration/topic sources and DATABASE_URL in .cache/dev, checked against the database's migration count).
# Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cep), DEMO_RATE (flows/s, default 5),
#              DEMO=0 to skip the traffic generator, FORCE_SETUP=1 to run migrations and topic creation anyway.
set -euo pipefail
cd "$(dirname "$0")/../.."
export TZ=UTC
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cep}"
run_dir=".cache/dev"
mkdir -p "$run_dir/logs" "$run_dir/pids"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing dependencies..."
  npm install --no-audit --no-fund
fi

broker_started_now=""
if ! bash tools/kafka/kafka.sh status; then
  bash tools/kafka/kafka.sh start
  touch "$run_dir/started-kafka"
  broker_started_now=1
fi
# Migrations + topics only when their sources (or DATABASE_URL / the broker) changed since the last successful run
# and the broker was already running (a broker started now may have a fresh data directory).
setup_stamp() {
  {
    echo "$DATABASE_URL ${KAFKA_BROKERS:-}"
    find tools/db tools/kafka/create-topics.ts libs/contracts/src/topics.ts libs/*/src/migrations -name '*.ts' -type f -print0 | sort -z | xargs -0 sha1sum
  } | sha1sum | cut -d' ' -f1
}
applied_migrations() {
  node -e "
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.env.DATABASE_URL });
    c.connect().then(() => c.query('SELECT count(*)::int AS n FROM cep_migrations')).then((r) => { console.log(r.rows[0].n); return c.end(); })
      .catch(() => { console.log(-1); process.exit(0); });"
}
stamp_file="$run_dir/setup.stamp"
stamp="$(setup_stamp)"
applied="$(applied_migrations)" # -1: no database or no migrations table yet
if [ "${FORCE_SETUP:-0}" != "1" ] && [ -z "$broker_started_now" ] && [ "$applied" -gt 0 ] && [ -f "$stamp_file" ] \
  && [ "$(head -1 "$stamp_file")" = "$stamp" ] && [ "$(sed -n 2p "$stamp_file")" = "$applied" ]; then
  echo "migrations and topics unchanged since the last run: skipped (FORCE_SETUP=1 runs them)"
else
  node -r @swc-node/register tools/db/migrate.ts
  node -r @swc-node/register tools/kafka/create-topics.ts
  printf '%s\n%s\n' "$stamp" "$(applied_migrations)" >"$stamp_file"
fi

# The analyst console (apps/console): Vite production build into dist/console, served by the gateway at /console.
# Offline and a few seconds; skipped when no source changed since the last build.
console_stamp="$(find apps/console/src apps/console/index.html apps/console/vite.config.mts -type f -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)"
if [ -f dist/console/index.html ] && [ "$(cat "$run_dir/console.stamp" 2>/dev/null)" = "$console_stamp" ]; then
  echo "console unchanged since the last build: skipped"
else
  echo "building the console (vite)..."
  node node_modules/vite/bin/vite.js build --config apps/console/vite.config.mts
  echo "$console_stamp" >"$run_dir/console.stamp"
fi

# app name : port variable : port
apps=(
  "issuer:PORT:3001"
  "verifier:PORT:3002"
  "wallet:PORT:3003"
  "history-projector:METRICS_PORT:9464"
  "activity-projector:METRICS_PORT:9465"
  "report-projector:METRICS_PORT:9466"
  "event-log-projector:METRICS_PORT:9467"
  "gateway:PORT:3000"
)

start_app() {
  local name="$1" var="$2" port="$3" pidf="$run_dir/pids/$1.pid"
  [ -f "apps/$name/src/main.ts" ] || return 0
  if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then echo "$name already running"; return 0; fi
  # the pid file holds the supervisor's pid: `npm stop` sends it SIGTERM, which it forwards to the app
  env "$var=$port" nohup bash tools/dev/supervise.sh "$name" >>"$run_dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$pidf"
}

wait_ready() {
  local name="$1" port="$2"
  [ -f "apps/$name/src/main.ts" ] || return 0
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then echo "  ready: $name (:$port)"; return 0; fi
    if ! kill -0 "$(cat "$run_dir/pids/$name.pid")" 2>/dev/null; then echo "$name exited; see $run_dir/logs/$name.log" >&2; tail -20 "$run_dir/logs/$name.log" >&2; return 1; fi
    sleep 0.5
  done
  echo "$name not ready after 60 s; see $run_dir/logs/$name.log" >&2
  return 1
}

for a in "${apps[@]}"; do IFS=: read -r n v p <<<"$a"; start_app "$n" "$v" "$p"; done
echo "waiting for the apps..."
for a in "${apps[@]}"; do IFS=: read -r n _ p <<<"$a"; wait_ready "$n" "$p"; done

org="${DEMO_ORG:-00000000-0000-4000-8000-000000000001}"
if [ "${DEMO:-1}" != "0" ] && [ -f tools/demo/traffic.ts ]; then
  pidf="$run_dir/pids/demo-traffic.pid"
  if ! { [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; }; then
    nohup node -r @swc-node/register tools/demo/traffic.ts --rate "${DEMO_RATE:-5}" --duration 0 --org-ids "$org" >"$run_dir/logs/demo-traffic.log" 2>&1 </dev/null &
    echo $! >"$pidf"
  fi
fi

token="$(node -r @swc-node/register tools/auth/token.ts --org "$org")"
cat <<MSG

The stack is running (logs in $run_dir/logs, stop with: npm stop). Apps that exit are restarted by
tools/dev/supervise.sh (see the "supervisor" lines in their logs).
  console     http://127.0.0.1:3000/console/reports#token=$token
              (signs in with the dev token below; the token stays in the URL fragment, which is never sent to a server)
  gateway     http://127.0.0.1:3000   API docs http://127.0.0.1:3000/docs   OpenAPI http://127.0.0.1:3000/openapi.json
  issuer      http://127.0.0.1:3001   API docs http://127.0.0.1:3001/docs   OpenAPI http://127.0.0.1:3001/openapi.json
  verifier    http://127.0.0.1:3002   API docs http://127.0.0.1:3002/docs   OpenAPI http://127.0.0.1:3002/openapi.json
  wallet      http://127.0.0.1:3003   API docs http://127.0.0.1:3003/docs   OpenAPI http://127.0.0.1:3003/openapi.json
  metrics     http://127.0.0.1:3000/metrics, projectors on :9464-9467/metrics
  demo traffic for organisation $org: $run_dir/logs/demo-traffic.log

Dev token (organisation $org, all scopes, 24 h):
  export TOKEN=$token

Try:
  curl -s -H "authorization: Bearer \$TOKEN" 'http://127.0.0.1:3000/api/history/v1?page=0&pageSize=5'
MSG
