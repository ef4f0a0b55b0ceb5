#!/usr/bin/env bash
# Reproduces the pipeline scale run of docs/performance.md: a million deals
# with ten million signals, `cartera forecast` and the board's API side by
# side with the same computation as raw SQL in the sqlite3 shell, on the
# same database file. Needs Go, sqlite3, curl and GNU time (/usr/bin/time).
#
#   bench/pipeline.sh [DEALS] [SIGNALS]     # defaults: 1000000 10000000
#
# Everything is written under bench/out-pipeline/ (about 3 GB at full size).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
deals=${1:-1000000}
signals=${2:-10000000}
out=bench/out-pipeline
data=$out/data
db=$out/cartera.db
addr=127.0.0.1:8097
mkdir -p "$out"
go build -o "$out/cartera" ./cmd/cartera
cartera=$out/cartera

echo "== generate $deals deals, $signals signals"
rm -rf "$data"
measure generate "$cartera" demo --deals "$deals" --signals "$signals" --out "$data" --as-of 2026-11-25 >/dev/null

echo "== import (validation on, one transaction, evidence summaries built at commit)"
rm -f "$db"*
measure "cartera import" "$cartera" import --db "$db" "$data/oportunidades.csv" "$data/senales.csv" >/dev/null

echo "== forecast: cartera vs raw SQL in sqlite3 over the same file"
for i in 1 2 3; do
  measure "cartera forecast ($i)" "$cartera" forecast --db "$db" --period 2026-Q4 --as-of 2026-11-25 >/dev/null
  measure "sqlite3 raw forecast SQL ($i)" sqlite3 "$db" < bench/baseline_forecast.sql >/dev/null
done

echo "== board API: after a write (cache invalid) vs raw SQL"
echo "bench-password-1" | "$cartera" users add bench@example.com --role owner --db "$db" >/dev/null
token=$("$cartera" users token bench@example.com --db "$db" | tail -1)
"$cartera" serve --db "$db" --addr "$addr" >"$out/serve.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 50); do curl -sf "http://$addr/healthz" >/dev/null && break; sleep 0.2; done
curl -s -H "Authorization: Bearer $token" "http://$addr/api/v1/pipeline" -o "$out/pipeline.json"
board() {
  curl -s -X PUT -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
    --data @"$out/pipeline.json" "http://$addr/api/v1/pipeline" -o /dev/null
  curl -s -H "Authorization: Bearer $token" "http://$addr/api/v1/pipeline/board" -o /dev/null -w "%{http_code}\n"
}
for i in 1 2 3; do
  start=$(date +%s.%N); board >/dev/null; end=$(date +%s.%N)
  echo "board API after a write ($i): $(echo "$end - $start" | bc) s"
  measure "sqlite3 raw board SQL ($i)" sqlite3 "$db" < bench/baseline_board.sql >/dev/null
done
start=$(date +%s.%N); curl -s -H "Authorization: Bearer $token" "http://$addr/api/v1/pipeline/board" -o /dev/null; end=$(date +%s.%N)
echo "board API, cached: $(echo "$end - $start" | bc) s"
