#!/usr/bin/env bash
# Local PostgreSQL for development, in its own cluster under $RUN_DIR (not Debian's
# system cluster), listening on 127.0.0.1:5432 with trust auth for local connections.
#
#   deploy/scripts/postgres.sh up       install (apt, as root) if needed, initdb once, start,
#                                       ensure role + database "inburgering", print DATABASE_URL
#   deploy/scripts/postgres.sh down     pg_ctl stop -m fast on our data dir only
#   deploy/scripts/postgres.sh status   exit 0 if PostgreSQL accepts connections on 127.0.0.1:5432, 3 if not
#
# Environment:
#   RUN_DIR             state/log root (default: <repo>/.run); PostgreSQL uses $RUN_DIR/postgres
#   PGPORT              TCP port on 127.0.0.1 (default: 5432; a second cluster, e.g. for the
#                       fault tests, uses its own RUN_DIR and port)
#   PG_BIN              directory with initdb/pg_ctl/psql (default: newest /usr/lib/postgresql/*/bin)
#   PG_START_TIMEOUT    seconds pg_ctl waits for start/stop (default: 60)
#
# When run as root, initdb/pg_ctl run as the `postgres` OS user (PostgreSQL refuses root).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)

RUN_DIR=$(realpath -m "${RUN_DIR:-$REPO_ROOT/.run}")
STATE_DIR="$RUN_DIR/postgres"
PGDATA_DIR="$STATE_DIR/data"
LOG="$STATE_DIR/postgres.log"

HOST=127.0.0.1
PORT=${PGPORT:-5432}
DB_USER=inburgering
DB_PASSWORD=inburgering
DB_NAME=inburgering
DATABASE_URL="postgresql://$DB_USER:$DB_PASSWORD@$HOST:$PORT/$DB_NAME"
PG_START_TIMEOUT=${PG_START_TIMEOUT:-60}
PG_OS_USER=postgres

# Our explicit -h/-p/-U/-d must win; stray libpq settings must not redirect us.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGPASSWORD PGOPTIONS PGDATA

PROG="postgres.sh"
info() { echo "$PROG: $*"; }
warn() { echo "$PROG: WARNING: $*" >&2; }
die() { echo "$PROG: ERROR: $*" >&2; exit 1; }

usage() {
  echo "usage: $0 {up|down|status}" >&2
  exit 2
}

