#!/usr/bin/env bash
# Local single-node Kafka 4.1 (KRaft, broker+controller in one JVM) without Docker.
#
#   deploy/scripts/kafka.sh up       fetch jars if needed, format storage once, start, wait until ready
#   deploy/scripts/kafka.sh down     stop the broker this script started (pid file), nothing else
#   deploy/scripts/kafka.sh status   exit 0 if a broker answers on 127.0.0.1:9092, 3 if not
#   deploy/scripts/kafka.sh fetch    only fetch the jars (Maven), e.g. before going offline
#
# Environment:
#   RUN_DIR               state/log root (default: <repo>/.run); Kafka uses $RUN_DIR/kafka
#   KAFKA_PORT            client listener port on 127.0.0.1 (default: 9092)
#   KAFKA_CONTROLLER_PORT KRaft controller listener port (default: 9093)
#   KAFKA_HEAP            JVM heap flags (default: -Xmx512m -Xms256m)
#   KAFKA_OPTS            extra JVM flags (optional)
#   KAFKA_START_TIMEOUT   seconds to wait for the broker to become ready (default: 60)
#   KAFKA_STOP_TIMEOUT    seconds to wait after SIGTERM before SIGKILL (default: 30)
#   KAFKA_FETCH_TIMEOUT   seconds Maven may take to download the jars (default: 600)
#   KAFKA_CLUSTER_ID      cluster id used when formatting a new data dir (default: fixed dev id)
#
# Readiness is real but cheap: the script speaks the Kafka wire protocol over bash's
# /dev/tcp (a Metadata v4 request) and waits until the broker lists at least one live
# (registered, unfenced) broker. No extra JVM is started for the check.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
KAFKA_DIR="$REPO_ROOT/deploy/kafka"
LIB_DIR="$KAFKA_DIR/lib"
POM="$KAFKA_DIR/pom.xml"
CONF_TEMPLATE="$KAFKA_DIR/server.properties"
LOG4J_CONF="$KAFKA_DIR/log4j2.properties"

RUN_DIR=$(realpath -m "${RUN_DIR:-$REPO_ROOT/.run}")
STATE_DIR="$RUN_DIR/kafka"
DATA_DIR="$STATE_DIR/data"
CONF="$STATE_DIR/server.properties"
LOG="$STATE_DIR/kafka.log"
PID_FILE="$STATE_DIR/kafka.pid"

HOST=127.0.0.1
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_HEAP=${KAFKA_HEAP:--Xmx512m -Xms256m}
KAFKA_OPTS=${KAFKA_OPTS:-}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-60}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}
KAFKA_FETCH_TIMEOUT=${KAFKA_FETCH_TIMEOUT:-600}
# Any 16-byte base64url UUID works; fixed so a wiped data dir gets the same id again.
KAFKA_CLUSTER_ID=${KAFKA_CLUSTER_ID:-3HuF-T4mRPSp2dyGxkzb7A}

PROG="kafka.sh"
info() { echo "$PROG: $*"; }
warn() { echo "$PROG: WARNING: $*" >&2; }
die() { echo "$PROG: ERROR: $*" >&2; exit 1; }

usage() {
  echo "usage: $0 {up|down|status|fetch}" >&2
  exit 2
}

for var in KAFKA_PORT KAFKA_CONTROLLER_PORT; do
  [[ "${!var:-1}" =~ ^[1-9][0-9]*$ ]] || die "$var must be a port number, got '${!var}'"
done
for var in KAFKA_START_TIMEOUT KAFKA_STOP_TIMEOUT KAFKA_FETCH_TIMEOUT; do
  [[ "${!var}" =~ ^[1-9][0-9]*$ ]] || die "$var must be a whole number of seconds, got '${!var}'"
done

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

