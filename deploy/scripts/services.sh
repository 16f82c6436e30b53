#!/usr/bin/env bash
# Start/stop everything the platform needs locally: PostgreSQL and Kafka (no Docker).
#
#   deploy/scripts/services.sh up       postgres, then kafka; prints the env vars to export
#   deploy/scripts/services.sh down     kafka, then postgres
#   deploy/scripts/services.sh status   status of both (exit 0 only if both answer)
#
# Both scripts are idempotent: `up` on running services changes nothing.
# See deploy/README.md for ports, logs and environment variables.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

case "${1:-}" in
  up)
    bash "$SCRIPT_DIR/postgres.sh" up
    bash "$SCRIPT_DIR/kafka.sh" up
    echo
    echo "Services are up. Export these for the platform:"
    echo "  export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092"
    echo "  export DATABASE_URL=postgresql://inburgering:inburgering@127.0.0.1:5432/inburgering"
    ;;
  down)
    rc=0
    bash "$SCRIPT_DIR/kafka.sh" down || rc=$?
    bash "$SCRIPT_DIR/postgres.sh" down || rc=$?
    exit "$rc"
    ;;
  status)
    rc=0
    bash "$SCRIPT_DIR/postgres.sh" status || rc=$?
    bash "$SCRIPT_DIR/kafka.sh" status || rc=$?
    exit "$rc"
    ;;
  *)
    echo "usage: $0 {up|down|status}" >&2
    exit 2
    ;;
esac
