#!/usr/bin/env bash
# Reproduces "The first request after an import or a new day" in
# docs/performance.md: how long visitors wait while `cartera serve`
# assesses the whole portfolio again, on the database of bench/web.sh
# (bench/out/cartera.db; 100,000 clients and ten million events unless
# made otherwise). Needs Go, curl and wrk (Debian: apt install wrk).
#
#   bench/warm.sh [CLIENTS] [EVENTS]
#
# 1. A new day: serve on 2026-11-25 until the summaries are current, stop,
#    serve again on 2026-11-26 (CARTERA_NOW) and measure at once.
# 2. An import: while serve runs, `cartera import` the clients file again
#    (every client touched, every summary marked stale) and measure at once.
# Each measurement is one curl (the very first request) and then wrk for
# 10 s with 8 connections, on the client-list API and the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
clients=${1:-100000}
events=${2:-10000000}
out=bench/out
mkdir -p "$out"
go build -o "$out/cartera" ./cmd/cartera
cartera=$out/cartera
db=$out/cartera.db
demo_portfolio "$cartera" "$db" "$out" "$clients" "$events"
token=$("$cartera" users token bench@cartera.invalid --name bench --db "$db")
url=http://127.0.0.1:18092
serve=
trap '[ -n "$serve" ] && kill $serve 2>/dev/null || true' EXIT

start() { # start serve at the instant $1
  CARTERA_NOW=$1 "$cartera" serve --db "$db" --addr 127.0.0.1:18092 --refresh 0 >"$out/warm-serve.log" 2>&1 &
  serve=$!
  for _ in $(seq 100); do curl -fs -o /dev/null $url/healthz && return; sleep 0.1; done
  echo "serve did not start" >&2; exit 1
}
stop() { kill $serve; wait $serve 2>/dev/null || true; serve=; }
updating() { curl -fs -H "Authorization: Bearer $token" "$url/api/v1/clients?limit=1" | grep -c '"updating":true' || true; }
settle() { # until the background assessment is done
  local t0=$SECONDS
  while [ "$(updating)" != 0 ]; do sleep 0.5; done
  echo "   the assessment took about $((SECONDS - t0)) s after the first request"
}
measure_requests() {
  for path in "/api/v1/clients?limit=50" /dashboard; do
    curl -fs -o /dev/null -w "   first $path: %{time_total} s\n" -H "Authorization: Bearer $token" "$url$path"
  done
  for path in "/api/v1/clients?limit=50" /dashboard; do
    echo "-- wrk 10 s, 8 connections: $path"
    wrk -t2 -c8 -d10s --latency -H "Authorization: Bearer $token" "$url$path" | grep -E "50%|99%|Requests/sec|Non-2xx"
  done
  echo "   still updating after the runs: $(updating)"
}

echo "== warming 2026-11-25"
start 2026-11-25T10:00:00+01:00
curl -fs -o /dev/null -H "Authorization: Bearer $token" "$url/api/v1/clients?limit=1"
settle
stop

echo "== a new day: serve on 2026-11-26, the summaries are yesterday's"
start 2026-11-26T10:00:00+01:00
measure_requests
settle

echo "== an import of every client while serving"
/usr/bin/time -f "   import took %e s" "$cartera" import --db "$db" "$out"/data/clientes.csv >/dev/null
measure_requests
settle
stop
