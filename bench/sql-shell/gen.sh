#!/usr/bin/env bash
# Writes issue 23's SQL script on stdout: 20 000 inserts of ~200-byte rows in 1 000-row transactions into
# an indexed table, 2 000 point selects whose rows are printed, a range aggregate, one 2 000-row update
# and a final aggregate. Deterministic (a fixed linear congruential sequence), one statement per line.
set -euo pipefail
awk 'BEGIN {
  seed = 12345
  print "CREATE TABLE items(id INTEGER PRIMARY KEY, k TEXT NOT NULL, n INTEGER NOT NULL, v TEXT NOT NULL);"
  print "CREATE INDEX items_k ON items(k);"
  pad = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  for (i = 1; i <= 20000; i++) {
    if (i % 1000 == 1) print "BEGIN;"
    seed = (seed * 1103515245 + 12345) % 2147483648
    k = sprintf("key-%08d", seed % 100000000)
    off = seed % 40
    v = substr(pad pad pad pad, 1 + off, 60) substr(pad pad pad pad, 1 + (off * 7) % 40, 60) substr(pad pad pad pad, 1 + (off * 3) % 40, 60)
    printf "INSERT INTO items(id, k, n, v) VALUES (%d, %c%s%c, %d, %c%s%c);\n", i, 39, k, 39, seed % 1000, 39, v, 39
    if (i % 1000 == 0) print "COMMIT;"
  }
  for (j = 1; j <= 2000; j++) {
    printf "SELECT id, k, n, length(v) FROM items WHERE id = %d;\n", (j * 7919) % 20000 + 1
  }
  print "SELECT count(*), sum(n), min(k), max(k) FROM items WHERE k BETWEEN '"'"'key-20000000'"'"' AND '"'"'key-60000000'"'"';"
  print "UPDATE items SET n = n + 1, v = upper(v) WHERE id BETWEEN 5001 AND 7000;"
  print "SELECT count(*), sum(n), sum(length(v)), total(id) FROM items;"
}'