[[ "$PORT" =~ ^[1-9][0-9]*$ ]] || die "PGPORT must be a port number, got '$PORT'"
[[ "$PG_START_TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "PG_START_TIMEOUT must be a whole number of seconds, got '$PG_START_TIMEOUT'"

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

# as_pg CMD...: run as the postgres OS user when we are root, else as ourselves.
# Runs from / so a cwd the postgres user cannot read does not matter.
as_pg() {
  if (( EUID == 0 )); then
    (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

port_open() {
  # shellcheck disable=SC2016  # $0/$1 are expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

port_owner() {
  if command -v ss >/dev/null 2>&1; then
    ss -H -ltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1
  fi
}

has_pg_tools() { [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/psql" && -x "$1/pg_isready" ]]; }

# Pick PG_BIN: explicit, else the version our data dir was made with, else the newest installed.
find_pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    has_pg_tools "$PG_BIN" || die "PG_BIN=$PG_BIN does not contain initdb, pg_ctl, psql and pg_isready"
    return 0
  fi
  if [[ -f "$PGDATA_DIR/PG_VERSION" ]]; then
    local ver
    ver=$(cat "$PGDATA_DIR/PG_VERSION")
    if has_pg_tools "/usr/lib/postgresql/$ver/bin"; then
      PG_BIN="/usr/lib/postgresql/$ver/bin"
      return 0
    fi
  fi
  local dir
  PG_BIN=""
  while IFS= read -r dir; do
    has_pg_tools "$dir" && PG_BIN=$dir
  done < <(compgen -G "/usr/lib/postgresql/*/bin" | sort -V)
  if [[ -z "$PG_BIN" ]] && command -v initdb >/dev/null 2>&1; then
    dir=$(dirname "$(command -v initdb)")
    has_pg_tools "$dir" && PG_BIN=$dir
  fi
  [[ -n "$PG_BIN" ]]
}

install_postgres() {
  if (( EUID != 0 )); then
    die "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin.
  Install them with:  sudo apt-get install -y postgresql   (Debian/Ubuntu)
  or set PG_BIN to a directory containing initdb, pg_ctl, psql and pg_isready."
  fi
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available.
  Install PostgreSQL 15+ with your package manager, or set PG_BIN to its bin directory."
  # Stop Debian from creating (and starting) its default 'main' cluster on port 5432:
  # this script runs its own cluster there. Only affects clusters created at install time.
  mkdir -p /etc/postgresql-common/createcluster.d
  if [[ ! -e /etc/postgresql-common/createcluster.d/inburgering-no-main-cluster.conf ]]; then
    cat >/etc/postgresql-common/createcluster.d/inburgering-no-main-cluster.conf <<'EOF'
# Written by deploy/scripts/postgres.sh: do not create Debian's default 'main' cluster when
# the postgresql package is installed; the development cluster lives in <repo>/.run/postgres.
create_main_cluster = false
EOF
  fi
  info "PostgreSQL not found; installing it with apt-get (this takes a minute) ..."
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }; then
    die "apt-get could not install postgresql (see output above). Install it by hand:
  apt-get update && apt-get install -y postgresql"
  fi
  find_pg_bin || die "postgresql was installed but initdb/pg_ctl are still not found under /usr/lib/postgresql/*/bin"
}

show_log_tail() {
  local offset=${1:-0}
  echo "---- last 30 lines of $LOG ----" >&2
  tail -c "+$((offset + 1))" "$LOG" 2>/dev/null | tail -n 30 >&2 || true
  echo "---- end of log (full log: $LOG) ----" >&2
}

# 0 = accepting, 1 = rejecting (starting/stopping), 2 = no answer, 3 = bad parameters
pg_ready_code() {
  local rc=0
  "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PORT" -U postgres -d postgres -t 3 || rc=$?
  echo "$rc"
}

our_cluster_running() {
  [[ -f "$PGDATA_DIR/postmaster.pid" ]] || return 1
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

# Run SQL (stdin) as a superuser, trying: TCP as 'postgres' (our trust cluster), then
# the local socket as the postgres OS user (peer auth, e.g. Debian's system cluster).
psql_super() {
  local sql
  sql=$(cat)
  if PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -h "$HOST" -p "$PORT" -U postgres -d postgres -w -X -q \
      -v ON_ERROR_STOP=1 <<<"$sql" >/dev/null 2>&1; then
    return 0
  fi
  if (( EUID == 0 )) && id "$PG_OS_USER" >/dev/null 2>&1; then
    PGCONNECT_TIMEOUT=5 as_pg "$PG_BIN/psql" -p "$PORT" -d postgres -w -X -q \
      -v ON_ERROR_STOP=1 <<<"$sql" >/dev/null 2>&1 && return 0
  fi
  return 1
}

# Create role and database if missing (never changes an existing role's password).
ensure_role_and_db() {
  if psql_super <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$DB_USER', '$DB_PASSWORD')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$DB_NAME', '$DB_USER')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB_NAME') \gexec
SQL
  then
    info "role '$DB_USER' and database '$DB_NAME' are present"
  else
    warn "could not connect as a superuser to create role '$DB_USER' / database '$DB_NAME'; if they are missing, create them with:
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    CREATE DATABASE $DB_NAME OWNER $DB_USER;"
  fi
  if PGCONNECT_TIMEOUT=5 PGPASSWORD=$DB_PASSWORD "$PG_BIN/psql" "$DATABASE_URL" -w -X -Atqc 'SELECT 1' >/dev/null 2>&1; then
    info "connected as '$DB_USER' to database '$DB_NAME'"
    return 0
  fi
  return 1
}

# Locale for the new cluster: C.UTF-8 (byte-order collation, but Unicode-aware
# upper()/lower() for names with diacritics) when the system has it.
initdb_locale_args() {
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    echo "--locale=C.UTF-8"
  else
    echo "--no-locale"
  fi
}

init_cluster() {
  [[ -f "$PGDATA_DIR/PG_VERSION" ]] && return 0
  [[ -e "$PGDATA_DIR" ]] && die "$PGDATA_DIR exists but is not a PostgreSQL data directory; move it away and retry"
  local partial="$STATE_DIR/data.partial" out
  rm -rf "$partial"
  info "initialising a new cluster in $PGDATA_DIR ($("$PG_BIN/postgres" --version 2>/dev/null || echo PostgreSQL))"
  # shellcheck disable=SC2046  # one locale argument, unquoted on purpose
  if ! out=$(as_pg "$PG_BIN/initdb" -D "$partial" -U postgres -E UTF8 $(initdb_locale_args) \
      --auth-local=trust --auth-host=trust 2>&1 9>&-); then
    echo "$out" >&2
    rm -rf "$partial"
    die "initdb failed (output above)"
  fi
  # Everything else stays at PostgreSQL's defaults (fsync, synchronous_commit, ...).
  local sockdir="$STATE_DIR/run"
  # Unix socket paths are limited to ~107 bytes; fall back to /tmp for deep RUN_DIRs.
  (( ${#sockdir} + 20 > 100 )) && sockdir=/tmp
  mkdir -p "$STATE_DIR/run"
  (( EUID == 0 )) && chown "$PG_OS_USER:" "$STATE_DIR/run"
  cat >>"$partial/postgresql.conf" <<EOF

# ---- added by deploy/scripts/postgres.sh (local development cluster) ----
listen_addresses = '$HOST'
port = $PORT
max_connections = 200
unix_socket_directories = '$sockdir'
EOF
  mv "$partial" "$PGDATA_DIR"
}

# Make $STATE_DIR writable for the postgres OS user (RUN_DIR may be owned by root).
prepare_state_dir() {
  mkdir -p "$STATE_DIR"
  if (( EUID == 0 )); then
    id "$PG_OS_USER" >/dev/null 2>&1 || die "OS user '$PG_OS_USER' does not exist (it is created by the postgresql package)"
    chown "$PG_OS_USER:" "$STATE_DIR"
    [[ -e "$LOG" ]] && chown "$PG_OS_USER:" "$LOG"
    if ! as_pg test -w "$STATE_DIR"; then
      die "the '$PG_OS_USER' user cannot write $STATE_DIR: a parent directory is not accessible to it
  (e.g. RUN_DIR under /root). Use a RUN_DIR it can reach, e.g. RUN_DIR=/var/tmp/inburgering-run"
    fi
  fi
}

lock_state_dir() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$STATE_DIR/.lock"
  flock -w 120 9 || die "another postgres.sh is busy with $STATE_DIR (lock file $STATE_DIR/.lock)"
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------

cmd_up() {
  find_pg_bin || install_postgres
  mkdir -p "$STATE_DIR"
  lock_state_dir

  local rc
  rc=$(pg_ready_code)
  if [[ "$rc" == 0 ]]; then
    if our_cluster_running; then
      info "already running (cluster $PGDATA_DIR) on $HOST:$PORT"
    else
      info "already running: a PostgreSQL not started by this script accepts connections on $HOST:$PORT"
    fi
    ensure_role_and_db || warn "cannot log in as '$DB_USER' to '$DB_NAME' on $HOST:$PORT (wrong password or pg_hba rules of that server?)"
    echo "DATABASE_URL=$DATABASE_URL"
    return 0
  fi
  if [[ "$rc" == 1 ]]; then
    die "a PostgreSQL on $HOST:$PORT is rejecting connections (starting up or shutting down?); retry in a moment.${LOG:+ If it is ours, see $LOG}"
  fi
  if port_open "$HOST" "$PORT"; then
    local owner; owner=$(port_owner "$PORT")
    die "port $PORT on $HOST is already in use by something that is not PostgreSQL${owner:+ ($owner)}.
  Stop that process or free port $PORT, then run '$0 up' again."
  fi
  if our_cluster_running; then
    die "our cluster ($PGDATA_DIR) reports running but does not answer on $HOST:$PORT; see $LOG or run '$0 down'"
  fi

  prepare_state_dir
  init_cluster

  touch "$LOG"
  (( EUID == 0 )) && chown "$PG_OS_USER:" "$LOG"
  local offset out
  offset=$(stat -c %s "$LOG")
  info "starting PostgreSQL on $HOST:$PORT (data $PGDATA_DIR) ..."
  # fd 9 (our lock) is closed for pg_ctl, or the postmaster would inherit and keep it.
  if ! out=$(timeout $((PG_START_TIMEOUT + 15)) \
      bash -c 'cd / && exec "$@"' _ "${PG_AS_USER[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$LOG" \
      -w -t "$PG_START_TIMEOUT" start 2>&1 9>&-); then
    echo "$out" >&2
    echo "$PROG: ERROR: PostgreSQL failed to start (pg_ctl output above; it waits at most ${PG_START_TIMEOUT}s)" >&2
    show_log_tail "$offset"
    if our_cluster_running; then
      as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 30 stop >/dev/null 2>&1 9>&- || true
    fi
    exit 1
  fi
  if ! ensure_role_and_db; then
    echo "$PROG: ERROR: PostgreSQL started but '$DB_USER' cannot connect to '$DB_NAME'" >&2
    show_log_tail "$offset"
    exit 1
  fi
  info "ready on $HOST:$PORT (log $LOG)"
  echo "DATABASE_URL=$DATABASE_URL"
}

cmd_down() {
  if ! find_pg_bin; then
    info "not running (PostgreSQL is not installed)"
    return 0
  fi
  if [[ ! -d "$STATE_DIR" ]]; then
    info "not running (no cluster in $STATE_DIR)"
    return 0
  fi
  lock_state_dir
  if our_cluster_running; then
    info "stopping PostgreSQL (data $PGDATA_DIR) ..."
    local out offset=0
    [[ -f "$LOG" ]] && offset=$(stat -c %s "$LOG")
    if ! out=$(timeout $((PG_START_TIMEOUT + 15)) bash -c 'cd / && exec "$@"' _ "${PG_AS_USER[@]}" \
        "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t "$PG_START_TIMEOUT" stop 2>&1 9>&-); then
      echo "$out" >&2
      echo "$PROG: ERROR: pg_ctl stop failed" >&2
      show_log_tail "$offset"
      exit 1
    fi
    info "stopped"
    return 0
  fi
  if [[ "$(pg_ready_code)" == 0 ]]; then
    info "not started by this script, so left alone: a PostgreSQL still answers on $HOST:$PORT"
  else
    info "not running"
  fi
}

cmd_status() {
  if ! find_pg_bin; then
    info "not running (PostgreSQL is not installed)"
    return 3
  fi
  if [[ "$(pg_ready_code)" == 0 ]]; then
    if our_cluster_running; then
      info "running (cluster $PGDATA_DIR) on $HOST:$PORT; log $LOG"
    else
      info "a PostgreSQL not started by this script accepts connections on $HOST:$PORT"
    fi
    echo "DATABASE_URL=$DATABASE_URL"
    return 0
  fi
  info "not running"
  return 3
}

# Prefix for running pg_ctl as the postgres OS user inside a timeout'd shell.
PG_AS_USER=()
(( EUID == 0 )) && PG_AS_USER=(runuser -u "$PG_OS_USER" --)

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) usage ;;
esac
