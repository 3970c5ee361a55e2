#!/bin/bash
# The streaming replica: on first start, copy the primary with pg_basebackup (-R writes
# standby.signal and primary_conninfo), then run PostgreSQL as a hot standby. Runs as user postgres.
set -euo pipefail

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready --quiet --host=primary --port=5432; do
        echo "replica: waiting for the primary"; sleep 1
    done
    # PGPASSWORD (the replicator's password) comes from the environment
    pg_basebackup --host=primary --port=5432 --username=replicator --pgdata="$PGDATA" \
        --wal-method=stream --write-recovery-conf --checkpoint=fast
    chmod 0700 "$PGDATA"
fi
exec postgres
