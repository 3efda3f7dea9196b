#!/usr/bin/env bash
# Sweep throughput: 1 vs 2 threads, 1 vs 2 MPI ranks of one thread each, and the cost of a point
# beyond its runs (loading its scenario, bookkeeping, writing its rows).
#   bash bench/sweep.sh [BUILD_DIR] [SCENARIO] [POINTS] [RUNS]
# Defaults: build, scenarios/toy.toml, 200 points, 200 runs per point: 40,000 runs of a quarter
# of a millisecond, about 10 s on one core, so that fixed costs (starting the process, mpirun's
# start of about half a second, loading the scenario) are small beside the sweep. Throughput is
# given two ways: the whole command's wall time, and the sweep's own rate (the runs/s it prints:
# from its first point to its last, without the process's or mpirun's start).
# Each figure is the best of 3, the two commands compared taking turns (other work on the
# machine only ever slows a run down, and its speed drifts over minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
scenario=${2:-scenarios/toy.toml}
points=${3:-200}
runs=${4:-200}
leadsim="$build/leadsim"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
sweep=(sweep "$scenario" --quiet --param meetings.attendance=0.02:0.1 --param meetings.speakers=2:8
       --design latin --points "$points" --runs "$runs")

# once CMD...: runs it once; prints "wall cpu rate": wall seconds, CPU seconds (perf's
# task-clock when perf is installed, else 0) and the runs/s the command itself printed (0 if none).
once() {
  rm -rf "$out/dir"
  local start end cpu=0 rate
  start=$(date +%s.%N)
  if command -v perf >/dev/null 2>&1; then
    perf stat -x, -e task-clock -o "$out/perf" "$@" >"$out/stdout" 2>/dev/null
    cpu=$(awk -F, '/task-clock/ { print $1 / 1000 }' "$out/perf")
  else
    "$@" >"$out/stdout" 2>/dev/null
  fi
  end=$(date +%s.%N)
  rate=$(sed -n 's/.*(\([0-9]*\) runs\/s.*/\1/p' "$out/stdout" | tail -1)
  echo "$(echo "$end - $start" | bc) $cpu ${rate:-0}"
}

# best_pair: runs the commands in arrays A and B alternately, 3 times each (A B A B A B), and
# sets best_a and best_b to the fastest of each. Alternating matters on a shared machine whose
# speed drifts over minutes: both commands see the same conditions.
best_pair() {
  best_a="" best_b=""
  local line
  for _ in 1 2 3; do
    line=$(once "${A[@]}")
    if [ -z "$best_a" ] || [ "$(echo "${line%% *} < ${best_a%% *}" | bc)" = 1 ]; then best_a=$line; fi
    line=$(once "${B[@]}")
    if [ -z "$best_b" ] || [ "$(echo "${line%% *} < ${best_b%% *}" | bc)" = 1 ]; then best_b=$line; fi
  done
}

# speedup LABEL1 LABEL2 RESULT1 RESULT2: both ways of counting.
speedup() {
  awk -v l1="$1" -v l2="$2" -v a="$3" -v b="$4" -v n="$total" 'BEGIN {
    split(a, x, " "); split(b, y, " ");
    printf "%s seconds=%.3f runs_per_s=%.0f (the sweep itself: %d runs/s)\n", l1, x[1], n / x[1], x[3];
    printf "%s seconds=%.3f runs_per_s=%.0f (the sweep itself: %d runs/s)\n", l2, y[1], n / y[1], y[3];
    printf "  speedup: %.2f by wall time, %.2f by the sweep'"'"'s own rate\n", x[1] / y[1],
           (x[3] > 0 ? y[3] / x[3] : 0) }'
}

total=$((points * runs))
echo "scenario $scenario: $points points x $runs runs = $total runs per sweep"
A=("$leadsim" "${sweep[@]}" --out "$out/dir" --threads 1)
B=("$leadsim" "${sweep[@]}" --out "$out/dir" --threads 2)
best_pair
speedup "threads=1" "threads=2" "$best_a" "$best_b"

if command -v mpirun >/dev/null 2>&1 && ldd "$leadsim" | grep -q libmpi; then
  mpi=(mpirun --oversubscribe)
  [ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  A=("${mpi[@]}" -np 1 "$leadsim" "${sweep[@]}" --out "$out/dir" --threads 1)
  B=("${mpi[@]}" -np 2 "$leadsim" "${sweep[@]}" --out "$out/dir" --threads 1)
  best_pair
  speedup "mpi ranks=1" "mpi ranks=2" "$best_a" "$best_b"
fi

# The same runs as one point (`leadsim run`, one population, no per-point work) against a sweep
# whose points cost the same to run (a parameter over a range too narrow to change the work),
# both on one thread: the difference in CPU time, per point, over the runs' own time.
A=("$leadsim" run "$scenario" --runs "$total" --threads 1 --quiet --out "$out/dir")
B=("$leadsim" sweep "$scenario" --quiet --param campaign.swing_sd=0.05:0.0500001 --design latin
   --points "$points" --runs "$runs" --out "$out/dir" --threads 1)
best_pair
r=$best_a
s=$best_b
awk -v s="$s" -v r="$r" -v p="$points" 'BEGIN {
  split(s, x, " "); split(r, y, " ");
  cs = x[2] > 0 ? x[2] : x[1]; cr = y[2] > 0 ? y[2] : y[1];
  printf "one point of all the runs: cpu_seconds=%.3f; the sweep: cpu_seconds=%.3f\n", cr, cs;
  printf "overhead per point=%.2f ms = %.1f%% of its runs (%.2f ms)\n", 1000 * (cs - cr) / p,
         100 * (cs - cr) / cr, 1000 * cr / p }'
