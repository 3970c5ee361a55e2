#!/usr/bin/env bash
# routing.sh - read/write splitting figures (issue 5, "Measured"): pgbench through pgmux against
# the primary alone, against a primary with one streaming replica (reads on the replica, and reads
# balanced over both), and the cost of read-your-writes on write transactions, in one run.
#
#   integration-tests/bench/routing.sh [--update-docs] [-T SECS] [-r ROUNDS] [-c CLIENTS]
#
# Needs the benchmark PostgreSQL 15/main on 127.0.0.1:5432 with role and database bench (run.sh
# or ../shared/bench/up.sh sets them up). Creates, once, a streaming replica of it on port 5433
# (data in /var/lib/postgresql/15/pgmux_replica, started with pg_ctl as user postgres, left
# running; --stop-replica stops it at the end). One pgmux serves five databases over the same
# server database `bench`:
#   bench_primary  primary only                                   (the reference)
#   bench_replica  primary + replica, autocommit_selects: replica (reads on the replica)
#   bench_share    ... and primary_reads: share                   (reads balanced over both)
#   bench_eventual primary + replica, consistency: eventual       (tpcb: writes)
#   bench_ryw      primary + replica, consistency: read_your_writes (tpcb: + one LSN query per write)
# Workloads run interleaved, ROUNDS times, and the median TPS is reported. With --update-docs the
# table replaces the section between <!-- routing:begin --> and <!-- routing:end --> of
# docs/benchmarks.md. On a 2-core machine both servers, pgbench and pgmux share the cores: the
# replica cannot add capacity here, the figures show the routing overhead and the RYW cost.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DURATION=${DURATION:-15}
ROUNDS=${ROUNDS:-2}
CLIENTS=${CLIENTS:-64}
JOBS=${JOBS:-2}
PORT=${PGMUX_PORT:-6545}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/var/lib/postgresql/15/pgmux_replica}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGMUX_JAR=${PGMUX_JAR:-$REPO/proxy/target/pgmux.jar}
PGMUX_JAVA_OPTS=${PGMUX_JAVA_OPTS:-"-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ParallelGCThreads=2 -XX:+PerfDisableSharedMem -Dio.netty.leakDetection.level=disabled"}
UPDATE_DOCS=0
STOP_REPLICA=0

while [ $# -gt 0 ]; do
    case "$1" in
        --update-docs) UPDATE_DOCS=1 ;;
        --stop-replica) STOP_REPLICA=1 ;;
        -T) DURATION=$2; shift ;;
        -r) ROUNDS=$2; shift ;;
        -c) CLIENTS=$2; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

export PGPASSWORD=bench
psql -qAt -h 127.0.0.1 -p 5432 -U bench -d bench -c 'SELECT 1' >/dev/null 2>&1 || {
    echo "PostgreSQL 15/main with role bench is not ready on 127.0.0.1:5432: run integration-tests/bench/run.sh --quick or ../shared/bench/up.sh first" >&2
    exit 1
}
[ -f "$PGMUX_JAR" ] || { echo "no $PGMUX_JAR: mvn -o -q install -DskipTests" >&2; exit 1; }

# ---------------------------------------------------------------- the replica
as_postgres() { runuser -u postgres -- "$@"; }
if [ ! -f "$REPLICA_DIR/standby.signal" ]; then
    echo "creating a streaming replica of 15/main in $REPLICA_DIR (port $REPLICA_PORT)"
    as_postgres rm -rf "$REPLICA_DIR"
    as_postgres "$PGBIN/pg_basebackup" -h /var/run/postgresql -p 5432 -D "$REPLICA_DIR" -R -X stream -c fast
    # Debian keeps the configuration in /etc: give the copy a file of its own
    as_postgres cp /etc/postgresql/15/main/pg_hba.conf "$REPLICA_DIR/pg_hba.conf"
    as_postgres tee "$REPLICA_DIR/postgresql.conf" >/dev/null <<EOF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
max_connections = 400
shared_buffers = 512MB
hot_standby = on
hba_file = '$REPLICA_DIR/pg_hba.conf'
EOF
fi
if ! as_postgres "$PGBIN/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; then
    as_postgres "$PGBIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/replica.log" -w start >/dev/null
