#!/usr/bin/env bash
# idle.sh - pgmux memory under many idle clients, and under a slow reader of a huge result
# (issue 9 item 4 and the two memory rows of its targets).  Documented in docs/benchmarks.md,
# "Idle clients and slow readers: memory".
#
# USAGE
#   integration-tests/bench/idle.sh [options]
#
#   Starts pgmux from a copy of proxy/target/pgmux.jar (JVM flags as run.sh's), then
#   1. warms it up (2,000 connect / SELECT 1 / disconnect), runs a full GC and samples the
#      "empty process": RSS (/proc/PID/status VmRSS), live heap and Netty's buffer memory
#      (pgmux's /metrics: jvm_memory_used_bytes{area="heap"}, netty_allocator_memory_used);
#   2. for each N of -c: opens N authenticated clients (password auth, from pgclients.py), runs
#      SELECT 1 on each, leaves them idle, runs a full GC, samples again and reports
#      (RSS - empty RSS) / N per client; then SELECT 1 again on every one (still served?) and
#      closes them;
#   3. slow reader: one client runs SELECT repeat('x', 1000) FROM generate_series(1, 1000000)
#      (~1 GB) and reads it at --slow-rate bytes/s until --slow-mb MiB were read, while heap,
#      Netty memory and RSS are sampled every 0.5 s; reports the growth over the empty process.
#
# OPTIONS
#   -c "LIST"        idle client counts, run in turn       [CLIENTS="10000"]
#   --slow-mb N      MiB the slow reader reads (0: skip)   [SLOW_MB=64]
#   --slow-rate B    its rate in bytes/s                   [SLOW_RATE=1048576]
#   -o DIR           output directory                      [OUT_DIR=./bench-out/idle-<timestamp>]
#   --update-docs    write results.md into docs/benchmarks.md between <!-- idle:begin --> and
#                    <!-- idle:end -->
#   -h, --help       this text
#
# ENVIRONMENT
#   PG_HOST=127.0.0.1 PG_PORT=5432   the benchmark server, with role bench/bench and database
#                                    bench (run.sh sets them up)
#   PGMUX_PORT=6541 METRICS_PORT=6542 POOL_SIZE=10
#   PGMUX_JAR=<repo>/proxy/target/pgmux.jar  JAVA=java
#   PGMUX_JAVA_OPTS=<run.sh's default>
#
# Needs root or a hard limit on open files above N (it raises ulimit -n for pgmux and the
# clients to N + 10,000; where it cannot, e.g. in a container without CAP_SYS_RESOURCE, it uses
# the hard limit, which must then be at least N + 500). Clients connect from 127.0.0.1 .. 127.0.0.8 (Linux routes all of
# 127/8 to loopback) so that 50,000 connections do not run out of ephemeral ports.
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
DOC=$REPO/docs/benchmarks.md
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PGMUX_PORT=${PGMUX_PORT:-6541}
METRICS_PORT=${METRICS_PORT:-6542}
POOL_SIZE=${POOL_SIZE:-10}
PGMUX_JAR=${PGMUX_JAR:-$REPO/proxy/target/pgmux.jar}
JAVA=${JAVA:-java}
PGMUX_JAVA_OPTS=${PGMUX_JAVA_OPTS:-"-Xms512m -Xmx512m -XX:+UseParallelGC -XX:ParallelGCThreads=2 -XX:+PerfDisableSharedMem -Dio.netty.leakDetection.level=disabled"}
CLIENTS=${CLIENTS:-10000}
SLOW_MB=${SLOW_MB:-64}
SLOW_RATE=${SLOW_RATE:-1048576}
OUT_DIR=${OUT_DIR:-}
UPDATE_DOCS=0
ORIG_ARGS="$*"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit "${1:-0}"; }
die() { echo "[idle] ERROR: $*" >&2; exit 2; }
log() { echo "[idle $(date +%T)] $*" >&2; }

