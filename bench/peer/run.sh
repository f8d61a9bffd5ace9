#!/usr/bin/env bash
# Peer comparison with the reference TypeScript runtime, whole-process: each workload runs as its own
# process on both sides (same sizes, same operations), timed with /usr/bin/time (wall seconds and peak
# RSS). The reference packages are installed here at run time from the npm registry; none of their
# code is committed.
#
# Usage: bench/peer/run.sh [REPEATS [SCALES]]
#   REPEATS  runs per cell, the median is reported (default 3)
#   SCALES   workload size multipliers, space-separated (default "1 4"): 1 is the standard size, larger
#            ones show how each side grows once start-up is amortized; "floor" runs every workload with
#            one row / span / step, i.e. what each side costs before doing any real work
#
# actor-kv runs twice per cell:
#   default  plain `java` with JVM defaults, exactly as a user's process starts the first time;
#   aot      the same command with a JDK AOT cache (JEP 483/514/515: classes loaded and linked ahead of
#            time, plus method profiles), as a deployment would ship one. Each cache is trained by one
#            run of the same workload at 1/10 of the standard size in a separate directory, before and
#            outside of the measured runs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repeats="${1:-3}"
scales="${2:-1 4}"

SQL_ROWS=50000; SQL_PER_TX=5000; SQL_SELECTS=10000
SPANS=50000
STEPS=5000

command -v node >/dev/null || { echo "node is required for the reference runtime" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is required (Debian package: time)" >&2; exit 1; }

echo "installing the reference runtime packages (npm)..." >&2
(cd "$here" && npm install --no-audit --no-fund --no-save --loglevel=error >/dev/null)

echo "building actor-kv and the Java workloads (mvn -Pbench)..." >&2
java="$(KEYSPACE_PRINT_JAVA=1 "$root/keyspace")"
jdk_bin="$(dirname "$java")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$root" && mvn -q -B -Dstyle.color=never -Pbench -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$work/deps.classpath" >/dev/null)
# An AOT cache accepts only jar files on the class path, so both sides of the comparison run from jars.
"$jdk_bin/jar" cf "$work/actor-kv.jar" -C "$root/target/classes" .
"$jdk_bin/jar" cf "$work/peer.jar" -C "$root/target/test-classes" dev/actorkv/bench/peer
cp="$work/actor-kv.jar:$work/peer.jar:$(cat "$work/deps.classpath")"
jflags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

# Sizes at scale $1 (a multiplier of the standard size; at least 1 of everything): sets rows, selects,
# spans and steps.
scale_sizes() {
  scaled() { awk -v n="$1" -v s="$2" 'BEGIN { x = int(n * s); print (x < 1 ? 1 : x) }'; }
  rows="$(scaled $SQL_ROWS "$1")"; selects="$(scaled $SQL_SELECTS "$1")"
  spans="$(scaled $SPANS "$1")"; steps="$(scaled $STEPS "$1")"
}
# The Java workload's arguments (DB stands for the database directory), the reference's script and
# arguments, and a description of the size, for workload $1 at the sizes last set by scale_sizes.
java_args() {
  case $1 in
    sqlite) echo "dev.actorkv.bench.peer.PeerSqlWorkload DB $rows $SQL_PER_TX $selects" ;;
    traces) echo "dev.actorkv.bench.peer.PeerTracesWorkload DB $spans" ;;
    workflow) echo "dev.actorkv.bench.peer.PeerWorkflowWorkload DB $steps" ;;
  esac
}
node_args() {
  case $1 in
    sqlite) echo "sqlite.mjs $rows $SQL_PER_TX $selects" ;;
    traces) echo "traces.mjs $spans" ;;
    workflow) echo "workflow.mjs $steps" ;;
  esac
}
size() {
  case $1 in
    sqlite) echo "$rows rows in tx of $SQL_PER_TX, $selects point selects, 1 range scan" ;;
    traces) echo "$spans spans (attrs + event), 1 range read" ;;
    workflow) echo "$steps steps recorded, then replayed" ;;
  esac
}

