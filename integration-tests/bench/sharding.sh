#!/usr/bin/env bash
# sharding.sh - sharding figures (issue "Sharding", "Measured"): keyed point reads through pgmux on
# 2 shards vs the same data in 1 database, and, with --jmh, the per-query CPU cost of finding the
# shard key (the JMH benchmark ShardKeyBench), in one run.
#
#   integration-tests/bench/sharding.sh [--update-docs] [--jmh] [-T SECS] [-r ROUNDS] [-c CLIENTS]
#                                       [--reload] [--stop]
#
# Needs the benchmark PostgreSQL 15/main on 127.0.0.1:5432 with role bench (run.sh or
# ../shared/bench/up.sh sets it up). Creates, once, a second PostgreSQL 15 server on port 5434 (data
# in /var/lib/postgresql/15/pgmux_shard1, initdb and pg_ctl as user postgres, left running; --stop
# stops it at the end), and, once (--reload: again), table accounts(customer_id bigint primary key,
# balance bigint, filler text) with CUSTOMERS (200000) rows:
#   bench_single on 5432   all the rows                                (the 1-database reference)
#   bench_s0     on 5432   the rows of hash partition MODULUS 2, REMAINDER 0   (shard 0)
#   bench_s1     on 5434   the rows of hash partition MODULUS 2, REMAINDER 1   (shard 1)
# split by PostgreSQL's own hash partitioning (a PARTITION BY HASH staging table in bench_single,
# each partition copied to its shard). One pgmux serves
#   bench_1db      transaction mode, primary bench_single
#   bench_2shards  transaction mode, sharding: pg_hash, key_type integer, tables {accounts: customer_id}
# Keyed reads through bench_2shards are checked against bench_single before anything is measured.
# The workload is `\set cid random(1, CUSTOMERS)` + `SELECT balance FROM accounts WHERE customer_id
# = :cid`, with pgbench -M simple, extended and prepared, direct to bench_single (reference), through
# bench_1db and through bench_2shards, interleaved, ROUNDS times; the median TPS is reported.
# --jmh first runs `mvn -o -q -pl proxy -am -Pjmh -DskipTests test` (about 2 min; it builds in
# this checkout: use a worktree if someone else is building here) and adds its µs/op table. With
# --update-docs the result replaces the section between <!-- sharding:begin --> and
# <!-- sharding:end --> of docs/benchmarks.md (without --jmh, the JMH table already there is kept).
# On a 2-core machine both shard servers, pgbench and pgmux share the cores: the second shard
# cannot add capacity here, the figures show the routing overhead, not scale-out.
# Env: DURATION ROUNDS CLIENTS JOBS (pgbench -j, 2) WARMUP (s, 24) CUSTOMERS PGMUX_PORT (6546)
#      SHARD1_PORT SHARD1_DIR PGBIN PGMUX_JAR PGMUX_JAVA_OPTS POOL_SIZE (20 per shard)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DURATION=${DURATION:-15}
ROUNDS=${ROUNDS:-2}
CLIENTS=${CLIENTS:-64}
JOBS=${JOBS:-2}
WARMUP=${WARMUP:-24}
CUSTOMERS=${CUSTOMERS:-200000}
POOL_SIZE=${POOL_SIZE:-20}
PORT=${PGMUX_PORT:-6546}
SHARD1_PORT=${SHARD1_PORT:-5434}
SHARD1_DIR=${SHARD1_DIR:-/var/lib/postgresql/15/pgmux_shard1}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGMUX_JAR=${PGMUX_JAR:-$REPO/proxy/target/pgmux.jar}
PGMUX_JAVA_OPTS=${PGMUX_JAVA_OPTS:-"-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ParallelGCThreads=2 -XX:+PerfDisableSharedMem -Dio.netty.leakDetection.level=disabled"}
UPDATE_DOCS=0
STOP_SHARD=0
RUN_JMH=0
RELOAD=0
ARGS="$*"

