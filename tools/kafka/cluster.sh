#!/usr/bin/env bash
# Local three-node KRaft Kafka cluster from the same Maven Central jars as tools/kafka/kafka.sh (fault tests of
# replication: tools/faults/cluster.faults-spec.ts). Every node is a combined broker + controller; the controller
# quorum is all three (controller.quorum.voters), so any one node can be lost.
#   tools/kafka/cluster.sh start            fetch jars, format the three data dirs (first time) and start all nodes; waits
#   tools/kafka/cluster.sh stop             stop every node started by this script (SIGCONT first, then SIGTERM, then -9)
#   tools/kafka/cluster.sh status           exit 0 when all three brokers answer
#   tools/kafka/cluster.sh reset            stop and delete the data dirs
#   tools/kafka/cluster.sh kill9 <n>        SIGKILL node n (1..3)
#   tools/kafka/cluster.sh pause <n>        SIGSTOP node n (a network partition: the process holds its sockets but answers nothing)
#   tools/kafka/cluster.sh resume <n>       SIGCONT node n
#   tools/kafka/cluster.sh start-node <n>   start node n again (after kill9 / stop-node); waits until it answers
#   tools/kafka/cluster.sh stop-node <n>    SIGTERM node n (controlled shutdown: leadership moves first) and wait
#   tools/kafka/cluster.sh pid <n>          print node n's pid
#   tools/kafka/cluster.sh brokers          print the bootstrap list (host:port,host:port,host:port)
#   tools/kafka/cluster.sh controller       print the node id of the active KRaft controller (the quorum leader),
#                                           asked from the brokers with Admin#describeMetadataQuorum (KIP-836) by
#                                           tools/kafka/QuorumLeader.java run as a single-file Java program
# Node n (1..3) listens on KAFKA_CLUSTER_BASE_PORT + 100*(n-1) (broker) and that + 1 (controller):
# 39092/39093, 39192/39193, 39292/39293 by default. Data under $KAFKA_HOME/cluster-<base port>/node-<n>.
# Broker defaults: default.replication.factor=3, min.insync.replicas=2 (internal topics too), so topics created with
# replication factor -1 (tools/kafka/create-topics.ts without KAFKA_REPLICATION_FACTOR) are replicated three times.
# Environment: KAFKA_HOME (.cache/kafka), KAFKA_HOST (127.0.0.1), KAFKA_CLUSTER_BASE_PORT (39092), KAFKA_CLUSTER_HEAP (384m).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
KAFKA_HOME="${KAFKA_HOME:-$root/.cache/kafka}"
KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
BASE="${KAFKA_CLUSTER_BASE_PORT:-39092}"
HEAP="${KAFKA_CLUSTER_HEAP:-384m}"
libs="$KAFKA_HOME/libs"
dir="$KAFKA_HOME/cluster-$BASE"
NODES="1 2 3"

broker_port() { echo $((BASE + 100 * ($1 - 1))); }
controller_port() { echo $((BASE + 100 * ($1 - 1) + 1)); }
pidfile() { echo "$dir/node-$1.pid"; }
logfile() { echo "$dir/node-$1.log"; }
port_open() { (exec 3<>"/dev/tcp/$KAFKA_HOST/$1") 2>/dev/null; }
running() { [ -f "$(pidfile "$1")" ] && kill -0 "$(cat "$(pidfile "$1")")" 2>/dev/null; }
check_node() { case "${1:-}" in 1|2|3) ;; *) echo "cluster: node must be 1, 2 or 3" >&2; exit 2 ;; esac; }

voters() {
  local v="" n
  for n in $NODES; do v="$v${v:+,}$n@$KAFKA_HOST:$(controller_port "$n")"; done
  echo "$v"
}

brokers() {
  local b="" n
  for n in $NODES; do b="$b${b:+,}$KAFKA_HOST:$(broker_port "$n")"; done
  echo "$b"
}

write_config() {
  local n="$1" bp cp
  bp="$(broker_port "$n")"; cp="$(controller_port "$n")"
  mkdir -p "$dir/node-$n/data"
  cat > "$dir/node-$n/server.properties" <<CONF
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$(voters)
listeners=PLAINTEXT://$KAFKA_HOST:$bp,CONTROLLER://$KAFKA_HOST:$cp
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$bp
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/node-$n/data
num.partitions=3
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
unclean.leader.election.enable=false
log.retention.hours=-1
log.segment.bytes=268435456
message.max.bytes=2097152
num.io.threads=2
num.network.threads=2
num.replica.fetchers=1
background.threads=2
CONF
}

