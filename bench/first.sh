#!/usr/bin/env bash
# Reproduces "The first request after an import or a new day" in
# docs/performance.md: the very first requests `cartera serve` answers
# (1) the moment it starts on a freshly imported database (no summaries
# stored), (2) the moment it starts on a new day (every summary a day old),
# (3) right after an import of every client while it serves. Needs curl and
# wrk (Debian: apt install wrk).
#
#   bench/first.sh CARTERA DB CLIENTS_CSV
#
# DB is a freshly imported database with an owner bench@cartera.invalid
# (see demo_portfolio in bench/lib.sh); it is modified: pass a copy.
# Each step first sends one curl per endpoint, one after the other (the
# first request of each kind), then runs wrk for 10 s with 8 connections on
# one endpoint while the portfolio is still being assessed, and says
# whether the answers still said "being updated".
set -euo pipefail
cartera=$1 db=$2 clients_csv=$3
token=$("$cartera" users token bench@cartera.invalid --name bench --db "$db")
url=http://127.0.0.1:18093
log=${TMPDIR:-/tmp}/first-serve.log
serve=
trap '[ -n "$serve" ] && kill $serve 2>/dev/null || true' EXIT

start() { # start serve at the instant $1
  CARTERA_NOW=$1 "$cartera" serve --db "$db" --addr 127.0.0.1:18093 >>"$log" 2>&1 &
  serve=$!
  for _ in $(seq 600); do curl -fs -o /dev/null $url/healthz && return; sleep 0.05; done
  echo "serve did not start" >&2; exit 1
}
stop() { kill $serve; wait $serve 2>/dev/null || true; serve=; }
updating() { curl -fs -H "Authorization: Bearer $token" "$url/api/v1/clients?limit=1" | grep -c '"updating":true' || true; }
settle() { # until the background assessment is done
  local t0=$SECONDS
  while [ "$(updating)" != 0 ]; do sleep 0.5; done
  echo "   the assessment took about $((SECONDS - t0)) s after the first requests"
}
first() {
  for path in /dashboard "/api/v1/clients?limit=50" /api/v1/assessments /clients; do
    curl -fs -o /dev/null -w "   first $path: %{time_total} s (HTTP %{http_code})\n" -H "Authorization: Bearer $token" -H "Cookie: cartera_lang=es" "$url$path"
  done
  # The page says so while the summaries are being assessed.
  echo "   dashboard shows \"being updated\": $(curl -fs -H "Authorization: Bearer $token" $url/dashboard | grep -c "class=\"updating\"" || true)"
  echo "   updating at the end of the first requests: $(updating)"
}
load() { # wrk on $1 for 10 s
  echo "-- wrk 10 s, 2 threads, 8 connections: $1"
  wrk -t2 -c8 -d10s --latency -H "Authorization: Bearer $token" "$url$1" | grep -E "Latency  |50%|99%|Requests/sec|Non-2xx"
  echo "   updating after the run: $(updating)"
}

echo "== (1) serve starts on the freshly imported database, 2026-11-25"
start 2026-11-25T10:00:00+01:00
first
load /dashboard
settle
stop

echo "== (2) serve starts on a new day, 2026-11-26: the summaries are yesterday's"
start 2026-11-26T10:00:00+01:00
first
load /dashboard
settle

echo "== (3) an import of every client while serving"
/usr/bin/time -f "   import took %e s" "$cartera" import --db "$db" "$clients_csv" >/dev/null
first
load "/api/v1/clients?limit=50"
settle
stop
