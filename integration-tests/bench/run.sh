#!/usr/bin/env bash
# run.sh - pgmux benchmark harness: pgbench directly against PostgreSQL, through PgBouncer and
# through pgmux, side by side in interleaved rounds, with the proxies' CPU time and RSS sampled
# from /proc.  Documented in docs/benchmarks.md.
#
# USAGE
#   integration-tests/bench/run.sh [--quick | --full] [options]
#
#   (default)    standard matrix: select, select-ext, select-prep, tpcb x 1, 64, 256 clients,
#                3 rounds of 15 s (about 35 minutes)
#   --quick      select and select-ext at 1 and 256 clients, select-prep and tpcb at 256,
#                2 rounds of 3 s, 15 s warm-up, a run that failed is not repeated in round 2
#                (under 5 minutes on an otherwise idle 2-core machine)
#   --full       the pgbench part of issue 9: select and select-ext at 1, 64, 256, 1000;
#                select-prep and tpcb at 1, 64, 256; select-conn (-C) at 8 and 64;
#                3 rounds of 20 s (about 1 h 15 min)
#
# OPTIONS (most also settable by the environment variable in brackets)
#   -w "LIST"        workloads                 [WORKLOADS]
#                      select       pgbench -S -M simple    (select-only, simple query protocol)
#                      select-ext   pgbench -S -M extended  (unnamed prepared statements)
#                      select-prep  pgbench -S -M prepared  (named prepared statements; fails
#                                   through PgBouncer 1.18 in transaction mode: recorded)
#                      tpcb         pgbench built-in TPC-B-like script, -M simple
#                      tpcb-ext     TPC-B-like, -M extended
#                      select-conn  pgbench -S -M simple -C (new connection + SCRAM per
#                                   transaction: connection set-up rate)
#   -c "LIST"        client counts, crossed with the workloads    [CLIENTS]
#   -m "MATRIX"      explicit cells instead of -w x -c, e.g. "select:1,256 tpcb:64"  [MATRIX]
#   -T SECS          measured seconds per run  [DURATION]
#   -r N             rounds                    [ROUNDS]
#   -j N             pgbench threads (min(N, clients))         [JOBS=2]
#   -t "LIST"        targets, in run order     [TARGETS="direct pgbouncer pgmux"]; add
#                    pgmux-b for a second pgmux (PGMUX_B_* below): a change measured against
#                    the code before it, or one setting against another, in one interleaved run
#   -o DIR           run directory             [OUT_DIR=./bench-out/<timestamp>]
#   --warmup SECS    pgmux warm-up before measuring (JIT)      [WARMUP]
#                    plus LOGIN_WARMUP=60 s of pgbench -C when the matrix has select-conn
#   --update-docs    write the results section into docs/benchmarks.md (between
#                    <!-- bench:begin --> and <!-- bench:end -->) and the charts into docs/img/
#   --label TEXT     a line shown on top of the results section  [LABEL]
#   --stop-postgres  stop the PostgreSQL cluster at the end (default: leave it running)
#   --no-setup       do not configure PostgreSQL; just check that bench/bench can log in
#   --report DIR     only re-render DIR/results.md from an earlier run (add --update-docs
#                    to publish it)
#   -n, --dry-run    print the plan and the pgbench commands, start nothing
#   -h, --help       this text
#
# ENVIRONMENT
#   PG_HOST=127.0.0.1 PG_PORT=5432 PG_VERSION=15 PG_CLUSTER=main   the server
#   PGBOUNCER_PORT=6532 PGMUX_PORT=6540        ports of the proxies this script starts
#   POOL_SIZE=20                               server connections per pool, both proxies
#   PGMUX_JAR=<repo>/proxy/target/pgmux.jar    copied to a temp dir before use
#   JAVA=java  PGMUX_JAVA_OPTS=...             JVM and its flags (default in docs/benchmarks.md)
#   PGMUX_WORKERS=0                            pgmux event loops (0 = half the cores, at least one)
#   PGMUX_TRANSPORT=auto                       pgmux transport: auto, io_uring, epoll, nio
#   PGMUX_B_PORT=6541 PGMUX_B_JAR PGMUX_B_JAVA_OPTS PGMUX_B_WORKERS PGMUX_B_TRANSPORT
#                                              target pgmux-b; each defaults to pgmux's value
#   PGMUX_B_LABEL=pgmux-b                      its name in the report, e.g. "before" or "epoll"
#   PGBOUNCER_BIN=<auto>                       pgbouncer binary (PATH, then /usr/sbin)
#   PYTHON=<auto>                              python3 used for sampling and the report
#   SETTLE=1 (quick 0.5)  CONNECT_MS=35  SAMPLE_INTERVAL=0.25   see docs/benchmarks.md
#   WARM_CLIENTS=3*POOL_SIZE  LOGIN_WARMUP=60  clients of the warm-up; seconds of -C warm-up
#   SKIP_REPEATED_FAILURES=0 (quick 1)         don't repeat a run that failed in an earlier round
#
# WHAT IT DOES
#   1. PostgreSQL (Debian's postgresql-common cluster PG_VERSION/PG_CLUSTER), idempotently:
#      max_connections = 400 and shared_buffers = 512MB (conf.d/pgmux-bench.conf, restart only
#      when the running values differ), role bench/bench with a SCRAM-SHA-256 password,
#      database bench, pgbench -i -s 10 unless already there; a pg_hba line only if bench
#      cannot log in over TCP.  Needs root, the postgres user or passwordless sudo; otherwise
#      it explains and uses the server as it is.
#   2. PgBouncer (if installed) on 127.0.0.1:PGBOUNCER_PORT: transaction pooling, pool
#      POOL_SIZE, max_client_conn 20000, SCRAM (role bench's verifier copied from pg_authid).
#   3. pgmux from a copy of the jar on 127.0.0.1:PGMUX_PORT with the same settings; admin
#      console and metrics off.
#   4. Warm-up (all targets; pgmux longer, for the JIT), then for each round, for each cell,
#      for each target: one pgbench run (A B C A B C ...), with a /proc sampler running.
#   5. RUN_DIR/results.md (+ runs-detail.csv, summary.csv, samples.csv, logs/, img/*.png).
#   On exit (also on Ctrl-C) it stops the pgmux and PgBouncer it started and removes its
#   temp dir; PostgreSQL keeps running unless --stop-postgres.
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
DOC=$REPO/docs/benchmarks.md
DOC_IMG=$REPO/docs/img

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_VERSION=${PG_VERSION:-15}
PG_CLUSTER=${PG_CLUSTER:-main}
BENCH_DB=bench BENCH_USER=bench BENCH_PASSWORD=bench SCALE=10
PG_MAX_CONNECTIONS=400 PG_SHARED_BUFFERS=512MB
PGBOUNCER_PORT=${PGBOUNCER_PORT:-6532}
PGMUX_PORT=${PGMUX_PORT:-6540}
POOL_SIZE=${POOL_SIZE:-20}
PGMUX_JAR=${PGMUX_JAR:-$REPO/proxy/target/pgmux.jar}
JAVA=${JAVA:-java}
PGMUX_JAVA_OPTS=${PGMUX_JAVA_OPTS:-"-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ParallelGCThreads=2 -XX:+PerfDisableSharedMem -Dio.netty.leakDetection.level=disabled"}
PGMUX_WORKERS=${PGMUX_WORKERS:-0}
PGMUX_TRANSPORT=${PGMUX_TRANSPORT:-auto}
PGMUX_B_PORT=${PGMUX_B_PORT:-6541}
PGMUX_B_JAR=${PGMUX_B_JAR:-$PGMUX_JAR}
PGMUX_B_JAVA_OPTS=${PGMUX_B_JAVA_OPTS:-$PGMUX_JAVA_OPTS}
PGMUX_B_WORKERS=${PGMUX_B_WORKERS:-$PGMUX_WORKERS}
PGMUX_B_TRANSPORT=${PGMUX_B_TRANSPORT:-$PGMUX_TRANSPORT}
PGMUX_B_LABEL=${PGMUX_B_LABEL:-pgmux-b}
TARGETS=${TARGETS:-"direct pgbouncer pgmux"}
JOBS=${JOBS:-2}
SETTLE=${SETTLE:-}
CONNECT_MS=${CONNECT_MS:-35}
SAMPLE_INTERVAL=${SAMPLE_INTERVAL:-0.25}
LOGIN_WARMUP=${LOGIN_WARMUP:-60}
# more clients than the pool has connections, so that the warm-up also runs (and the JIT
# compiles) the pool's wait queue and hand-off, which every cell above POOL_SIZE clients uses
WARM_CLIENTS=${WARM_CLIENTS:-$((POOL_SIZE * 3))}
NOFILE=${NOFILE:-20000}
LABEL=${LABEL:-}
OUT_DIR=${OUT_DIR:-}

