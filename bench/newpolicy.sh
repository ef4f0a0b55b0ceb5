#!/bin/sh
# Reviews a database under a policy it was not reviewed under before: the
# 30-day red line moved by one day at each run (counted in a file under
# $TMPDIR, cycling through 31–89 days), then `cartera review`, both timed.
# DB may be a SQLite path or a PostgreSQL DSN. Used as command A for "the
# first review after a policy change", paired with the raw SQL by
# bench/pairs.sh:
#
#   bench/pairs.sh 9 'bench/newpolicy.sh CARTERA DB' 'sqlite3 DB < bench/baseline_review.sql'
#
# Reset the policy afterwards with: cartera policy reset --db DB
set -eu
cartera=$1 db=$2
counter="${TMPDIR:-/tmp}/cartera-newpolicy-$(printf %s "$db" | cksum | cut -d' ' -f1)"
n=$(cat "$counter" 2>/dev/null || echo 0)
n=$((n % 59 + 1))
echo "$n" >"$counter"
"$cartera" policy set --db "$db" max_days_late=$((30 + n)) >/dev/null
exec "$cartera" review --db "$db" --as-of 2026-11-25 >/dev/null
