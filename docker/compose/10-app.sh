#!/bin/bash
# Runs once, when the server's data directory is created (docker-entrypoint-initdb.d), as the
# superuser: the application role `app` owning the database POSTGRES_DB, and, where
# REPLICATION_PASSWORD is set (the primary), the role `replicator` streaming replicas log in as.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_password="$APP_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE app LOGIN PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO app;
SQL

if [ -n "${REPLICATION_PASSWORD:-}" ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
         -v repl_password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator REPLICATION LOGIN PASSWORD :'repl_password';
SQL
    # "all" in pg_hba.conf does not match replication connections: they need their own line.
    echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
fi