PRESET=standard
UPDATE_DOCS=0 STOP_PG=0 SETUP_PG=1 DRY=0 REPORT_ONLY=
O_WORKLOADS=${WORKLOADS:-} O_CLIENTS=${CLIENTS:-} O_MATRIX=${MATRIX:-} O_DURATION=${DURATION:-}
O_ROUNDS=${ROUNDS:-} O_WARMUP=${WARMUP:-}
ORIG_ARGS="$*"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit "${1:-0}"; }
die() { echo "[bench] ERROR: $*" >&2; exit 2; }
log() { echo "[bench $(date +%T)] $*" >&2; }
warn() { echo "[bench $(date +%T)] WARNING: $*" >&2; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) PRESET=quick ;;
    --full) PRESET=full ;;
    --standard) PRESET=standard ;;
    -w) O_WORKLOADS=$2; shift ;;
    -c) O_CLIENTS=$2; shift ;;
    -m) O_MATRIX=$2; shift ;;
    -T) O_DURATION=$2; shift ;;
    -r) O_ROUNDS=$2; shift ;;
    -j) JOBS=$2; shift ;;
    -t) TARGETS=$2; shift ;;
    -o) OUT_DIR=$2; shift ;;
    --warmup) O_WARMUP=$2; shift ;;
    --label) LABEL=$2; shift ;;
    --update-docs) UPDATE_DOCS=1 ;;
    --stop-postgres) STOP_PG=1 ;;
    --no-setup) SETUP_PG=0 ;;
    --report) REPORT_ONLY=$2; shift ;;
    -n|--dry-run) DRY=1 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

case $PRESET in
  quick)    P_MATRIX="select:1,256 select-ext:1,256 select-prep:256 tpcb:256"; P_DURATION=3; P_ROUNDS=2; P_WARMUP=15
            P_SETTLE=0.5; P_SKIP_REPEATED_FAILURES=1 ;;
  standard) P_MATRIX=""; P_WORKLOADS="select select-ext select-prep tpcb"; P_CLIENTS="1 64 256"
            P_DURATION=15; P_ROUNDS=3; P_WARMUP=40 ;;
  full)     P_MATRIX="select:1,64,256,1000 select-ext:1,64,256,1000 select-prep:1,64,256 tpcb:1,64,256 select-conn:8,64"
            P_DURATION=20; P_ROUNDS=3; P_WARMUP=40 ;;
esac
DURATION=${O_DURATION:-$P_DURATION}
SETTLE=${SETTLE:-${P_SETTLE:-1}}
SKIP_REPEATED_FAILURES=${SKIP_REPEATED_FAILURES:-${P_SKIP_REPEATED_FAILURES:-0}}
ROUNDS=${O_ROUNDS:-$P_ROUNDS}
WARMUP=${O_WARMUP:-$P_WARMUP}
if [[ -n $O_MATRIX ]]; then MATRIX=$O_MATRIX
elif [[ -n $O_WORKLOADS || -n $O_CLIENTS ]]; then
  MATRIX=""
  ws=${O_WORKLOADS:-${P_WORKLOADS:-select select-ext select-prep tpcb}}
  cs=${O_CLIENTS:-${P_CLIENTS:-1 64 256}}
  for w in $ws; do MATRIX+="$w:${cs// /,} "; done
elif [[ -n $P_MATRIX ]]; then MATRIX=$P_MATRIX
else
  MATRIX=""; for w in $P_WORKLOADS; do MATRIX+="$w:${P_CLIENTS// /,} "; done
fi