while (($#)); do
  case $1 in
    -c) CLIENTS=$2; shift 2 ;;
    --slow-mb) SLOW_MB=$2; shift 2 ;;
    --slow-rate) SLOW_RATE=$2; shift 2 ;;
    -o) OUT_DIR=$2; shift 2 ;;
    --update-docs) UPDATE_DOCS=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option $1" >&2; usage 1 ;;
  esac
done

command -v python3 >/dev/null || die "python3 is needed"
command -v curl >/dev/null || die "curl is needed (Debian: curl)"
command -v jcmd >/dev/null || die "jcmd is needed (a JDK 17, not only a JRE)"
[[ -f $PGMUX_JAR ]] || die "no $PGMUX_JAR: build it with (cd $REPO && mvn -o -q -pl proxy -am package -DskipTests)"
PGPASSWORD=bench psql -X -Atq -h "$PG_HOST" -p "$PG_PORT" -U bench -d bench -c 'select 1' >/dev/null 2>&1 ||
  die "cannot log in as bench/bench on $PG_HOST:$PG_PORT (run integration-tests/bench/run.sh once to set it up)"

MAX_N=0
for n in $CLIENTS; do ((n > MAX_N)) && MAX_N=$n; done
NOFILE=$((MAX_N + 10000))
if ! ulimit -n "$NOFILE" 2>/dev/null; then
  # no CAP_SYS_RESOURCE (e.g. a container): the hard limit is the ceiling; N + 500 is enough
  HARD=$(ulimit -Hn)
  ((HARD != 0 && HARD >= MAX_N + 500)) 2>/dev/null || [[ $HARD == unlimited ]] ||
    die "cannot raise ulimit -n to $NOFILE and the hard limit is $HARD: pgmux needs a descriptor per client (run as root with CAP_SYS_RESOURCE, raise the hard limit, or use at most $((HARD - 500)) clients)"
  NOFILE=$HARD; ulimit -n "$NOFILE"
fi

