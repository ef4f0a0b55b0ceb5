#!/usr/bin/env bash
# Times two commands side by side, the way the ratios of
# docs/performance.md are taken: after one warm-up run of each, A and B run
# in turn N times (A B A B …) and the ratio A/B is taken pair by pair, so
# that a machine whose speed drifts during the runs still gives a fair
# ratio. Prints each pair and the medians (wall seconds, and each
# process's peak RSS from GNU time).
#
#   bench/pairs.sh N 'COMMAND A' 'COMMAND B'
#
# e.g. the first review of a new day against the raw aggregate SQL:
#   bench/pairs.sh 9 'bench/newday.sh bench/out/cartera bench/out/cartera.db' \
#     'sqlite3 bench/out/cartera.db < bench/baseline_review.sql'
#
# Each command runs under sh -c, so redirections work as written.
set -euo pipefail
n=$1 a=$2 b=$3
run() { # command: prints "wall_seconds peak_kb" (GNU time: 10 ms steps)
  local f
  f=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$f" sh -c "$1" >/dev/null 2>&1 </dev/null
  cat "$f"
  rm -f "$f"
}
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
run "$a" >/dev/null
run "$b" >/dev/null
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
as=() bs=() rs=()
for i in $(seq "$n"); do
  read -r wa ka < <(run "$a")
  read -r wb kb < <(run "$b")
  r=$(echo "$wa / $wb" | bc -l)
  printf 'pair %d: A %.3f s (%d KB)  B %.3f s (%d KB)  A/B %.3f\n' "$i" "$wa" "$ka" "$wb" "$kb" "$r"
  as+=("$wa") bs+=("$wb") rs+=("$r")
done
printf 'median: A %.3f s  B %.3f s  A/B %.3f (pairs from %.3f to %.3f)\n' \
  "$(printf '%s\n' "${as[@]}" | median)" "$(printf '%s\n' "${bs[@]}" | median)" \
  "$(printf '%s\n' "${rs[@]}" | median)" "$(printf '%s\n' "${rs[@]}" | sort -g | head -1)" "$(printf '%s\n' "${rs[@]}" | sort -g | tail -1)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
