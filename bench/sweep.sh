#!/usr/bin/env bash
# Sweep throughput: 1 vs 2 threads, 1 vs 2 MPI ranks of one thread each, and the cost of a point
# beyond its runs (loading its scenario, bookkeeping, writing its rows).
#   bash bench/sweep.sh [BUILD_DIR] [SCENARIO] [POINTS] [RUNS]
# Defaults: build, scenarios/toy.toml, 200 points, 20 runs per point (few runs per point is the
# hard case for threads: a point's runs must still be shared between them; enough points that
# mpirun's start, about half a second, is small beside the sweep).
# Each figure is the best of 3 (other work on the machine only ever slows a run down); CPU time
# comes from perf's task-clock when perf is installed, else from bash's times.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
scenario=${2:-scenarios/toy.toml}
points=${3:-200}
runs=${4:-20}
leadsim="$build/leadsim"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
sweep=(sweep "$scenario" --quiet --param meetings.attendance=0.02:0.1 --param meetings.speakers=2:8
       --design latin --points "$points" --runs "$runs")

# best_of CMD...: prints "wall cpu" in seconds, the smallest wall time of 3 runs.
best_of() {
  local best="" line
  for _ in 1 2 3; do
    rm -rf "$out/dir"
    if command -v perf >/dev/null 2>&1; then
      line=$( { perf stat -x, -e task-clock "$@" >/dev/null 2>"$out/perf"; } 2>&1; \
              awk -F, '/task-clock/ { cpu = $1 / 1000 } END { print cpu }' "$out/perf")
      local start end
      start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
      line="$(echo "$end - $start" | bc) $line"
    else
      local t0 t1
      t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
      line="$(echo "$t1 - $t0" | bc) 0"
    fi
    if [ -z "$best" ] || [ "$(echo "${line%% *} < ${best%% *}" | bc)" = 1 ]; then best=$line; fi
  done
  echo "$best"
}

total=$((points * runs))
echo "scenario $scenario: $points points x $runs runs = $total runs per sweep"
t1=$(best_of "$leadsim" "${sweep[@]}" --out "$out/dir" --threads 1)
t2=$(best_of "$leadsim" "${sweep[@]}" --out "$out/dir" --threads 2)
awk -v a="$t1" -v b="$t2" -v n="$total" 'BEGIN {
  split(a, x, " "); split(b, y, " ");
  printf "threads=1 seconds=%.3f runs_per_s=%.0f\n", x[1], n / x[1];
  printf "threads=2 seconds=%.3f runs_per_s=%.0f speedup=%.2f\n", y[1], n / y[1], x[1] / y[1] }'

if command -v mpirun >/dev/null 2>&1 && ldd "$leadsim" | grep -q libmpi; then
  mpi=(mpirun --oversubscribe)
  [ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  m1=$(best_of "${mpi[@]}" -np 1 "$leadsim" "${sweep[@]}" --out "$out/dir" --threads 1)
  m2=$(best_of "${mpi[@]}" -np 2 "$leadsim" "${sweep[@]}" --out "$out/dir" --threads 1)
  awk -v a="$m1" -v b="$m2" -v n="$total" 'BEGIN {
    split(a, x, " "); split(b, y, " ");
    printf "mpi ranks=1 seconds=%.3f runs_per_s=%.0f\n", x[1], n / x[1];
    printf "mpi ranks=2 seconds=%.3f runs_per_s=%.0f speedup=%.2f\n", y[1], n / y[1], x[1] / y[1] }'
fi

# The same runs as one point (`leadsim run`, one population, no per-point work) against a sweep
# whose points cost the same to run (a parameter over a range too narrow to change the work),
# both on one thread: the difference in CPU time, per point, over the runs' own time.
r=$(best_of "$leadsim" run "$scenario" --runs "$total" --threads 1 --quiet --out "$out/dir")
s=$(best_of "$leadsim" sweep "$scenario" --quiet --param campaign.swing_sd=0.05:0.0500001 --design latin \
      --points "$points" --runs "$runs" --out "$out/dir" --threads 1)
awk -v s="$s" -v r="$r" -v p="$points" 'BEGIN {
  split(s, x, " "); split(r, y, " ");
  cs = x[2] > 0 ? x[2] : x[1]; cr = y[2] > 0 ? y[2] : y[1];
  printf "one point of all the runs: cpu_seconds=%.3f; the sweep: cpu_seconds=%.3f\n", cr, cs;
  printf "overhead per point=%.2f ms = %.1f%% of its runs (%.2f ms)\n", 1000 * (cs - cr) / p,
         100 * (cs - cr) / cr, 1000 * cr / p }'