workload_args() {  # workload -> pgbench options
  case $1 in
    select)      echo "-S -M simple -n" ;;
    select-ext)  echo "-S -M extended -n" ;;
    select-prep) echo "-S -M prepared -n" ;;
    select-conn) echo "-S -M simple -n -C" ;;
    tpcb)        echo "-M simple" ;;        # pgbench vacuums its tables before each run
    tpcb-ext)    echo "-M extended" ;;
    *) return 1 ;;
  esac
}

# cells: "workload clients" lines in matrix order
CELLS=()
for spec in $MATRIX; do
  [[ $spec =~ ^([a-z-]+):([0-9,]+)$ ]] || die "bad matrix cell '$spec' (want workload:clients[,clients...])"
  w=${BASH_REMATCH[1]}
  workload_args "$w" >/dev/null || die "unknown workload '$w'"
  IFS=, read -r -a cl <<<"${BASH_REMATCH[2]}"
  for c in "${cl[@]}"; do CELLS+=("$w $c"); done
done
[[ ${#CELLS[@]} -gt 0 ]] || die "empty matrix"
for t in $TARGETS; do [[ $t == direct || $t == pgbouncer || $t == pgmux || $t == pgmux-b ]] || die "unknown target '$t'"; done

# ---------------------------------------------------------------- tools
pick_python() {
  if [[ -n ${PYTHON:-} ]]; then echo "$PYTHON"; return; fi
  local p first=
  for p in /usr/bin/python3 python3; do
    command -v "$p" >/dev/null 2>&1 || continue
    [[ -z $first ]] && first=$(command -v "$p")
    if "$p" -c 'import matplotlib' >/dev/null 2>&1; then command -v "$p"; return; fi
  done
  echo "$first"
}
PY=$(pick_python)
[[ -n $PY ]] || die "python3 not found: it samples /proc and writes the report (apt-get install python3)"
LIB=$SCRIPT_DIR/benchlib.py

publish() {  # RUN_DIR
  local dir=$1
  mkdir -p "$DOC_IMG"
  local f
  for f in bench-tps.png bench-latency.png bench-cpu.png; do
    if [[ -f $dir/img/$f ]]; then cp "$dir/img/$f" "$DOC_IMG/$f"; else rm -f "$DOC_IMG/$f"; fi
  done
  "$PY" "$LIB" update-docs "$DOC" "$dir/results.md" || die "could not update $DOC"
  log "updated $DOC (section between the bench markers) and $DOC_IMG/"
}

if [[ -n $REPORT_ONLY ]]; then
  [[ -f $REPORT_ONLY/runs.csv ]] || die "$REPORT_ONLY/runs.csv not found"
  "$PY" "$LIB" report "$REPORT_ONLY" || die "report failed"
  cat "$REPORT_ONLY/results.md"
  [[ $UPDATE_DOCS == 1 ]] && publish "$REPORT_ONLY"
  exit 0
fi

missing=()
for t in pgbench psql timeout; do command -v $t >/dev/null 2>&1 || missing+=("$t"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  die "missing: ${missing[*]} (Debian: apt-get install postgresql-client-15 coreutils)"
fi
if [[ " $TARGETS " == *" pgmux"* ]] && ! command -v "$JAVA" >/dev/null 2>&1; then
  die "java not found ($JAVA): pgmux needs Java 17 (apt-get install openjdk-17-jre-headless)"
fi
BOUNCER_BIN=${PGBOUNCER_BIN:-$(command -v pgbouncer || { [[ -x /usr/sbin/pgbouncer ]] && echo /usr/sbin/pgbouncer; } || true)}
[[ -n $BOUNCER_BIN && -x $BOUNCER_BIN ]] || BOUNCER_BIN=
SKIP_PGBOUNCER_WHY=
if [[ " $TARGETS " == *" pgbouncer "* && -z $BOUNCER_BIN ]]; then
  SKIP_PGBOUNCER_WHY="PgBouncer is not installed (Debian: apt-get install pgbouncer)"
  warn "$SKIP_PGBOUNCER_WHY: its column is skipped"
fi

# ---------------------------------------------------------------- plan
SETTLE_MS=$(awk -v s="$SETTLE" 'BEGIN { printf "%d", s * 1000 }')
nruns=0; est=0
for cell in "${CELLS[@]}"; do
  read -r w c <<<"$cell"
  j=$((c < JOBS ? c : JOBS))
  for t in $TARGETS; do
    [[ $t == pgbouncer && -n $SKIP_PGBOUNCER_WHY ]] && continue
    nruns=$((nruns + ROUNDS))
    extra=0; [[ $w == select-conn ]] || extra=$(((c * CONNECT_MS + j * 500) / (j * 1000)))
    est=$((est + ROUNDS * (DURATION + extra) + ROUNDS * SETTLE_MS / 1000))
  done
done
est=$((est + WARMUP + 15))
PLAN="$PRESET preset; cells: $MATRIX; targets: $TARGETS; $ROUNDS rounds x ${DURATION}s measured per run; pgbench -j $JOBS; pool size $POOL_SIZE (transaction mode); pgmux warm-up ${WARMUP}s"
log "plan: $PLAN"
log "$nruns pgbench runs, about $((est / 60)) min $((est % 60)) s"

if [[ $DRY == 1 ]]; then
  for ((r = 1; r <= ROUNDS; r++)); do
    for cell in "${CELLS[@]}"; do
      read -r w c <<<"$cell"
      for t in $TARGETS; do
        echo "round $r: $t: pgbench -h $PG_HOST -p <$t port> -U $BENCH_USER $(workload_args "$w") -c $c -j $((c < JOBS ? c : JOBS)) -T $DURATION(+connect allowance) --progress=1 --progress-timestamp $BENCH_DB"
      done
    done
  done
  exit 0
fi

# ---------------------------------------------------------------- run dir, state, cleanup
RUN_ID=$(date +%Y%m%d-%H%M%S)
[[ -n $OUT_DIR ]] || OUT_DIR=./bench-out/$RUN_ID
mkdir -p "$OUT_DIR/logs" || die "cannot create $OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
STATE=$(mktemp -d /tmp/pgmux-bench.XXXXXX) || die "mktemp failed"
chmod 755 "$STATE"
BOUNCER_PID= SAMPLER_PID= PGBENCH_PID=
declare -A MUX_PID=()   # pgmux and pgmux-b, by target name
NOTES=()

stop_pid() {  # pid name seconds
  local pid=$1 name=$2 secs=${3:-10} i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < secs * 4; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  warn "$name (pid $pid) did not stop within ${secs}s after SIGTERM: killing it"
  kill -KILL "$pid" 2>/dev/null
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $PGBENCH_PID ]] && kill -TERM "$PGBENCH_PID" 2>/dev/null
  [[ -n $SAMPLER_PID ]] && stop_pid "$SAMPLER_PID" sampler 5
  local n
  for n in "${!MUX_PID[@]}"; do log "stopping $n (pid ${MUX_PID[$n]})"; stop_pid "${MUX_PID[$n]}" "$n" 15; done
  if [[ -n $BOUNCER_PID ]]; then log "stopping PgBouncer (pid $BOUNCER_PID)"; stop_pid "$BOUNCER_PID" pgbouncer 10; fi
  for n in pgmux pgmux-b; do
    cp "$STATE/$n.log" "$OUT_DIR/$n.log" 2>/dev/null
    cp "$STATE/$n.yaml" "$OUT_DIR/$n.yaml" 2>/dev/null
  done
  cp "$STATE/pgbouncer/pgbouncer.log" "$OUT_DIR/pgbouncer.log" 2>/dev/null
  grep -v '^auth_file' "$STATE/pgbouncer/pgbouncer.ini" >"$OUT_DIR/pgbouncer.ini" 2>/dev/null
  rm -rf "$STATE"
  if [[ $STOP_PG == 1 ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
    log "stopping PostgreSQL $PG_VERSION/$PG_CLUSTER (--stop-postgres)"
    as_pg pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" stop -m fast || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'echo; warn "interrupted"; exit 130' INT TERM

ulimit -n "$NOFILE" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export PGPASSWORD=$BENCH_PASSWORD PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-15}
unset PGSERVICE PGOPTIONS PGSSLMODE
export PGSSLMODE=disable   # same for all targets; the proxies answer SSLRequest with N anyway

# ---------------------------------------------------------------- 1. PostgreSQL
AS_PG=none
if [[ $(id -u) == 0 ]]; then id postgres >/dev/null 2>&1 && AS_PG=runuser
elif [[ $(id -un) == postgres ]]; then AS_PG=self
elif sudo -n -u postgres true >/dev/null 2>&1; then AS_PG=sudo
fi
as_pg() {
  case $AS_PG in
    runuser) runuser -u postgres -- "$@" ;;
    self) "$@" ;;
    sudo) sudo -n -u postgres -- "$@" ;;
    *) return 1 ;;
  esac
}
psql_super() { as_pg psql -X -q -v ON_ERROR_STOP=1 -h /var/run/postgresql -p "$PG_PORT" "$@"; }
bench_login_ok() { psql -X -Atq -h "$PG_HOST" -p "$PG_PORT" -U "$BENCH_USER" -d "$BENCH_DB" -c 'select 1' >/dev/null 2>&1; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

setup_postgres() {
  if [[ $SETUP_PG == 0 ]]; then
    log "PostgreSQL set-up skipped (--no-setup): using $PG_HOST:$PG_PORT as it is"; return 0
  fi
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    warn "Debian's postgresql-common (pg_lsclusters) is not installed: PostgreSQL is not set up by this script."
    warn "Install it with: apt-get install postgresql-$PG_VERSION  - or point PG_HOST/PG_PORT at a server with"
    warn "role bench/bench, database bench and pgbench -i -s $SCALE data, and pass --no-setup."
    return 0
  fi
  if [[ $AS_PG == none ]]; then
    warn "not root, not postgres and no passwordless sudo: PostgreSQL is not set up by this script (using it as it is)"
    return 0
  fi
  if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {f=1} END {exit !f}'; then
    if [[ -x /usr/lib/postgresql/$PG_VERSION/bin/postgres ]] && command -v pg_createcluster >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
      log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER on port $PG_PORT"
      pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" >/dev/null || die "pg_createcluster failed"
    else
      warn "PostgreSQL cluster $PG_VERSION/$PG_CLUSTER does not exist and cannot be created here"
      warn "(apt-get install postgresql-$PG_VERSION as root); using $PG_HOST:$PG_PORT as it is"
      return 0
    fi
  fi
  local cport; cport=$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $3}')
  [[ $cport == "$PG_PORT" ]] || die "cluster $PG_VERSION/$PG_CLUSTER listens on port $cport, not PG_PORT=$PG_PORT"
  local conf=/etc/postgresql/$PG_VERSION/$PG_CLUSTER
  if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}' | grep -q '^online'; then
    log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
    as_pg pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" start || die "could not start PostgreSQL"
  fi
  local i; for i in $(seq 1 30); do psql_super -d postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 1; done
  psql_super -d postgres -c 'select 1' >/dev/null 2>&1 || die "cannot connect to PostgreSQL as postgres over /var/run/postgresql"
  # server settings: only touched (and the server restarted) when the running values differ
  local mc sb
  mc=$(psql_super -d postgres -Atc "show max_connections")
  sb=$(psql_super -d postgres -Atc "select pg_size_pretty(setting::bigint * 8192) from pg_settings where name = 'shared_buffers'")
  if [[ $mc != "$PG_MAX_CONNECTIONS" || ${sb// /} != "$PG_SHARED_BUFFERS" ]]; then
    log "PostgreSQL has max_connections=$mc shared_buffers=$sb: writing $conf/conf.d/pgmux-bench.conf and restarting"
    mkdir -p "$conf/conf.d"
    printf '# written by pgmux integration-tests/bench/run.sh\nmax_connections = %s\nshared_buffers = %s\n' \
      "$PG_MAX_CONNECTIONS" "$PG_SHARED_BUFFERS" >"$conf/conf.d/pgmux-bench.conf"
    chown postgres:postgres "$conf/conf.d/pgmux-bench.conf" 2>/dev/null
    grep -Eq "^[[:space:]]*include_dir[[:space:]]*=[[:space:]]*'conf.d'" "$conf/postgresql.conf" ||
      warn "$conf/postgresql.conf has no include_dir = 'conf.d': the settings will not apply"
    as_pg pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" restart -m fast || die "restart failed"
    for i in $(seq 1 30); do psql_super -d postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 1; done
  fi
  psql_super -d postgres <<EOF || die "could not create role/database $BENCH_USER/$BENCH_DB"
SET password_encryption = 'scram-sha-256';
SELECT 'CREATE ROLE $BENCH_USER LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$BENCH_USER') \gexec
SELECT 'ALTER ROLE $BENCH_USER LOGIN PASSWORD ''$BENCH_PASSWORD''' FROM pg_authid
 WHERE rolname = '$BENCH_USER' AND (rolpassword IS NULL OR rolpassword NOT LIKE 'SCRAM-SHA-256\$%') \gexec
SELECT 'CREATE DATABASE $BENCH_DB OWNER $BENCH_USER' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB') \gexec
EOF
  if ! bench_login_ok; then
    log "role $BENCH_USER cannot log in over TCP: resetting its password"
    psql_super -d postgres -c "SET password_encryption = 'scram-sha-256'; ALTER ROLE $BENCH_USER PASSWORD '$BENCH_PASSWORD'" >/dev/null
  fi
  if ! bench_login_ok; then
    local hba; hba=$(psql_super -d postgres -Atc "show hba_file")
    log "adding 'host $BENCH_DB $BENCH_USER 127.0.0.1/32 scram-sha-256' on top of $hba (copy: $hba.pre-pgmux-bench)"
    [[ -f $hba.pre-pgmux-bench ]] || cp -p "$hba" "$hba.pre-pgmux-bench"
    { echo "host $BENCH_DB $BENCH_USER 127.0.0.1/32 scram-sha-256   # pgmux bench/run.sh"; cat "$hba.pre-pgmux-bench"; } >"$hba.tmp" &&
      chown postgres:postgres "$hba.tmp" && chmod 640 "$hba.tmp" && mv "$hba.tmp" "$hba"
    psql_super -d postgres -Atc "select pg_reload_conf()" >/dev/null
    sleep 1
  fi
  bench_login_ok || die "role $BENCH_USER still cannot log in to $PG_HOST:$PG_PORT/$BENCH_DB with its password"
  local nb; nb=$(psql -X -Atq -h "$PG_HOST" -p "$PG_PORT" -U "$BENCH_USER" -d "$BENCH_DB" -c "select count(*) from pgbench_branches" 2>/dev/null)
  if [[ $nb != "$SCALE" ]]; then
    log "initializing pgbench data, scale $SCALE"
    pgbench -i -s "$SCALE" -q -h "$PG_HOST" -p "$PG_PORT" -U "$BENCH_USER" "$BENCH_DB" >"$OUT_DIR/pgbench-init.log" 2>&1 ||
      die "pgbench -i failed (see $OUT_DIR/pgbench-init.log)"
  fi
}
setup_postgres
bench_login_ok || die "cannot log in to PostgreSQL at $PG_HOST:$PG_PORT/$BENCH_DB as $BENCH_USER/$BENCH_PASSWORD"
nb=$(psql -X -Atq -h "$PG_HOST" -p "$PG_PORT" -U "$BENCH_USER" -d "$BENCH_DB" -c "select count(*) from pgbench_branches" 2>/dev/null)
[[ $nb =~ ^[0-9]+$ && $nb -gt 0 ]] || die "database $BENCH_DB has no pgbench data (run pgbench -i -s $SCALE)"
PG_VER_STR=$(psql -X -Atq -h "$PG_HOST" -p "$PG_PORT" -U "$BENCH_USER" -d "$BENCH_DB" -c "select split_part(version(), ',', 1)")
PG_MAXCONN=$(psql -X -Atq -h "$PG_HOST" -p "$PG_PORT" -U "$BENCH_USER" -d "$BENCH_DB" \
  -c "select current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int")
PG_SB=$(psql -X -Atq -h "$PG_HOST" -p "$PG_PORT" -U "$BENCH_USER" -d "$BENCH_DB" -c "show shared_buffers")
# direct runs with more clients than the server takes are skipped (10 slots left for others)
DIRECT_MAX=$((PG_MAXCONN - 10))
log "PostgreSQL: $PG_VER_STR at $PG_HOST:$PG_PORT, max_connections $((PG_MAXCONN))+reserved, shared_buffers $PG_SB, pgbench scale $nb"

# ---------------------------------------------------------------- 2. PgBouncer
BOUNCER_VER=
start_pgbouncer() {
  local d=$STATE/pgbouncer secret
  mkdir -p "$d"
  port_busy "$PGBOUNCER_PORT" && die "port $PGBOUNCER_PORT is in use: set PGBOUNCER_PORT to a free port"
  secret=$(psql_super -d postgres -Atc "select rolpassword from pg_authid where rolname = '$BENCH_USER'" 2>/dev/null)
  if [[ $secret != SCRAM-SHA-256\$* ]]; then
    warn "cannot read role $BENCH_USER's SCRAM verifier from pg_authid (needs superuser): PgBouncer gets the plain password"
    secret=$BENCH_PASSWORD
  fi
  printf '"%s" "%s"\n' "$BENCH_USER" "$secret" >"$d/userlist.txt"
  cat >"$d/pgbouncer.ini" <<EOF
; written by pgmux integration-tests/bench/run.sh
[databases]
$BENCH_DB = host=$PG_HOST port=$PG_PORT dbname=$BENCH_DB

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
pidfile = $d/pgbouncer.pid
logfile = $d/pgbouncer.log
auth_type = scram-sha-256
auth_file = $d/userlist.txt
pool_mode = transaction
default_pool_size = $POOL_SIZE
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 20000
max_db_connections = 0
ignore_startup_parameters = extra_float_digits
query_wait_timeout = 120
log_connections = 0
log_disconnections = 0
log_pooler_errors = 1
EOF
  chmod 600 "$d/userlist.txt" "$d/pgbouncer.ini"
  local run=()
  if [[ $(id -u) == 0 ]]; then   # PgBouncer refuses to run as root
    chown -R postgres:postgres "$d"; run=(runuser -u postgres --)
  fi
  "${run[@]}" bash -c "ulimit -n $NOFILE 2>/dev/null || ulimit -n \$(ulimit -Hn); exec '$BOUNCER_BIN' -d '$d/pgbouncer.ini'" ||
    die "PgBouncer did not start (see $d/pgbouncer.log)"
  local i
  for i in $(seq 1 40); do [[ -s $d/pgbouncer.pid ]] && break; sleep 0.25; done
  BOUNCER_PID=$(tr -dc 0-9 <"$d/pgbouncer.pid" 2>/dev/null)
  [[ -n $BOUNCER_PID ]] || die "PgBouncer wrote no pid file; log: $(tail -5 "$d/pgbouncer.log" 2>/dev/null)"
  for i in $(seq 1 40); do psql -X -Atq -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U "$BENCH_USER" -d "$BENCH_DB" -c 'select 1' >/dev/null 2>&1 && break; sleep 0.25; done
  psql -X -Atq -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U "$BENCH_USER" -d "$BENCH_DB" -c 'select 1' >/dev/null 2>&1 ||
    die "cannot query through PgBouncer on :$PGBOUNCER_PORT; log: $(tail -5 "$d/pgbouncer.log")"
  BOUNCER_VER=$("$BOUNCER_BIN" --version 2>/dev/null | head -1)
  log "PgBouncer ($BOUNCER_VER) pid $BOUNCER_PID on 127.0.0.1:$PGBOUNCER_PORT, transaction pool $POOL_SIZE"
}

# ---------------------------------------------------------------- 3. pgmux (and pgmux-b)
# one function pair for both instances; NAME is the target: pgmux or pgmux-b
declare -A MUX_PORT=([pgmux]=$PGMUX_PORT [pgmux-b]=$PGMUX_B_PORT) MUX_JAR=([pgmux]=$PGMUX_JAR [pgmux-b]=$PGMUX_B_JAR)
declare -A MUX_OPTS=([pgmux]=$PGMUX_JAVA_OPTS [pgmux-b]=$PGMUX_B_JAVA_OPTS)
declare -A MUX_WORKERS=([pgmux]=$PGMUX_WORKERS [pgmux-b]=$PGMUX_B_WORKERS)
declare -A MUX_TRANSPORT=([pgmux]=$PGMUX_TRANSPORT [pgmux-b]=$PGMUX_B_TRANSPORT)
declare -A MUX_COMMIT=()
start_pgmux() {  # NAME
  local n=$1 port=${MUX_PORT[$1]} pid
  ( ulimit -n "$NOFILE" 2>/dev/null; exec "$JAVA" ${MUX_OPTS[$n]} -jar "$STATE/$n.jar" --config "$STATE/$n.yaml" ) \
    >>"$STATE/$n.log" 2>&1 </dev/null &
  pid=$!
  MUX_PID[$n]=$pid
  echo "$pid" >"$STATE/$n.pid"
  local i
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || die "$n exited during start-up: $(tail -20 "$STATE/$n.log")"
    psql -X -Atq -h 127.0.0.1 -p "$port" -U "$BENCH_USER" -d "$BENCH_DB" -c 'select 1' >/dev/null 2>&1 && break
    sleep 0.25
  done
  psql -X -Atq -h 127.0.0.1 -p "$port" -U "$BENCH_USER" -d "$BENCH_DB" -c 'select 1' >/dev/null 2>&1 ||
    die "cannot query through $n on :$port; log: $(tail -20 "$STATE/$n.log")"
  log "$n pid $pid on 127.0.0.1:$port, transaction pool $POOL_SIZE ($JAVA ${MUX_OPTS[$n]})"
}
prepare_pgmux() {  # NAME
  local n=$1 jar=${MUX_JAR[$1]} port=${MUX_PORT[$1]}
  [[ -f $jar ]] || die "$n jar not found at $jar; build it: (cd $REPO && mvn -o -q install -DskipTests)"
  port_busy "$port" && die "port $port is in use: set PGMUX_PORT (or PGMUX_B_PORT) to a free port"
  cp "$jar" "$STATE/$n.jar" || die "cannot copy $jar"
  local sha; sha=$(sha256sum "$STATE/$n.jar" | cut -c1-12)
  if [[ $jar -ef $REPO/proxy/target/pgmux.jar ]]; then
    local head dirty=""
    head=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    [[ -n $(git -C "$REPO" status --porcelain -- proxy config pom.xml 2>/dev/null) ]] && dirty=" + uncommitted changes in proxy/ or config/"
    MUX_COMMIT[$n]="commit $head$dirty (jar built $(date -r "$jar" '+%F %T'), sha256 $sha…)"
  else
    MUX_COMMIT[$n]="$jar (built $(date -r "$jar" '+%F %T'), sha256 $sha…)"
  fi
  cat >"$STATE/$n.yaml" <<EOF
# written by pgmux integration-tests/bench/run.sh
listen: 127.0.0.1:$port
workers: ${MUX_WORKERS[$n]}
transport: ${MUX_TRANSPORT[$n]}
shutdown_timeout: 5s
admin: { listen: off }
metrics: { listen: off }
limits: { max_client_connections: 20000, query_wait_timeout: 120s }
log: { level: info }
users:
  - { name: $BENCH_USER, password: $BENCH_PASSWORD }
databases:
  $BENCH_DB:
    pool: { mode: transaction, size: $POOL_SIZE }
    primary: postgres://$BENCH_USER:$BENCH_PASSWORD@$PG_HOST:$PG_PORT/$BENCH_DB
EOF
  start_pgmux "$n"
}
event_loops() {  # NAME -> "io_uring, 1 event loops", from its start-up line
  grep -m1 -o 'pgmux listening on [^ ]* ([^)]*)' "$STATE/$1.log" 2>/dev/null | sed 's/.*(//; s/)//; s/, [0-9]* databases$//'
}

declare -A PORT=([direct]=$PG_PORT [pgbouncer]=$PGBOUNCER_PORT [pgmux]=$PGMUX_PORT [pgmux-b]=$PGMUX_B_PORT)
declare -A HOST=([direct]=$PG_HOST [pgbouncer]=127.0.0.1 [pgmux]=127.0.0.1 [pgmux-b]=127.0.0.1)
declare -A SKIPWHY=()
if [[ " $TARGETS " == *" pgbouncer "* ]]; then
  if [[ -n $SKIP_PGBOUNCER_WHY ]]; then SKIPWHY[pgbouncer]=$SKIP_PGBOUNCER_WHY; else start_pgbouncer; fi
fi
for n in pgmux pgmux-b; do [[ " $TARGETS " == *" $n "* ]] && prepare_pgmux "$n"; done

# ---------------------------------------------------------------- metadata, sampler
JAVA_VER=$("$JAVA" -version 2>&1 | head -1)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
{
  printf 'title\t%s\n' "pgbench: direct vs PgBouncer vs pgmux ($PRESET, $(date -u '+%F %H:%M UTC'))"
  printf 'label\t%s\n' "${LABEL:-$([[ $PRESET == quick ]] && echo "Preliminary: one --quick run (2 rounds x ${DURATION} s) on a shared, noisy 2-core machine; re-run before quoting.")}"
  printf 'date\t%s\n' "$(date -u '+%F %T UTC')"
  printf 'machine\t%s\n' "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo), $(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-Linux}"), kernel $(uname -r); pgbench, PostgreSQL and the proxies share the cores"
  printf 'load_before\t%s\n' "$LOAD_BEFORE"
  printf 'pg_version\t%s\n' "$PG_VER_STR (max_connections $((PG_MAXCONN)) + reserved, shared_buffers $PG_SB, pgbench scale $nb, fsync on)"
  printf 'pgbouncer_version\t%s\n' "${BOUNCER_VER:-not run${SKIP_PGBOUNCER_WHY:+: $SKIP_PGBOUNCER_WHY}}"
  printf 'pgbench_version\t%s\n' "$(pgbench --version)"
  printf 'java_version\t%s\n' "$JAVA_VER"
  printf 'pgmux_commit\t%s\n' "${MUX_COMMIT[pgmux]:-not run}"
  printf 'pgmux_transport\t%s\n' "$(event_loops pgmux)"
  printf 'java_opts\t%s\n' "$PGMUX_JAVA_OPTS"
  if [[ -n ${MUX_COMMIT[pgmux-b]:-} ]]; then
    printf 'pgmux_b_label\t%s\n' "$PGMUX_B_LABEL"
    printf 'pgmux_b_commit\t%s\n' "${MUX_COMMIT[pgmux-b]}"
    printf 'pgmux_b_transport\t%s\n' "$(event_loops pgmux-b)"
    printf 'pgmux_b_java_opts\t%s\n' "$PGMUX_B_JAVA_OPTS"
  fi
  printf 'command\t%s\n' "integration-tests/bench/run.sh $ORIG_ARGS"
  printf 'plan\t%s\n' "$PLAN"
  printf 'run_dir_rel\t%s\n' "bench-out/$(basename "$OUT_DIR")"
  printf 'skip_direct\t%s\n' "more clients than the server's max_connections allows"
  [[ -n ${SKIPWHY[pgbouncer]:-} ]] && printf 'skip_pgbouncer\t%s\n' "${SKIPWHY[pgbouncer]}"
} >"$OUT_DIR/meta.tsv"

