#!/usr/bin/env bash
# Local single-node KRaft Kafka broker from Maven Central jars.
#   tools/kafka/kafka.sh fetch   resolve the jars into the cache (idempotent)
#   tools/kafka/kafka.sh start   fetch, format storage (first time) and start on $KAFKA_HOST:$KAFKA_PORT; waits until it answers
#   tools/kafka/kafka.sh stop    stop the broker started by this script
#   tools/kafka/kafka.sh status  exit 0 when a broker answers on the port
#   tools/kafka/kafka.sh kill9   SIGKILL the broker (fault tests)
#   tools/kafka/kafka.sh reset   stop and delete the data directory
# A local three-node cluster (replication, broker faults) from the same jars: tools/kafka/cluster.sh.
# Environment: KAFKA_HOME (cache + data, default .cache/kafka), KAFKA_HOST (127.0.0.1), KAFKA_PORT (9092),
#              KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP (768m).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
KAFKA_HOME="${KAFKA_HOME:-$root/.cache/kafka}"
KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${KAFKA_HEAP:-768m}"
libs="$KAFKA_HOME/libs"
data="$KAFKA_HOME/data-$KAFKA_PORT"
conf="$KAFKA_HOME/server-$KAFKA_PORT.properties"
pidfile="$KAFKA_HOME/broker-$KAFKA_PORT.pid"
logfile="$KAFKA_HOME/broker-$KAFKA_PORT.log"

port_open() { (exec 3<>"/dev/tcp/$KAFKA_HOST/$KAFKA_PORT") 2>/dev/null; }

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  mkdir -p "$libs"
  echo "kafka: resolving broker jars from Maven Central into $libs" >&2
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime >&2
  touch "$libs/.complete"
}

write_config() {
  mkdir -p "$data"
  cat > "$conf" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=-1
log.segment.bytes=268435456
message.max.bytes=2097152
CONF
  cat > "$KAFKA_HOME/log4j.properties" <<'L4J'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
L4J
}

java_cmd() {
  java -Xms256m "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
    "-Dlog4j.configuration=file:$KAFKA_HOME/log4j.properties" \
    -cp "$libs/*" "$@"
}

start() {
  if port_open; then echo "kafka: already answering on $KAFKA_HOST:$KAFKA_PORT" >&2; return 0; fi
  fetch
  write_config
  if [ ! -f "$data/meta.properties" ]; then
    java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" -c "$conf" --ignore-formatted >&2
  fi
  nohup java -Xms256m "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
    "-Dlog4j.configuration=file:$KAFKA_HOME/log4j.properties" \
    -cp "$libs/*" kafka.Kafka "$conf" > "$logfile" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  for _ in $(seq 1 120); do
    if port_open && grep -q "Kafka Server started\|started (kafka.server" "$logfile" 2>/dev/null; then
      echo "kafka: broker up on $KAFKA_HOST:$KAFKA_PORT (pid $(cat "$pidfile"))" >&2; return 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "kafka: broker exited; log follows" >&2; tail -50 "$logfile" >&2; return 1; fi
    sleep 0.5
  done
  echo "kafka: broker did not answer in 60 s" >&2; tail -50 "$logfile" >&2; return 1
}

stop() {
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    local pid; pid="$(cat "$pidfile")"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

kill9() {
  if [ -f "$pidfile" ]; then kill -9 "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  kill9) kill9 ;;
  status) port_open ;;
  reset) stop; rm -rf "$data" ;;
  *) echo "usage: $0 fetch|start|stop|status|kill9|reset" >&2; exit 2 ;;
esac
