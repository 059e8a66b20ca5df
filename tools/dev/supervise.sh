#!/usr/bin/env bash
# Keeps one app running, as Kubernetes does in production: when the process exits (crash, kill -9, fatal consumer
# error) it is started again after a backoff (1 s, doubling to 30 s; back to 1 s once a run lasted 60 s).
#   tools/dev/supervise.sh <app>                  apps/<app>/src/main.ts with the dev runner (swc, no type-check)
#   tools/dev/supervise.sh <app> <command...>     any command, e.g. node -r ./tools/runtime/register-paths.js dist/apps/<app>/src/main.js
#   npm run dev:supervise -- <app>                the same, in the foreground
# SIGTERM / SIGINT stop the app gracefully (the signal is forwarded) and end the supervisor without a restart.
# Environment: SUPERVISE_BACKOFF_MAX (s, default 30), SUPERVISE_STABLE_AFTER (s, default 60).
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ $# -lt 1 ]; then
  echo "usage: $0 <app> [command...]" >&2
  exit 2
fi
name="$1"
shift
if [ $# -eq 0 ]; then
  set -- node -r @swc-node/register "apps/$name/src/main.ts"
fi
max="${SUPERVISE_BACKOFF_MAX:-30}"
stable="${SUPERVISE_STABLE_AFTER:-60}"
child=""
stopping=""
on_stop() {
  stopping=1
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; fi
}
trap on_stop TERM INT
log() { printf '{"level":"info","time":"%s","supervisor":"%s","msg":"%s"}\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$name" "$*" >&2; }

delay=1
while :; do
  started=$(date +%s)
  "$@" &
  child=$!
  log "started pid $child"
  wait "$child"
  code=$?
  # `wait` also returns when a trapped signal arrives: wait again until the child itself has exited.
  while kill -0 "$child" 2>/dev/null; do
    wait "$child"
    code=$?
  done
  child=""
  if [ -n "$stopping" ]; then
    log "stopped (app exit status $code)"
    exit 0
  fi
  ran=$(($(date +%s) - started))
  if [ "$ran" -ge "$stable" ]; then delay=1; fi
  log "exited with status $code after ${ran} s; restarting in ${delay} s"
  sleep "$delay" &
  wait $! 2>/dev/null
  if [ -n "$stopping" ]; then
    log "stopped"
    exit 0
  fi
  delay=$((delay * 2 > max ? max : delay * 2))
done
