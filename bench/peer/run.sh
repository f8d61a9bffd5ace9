#!/usr/bin/env bash
# Peer comparison with the reference TypeScript runtime, whole-process: each workload runs as its own
# process on both sides (same sizes, same operations), timed with /usr/bin/time (wall seconds and peak
# RSS). The reference packages are installed here at run time from the npm registry; none of their
# code is committed. Usage: bench/peer/run.sh [REPEATS]   (default 3; the median run is reported)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repeats="${1:-3}"

SQL_ROWS=50000; SQL_PER_TX=5000; SQL_SELECTS=10000
SPANS=50000
STEPS=5000

command -v node >/dev/null || { echo "node is required for the reference runtime" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is required (Debian package: time)" >&2; exit 1; }

echo "installing the reference runtime packages (npm)..." >&2
(cd "$here" && npm install --no-audit --no-fund --no-save --loglevel=error >/dev/null)

echo "building actor-kv and the Java workloads (mvn -Pbench)..." >&2
(cd "$root" && mvn -q -B -Pbench -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null)
cp="$root/target/classes:$root/target/test-classes:$(cat "$root/target/bench.classpath")"
java="$(KEYSPACE_PRINT_JAVA=1 "$root/keyspace")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Runs a command REPEATS times; prints "median_wall_seconds peak_rss_kb" of the median run.
measure() {
  local runs=() i
  for ((i = 0; i < repeats; i++)); do
    rm -rf "$work/db"
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; return 1; }
    runs+=("$(cat "$work/time")")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(( (repeats + 1) / 2 ))p"
}

declare -A ts java_
ts[sqlite]="$(cd "$here" && measure node sqlite.mjs $SQL_ROWS $SQL_PER_TX $SQL_SELECTS)"
java_[sqlite]="$(measure "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp "$cp" dev.actorkv.bench.peer.PeerSqlWorkload "$work/db" $SQL_ROWS $SQL_PER_TX $SQL_SELECTS)"
ts[traces]="$(cd "$here" && measure node traces.mjs $SPANS)"
java_[traces]="$(measure "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp "$cp" dev.actorkv.bench.peer.PeerTracesWorkload "$work/db" $SPANS)"
ts[workflow]="$(cd "$here" && measure node workflow.mjs $STEPS)"
java_[workflow]="$(measure "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp "$cp" dev.actorkv.bench.peer.PeerWorkflowWorkload "$work/db" $STEPS)"

demo="$(cd "$root" && measure ./keyspace demo "$work/db")"

printf '| workload | size | reference TS (s) | actor-kv (s) | speed-up | reference peak RSS (MiB) | actor-kv peak RSS (MiB) |\n'
printf '|---|---|---|---|---|---|---|\n'
for w in sqlite traces workflow; do
  read -r ts_s ts_kb <<<"${ts[$w]}"
  read -r j_s j_kb <<<"${java_[$w]}"
  case $w in
    sqlite) size="$SQL_ROWS rows in tx of $SQL_PER_TX, $SQL_SELECTS point selects, 1 range scan" ;;
    traces) size="$SPANS spans (attrs + event), 1 range read" ;;
    workflow) size="$STEPS steps recorded, then replayed" ;;
  esac
  awk -v w="$w" -v size="$size" -v a="$ts_s" -v b="$j_s" -v ra="$ts_kb" -v rb="$j_kb" \
    'BEGIN { printf "| %s | %s | %.2f | %.2f | %.1fx | %.0f | %.0f |\n", w, size, a, b, (b > 0 ? a / b : 0), ra / 1024, rb / 1024 }'
done
read -r d_s d_kb <<<"$demo"
awk -v s="$d_s" -v kb="$d_kb" 'BEGIN { printf "\nkeyspace demo: %.2f s, peak RSS %.0f MiB\n", s, kb / 1024 }'
