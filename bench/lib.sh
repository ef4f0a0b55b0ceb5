# Shared by the bench scripts: source it after `cd` to the repository root.

export CGO_ENABLED=0

measure() { # label command...: wall seconds and peak RSS via GNU time
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" "$@"
}

# demo_portfolio CARTERA DB OUT CLIENTS EVENTS: the generated portfolio in
# the SQLite database DB, generated under OUT/data and imported when DB does
# not exist yet, with an owner able to sign in (bench@cartera.invalid).
demo_portfolio() {
  local cartera=$1 db=$2 out=$3 clients=$4 events=$5
  if [ ! -f "$db" ]; then
    "$cartera" demo --clients "$clients" --events "$events" --out "$out/data" --as-of 2026-11-25 >/dev/null
    "$cartera" import --db "$db" "$out"/data/*.csv >/dev/null
  fi
  "$cartera" users add bench@cartera.invalid --role owner --db "$db" <<<"a bench password" >/dev/null 2>&1 || true
}
