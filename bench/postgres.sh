#!/usr/bin/env bash
# Reproduces the PostgreSQL figures of docs/performance.md: 100,000 clients
# and ten million events imported into PostgreSQL by cartera and by psql's
# \copy, `cartera review` against the same aggregates as raw SQL in psql,
# and the client-list API with one and with two `cartera serve` replicas on
# the same database. Needs Go, PostgreSQL's client tools (psql, createdb,
# dropdb), GNU time (/usr/bin/time), wrk and curl.
#
#   bench/postgres.sh [CLIENTS] [EVENTS]      # defaults: 100000 10000000
#
# PGSERVER names the server (default postgres://postgres@127.0.0.1:5432);
# the role must be allowed to create databases. Two databases are created,
# cartera_bench (cartera) and cartera_bench_copy (the psql baseline), and
# dropped at the end. RUNS (default 3) is the number of runs of each
# measurement; the CSV files go to bench/out/data (about 650 MB at full
# size; reused when present, as bench/scale.sh leaves them).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
clients=${1:-100000}
events=${2:-10000000}
runs=${RUNS:-3}
server=${PGSERVER:-postgres://postgres@127.0.0.1:5432}
db="$server/cartera_bench?sslmode=disable"
copydb="$server/cartera_bench_copy?sslmode=disable"
out=bench/out
data=$out/data
mkdir -p "$out"
go build -o "$out/cartera" ./cmd/cartera
cartera=$out/cartera
fresh() { # name: an empty database of that name
  psql -X -q -d "$server/postgres" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
}
serve=() wrks=()
cleanup() {
  for p in "${serve[@]}" "${wrks[@]}"; do kill "$p" 2>/dev/null || true; done
  psql -X -q -d "$server/postgres" -c "DROP DATABASE IF EXISTS cartera_bench" -c "DROP DATABASE IF EXISTS cartera_bench_copy" || true
}
trap cleanup EXIT

if [ ! -f "$data/horas.csv" ]; then
  echo "== generate $clients clients, $events events"
  measure generate "$cartera" demo --clients "$clients" --events "$events" --out "$data" --as-of 2026-11-25 >/dev/null
fi
rows=$(($(cat "$data"/{clientes,contactos,facturas,horas,concesiones,incidencias}.csv | wc -l) - 6))
echo "rows: $rows"

echo "== import: cartera (validation on) vs psql \\copy (same keys and client indexes, TEXT columns, no validation), $runs runs each, alternating"
for i in $(seq "$runs"); do
  fresh cartera_bench
  measure "cartera import ($i)" "$cartera" import --db "$db" "$data"/*.csv >/dev/null
  fresh cartera_bench_copy
  (cd "$data" && measure "psql copy ($i)" psql -X -q -d "$copydb" -f ../../baseline_import_pg.sql >/dev/null)
done

echo "== review: cartera vs the same aggregates as raw SQL in psql, same database"
measure "cartera review (first after the import: ledgers built, facts computed and cached)" "$cartera" review --db "$db" --as-of 2026-11-25 >/dev/null
for i in $(seq "$runs"); do # each run a day not reviewed before: facts from the ledgers
  measure "cartera review (new day 2026-11-2$i)" "$cartera" review --db "$db" --as-of "2026-11-2$i" >/dev/null
  measure "psql raw aggregate SQL ($i)" psql -X -q -d "$db" -f bench/baseline_review_pg.sql >/dev/null
done
for i in $(seq "$runs"); do
  measure "cartera review (warm $i)" "$cartera" review --db "$db" --as-of 2026-11-25 >/dev/null
  measure "psql raw aggregate SQL ($i)" psql -X -q -d "$db" -f bench/baseline_review_pg.sql >/dev/null
done
middle=$(psql -X -At -d "$db" -c "SELECT id FROM clients ORDER BY id OFFSET (SELECT count(*) / 2 FROM clients) LIMIT 1")
measure "cartera review one client ($middle)" "$cartera" review --db "$db" --as-of 2026-11-25 --client "$middle" >/dev/null

echo "== API: GET /api/v1/clients?limit=50, one replica vs two on the same database, 16 connections in all"
"$cartera" users add bench@cartera.invalid --role owner --db "$db" <<<"a bench password" >/dev/null 2>&1 || true
token=$("$cartera" users token bench@cartera.invalid --name bench --db "$db")
for port in 18090 18092; do
  "$cartera" serve --db "$db" --addr 127.0.0.1:$port --log-level warn >"$out/serve-$port.log" 2>&1 &
  serve+=($!)
done
url=/api/v1/clients?limit=50
for port in 18090 18092; do
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
  # The first request waits for the portfolio's summaries; then measure.
  curl -fs -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port$url"
done
for i in $(seq "$runs"); do
  echo "-- one replica ($i): wrk -t2 -c16 -d15s"
  wrk -t2 -c16 -d15s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:18090$url" | grep -E "99%|Requests/sec|Non-2xx"
  echo "-- two replicas ($i): wrk -t1 -c8 -d15s against each, at once (sum the req/s, take the worse p99)"
  wrks=()
  for port in 18090 18092; do
    wrk -t1 -c8 -d15s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$url" >"$out/wrk-$port.txt" &
    wrks+=($!)
  done
  wait "${wrks[@]}"
  wrks=()
  for port in 18090 18092; do echo "   :$port"; grep -E "99%|Requests/sec|Non-2xx" "$out/wrk-$port.txt"; done
done