"$PY" "$LIB" sample "$OUT_DIR/samples.csv" "$SAMPLE_INTERVAL" \
  pgmux="$STATE/pgmux.pid" pgmux-b="$STATE/pgmux-b.pid" pgbouncer="$STATE/pgbouncer/pgbouncer.pid" &
SAMPLER_PID=$!

# ---------------------------------------------------------------- pgbench runs
RUNS=$OUT_DIR/runs.csv
echo "workload,clients,target,round,rc,start,end,duration_arg,log,load1,status,note" >"$RUNS"

target_ok() {  # target clients -> 0 if it should run
  local t=$1 c=$2
  [[ -z ${SKIPWHY[$t]:-} ]] || return 1
  [[ $t == direct && $c -gt $DIRECT_MAX ]] && return 1
  return 0
}

pgbench_run() {  # target workload clients duration logfile -> rc
  local t=$1 w=$2 c=$3 d=$4 logf=$5 j lim
  j=$((c < JOBS ? c : JOBS))
  lim=$((d * 2 + 60 + c / 10))
  local cmd=(pgbench -h "${HOST[$t]}" -p "${PORT[$t]}" -U "$BENCH_USER" $(workload_args "$w") -c "$c" -j "$j" -T "$d"
             --progress=1 --progress-timestamp "$BENCH_DB")
  echo "# ${cmd[*]}" >"$logf"
  timeout -k 10 "$lim" "${cmd[@]}" >>"$logf" 2>&1 &
  PGBENCH_PID=$!
  wait "$PGBENCH_PID"
  local rc=$?
  PGBENCH_PID=
  return $rc
}