# Runs a command once on a fresh database, in directory $2, and appends "wall_seconds peak_rss_kb" to
# $work/times.$1. The workloads print one JSON line, kept in $work/out.$1 for the result check.
run_once() {
  local label=$1 dir=$2
  shift 2
  rm -rf "$work/db"
  (cd "$dir" && /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out.$label" 2>"$work/err") || { cat "$work/err" >&2; return 1; }
  cat "$work/time" >>"$work/times.$label"
}

# The median run (by wall time) of those recorded for label $1: "wall_seconds peak_rss_kb".
median() {
  sort -n "$work/times.$1" | sed -n "$(( ($(wc -l <"$work/times.$1") + 1) / 2 ))p"
}

# Runs a command REPEATS times; prints the median run.
measure() {
  local label=$1 i
  shift
  : >"$work/times.$label"
  for ((i = 0; i < repeats; i++)); do
    run_once "$label" "$PWD" "$@"
  done
  median "$label"
}

# The fields of a workload's JSON line that both sides must agree on (checksums, counts, states).
outcome() {
  sed -e 's/"runtime":"[^"]*",//; s/"work_ms":[0-9]*,//; s/,"kv_keys":[0-9]*//' "$1"
}

echo "training the AOT caches (one run per workload at 1/10 of the standard size)..." >&2
scale_sizes 0.1
for w in sqlite traces workflow; do
  rm -rf "$work/train-db"
  read -r -a a <<<"$(java_args "$w")"
  "$java" -XX:AOTCacheOutput="$work/$w.aot" "${jflags[@]}" -cp "$cp" "${a[@]/#DB/$work/train-db}" >"$work/train.log" 2>&1 \
    || { cat "$work/train.log" >&2; exit 1; }
done

printf '| workload | size | reference TS (s) | actor-kv (s) | speed-up | actor-kv + AOT cache (s) | speed-up | reference peak RSS (MiB) | actor-kv peak RSS (MiB) | + AOT cache (MiB) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for s in $scales; do
  if [ "$s" = floor ]; then scale_sizes 0; else scale_sizes "$s"; fi
  for w in sqlite traces workflow; do
    echo "scale $s: $w..." >&2
    read -r -a a <<<"$(java_args "$w")"
    read -r -a n <<<"$(node_args "$w")"
    # The three sides take turns (reference, actor-kv, actor-kv + AOT, then again), so a drift of the
    # machine's speed during a cell (seen: 25% between runs) falls on all of them alike.
    : >"$work/times.ref"; : >"$work/times.plain"; : >"$work/times.aot"
    for ((i = 0; i < repeats; i++)); do
      run_once ref "$here" node "${n[@]}"
      run_once plain "$root" "$java" "${jflags[@]}" -cp "$cp" "${a[@]/#DB/$work/db}"
      run_once aot "$root" "$java" -XX:AOTCache="$work/$w.aot" -Xlog:aot=off -Xlog:cds=off "${jflags[@]}" -cp "$cp" "${a[@]/#DB/$work/db}"
    done
    ref="$(median ref)"; plain="$(median plain)"; aot="$(median aot)"
    # Both sides must have done the same work: same checksum / span count / workflow states.
    for side in plain aot; do
      if [ "$(outcome "$work/out.ref")" != "$(outcome "$work/out.$side")" ]; then
        echo "results differ for $w at scale $s: reference $(cat "$work/out.ref"), actor-kv ($side) $(cat "$work/out.$side")" >&2
        exit 1
      fi
    done
    read -r r_s r_kb <<<"$ref"
    read -r p_s p_kb <<<"$plain"
    read -r a_s a_kb <<<"$aot"
    awk -v w="$w" -v size="$(size "$w")" -v r="$r_s" -v p="$p_s" -v a="$a_s" -v rk="$r_kb" -v pk="$p_kb" -v ak="$a_kb" \
      'BEGIN { printf "| %s | %s | %.2f | %.2f | %.1fx | %.2f | %.1fx | %.0f | %.0f | %.0f |\n", w, size, r, p, (p > 0 ? r / p : 0), a, (a > 0 ? r / a : 0), rk / 1024, pk / 1024, ak / 1024 }'
  done
done

# The launcher builds the tool and trains its own AOT cache on first use: do that outside the timing.
(cd "$root" && ./keyspace demo "$work/warm-db" >/dev/null)
demo="$(cd "$root" && measure demo ./keyspace demo "$work/db")"
read -r d_s d_kb <<<"$demo"
awk -v s="$d_s" -v kb="$d_kb" 'BEGIN { printf "\nkeyspace demo: %.2f s, peak RSS %.0f MiB\n", s, kb / 1024 }'