while [ $# -gt 0 ]; do
    case "$1" in
        --update-docs) UPDATE_DOCS=1 ;;
        --stop|--stop-shard) STOP_SHARD=1 ;;
        --jmh) RUN_JMH=1 ;;
        --reload) RELOAD=1 ;;
        -T) DURATION=$2; shift ;;
        -r) ROUNDS=$2; shift ;;
        -c) CLIENTS=$2; shift ;;
        -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

export PGPASSWORD=bench
psql -qAt -h 127.0.0.1 -p 5432 -U bench -d postgres -c 'SELECT 1' >/dev/null 2>&1 || {
    echo "PostgreSQL 15/main with role bench is not ready on 127.0.0.1:5432: run integration-tests/bench/run.sh --quick or ../shared/bench/up.sh first" >&2
    exit 1
}
[ -f "$PGMUX_JAR" ] || { echo "no $PGMUX_JAR: mvn -o -q install -DskipTests" >&2; exit 1; }

WORK=$(mktemp -d)
PGMUX_PID=
as_postgres() { runuser -u postgres -- "$@"; }
cleanup() {
    [ -n "$PGMUX_PID" ] && kill "$PGMUX_PID" 2>/dev/null && wait "$PGMUX_PID" 2>/dev/null || true
    [ "$STOP_SHARD" = 1 ] && as_postgres "$PGBIN/pg_ctl" -D "$SHARD1_DIR" -m fast stop >/dev/null || true
    if [ -s "$WORK/pgmux.log" ] && ! grep -q "listening" "$WORK/pgmux.log"; then cat "$WORK/pgmux.log" >&2; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- JMH (first: nothing else of ours runs)
if [ "$RUN_JMH" = 1 ]; then
    echo "JMH: ShardKeyBench (mvn -o -q -pl proxy -am -Pjmh -DskipTests test, about 2 min)"
    (cd "$REPO" && mvn -o -q -pl proxy -am -Pjmh -DskipTests test) > "$WORK/jmh.log" 2>&1 || {
        tail -30 "$WORK/jmh.log" >&2; echo "the JMH run failed" >&2; exit 1; }
    sed -n '/^Benchmark /,$p' "$WORK/jmh.log"
fi

# ---------------------------------------------------------------- the second server (shard 1)
if [ ! -f "$SHARD1_DIR/PG_VERSION" ]; then
    echo "creating a PostgreSQL 15 server for shard 1 in $SHARD1_DIR (port $SHARD1_PORT)"
    as_postgres rm -rf "$SHARD1_DIR"
    as_postgres "$PGBIN/initdb" -D "$SHARD1_DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    as_postgres tee -a "$SHARD1_DIR/postgresql.conf" >/dev/null <<EOF
# pgmux integration-tests/bench/sharding.sh
port = $SHARD1_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
max_connections = 200
shared_buffers = 256MB
EOF
fi
if ! as_postgres "$PGBIN/pg_ctl" -D "$SHARD1_DIR" status >/dev/null 2>&1; then
    as_postgres "$PGBIN/pg_ctl" -D "$SHARD1_DIR" -l "$SHARD1_DIR/shard1.log" -w start >/dev/null
fi
su_psql() { # port database sql: as the superuser, over the local socket
    as_postgres psql -qAtX -v ON_ERROR_STOP=1 -h /var/run/postgresql -p "$1" -d "$2" -c "$3"
}
[ "$(su_psql "$SHARD1_PORT" postgres "SELECT count(*) FROM pg_roles WHERE rolname = 'bench'")" = 1 ] ||
    su_psql "$SHARD1_PORT" postgres "SET password_encryption = 'scram-sha-256'; CREATE ROLE bench LOGIN PASSWORD 'bench'"
for spec in 5432:bench_single 5432:bench_s0 "$SHARD1_PORT:bench_s1"; do
    [ "$(su_psql "${spec%%:*}" postgres "SELECT count(*) FROM pg_database WHERE datname = '${spec#*:}'")" = 1 ] ||
        su_psql "${spec%%:*}" postgres "CREATE DATABASE ${spec#*:} OWNER bench"
done

# ---------------------------------------------------------------- the data
q() { # port database sql: as bench over TCP
    psql -qAtX -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U bench -d "$2" -c "$3"
}
count() { q "$1" "$2" "SELECT count(*) FROM accounts" 2>/dev/null || echo 0; }
n_single=$(count 5432 bench_single); n_s0=$(count 5432 bench_s0); n_s1=$(count "$SHARD1_PORT" bench_s1)
if [ "$RELOAD" = 1 ] || [ "$n_single" != "$CUSTOMERS" ] || [ $((n_s0 + n_s1)) != "$CUSTOMERS" ] ||
        [ "$n_s0" = 0 ] || [ "$n_s1" = 0 ]; then
    echo "loading $CUSTOMERS customers into bench_single and splitting them by hash partition over bench_s0 and bench_s1"
    q 5432 bench_single "
        DROP TABLE IF EXISTS accounts, accounts_staging;
        CREATE TABLE accounts (customer_id bigint PRIMARY KEY, balance bigint NOT NULL, filler text);
        INSERT INTO accounts SELECT i, (random() * 1000000)::bigint, repeat('x', 80)
            FROM generate_series(1, $CUSTOMERS) i;
        CREATE TABLE accounts_staging (LIKE accounts) PARTITION BY HASH (customer_id);
        CREATE TABLE accounts_staging_p0 PARTITION OF accounts_staging FOR VALUES WITH (MODULUS 2, REMAINDER 0);
        CREATE TABLE accounts_staging_p1 PARTITION OF accounts_staging FOR VALUES WITH (MODULUS 2, REMAINDER 1);
        INSERT INTO accounts_staging SELECT * FROM accounts;"
    for i in 0 1; do
        port=5432; [ "$i" = 1 ] && port=$SHARD1_PORT
        q "$port" "bench_s$i" "DROP TABLE IF EXISTS accounts;
            CREATE TABLE accounts (customer_id bigint NOT NULL, balance bigint NOT NULL, filler text)"
        q 5432 bench_single "COPY accounts_staging_p$i TO STDOUT" | q "$port" "bench_s$i" "COPY accounts FROM STDIN"
        q "$port" "bench_s$i" "ALTER TABLE accounts ADD PRIMARY KEY (customer_id)"
        q "$port" "bench_s$i" "VACUUM ANALYZE accounts"
    done
    q 5432 bench_single "DROP TABLE accounts_staging"
    q 5432 bench_single "VACUUM ANALYZE accounts"
    n_single=$(count 5432 bench_single); n_s0=$(count 5432 bench_s0); n_s1=$(count "$SHARD1_PORT" bench_s1)
fi
echo "accounts: $n_single rows in bench_single; $n_s0 in bench_s0 (5432), $n_s1 in bench_s1 ($SHARD1_PORT)"

# ---------------------------------------------------------------- pgmux
{
    echo "listen: 127.0.0.1:$PORT"
    echo "users: [ { name: bench, password: bench } ]"
    echo "limits: { max_client_connections: 10000 }"
    echo "admin: { listen: off }"
    echo "metrics: { listen: off }"
    echo "databases:"
    echo "  bench_1db:"
    echo "    pool: { mode: transaction, size: $POOL_SIZE }"
    echo "    primary: postgres://bench:bench@127.0.0.1:5432/bench_single"
    echo "  bench_2shards:"
    echo "    pool: { mode: transaction, size: $POOL_SIZE }"
    echo "    sharding: { function: pg_hash, key_type: integer, tables: { accounts: customer_id } }"
    echo "    shards:"
    echo "      - { primary: postgres://bench:bench@127.0.0.1:5432/bench_s0 }"
    echo "      - { primary: postgres://bench:bench@127.0.0.1:$SHARD1_PORT/bench_s1 }"
} > "$WORK/pgmux.yaml"
# shellcheck disable=SC2086
java $PGMUX_JAVA_OPTS -jar "$PGMUX_JAR" --config "$WORK/pgmux.yaml" > "$WORK/pgmux.log" 2>&1 &
PGMUX_PID=$!
for _ in $(seq 1 100); do
    psql -qAt -h 127.0.0.1 -p "$PORT" -U bench -d bench_1db -c 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.2
done

# ---------------------------------------------------------------- correctness, once
# The same keys read from bench_single directly and through bench_2shards, one statement each:
# every row lives on one shard only, so a key sent to the wrong shard reads nothing.
keys=$( (echo 1; echo 2; echo 42; echo "$CUSTOMERS"; shuf -i "1-$CUSTOMERS" -n 26) | sort -n -u)
expected=$(q 5432 bench_single "SELECT customer_id || '|' || balance FROM accounts
    WHERE customer_id IN ($(paste -sd, <<<"$keys")) ORDER BY customer_id")
got=$(for k in $keys; do echo "SELECT customer_id || '|' || balance, inet_server_port() FROM accounts WHERE customer_id = $k;"; done |
    psql -qAtX -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U bench -d bench_2shards -f -)
if [ "$expected" != "$(cut -d'|' -f1,2 <<<"$got")" ]; then
    echo "keyed reads through bench_2shards differ from bench_single:" >&2
    diff <(echo "$expected") <(cut -d'|' -f1,2 <<<"$got") >&2 || true
    exit 1
fi
echo "checked $(wc -l <<<"$keys") keyed reads through bench_2shards against bench_single:" \
    "$(cut -d'|' -f3 <<<"$got" | sort | uniq -c | awk '{ printf "%s on port %s; ", $1, $2 }')same balances"
cat > "$WORK/check.sql" <<EOF
\set cid random(1, $CUSTOMERS)
SELECT balance AS b FROM accounts WHERE customer_id = :cid \gset
EOF
for mode in simple extended prepared; do # \gset aborts the client on an empty result
    out=$(pgbench -n -c 4 -j 2 -t 250 -M "$mode" -f "$WORK/check.sql" -h 127.0.0.1 -p "$PORT" -U bench bench_2shards 2>&1) || true
    grep -q '^number of transactions actually processed: 1000/1000' <<<"$out" || {
        echo "pgbench -M $mode keyed reads through bench_2shards failed:" >&2; echo "$out" >&2; exit 1; }
done
echo "pgbench -M simple/extended/prepared: 1000 keyed reads each through bench_2shards, all found"

# ---------------------------------------------------------------- measured runs
cat > "$WORK/read.sql" <<EOF
\set cid random(1, $CUSTOMERS)
SELECT balance FROM accounts WHERE customer_id = :cid;
EOF
logins() { # server sessions started so far in the server databases behind $1 (pg_stat_database.sessions)
    local s0=0 s1=0
    case "$1" in
        bench_2shards)
            s0=$(q 5432 postgres "SELECT sessions FROM pg_stat_database WHERE datname = 'bench_s0'")
            s1=$(q "$SHARD1_PORT" postgres "SELECT sessions FROM pg_stat_database WHERE datname = 'bench_s1'") ;;
        *) s0=$(q 5432 postgres "SELECT sessions FROM pg_stat_database WHERE datname = 'bench_single'") ;;
    esac
    echo $((s0 + s1))
}
run() { # mode target port database
    local out tps failed before
    before=$(logins "$4")
    out=$(pgbench -n -c "$CLIENTS" -j "$JOBS" -T "$DURATION" -M "$1" -f "$WORK/read.sql" -h 127.0.0.1 -p "$3" -U bench "$4" 2>&1) || true
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
    failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
    logins=$(( $(logins "$4") - before ))
    echo "$1,$2,${tps:-0},${failed:-?},$logins" >> "$WORK/results.csv"
    printf '  %-9s %-15s %10s tps  (failed %s, %s server logins)\n' "$1" "$2" "${tps:-FAILED}" "${failed:-?}" "$logins"
}
TARGETS=("direct 5432 bench_single" "pgmux-1db $PORT bench_1db" "pgmux-2shards $PORT bench_2shards")
per=$(( (WARMUP + 5) / 6 ))
echo "warm-up (JIT), $((per * 6)) s, and 2 s direct"
pgbench -n -c "$CLIENTS" -j "$JOBS" -T 2 -f "$WORK/read.sql" -h 127.0.0.1 -p 5432 -U bench bench_single >/dev/null 2>&1 || true
for mode in simple extended prepared; do
    for db in bench_1db bench_2shards; do
        pgbench -n -c "$CLIENTS" -j "$JOBS" -T "$per" -M "$mode" -f "$WORK/read.sql" -h 127.0.0.1 -p "$PORT" -U bench "$db" >/dev/null 2>&1 || true
    done