check_proxies() {  # after a run: restart a proxy that died, and say so
  local what=$1
  local n
  for n in "${!MUX_PID[@]}"; do
    kill -0 "${MUX_PID[$n]}" 2>/dev/null && continue
    local msg="$n (pid ${MUX_PID[$n]}) died during $what; last log lines: $(tail -5 "$STATE/$n.log" | tr '\n' ' ' | cut -c1-400)"
    warn "$msg"; NOTES+=("$msg"); RUN_NOTE="$n died"
    cp "$STATE/$n.log" "$OUT_DIR/$n-crash-$(date +%H%M%S).log"
    start_pgmux "$n"
    NOTES+=("$n restarted after that; later runs had no warm-up")
  done
  if [[ -n $BOUNCER_PID ]] && ! kill -0 "$BOUNCER_PID" 2>/dev/null; then
    local msg="PgBouncer (pid $BOUNCER_PID) died during $what"
    warn "$msg"; NOTES+=("$msg"); RUN_NOTE="pgbouncer died"; BOUNCER_PID=
    SKIPWHY[pgbouncer]="PgBouncer died during the run"
  fi
}

# warm-up: PostgreSQL's caches (direct) and both proxies; pgmux longest (JIT)
warm_workloads=() warm_logins=0
for cell in "${CELLS[@]}"; do
  read -r w c <<<"$cell"
  [[ $w == select-conn ]] && { warm_logins=1; continue; }
  [[ " ${warm_workloads[*]} " == *" $w "* ]] || warm_workloads+=("$w")