# port_open HOST PORT: something accepts TCP connections there (bounded to 2s).
port_open() {
  # shellcheck disable=SC2016  # $0/$1 are expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# Who listens on a port, for error messages (best effort).
port_owner() {
  if command -v ss >/dev/null 2>&1; then
    ss -H -ltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1
  fi
}

# kafka_probe: send a Kafka Metadata v4 request (no topics) to HOST:PORT.
# Prints the number of live brokers and returns 0 if a Kafka broker answered;
# returns 1 if nothing answered or the answer was not Kafka. Bounded to 3s.
#   request : size=20 | api_key=3 | api_version=4 | correlation_id=0x4b50 |
#             client_id="probe" | topics=[] | allow_auto_topic_creation=false
#   response: size | correlation_id | throttle_time_ms | brokers.length | ...
kafka_probe() {
  local bytes
  # shellcheck disable=SC2016  # $0/$1 are expanded by the inner bash
  bytes=$(timeout 3 bash -c '
      exec 3<>"/dev/tcp/$0/$1" || exit 1
      printf "\x00\x00\x00\x14\x00\x03\x00\x04\x00\x00\x4b\x50\x00\x05probe\x00\x00\x00\x00\x00" >&3
      od -An -v -tu1 -N16 <&3' "$HOST" "$PORT" 2>/dev/null) || return 1
  # shellcheck disable=SC2086  # deliberate word splitting of the byte list
  set -- $bytes
  [[ $# -eq 16 ]] || return 1
  # correlation id must echo ours (0x00004b50 = 0 0 75 80)
  [[ "$5 $6 $7 $8" == "0 0 75 80" ]] || return 1
  echo $(( (${13} << 24) | (${14} << 16) | (${15} << 8) | ${16} ))
}

# is_our_kafka PID: alive and really the broker we started with our config.
is_our_kafka() {
  local pid=$1 cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *kafka.Kafka* && "$cmdline" == *"$CONF"* ]]
}

read_pid() {
  [[ -f "$PID_FILE" ]] && tr -dc '0-9' <"$PID_FILE"
  return 0
}

# stop_pid PID: SIGTERM, wait up to KAFKA_STOP_TIMEOUT, then SIGKILL.
stop_pid() {
  local pid=$1 waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if (( waited >= KAFKA_STOP_TIMEOUT * 2 )); then
      warn "broker (pid $pid) did not stop within ${KAFKA_STOP_TIMEOUT}s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  # Reap it if it is our own child (avoids a zombie being reported as alive).
  wait "$pid" 2>/dev/null || true
}

require_java() {
  if ! command -v java >/dev/null 2>&1; then
    die "'java' not found on PATH. Kafka 4.1 needs Java 17 or newer.
  Install it with:  apt-get install -y openjdk-17-jre-headless   (Debian/Ubuntu)
  or put an existing JDK 17+ on PATH (export PATH=/path/to/jdk/bin:\$PATH)."
  fi
  local spec
  spec=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  if [[ "$spec" =~ ^[0-9]+$ ]] && (( spec < 17 )); then
    die "Java $spec found ($(command -v java)); Kafka 4.1 needs Java 17 or newer.
  Install it with:  apt-get install -y openjdk-17-jre-headless"
  fi
}

# Serialise concurrent up/down calls on the same RUN_DIR (best effort: needs flock).
lock_state_dir() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$STATE_DIR/.lock"
  flock -w 120 9 || die "another kafka.sh is busy with $STATE_DIR (lock file $STATE_DIR/.lock)"
}

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

# Fetch the runtime jars with Maven unless lib/ already matches the current pom.
ensure_jars() {
  local stamp="$LIB_DIR/.pom.sha256" have_jars=0
  compgen -G "$LIB_DIR/*.jar" >/dev/null && have_jars=1
  if (( have_jars )) && [[ -f "$stamp" && "$(cat "$stamp")" == "$(pom_hash)" ]]; then
    return 0
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    if (( have_jars )); then
      warn "'mvn' not found; using the existing jars in $LIB_DIR (they may not match $POM)"
      return 0
    fi
    die "'mvn' (Apache Maven) not found on PATH; it is needed once to download the Kafka jars.
  Install it with:  apt-get install -y maven   (Debian/Ubuntu)
  or fetch the jars yourself:  mvn -f deploy/kafka/pom.xml package"
  fi
  info "fetching Kafka jars with Maven into $LIB_DIR (first run, or after deploy/kafka/pom.xml changed) ..."
  local partial="$KAFKA_DIR/lib.partial" started=$SECONDS mvn_log="$STATE_DIR/maven.log"
  rm -rf "$partial"
  if ! timeout "$KAFKA_FETCH_TIMEOUT" mvn -B -Dstyle.color=never -f "$POM" package -Dkafka.lib.dir="$partial" >"$mvn_log" 2>&1 </dev/null 9>&-; then
    rm -rf "$partial"
    echo "---- last 30 lines of $mvn_log ----" >&2
    tail -n 30 "$mvn_log" >&2 || true
    echo "---- end of Maven output ----" >&2
    die "Maven could not fetch the Kafka jars (output above; full log $mvn_log; time limit KAFKA_FETCH_TIMEOUT=${KAFKA_FETCH_TIMEOUT}s).
  Maven Central must be reachable (or the artifacts present in ~/.m2). Retry by hand with:
    mvn -B -f $POM package"
  fi
  compgen -G "$partial/*.jar" >/dev/null || die "Maven finished but put no jars in $partial"
  pom_hash >"$partial/.pom.sha256"
  rm -rf "$LIB_DIR"
  mv "$partial" "$LIB_DIR"
  info "jars ready ($(find "$LIB_DIR" -name '*.jar' | wc -l) jars, $((SECONDS - started))s)"
}

# Effective config = template (with this run's ports) + the machine-specific log.dirs.
write_config() {
  local tmp="$CONF.tmp"
  {
    sed -e "s/127\.0\.0\.1:9092/$HOST:$PORT/g" -e "s/127\.0\.0\.1:9093/$HOST:$CONTROLLER_PORT/g" "$CONF_TEMPLATE"
    echo
    echo "# ---- added by deploy/scripts/kafka.sh ----"
    echo "log.dirs=$DATA_DIR"
  } >"$tmp"
  mv "$tmp" "$CONF"
}

java_common_opts() {
  JAVA_OPTS=()
  local -a heap extra
  read -r -a heap <<<"$KAFKA_HEAP"
  read -r -a extra <<<"$KAFKA_OPTS"
  JAVA_OPTS+=("${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    "-Dkafka.logs.dir=$STATE_DIR" "-Dlog4j2.configurationFile=$LOG4J_CONF" "${extra[@]}")
}

format_storage() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  info "formatting storage in $DATA_DIR (cluster id $KAFKA_CLUSTER_ID)"
  local out
  if ! out=$(java "${JAVA_OPTS[@]}" -cp "$LIB_DIR/*" kafka.tools.StorageTool format \
      -t "$KAFKA_CLUSTER_ID" -c "$CONF" --ignore-formatted 2>&1 </dev/null 9>&-); then
    echo "$out" >&2
    die "formatting Kafka storage failed (output above). Config: $CONF, log: $LOG"
  fi
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------

STARTED_PID=""
on_interrupt() {
  if [[ -n "$STARTED_PID" ]]; then
    warn "interrupted; stopping the broker this run started (pid $STARTED_PID)"
    stop_pid "$STARTED_PID"
    rm -f "$PID_FILE"
  fi
  exit 130
}

# wait_ready PID LOG_OFFSET STARTED_BY_US
wait_ready() {
  local pid=$1 offset=$2 ours=$3 deadline brokers cause="" rc
  deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rc=""
      if [[ "$ours" == 1 ]]; then rc=0; wait "$pid" 2>/dev/null || rc=$?; fi
      cause="the broker process (pid $pid) exited during startup${rc:+ (exit code $rc)}"
      break
    fi
    if brokers=$(kafka_probe) && (( brokers >= 1 )); then
      return 0
    fi
    if (( SECONDS >= deadline )); then
      cause="the broker did not become ready on $HOST:$PORT within ${KAFKA_START_TIMEOUT}s (KAFKA_START_TIMEOUT)"
      break
    fi
    sleep 0.5
  done

  echo "$PROG: ERROR: $cause" >&2
  echo "---- last 30 lines of $LOG ----" >&2
  tail -c "+$((offset + 1))" "$LOG" 2>/dev/null | tail -n 30 >&2 || true
  echo "---- end of log (full log: $LOG) ----" >&2
  if [[ "$ours" == 1 ]]; then
    if kill -0 "$pid" 2>/dev/null; then
      echo "$PROG: stopping the broker this run started (pid $pid)" >&2
      stop_pid "$pid"
    fi
    rm -f "$PID_FILE"
  fi
  exit 1
}

cmd_up() {
  require_java
  mkdir -p "$STATE_DIR"

  lock_state_dir

  local pid brokers
  pid=$(read_pid)
  if [[ -n "$pid" ]] && is_our_kafka "$pid"; then
    if brokers=$(kafka_probe) && (( brokers >= 1 )); then
      info "already running (pid $pid) on $HOST:$PORT; nothing changed"
      return 0
    fi
    info "broker (pid $pid) is running but not ready yet; waiting up to ${KAFKA_START_TIMEOUT}s"
    wait_ready "$pid" 0 0
    info "already running (pid $pid) on $HOST:$PORT; nothing changed"
    return 0
  fi
  [[ -n "$pid" ]] && { warn "removing stale pid file $PID_FILE (pid $pid is not our broker)"; rm -f "$PID_FILE"; }

  if port_open "$HOST" "$PORT"; then
    if brokers=$(kafka_probe); then
      info "already running: a Kafka broker not started by this script answers on $HOST:$PORT ($brokers live broker(s)); nothing changed"
      return 0
    fi
    local owner; owner=$(port_owner "$PORT")
    die "port $PORT on $HOST is already in use by something that is not a Kafka broker${owner:+ ($owner)}.
  Stop that process or free port $PORT, then run '$0 up' again."
  fi
  if port_open "$HOST" "$CONTROLLER_PORT"; then
    local owner; owner=$(port_owner "$CONTROLLER_PORT")
    die "port $CONTROLLER_PORT on $HOST (Kafka controller listener) is already in use${owner:+ by $owner}.
  Stop that process or free port $CONTROLLER_PORT, then run '$0 up' again."
  fi

  ensure_jars
  mkdir -p "$DATA_DIR"
  write_config
  java_common_opts
  format_storage

  touch "$LOG"
  local offset
  offset=$(stat -c %s "$LOG")
  echo "==== $(date '+%Y-%m-%d %H:%M:%S') kafka.sh up: starting broker ====" >>"$LOG"

  trap on_interrupt INT TERM
  local -a detach=()
  command -v setsid >/dev/null 2>&1 && detach=(setsid)
  # New session (setsid) + nohup: the broker outlives this shell and its terminal.
  # fd 9 (our lock) is closed for the child, or the broker would hold the lock forever.
  "${detach[@]}" nohup java "${JAVA_OPTS[@]}" -cp "$LIB_DIR/*" kafka.Kafka "$CONF" \
    >>"$LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  STARTED_PID=$pid
  echo "$pid" >"$PID_FILE"
  info "started broker (pid $pid); waiting up to ${KAFKA_START_TIMEOUT}s for $HOST:$PORT ..."

  local t0=$SECONDS
  wait_ready "$pid" "$offset" 1
  STARTED_PID=""
  trap - INT TERM
  info "ready on $HOST:$PORT after $((SECONDS - t0))s (pid $pid, log $LOG)"
}

cmd_down() {
  mkdir -p "$STATE_DIR"
  lock_state_dir

  local pid
  pid=$(read_pid)
  if [[ -n "$pid" ]] && is_our_kafka "$pid"; then
    info "stopping broker (pid $pid) ..."
    stop_pid "$pid"
    rm -f "$PID_FILE"
    info "stopped"
    return 0
  fi
  [[ -n "$pid" ]] && { info "removing stale pid file (pid $pid is not running our broker)"; rm -f "$PID_FILE"; }
  if kafka_probe >/dev/null; then
    info "not started by this script, so left alone: a Kafka broker still answers on $HOST:$PORT"
  else
    info "not running"
  fi
}

cmd_status() {
  local pid brokers
  pid=$(read_pid)
  if brokers=$(kafka_probe); then
    if [[ -n "$pid" ]] && is_our_kafka "$pid"; then
      info "running (pid $pid) on $HOST:$PORT, $brokers live broker(s); log $LOG"
    else
      info "a Kafka broker not started by this script answers on $HOST:$PORT ($brokers live broker(s))"
    fi
    return 0
  fi
  if [[ -n "$pid" ]] && is_our_kafka "$pid"; then
    info "process running (pid $pid) but not answering on $HOST:$PORT yet; log $LOG"
    return 3
  fi
  info "not running"
  return 3
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  fetch) mkdir -p "$STATE_DIR" && ensure_jars ;;
  *) usage ;;
esac
