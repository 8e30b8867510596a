#!/bin/sh
# Runs once, when the PostgreSQL volume is first created: the application role the web
# service connects as. It owns nothing; `manage.py db_grants` (run by the owner after each
# migrate) gives it SELECT and INSERT, and UPDATE/DELETE only on the mutable tables.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_user="$APP_DB_USER" -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE :"app_user" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';

SQL
