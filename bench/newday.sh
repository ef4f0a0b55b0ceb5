#!/bin/sh
# Reviews a database as of a day it was not reviewed on before: one day
# earlier than the previous run, counted in a file under $TMPDIR. DB may be
# a SQLite path or a PostgreSQL DSN. Used as command A for "the first
# review of a new day", paired with the raw SQL by bench/pairs.sh:
#
#   bench/pairs.sh 9 'bench/newday.sh CARTERA DB' 'sqlite3 DB < bench/baseline_review.sql'
set -eu
cartera=$1 db=$2
counter="${TMPDIR:-/tmp}/cartera-newday-$(printf %s "$db" | cksum | cut -d' ' -f1)"
n=$(cat "$counter" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >"$counter"
exec "$cartera" review --db "$db" --as-of "$(date -u -d "2026-11-25 - $n days" +%F)" >/dev/null
