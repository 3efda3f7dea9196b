#!/usr/bin/env bash
# Runs the national benchmark beside the machine's per-agent floor and prints the ratio, and the
# bound on what an exact counting engine could reach (leadsim-counting-bound).
#   bash bench/run.sh [RUNS] [MEMORY_RUNS]
# The floor program is the workplace's limit.cpp (one uniform draw and one compare per agent
# per run); point LEADSIM_LIMIT at it if it is not at ../shared/bench/limit.cpp.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
runs=${1:-200}
memory_runs=${2:-0}
limit=${LEADSIM_LIMIT:-../shared/bench/limit.cpp}
floor=""
if [ -f "$limit" ]; then
  g++ -O3 -march=native -o build/limit "$limit"
  line=$(build/limit 700000 300)
  echo "limit: $line"
  floor=$(printf '%s\n' "$line" | sed -n 's/.*ns_per_decision=\([0-9.]*\).*/\1/p')
else
  echo "limit: $limit not found; skipping the ratio"
fi
out=$(build/leadsim-bench bench/national.toml --runs "$runs" --memory-runs "$memory_runs")
printf '%s\n' "$out"
# What an exact counting engine could reach at best on the same scenario (bench/counting_bound.cpp).
build/leadsim-counting-bound bench/national.toml --runs "$runs"
if [ -n "$floor" ]; then
  printf '%s\n' "$out" | sed -n 's/^threads=\([0-9]*\).*ns_per_agent_run=\([0-9.]*\).*/\1 \2/p' |
    while read -r t ns; do
      awk -v t="$t" -v ns="$ns" -v f="$floor" \
        'BEGIN { printf "ratio threads=%s: %.2f ns per agent per run = %.1f x the floor (%.3f ns per decision)\n", t, ns, ns / f, f }'
    done
fi
