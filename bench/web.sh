#!/usr/bin/env bash
# Reproduces the web figures of docs/performance.md: the client-list API and
# the dashboard of `cartera serve` on 100,000 clients and ten million
# events, under wrk on loopback, side by side with a hello-world net/http
# server measured in the same run. Needs Go and wrk (Debian: apt install
# wrk). Reuses bench/out/cartera.db from bench/scale.sh when present.
#
#   bench/web.sh [CLIENTS] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
clients=${1:-100000}
events=${2:-10000000}
out=bench/out
mkdir -p "$out"
go build -o "$out/cartera" ./cmd/cartera
go build -o "$out/hello" ./bench/hello
cartera=$out/cartera
db=$out/cartera.db
demo_portfolio "$cartera" "$db" "$out" "$clients" "$events"
token=$("$cartera" users token bench@cartera.invalid --name bench --db "$db")

"$cartera" serve --db "$db" --addr 127.0.0.1:18090 --log-level warn >"$out/serve.log" 2>&1 &
serve=$!
"$out/hello" -addr 127.0.0.1:18091 &
hello=$!
trap 'kill $serve $hello 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:18090/healthz && break; sleep 0.2; done
# The server assesses the whole portfolio in the background (cold), and
# answers with "updating" meanwhile; wait for it, then measure.
while curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:18090/api/v1/clients?limit=1" | grep -q '"updating":true'; do sleep 1; done
curl -fs -o /dev/null -H "Authorization: Bearer $token" http://127.0.0.1:18090/dashboard

for c in 8 16; do
  echo "== $c connections, 2 threads, 15 s each"
  for path in /api/v1/clients /dashboard; do
    echo "-- cartera $path"
    wrk -t2 -c"$c" -d15s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:18090$path" | grep -E "50%|99%|Requests/sec|Non-2xx"
  done
  echo "-- hello world"
  wrk -t2 -c"$c" -d15s --latency http://127.0.0.1:18091/ | grep -E "50%|99%|Requests/sec"
done