fi
for _ in $(seq 1 60); do
    [ "$(psql -qAt -h 127.0.0.1 -p "$REPLICA_PORT" -U bench -d bench -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] && break
    sleep 1
done

# ---------------------------------------------------------------- pgmux
WORK=$(mktemp -d)
PGMUX_PID=
cleanup() {
    [ -n "$PGMUX_PID" ] && kill "$PGMUX_PID" 2>/dev/null && wait "$PGMUX_PID" 2>/dev/null || true
    [ "$STOP_REPLICA" = 1 ] && as_postgres "$PGBIN/pg_ctl" -D "$REPLICA_DIR" -m fast stop >/dev/null || true
    if [ -s "$WORK/pgmux.log" ] && ! grep -q "listening" "$WORK/pgmux.log"; then cat "$WORK/pgmux.log" >&2; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
P=postgres://bench:bench@127.0.0.1:5432/bench
R=postgres://bench:bench@127.0.0.1:$REPLICA_PORT/bench
db() { # name, routing block (empty: no replica)
    echo "  $1:"
    echo "    pool: { mode: transaction, size: 20 }"
    echo "    primary: $P"
    if [ -n "$2" ]; then
        echo "    replicas: [ $R ]"
        echo "    routing: { $2 }"
    fi
}
{
    echo "listen: 127.0.0.1:$PORT"
    echo "users: [ { name: bench, password: bench } ]"
    echo "limits: { max_client_connections: 10000 }"
    echo "admin: { listen: off }"
    echo "metrics: { listen: off }"
    echo "databases:"
    db bench_primary ""
    db bench_replica "autocommit_selects: replica"
    db bench_share "autocommit_selects: replica, primary_reads: share"
    db bench_eventual "consistency: eventual"
    db bench_ryw "consistency: read_your_writes"
} > "$WORK/pgmux.yaml"
# shellcheck disable=SC2086
java $PGMUX_JAVA_OPTS -jar "$PGMUX_JAR" --config "$WORK/pgmux.yaml" > "$WORK/pgmux.log" 2>&1 &
PGMUX_PID=$!
for _ in $(seq 1 100); do
    psql -qAt -h 127.0.0.1 -p "$PORT" -U bench -d bench_primary -c 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.2
done

run() { # label database pgbench-args...
    local label=$1 db=$2
    shift 2
    local out
    out=$(pgbench -n -c "$CLIENTS" -j "$JOBS" -T "$DURATION" "$@" -h 127.0.0.1 -p "$PORT" -U bench "$db" 2>&1) || true
    local tps failed
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
    failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
    echo "$label,${tps:-0},${failed:-?}" >> "$WORK/results.csv"
    printf '  %-28s %10s tps  (failed %s)\n' "$label" "${tps:-FAILED}" "${failed:-?}"
}
where() { # which server answers a read of database $1
    psql -qAt -h 127.0.0.1 -p "$PORT" -U bench -d "$1" -c 'SELECT inet_server_port()'
}
echo "reads of bench_primary are answered on port $(where bench_primary), of bench_replica on $(where bench_replica)"
echo "warm-up (JIT), 15 s"
pgbench -n -S -c "$CLIENTS" -j "$JOBS" -T 15 -h 127.0.0.1 -p "$PORT" -U bench bench_share >/dev/null 2>&1 || true
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round/$ROUNDS ($CLIENTS clients, $DURATION s per run)"
    run "select primary alone" bench_primary -S
    run "select on the replica" bench_replica -S
    run "select balanced over both" bench_share -S
    run "tpcb eventual" bench_eventual
    run "tpcb read_your_writes" bench_ryw
    run "tpcb primary alone" bench_primary
done

# ---------------------------------------------------------------- report
STAMP=$(date -u '+%Y-%m-%d %H:%M UTC')
python3 - "$WORK/results.csv" "$REPO/docs/benchmarks.md" "$UPDATE_DOCS" "$STAMP" "$CLIENTS" "$DURATION" "$ROUNDS" <<'EOF'
import csv, statistics, sys
path, docs, update, stamp, clients, duration, rounds = sys.argv[1:]
runs = {}
for label, tps, failed in csv.reader(open(path)):
    runs.setdefault(label, []).append((float(tps), failed))
def median(label):
    return statistics.median(t for t, _ in runs[label])
rows = [
    ("pgbench -S, primary alone (no replicas configured)", "select primary alone", "select primary alone"),
    ("pgbench -S, primary + replica, autocommit_selects: replica", "select on the replica", "select primary alone"),
    ("pgbench -S, primary + replica, primary_reads: share (balanced)", "select balanced over both", "select primary alone"),
    ("TPC-B-like, primary alone (no replicas configured)", "tpcb primary alone", "tpcb primary alone"),
    ("TPC-B-like, primary + replica, consistency: eventual", "tpcb eventual", "tpcb primary alone"),
    ("TPC-B-like, primary + replica, consistency: read_your_writes", "tpcb read_your_writes", "tpcb eventual"),
]
out = [f"### Read/write splitting ({stamp})", "",
       f"`integration-tests/bench/routing.sh`: one pgmux, {clients} clients, {rounds} interleaved rounds of "
       f"{duration} s, median TPS; PostgreSQL 15 primary and a streaming replica on the same 2-core "
       "machine as pgbench and pgmux, so the replica cannot add capacity here: the figures show what "
       "routing costs, not what a second machine would give.", "",
       "| workload | TPS | vs | failed |", "| --- | ---: | --- | ---: |"]
for title, label, base in rows:
    tps = median(label)
    ratio = "" if label == base else f"{tps / median(base):.2f}x {base}"
    failed = ",".join(sorted({f for _, f in runs[label]}))
    out.append(f"| {title} | {tps:,.0f} | {ratio} | {failed} |")
out += ["", "read_your_writes adds one `SELECT pg_current_wal_insert_lsn()` round trip after each transaction "
        "that ran on the primary; the last row's ratio is its measured cost on a write-heavy load."]
text = "\n".join(out)
print("\n" + text)
if update == "1":
    page = open(docs).read()
    begin, end = "<!-- routing:begin -->", "<!-- routing:end -->"
    if begin in page:
        head, rest = page.split(begin, 1)
        page = head + begin + "\n" + text + "\n" + end + rest.split(end, 1)[1]
    else:
        page = page.rstrip() + "\n\n" + begin + "\n" + text + "\n" + end + "\n"
    open(docs, "w").write(page)
    print(f"\nwritten to {docs}")
EOF