write_log4j() {
  mkdir -p "$dir"
  cat > "$dir/log4j.properties" <<'L4J'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
L4J
}

java_opts() { echo "-Xms128m -Xmx$HEAP -XX:+UseG1GC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true -Dlog4j.configuration=file:$dir/log4j.properties"; }

format() {
  local id n
  if [ -f "$dir/cluster.id" ]; then id="$(cat "$dir/cluster.id")"; else
    # shellcheck disable=SC2046
    id="$(java $(java_opts) -cp "$libs/*" kafka.tools.StorageTool random-uuid)"
    echo "$id" > "$dir/cluster.id"
  fi
  for n in $NODES; do
    if [ ! -f "$dir/node-$n/data/meta.properties" ]; then
      # shellcheck disable=SC2046
      java $(java_opts) -cp "$libs/*" kafka.tools.StorageTool format -t "$id" -c "$dir/node-$n/server.properties" --ignore-formatted > /dev/null
    fi
  done
}

launch() {
  local n="$1"
  if running "$n"; then return 0; fi
  # shellcheck disable=SC2046
  nohup java $(java_opts) -cp "$libs/*" kafka.Kafka "$dir/node-$n/server.properties" >> "$(logfile "$n")" 2>&1 < /dev/null &
  echo $! > "$(pidfile "$n")"
}

wait_up() {
  local n="$1" bp; bp="$(broker_port "$n")"
  for _ in $(seq 1 180); do
    if port_open "$bp"; then return 0; fi
    if ! running "$n"; then echo "cluster: node $n exited; log follows" >&2; tail -40 "$(logfile "$n")" >&2; return 1; fi
    sleep 0.5
  done
  echo "cluster: node $n did not answer on $bp in 90 s" >&2; tail -40 "$(logfile "$n")" >&2; return 1
}

start() {
  bash "$here/kafka.sh" fetch
  write_log4j
  local n
  for n in $NODES; do write_config "$n"; done
  format
  for n in $NODES; do launch "$n"; done
  for n in $NODES; do wait_up "$n"; done
  echo "cluster: three nodes up ($(brokers))" >&2
}

stop_node() {
  local n="$1" pid
  if running "$n"; then
    pid="$(cat "$(pidfile "$n")")"
    kill -CONT "$pid" 2>/dev/null || true
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$(pidfile "$n")"
}

stop() {
  # All at once: stopping one by one makes the last two wait for a quorum that is gone (controlled shutdown).
  local n pid pids=""
  for n in $NODES; do
    if running "$n"; then pid="$(cat "$(pidfile "$n")")"; kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; pids="$pids $pid"; fi
  done
  for pid in $pids; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  done
  for n in $NODES; do rm -f "$(pidfile "$n")"; done
}

status() {
  local n
  for n in $NODES; do port_open "$(broker_port "$n")" || return 1; done
}

signal_node() {
  local n="$1" sig="$2"
  if ! running "$n"; then echo "cluster: node $n is not running" >&2; return 1; fi
  kill "-$sig" "$(cat "$(pidfile "$n")")"
  if [ "$sig" = KILL ]; then
    local pid; pid="$(cat "$(pidfile "$n")")"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    rm -f "$(pidfile "$n")"
  fi
}

controller() {
  # Single-file source launch (Java 11+): compiled in memory, needs only kafka-clients from the cached jars.
  java -Xmx128m "-Dlog4j.configuration=file:$dir/log4j.properties" -cp "$libs/*" "$here/QuorumLeader.java" "$(brokers)"
}

cmd="${1:-}"
case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  reset) stop; rm -rf "$dir" ;;
  kill9) check_node "${2:-}"; signal_node "$2" KILL ;;
  pause) check_node "${2:-}"; signal_node "$2" STOP ;;
  resume) check_node "${2:-}"; signal_node "$2" CONT ;;
  start-node) check_node "${2:-}"; write_log4j; write_config "$2"; launch "$2"; wait_up "$2" ;;
  stop-node) check_node "${2:-}"; stop_node "$2" ;;
  pid) check_node "${2:-}"; cat "$(pidfile "$2")" ;;
  brokers) brokers ;;
  controller) controller ;;
  *) echo "usage: $0 start|stop|status|reset|brokers|controller|kill9 <n>|pause <n>|resume <n>|start-node <n>|stop-node <n>|pid <n>" >&2; exit 2 ;;
esac