done
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round/$ROUNDS ($CLIENTS clients, $DURATION s per run)"
    for mode in simple extended prepared; do
        for t in 0 1 2; do # the order of the targets turns with the rounds
            # shellcheck disable=SC2086
            run "$mode" ${TARGETS[$(((t + round - 1) % 3))]}
        done
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
STAMP=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -f "$WORK/jmh.log" ] || : > "$WORK/jmh.log"
python3 - "$WORK/results.csv" "$REPO/docs/benchmarks.md" "$UPDATE_DOCS" "$STAMP" "$CLIENTS" "$DURATION" \
    "$ROUNDS" "$CUSTOMERS" "$POOL_SIZE" "$(nproc)" "$LOAD_BEFORE" "$LOAD_AFTER" "$COMMIT" "sharding.sh $ARGS" \
    "$WORK/jmh.log" "$REPO/proxy/src/test/java/io/pgmux/sharding/bench/ShardKeyBench.java" <<'EOF'
import csv, re, statistics, sys
(path, docs, update, stamp, clients, duration, rounds, customers, pool, cores, load_before, load_after,
 commit, command, jmh_log, jmh_src) = sys.argv[1:]
runs = {}
logins = {}
for mode, target, tps, failed, n in csv.reader(open(path)):
    runs.setdefault((mode, target), []).append((float(tps), failed))
    logins.setdefault((mode, target), []).append(int(n))