OUT_DIR=${OUT_DIR:-$PWD/bench-out/idle-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT_DIR" || die "cannot create $OUT_DIR"
STATE=$(mktemp -d /tmp/pgmux-idle.XXXXXX)
PGMUX_PID=
cleanup() {
  [[ -n ${CLIENT_PID:-} ]] && kill "$CLIENT_PID" 2>/dev/null
  [[ -n ${SAMPLER:-} ]] && kill "$SAMPLER" 2>/dev/null
  if [[ -n $PGMUX_PID ]] && kill -0 "$PGMUX_PID" 2>/dev/null; then
    kill "$PGMUX_PID"; for _ in $(seq 1 40); do kill -0 "$PGMUX_PID" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$PGMUX_PID" 2>/dev/null
  fi
  cp "$STATE/pgmux.log" "$OUT_DIR/" 2>/dev/null
  rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$PGMUX_JAR" "$STATE/pgmux.jar"
cat >"$STATE/pgmux.yaml" <<YAML
# written by pgmux integration-tests/bench/idle.sh
listen: 127.0.0.1:$PGMUX_PORT
workers: 0
admin: { listen: off }
metrics: { listen: 127.0.0.1:$METRICS_PORT }
limits: { max_client_connections: $((MAX_N + 1000)), query_wait_timeout: 120s }
log: { level: info }
users:
  - { name: idle, password: idle, auth: password }
databases:
  bench:
    pool: { mode: transaction, size: $POOL_SIZE }
    primary: postgres://bench:bench@$PG_HOST:$PG_PORT/bench
YAML
# shellcheck disable=SC2086
"$JAVA" $PGMUX_JAVA_OPTS -jar "$STATE/pgmux.jar" --config "$STATE/pgmux.yaml" >"$STATE/pgmux.log" 2>&1 </dev/null &
PGMUX_PID=$!
for _ in $(seq 1 120); do
  kill -0 "$PGMUX_PID" 2>/dev/null || die "pgmux exited: $(tail -20 "$STATE/pgmux.log")"
  curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >/dev/null && break
  sleep 0.25
done
log "pgmux pid $PGMUX_PID on :$PGMUX_PORT (metrics :$METRICS_PORT), ulimit -n $NOFILE, $JAVA $PGMUX_JAVA_OPTS"

CLIENT=(python3 "$SCRIPT_DIR/pgclients.py")
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$PGMUX_PID/status"; }
threads() { awk '/^Threads/ {print $2}' "/proc/$PGMUX_PID/status"; }
# heap used and Netty buffer memory (bytes), from /metrics
heap_bytes() { curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {s += $NF} END {printf "%d\n", s}'; }
netty_bytes() { curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^netty_allocator_memory_used\{/ {s += $NF} END {printf "%d\n", s}'; }
direct_bytes() { curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^jvm_buffer_memory_used_bytes\{.*id="direct"/ {s += $NF} END {printf "%d\n", s}'; }
# "heap netty direct" from one scrape
memory_bytes() {
  curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" | awk '
    /^jvm_memory_used_bytes\{.*area="heap"/ {h += $NF}
    /^netty_allocator_memory_used\{/ {n += $NF}
    /^jvm_buffer_memory_used_bytes\{.*id="direct"/ {d += $NF}
    END {printf "%d %d %d\n", h, n, d}'
}
full_gc() { jcmd "$PGMUX_PID" GC.run >/dev/null 2>&1; sleep 1; }
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }

log "warm-up: 2,000 clients connect, SELECT 1, disconnect"
"${CLIENT[@]}" idle 2000 127.0.0.1 "$PGMUX_PORT" idle idle bench "$STATE/warm" </dev/null >"$OUT_DIR/warmup.log" 2>&1
sleep 2; full_gc
BASE_RSS=$(rss_kib) BASE_HEAP=$(heap_bytes) BASE_NETTY=$(netty_bytes) BASE_DIRECT=$(direct_bytes) BASE_THREADS=$(threads)
log "empty process: RSS $BASE_RSS KiB, live heap $(mib "$BASE_HEAP") MiB, Netty $(mib "$BASE_NETTY") MiB, $BASE_THREADS threads"

RES=$OUT_DIR/results.md
IDLE_ROWS=()
for n in $CLIENTS; do
  log "$n idle clients"
  rm -f "$STATE/ready"; mkfifo "$STATE/hold.$n"
  "${CLIENT[@]}" idle "$n" 127.0.0.1 "$PGMUX_PORT" idle idle bench "$STATE/ready" <"$STATE/hold.$n" >"$OUT_DIR/idle-$n.log" 2>&1 &
  CLIENT_PID=$!
  exec 7>"$STATE/hold.$n"   # holds the clients' stdin open: they stay idle until it is closed
  t0=$(date +%s)
  while [[ ! -s $STATE/ready ]] && kill -0 "$CLIENT_PID" 2>/dev/null; do sleep 1; done
  summary=$(cat "$STATE/ready" 2>/dev/null)
  log "  $summary ($(( $(date +%s) - t0 )) s)"
  sleep 3; full_gc
  rss=$(rss_kib) heap=$(heap_bytes) netty=$(netty_bytes) direct=$(direct_bytes) thr=$(threads)
  per=$(( (rss - BASE_RSS) / n )); per_b=$(( (rss - BASE_RSS) * 1024 / n ))
  heap_per=$(( (heap - BASE_HEAP) / n )); netty_per=$(( (netty - BASE_NETTY) / n ))
  log "  RSS $rss KiB (+$((rss - BASE_RSS)) KiB = $per_b B/client), live heap +$heap_per B/client, Netty +$netty_per B/client, $thr threads"
  exec 7>&-
  wait "$CLIENT_PID"; CLIENT_PID=
  alive=$(grep -o 'still_alive_after_idle=.*' "$OUT_DIR/idle-$n.log")
  log "  $alive"
  served=$(sed -n 's/.*connected_and_served=\([0-9]*\).*/\1/p' <<<"$summary")
  secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$summary")
  IDLE_ROWS+=("| $n | ${served:-0} (${secs:-?} s) | ${alive#still_alive_after_idle=} | $(mib $((rss * 1024))) | +$(mib $(( (rss - BASE_RSS) * 1024 ))) | **$(awk -v b="$per_b" 'BEGIN {printf "%.1f", b / 1024}')** | $(awk -v b="$heap_per" 'BEGIN {printf "%.1f", b / 1024}') | $(awk -v b="$netty_per" 'BEGIN {printf "%.2f", b / 1024}') | $thr |")
  sleep 5; full_gc
  log "  after closing: RSS $(rss_kib) KiB, live heap $(mib "$(heap_bytes)") MiB"
done

SLOW_ROW=
# sampler: one line every 0.5 s: "heap netty direct rss_kib live" where live is 1 on the lines
# taken right after a full GC (every 8 s), whose heap figure is then the live heap
sampler() {  # file
  local i=0 live
  while :; do
    live=0
    if ((i % 16 == 15)); then full_gc; live=1; fi
    echo "$(memory_bytes) $(rss_kib) $live" >>"$1"
    i=$((i + 1)); sleep 0.5
  done
}
# allocated bytes (sum of the rises of the used heap between samples) and the maxima of a sample file
summarize() {  # file -> "alloc heap_max netty_max direct_max rss_max live_max samples"
  awk '{ if (NR > 1 && $1 > prev) a += $1 - prev; prev = $1
         if ($1 > h) h = $1; if ($2 > n) n = $2; if ($3 > d) d = $3; if ($4 > r) r = $4
         if ($5 == 1 && $1 > l) l = $1 }
       END { printf "%d %d %d %d %d %d %d\n", a, h, n, d, r, l, NR }' "$1"
}
if ((SLOW_MB > 0)); then
  full_gc
  h0=$(heap_bytes) n0=$(netty_bytes) d0=$(direct_bytes) r0=$(rss_kib)
  log "slow reader: first 16 s without it (what sampling and health checks allocate), then ${SLOW_MB} MiB at $SLOW_RATE B/s"
  : >"$STATE/idle-samples"; sampler "$STATE/idle-samples" & SAMPLER=$!
  sleep 16; kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null
  read -r ia _ _ _ _ _ isamp < <(summarize "$STATE/idle-samples")
  full_gc
  : >"$STATE/samples"; sampler "$STATE/samples" & SAMPLER=$!
  t0=$(date +%s.%N)
  "${CLIENT[@]}" slowread 127.0.0.1 "$PGMUX_PORT" idle idle bench \
    "SELECT repeat('x', 1000) FROM generate_series(1, 1000000)" "$SLOW_RATE" $((SLOW_MB * 1048576)) >"$OUT_DIR/slowread.log" 2>&1
  t1=$(date +%s.%N)
  kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null
  tail -1 "$OUT_DIR/slowread.log" >&2
  full_gc
  h1=$(heap_bytes)
  cp "$STATE/samples" "$OUT_DIR/slowread-samples.txt"; cp "$STATE/idle-samples" "$OUT_DIR/slowread-idle-samples.txt"
  read -r sa hmax nmax dmax rmax lmax nsamp < <(summarize "$STATE/samples")
  # allocation rates (MiB/s) with the reader and over the 16 s before it without
  rate_with=$(awk -v a="$sa" -v n="$nsamp" 'BEGIN {printf "%.2f", a / 1048576 / (n * 0.5)}')
  rate_without=$(awk -v a="$ia" -v n="$isamp" 'BEGIN {printf "%.2f", a / 1048576 / (n * 0.5)}')
  done_line=$(tail -1 "$OUT_DIR/slowread.log")
  SLOW_ROW="| ${done_line#done: } | $nsamp | $(mib "$h0") | $(mib "$lmax") | **+$(mib $((lmax > h0 ? lmax - h0 : 0)))** | $(mib "$hmax") | $(mib "$h1") | +$(mib $((nmax - n0))) | +$(mib $((dmax - d0))) | +$(mib $(( (rmax - r0) * 1024 ))) | $rate_with vs $rate_without |"
  log "  live heap before $(mib "$h0") MiB, max live during $(mib "$lmax") MiB, max used (with garbage) $(mib "$hmax") MiB, live after $(mib "$h1") MiB; Netty max +$(mib $((nmax - n0))) MiB; RSS max +$(mib $(( (rmax - r0) * 1024 ))) MiB; heap allocation $rate_with MiB/s with the reader, $rate_without MiB/s before it"
fi

{
  echo "### Idle clients and a slow reader ($(date -u '+%F %H:%M UTC'))"
  echo
  echo "\`integration-tests/bench/idle.sh $ORIG_ARGS\` at commit $(git -C "$REPO" rev-parse --short HEAD)$([[ -n $(git -C "$REPO" status --porcelain -- proxy config 2>/dev/null) ]] && echo ' + uncommitted changes'); $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg); pgmux JVM flags \`$PGMUX_JAVA_OPTS\`; pool size $POOL_SIZE (transaction mode), password authentication."
  echo
  echo "Empty process (after a warm-up of 2,000 connect/SELECT 1/disconnect cycles and a full GC): RSS $(mib $((BASE_RSS * 1024))) MiB, live heap $(mib "$BASE_HEAP") MiB, Netty buffers $(mib "$BASE_NETTY") MiB, $BASE_THREADS threads."
  echo
  if ((${#IDLE_ROWS[@]})); then
    echo "| idle clients | connected, SELECT 1 served (time) | SELECT 1 again after idling | RSS MiB | RSS over empty, MiB | **RSS per client, KiB** | live heap per client, KiB | Netty buffers per client, KiB | threads |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${IDLE_ROWS[@]}"
    echo
    echo "Sampled with the clients connected and idle, after a full GC (\`jcmd PID GC.run\`); live heap and Netty buffers from pgmux's \`/metrics\` (\`jvm_memory_used_bytes{area=\"heap\"}\`, \`netty_allocator_memory_used\`)."
    echo
  fi
  if [[ -n $SLOW_ROW ]]; then
    echo "| slow reader | samples | live heap before, MiB | live heap max during, MiB | **heap growth, MiB** | used heap max (garbage included), MiB | live heap after, MiB | Netty buffers max growth, MiB | JVM direct max growth, MiB | RSS max growth, MiB | heap allocation MiB/s, with the reader vs without |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    echo "$SLOW_ROW"
    echo
    echo "\`SELECT repeat('x', 1000) FROM generate_series(1, 1000000)\` (~1 GB) read through pgmux by a client with a 64 KiB receive buffer at $SLOW_RATE B/s until $SLOW_MB MiB were read, then closed; sampled every 0.5 s, with a full GC every 8 s during the read: *live heap* is the heap used right after those GCs (what the proxy keeps), *heap growth* its maximum over the value before the read. *Used heap max* counts garbage not yet collected. *Heap allocation*: the rises of the used heap between samples, per second, during the read and over 16 s just before it without the reader (the sampler's own /metrics scrapes and the health checks allocate too): the difference is what forwarding the result allocates. *Netty buffers* is the allocator's memory in use (whole chunks), *JVM direct* the JVM's direct buffer total (jvm_buffer_memory_used_bytes, id direct)."
  fi
} >"$RES"
cat "$RES"

if ((UPDATE_DOCS)); then
  python3 - "$DOC" "$RES" <<'PY' || die "could not update $DOC"
import sys
doc, res = sys.argv[1], open(sys.argv[2]).read().rstrip('\n')
text = open(doc).read()
b, e = '<!-- idle:begin -->', '<!-- idle:end -->'
if b not in text or e not in text:
    sys.exit('markers %s / %s not found in %s' % (b, e, doc))
head, rest = text.split(b, 1)
_, tail = rest.split(e, 1)
open(doc, 'w').write(head + b + '\n' + res + '\n' + e + tail)
PY
  log "updated $DOC"
fi
