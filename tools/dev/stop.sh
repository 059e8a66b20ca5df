#!/usr/bin/env bash
# Stops what `npm start` started.
set -uo pipefail
cd "$(dirname "$0")/../.."
for f in .cache/dev/pids/*.pid; do
  [ -f "$f" ] || continue
  pid="$(cat "$f")"
  kill "$pid" 2>/dev/null && echo "stopped $(basename "$f" .pid)"
  rm -f "$f"
done
sleep 1
# The broker only if `npm start` started it.
if [ -f .cache/dev/started-kafka ]; then
  bash tools/kafka/kafka.sh stop
  rm -f .cache/dev/started-kafka
fi
