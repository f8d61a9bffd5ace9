#!/usr/bin/env bash
# Whole-process timing of issue 23's script: `keyspace sql` on a new store against the native `sqlite3`
# shell on a new database file, in alternating pairs (start-up included). Prints each pair and the
# medians; fails unless both print the same bytes. Usage: bench/sql-shell/run.sh [PAIRS (default 5)]
# Extra JVM options for the keyspace side: KEYSPACE_SQL_JAVA_OPTS (e.g. a JFR recording).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
pairs="${1:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/gen.sh" >"$work/script.sql"
"$root/keyspace" tuple pack '[]' >/dev/null # builds the jar and the start-up cache first

now() { date +%s%N; }
ks=()
nat=()
for i in $(seq 1 "$pairs"); do
  t0=$(now)
  JAVA_TOOL_OPTIONS="${KEYSPACE_SQL_JAVA_OPTS:-}" "$root/keyspace" sql "$work/store-$i" --actor bench <"$work/script.sql" >"$work/ks.out" 2>"$work/ks.err"
  t1=$(now)
  sqlite3 "$work/native-$i.db" <"$work/script.sql" >"$work/nat.out"
  t2=$(now)
  cmp -s "$work/ks.out" "$work/nat.out" || { echo "outputs differ" >&2; exit 1; }
  k=$(( (t1 - t0) / 1000000 )); n=$(( (t2 - t1) / 1000000 ))
  ks+=("$k"); nat+=("$n")
  echo "pair $i: keyspace sql ${k} ms, sqlite3 ${n} ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mk=$(median "${ks[@]}"); mn=$(median "${nat[@]}")
echo "median: keyspace sql ${mk} ms, sqlite3 ${mn} ms, ratio $(awk -v a="$mk" -v b="$mn" 'BEGIN {printf "%.2f", a / b}')x"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