def median(mode, target):
    return statistics.median(t for t, _ in runs[(mode, target)])
loaded = max(float(load_before.split()[0]), float(load_after.split()[0])) > 0.5 * int(cores) + 0.5
out = [f"### Keyed point reads: 1 database vs 2 shards ({stamp})", ""]
if loaded:
    out += [f"> **Measured on a loaded machine** (load average {load_before} before the run, {load_after} "
            "after it, on 2 cores, other work running): the ratios are indicative, the absolute TPS are "
            "not; re-run on a quiet machine before quoting.", ""]
out += [f"`integration-tests/bench/{command.strip()}` at commit {commit}: {customers} customers, "
        f"`SELECT balance FROM accounts WHERE customer_id = :cid` with a random `cid`, {clients} clients "
        f"(pgbench -j 2), {rounds} interleaved round(s) of {duration} s, median TPS. pgmux: transaction "
        f"mode, pool size {pool} per server; *2 shards* is `bench_2shards` (`pg_hash` on `customer_id`) "
        "over bench_s0 on 5432 and bench_s1 on 5434, *1 db* is the same rows in bench_single on 5432.", "",
        "| pgbench -M | direct, 1 db | pgmux, 1 db | pgmux, 2 shards | pgmux 1 db / direct | 2 shards / 1 db | 2 shards / direct | server logins per run, pgmux 1 db / 2 shards |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
failures = set()
for mode in ("simple", "extended", "prepared"):
    d, one, two = (median(mode, t) for t in ("direct", "pgmux-1db", "pgmux-2shards"))
    r = lambda a, b: f"{a / b:.2f}" if b else "-"
    lg = lambda t: f"{statistics.median(logins[(mode, t)]):.0f}"
    out.append(f"| {mode} | {d:,.0f} | {one:,.0f} | {two:,.0f} | {r(one, d)} | {r(two, one)} | {r(two, d)} "
               f"| {lg('pgmux-1db')} / {lg('pgmux-2shards')} |")
    for t in ("direct", "pgmux-1db", "pgmux-2shards"):
        failures |= {f"{mode} {t}: {f}" for _, f in runs[(mode, t)] if f != "0"}
out += ["", "*Server logins per run*: new connections PostgreSQL counted in the run's server databases "
        "(`pg_stat_database.sessions` of bench_single, or of bench_s0 + bench_s1), median; pgmux's pools are warm by then, so anything above 0 is "
        "connection churn (each login is a fork and a SCRAM exchange on the server).", "",
        "Failed transactions: " + ("; ".join(sorted(failures)) if failures else "none") + ". "
        "Before measuring, the script checks keyed reads through `bench_2shards` against `bench_single` "
        "(same balances; every row lives on one shard only, so a misrouted key reads nothing)."]

jmh = []
pat = re.compile(r"^ShardKeyBench\.(\w+)\s+(\w+)\s+avgt\s+\d+\s+([\d.]+)\s+±\s+([\d.]+)\s+us/op")
for line in open(jmh_log, encoding="utf-8", errors="replace"):
    m = pat.match(line.strip())
    if m:
        jmh.append(m.groups())
jmh_text = None
if jmh:
    src = open(jmh_src).read()
    body = src[src.index("QUERIES = Map.of("):src.index(");", src.index("QUERIES = Map.of("))]
    sqls = {}
    for name, lits in re.findall(r'"(\w+)",\s*((?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+)', body):
        sqls[name] = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lits))
    res = {(b, q): (s, e) for b, q, s, e in jmh}
    order = [q for b, q, _, _ in jmh if b == "extract"]
    rows = ["#### Key extraction, CPU per query (JMH)", "",
            "`mvn -o -q -pl proxy -am -Pjmh -DskipTests test` "
            "([ShardKeyBench](../proxy/src/test/java/io/pgmux/sharding/bench/ShardKeyBench.java)), "
            "average time per call in µs, ± the 99.9% interval over 3 one-second iterations, one fork, "
            "one thread. *extract* reads the key (or hint) from the SQL text; *+ hash* also resolves each "
            "key to one of 4 shards with `pg_hash`, as a Bind makes pgmux do."
            + (" **The machine was loaded during this run: intervals wider than the scores mean the "
               "figures are noise-bound; re-run on a quiet machine.**" if loaded else ""), "",
            "| query | SQL | extract, µs | extract + hash, µs |", "| --- | --- | ---: | ---: |"]
    for q in order:
        s1, e1 = res[("extract", q)]
        s2, e2 = res.get(("extractAndHash", q), ("-", "-"))
        sql = sqls.get(q, "").replace("|", "\\|")
        rows.append(f"| {q} | `{sql}` | {float(s1):.3f} ± {float(e1):.3f} | "
                    + (f"{float(s2):.3f} ± {float(e2):.3f}" if s2 != "-" else "-") + " |")
    jmh_text = "\n".join(rows)
jb, je = "<!-- sharding-jmh:begin -->", "<!-- sharding-jmh:end -->"
page = open(docs).read()
if jmh_text is None and jb in page:          # keep the JMH table of an earlier --jmh run
    jmh_block = jb + page.split(jb, 1)[1].split(je, 1)[0] + je
elif jmh_text is not None:
    jmh_block = f"{jb}\n{jmh_text}\n{je}"
else:
    jmh_block = None
text = "\n".join(out) + ("\n\n" + jmh_block if jmh_block else "")
print("\n" + text)
if update == "1":
    begin, end = "<!-- sharding:begin -->", "<!-- sharding:end -->"
    if begin in page:
        head, rest = page.split(begin, 1)
        page = head + begin + "\n" + text + "\n" + end + rest.split(end, 1)[1]
    else:
        page = page.rstrip() + "\n\n" + begin + "\n" + text + "\n" + end + "\n"
    open(docs, "w").write(page)
    print(f"\nwritten to {docs}")
EOF
