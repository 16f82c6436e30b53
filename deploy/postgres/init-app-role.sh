#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty volume
# (mounted into /docker-entrypoint-initdb.d by deploy/compose.yaml).
# Creates the application role as a normal (non-superuser) owner of its database.
set -euo pipefail
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE inburgering LOGIN PASSWORD :'app_password';
CREATE DATABASE inburgering OWNER inburgering;
SQL
