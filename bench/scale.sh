#!/usr/bin/env bash
# Reproduces the scale run of docs/performance.md: 100,000 clients and ten
# million events, cartera side by side with the sqlite3 shell on the same
# files and the same database. Needs Go, sqlite3 and GNU time (/usr/bin/time).
#
#   bench/scale.sh [CLIENTS] [EVENTS]      # defaults: 100000 10000000
#
# Everything is written under bench/out/ (about 3 GB at full size).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
clients=${1:-100000}
events=${2:-10000000}
out=bench/out
data=$out/data
mkdir -p "$out"
go build -o "$out/cartera" ./cmd/cartera
cartera=$out/cartera

echo "== generate $clients clients, $events events"
rm -rf "$data"
measure generate "$cartera" demo --clients "$clients" --events "$events" --out "$data" --as-of 2026-11-25 >/dev/null
rows=$(($(cat "$data"/*.csv | wc -l) - 6))
echo "rows: $rows"

echo "== import: cartera (validation on) vs sqlite3 .import (same keys and indexes, no validation)"
rm -f "$out"/cartera.db* "$out"/baseline.db*
measure "cartera import" "$cartera" import --db "$out/cartera.db" "$data"/*.csv >/dev/null
(cd "$data" && measure "sqlite3 .import" sqlite3 ../baseline.db < ../../baseline_import.sql >/dev/null)

echo "== review: cartera vs the same aggregates as raw SQL in sqlite3, same database file"
measure "cartera review (first after the import: ledgers built, facts computed and cached)" "$cartera" review --db "$out/cartera.db" --as-of 2026-11-25 >/dev/null
for i in 1 2 3; do
  measure "cartera review (warm $i)" "$cartera" review --db "$out/cartera.db" --as-of 2026-11-25 >/dev/null
  measure "sqlite3 raw aggregate SQL ($i)" sqlite3 "$out/cartera.db" < bench/baseline_review.sql >/dev/null
done
for i in 1 2 3; do # each run a day not reviewed before: facts from the ledgers
  measure "cartera review (new day 2026-11-2$i)" "$cartera" review --db "$out/cartera.db" --as-of "2026-11-2$i" >/dev/null
  measure "sqlite3 raw aggregate SQL ($i)" sqlite3 "$out/cartera.db" < bench/baseline_review.sql >/dev/null
done
for i in 1 2 3; do # each run under new red lines
  "$cartera" policy set --db "$out/cartera.db" max_days_late=$((30 + i)) >/dev/null
  measure "cartera review (policy changed $i)" "$cartera" review --db "$out/cartera.db" --as-of 2026-11-25 >/dev/null
  measure "sqlite3 raw aggregate SQL ($i)" sqlite3 "$out/cartera.db" < bench/baseline_review.sql >/dev/null
done
"$cartera" policy reset --db "$out/cartera.db" >/dev/null
# The client in the middle of the portfolio (the demo's ids are C-001, C-002, …).
middle=$(printf 'C-%03d' $((clients / 2 + 1)))
measure "cartera review one client ($middle)" "$cartera" review --db "$out/cartera.db" --as-of 2026-11-25 --client "$middle" >/dev/null