done
[[ ${#warm_workloads[@]} -gt 0 ]] || warm_workloads=(select)
if ((WARMUP > 0)); then
  per=$(((WARMUP + ${#warm_workloads[@]} - 1) / ${#warm_workloads[@]}))
  ((per < 2)) && per=2
  for t in $TARGETS; do
    target_ok "$t" 16 || continue
    if [[ $t == pgmux* ]]; then ws=("${warm_workloads[@]}"); secs=$per; else ws=(select); secs=2; fi
    for w in "${ws[@]}"; do
      log "warm-up: $t $w, $WARM_CLIENTS clients, ${secs}s"
      pgbench_run "$t" "$w" "$WARM_CLIENTS" "$secs" "$OUT_DIR/logs/warmup-$t-$w.log"
      check_proxies "warm-up"
    done
    # the login path runs once per connection: at ~200 logins/s it takes a minute of -C before
    # the JIT has compiled it, as it has in a pgmux that has been up for a while
    if [[ $t == pgmux* && $warm_logins == 1 ]] && ((LOGIN_WARMUP > 0)); then
      log "warm-up: $t select-conn (logins), 16 clients, ${LOGIN_WARMUP}s"
      pgbench_run "$t" select-conn 16 "$LOGIN_WARMUP" "$OUT_DIR/logs/warmup-$t-select-conn.log"
      check_proxies "warm-up"
    fi
  done
fi

run_no=0
declare -A CONN_LAST=() FAILED_BEFORE=()
for ((r = 1; r <= ROUNDS; r++)); do
  for cell in "${CELLS[@]}"; do
    read -r w c <<<"$cell"
    j=$((c < JOBS ? c : JOBS))
    for t in $TARGETS; do
      RUN_NOTE=
      if ! target_ok "$t" "$c"; then
        why=unavailable; [[ $t == direct && -z ${SKIPWHY[$t]:-} ]] && why=skip
        echo "$w,$c,$t,$r,,,,,,,$why," >>"$RUNS"; continue
      fi
      if [[ $SKIP_REPEATED_FAILURES == 1 && -n ${FAILED_BEFORE[$w:$c:$t]:-} ]]; then
        echo "$w,$c,$t,$r,,,,,,,known-failure," >>"$RUNS"
        log "r$r $w c=$c $t: not repeated (failed in an earlier round; --quick)"; continue
      fi
      run_no=$((run_no + 1))
      logf=logs/$w-c$c-$t-r$r.log
      load1=$(cut -d' ' -f1 /proc/loadavg)
      for attempt in 1 2; do
        d=$DURATION
        # pgbench's -T clock includes opening the clients' connections (SCRAM costs ~15-30 ms of
        # client CPU each here): lengthen -T so that about DURATION seconds are measured, by
        # CONNECT_MS per client and thread, or by 1.1x the last connect time of this target
        # and client count, whichever is longer, rounded to whole seconds (-T takes seconds)
        if [[ $w != select-conn ]]; then
          a=$(((c * CONNECT_MS + j * 500) / (j * 1000)))
          lc=${CONN_LAST[$t:$c]:-0}
          b=$(((lc * 11 / 10 + 500) / 1000))
          ((b > a)) && a=$b
          ((attempt == 2)) && a=$((a * 3 + 5))
          d=$((DURATION + a))
        fi
        printf '[bench %s] %3d/%d r%d %-11s c=%-4s %-9s ' "$(date +%T)" "$run_no" "$nruns" "$r" "$w" "$c" "$t" >&2
        start=$(date +%s.%N)
        pgbench_run "$t" "$w" "$c" "$d" "$OUT_DIR/$logf"
        rc=$?
        end=$(date +%s.%N)
        check_proxies "$w c=$c r$r"
        tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$OUT_DIR/$logf" | head -1)
        lat=$(sed -nE 's/^latency average = ([0-9.]+) ms.*/\1/p' "$OUT_DIR/$logf" | head -1)
        conn=$(sed -nE 's/^initial connection time = ([0-9]+).*/\1/p' "$OUT_DIR/$logf" | head -1)
        [[ -n $conn ]] && CONN_LAST[$t:$c]=$conn
        err=$(grep -m1 -E 'aborted|ERROR|FATAL|error:' "$OUT_DIR/$logf" | sed -E 's/^(pgbench: error: )+//' | cut -c1-120)
        if ((attempt == 1)) && [[ $rc == 0 && -z $tps && -z $err ]] && grep -q 'actually processed: 0$' "$OUT_DIR/$logf"; then
          echo "0 transactions: connecting took the whole -T $d; retrying with a longer -T" >&2
          mv "$OUT_DIR/$logf" "$OUT_DIR/$logf.try1"
          RUN_NOTE="retried: the first try spent all of -T $d connecting"
          sleep "$SETTLE"; continue
        fi
        break
      done
      echo "rc=$rc tps=${tps:-?} lat=${lat:-?}ms conn=${conn:-?}ms${err:+  [$err]}" >&2
      echo "$w,$c,$t,$r,$rc,$start,$end,$d,$logf,$load1,run,$RUN_NOTE" >>"$RUNS"
      [[ $rc != 0 || -z $tps ]] && FAILED_BEFORE[$w:$c:$t]=1
      sleep "$SETTLE"
    done
  done
done

stop_pid "$SAMPLER_PID" sampler 5; SAMPLER_PID=
if ((${#NOTES[@]})); then
  printf 'notes\t%s\n' "$(IFS='|'; echo "${NOTES[*]}" | sed 's/|/ || /g')" >>"$OUT_DIR/meta.tsv"
fi

# ---------------------------------------------------------------- report
"$PY" "$LIB" report "$OUT_DIR" || die "report failed (raw data kept in $OUT_DIR)"
echo >&2
cat "$OUT_DIR/results.md"
echo >&2
log "run directory: $OUT_DIR (results.md, runs-detail.csv, summary.csv, samples.csv, logs/)"
if [[ $UPDATE_DOCS == 1 ]]; then publish "$OUT_DIR"; fi
