#!/usr/bin/env bash
# Builds cartera and the portfolio of bench/web.sh (bench/out/cartera.db;
# 100,000 clients and ten million events unless made otherwise), then runs
# bench/first.sh on a copy of it: the first requests `cartera serve`
# answers when it starts on a freshly imported database, when it starts on
# a new day, and right after an import of every client while it serves
# ("The first request after an import or a new day" in
# docs/performance.md). Needs Go, curl and wrk (Debian: apt install wrk).
#
#   bench/warm.sh [CLIENTS] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
clients=${1:-100000}
events=${2:-10000000}
out=bench/out
mkdir -p "$out"
go build -o "$out/cartera" ./cmd/cartera
demo_portfolio "$out/cartera" "$out/cartera.db" "$out" "$clients" "$events"
cp "$out/cartera.db" "$out/run.db"
rm -f "$out/run.db-wal" "$out/run.db-shm"
exec bench/first.sh "$out/cartera" "$out/run.db" "$out/data/clientes.csv"
