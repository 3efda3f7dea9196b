#!/usr/bin/env bash
# Is the current tree no slower than REF? A refactor must prove it is no slower than the code it
# replaced, and on this machine (2 cores, a virtual machine whose speed swings by 10-20% over
# minutes) two numbers taken at different times prove nothing. So this script builds both trees'
# benchmark programs and runs them side by side, taking turns (REF HEAD REF HEAD ...), so both see
# the same machine, and judges each benchmark by the ratios of neighbouring runs.
#   bash bench/compare.sh [REF]          (REF: a commit, default cba3c69, before the renovation)
#   BENCH_PAIRS=N (default 5) pairs of runs; LEADSIM_LIMIT=path/to/limit.cpp (the floor program).
# REF is checked out with `git worktree add --detach` in build/compare-REF (reused when present)
# and built there (Release, ccache if installed); only leadsim-bench and leadsim-sweep-bench.
# Benchmarks: national (leadsim-bench bench/national.toml --runs 200, run.sh's default) and sweep
# (leadsim-sweep-bench on sweep.sh's workload: scenarios/toy.toml, 200 points x 200 runs; one
# repeat per pair), each tree on its own copy of the scenarios. Figures: the runs/s the programs
# print, per thread count. Per benchmark: REF's and HEAD's medians, the median and range of the
# pairwise ratios HEAD/REF (above 1 is faster), and a verdict: "within noise" if the median ratio
# is in [0.95, 1.05] or the range straddles 1, else "faster" or "SLOWER".
# Exits 0 unless a build fails (a benchmark that fails to run is reported and skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:-cba3c69}
pairs=${BENCH_PAIRS:-5}
git rev-parse --verify -q "$ref^{commit}" >/dev/null || { echo "compare: no commit $ref" >&2; exit 1; }
wt=build/compare-${ref//\//_}
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# build SRC DIR TARGET...: configures SRC in DIR (Release) and builds the targets; the log is
# shown only if the build fails.
build() {
  local src=$1 dir=$2; shift 2
  echo "building $* in $dir"
  if ! { cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" &&
         cmake --build "$dir" --parallel --target "$@"; } >"$tmp/build.log" 2>&1; then
    tail -40 "$tmp/build.log" >&2
    echo "compare: the build in $dir failed (messages above)" >&2
    exit 1
  fi
}

mkdir -p build
if [ ! -e "$wt/.git" ]; then
  git worktree prune
  git worktree add -q --detach "$wt" "$ref"
elif [ "$(git -C "$wt" rev-parse HEAD)" != "$(git rev-parse "$ref^{commit}")" ]; then
  git -C "$wt" checkout -q --detach "$ref"
fi
targets=()
for t in leadsim-bench leadsim-sweep-bench; do
  if git show "$ref:bench/CMakeLists.txt" 2>/dev/null | grep -q "add_executable($t "; then targets+=("$t")
  else echo "compare: $ref has no target $t; skipping its comparison"; fi
done
[ ${#targets[@]} -gt 0 ] || { echo "compare: nothing to compare"; exit 0; }
build "$wt" "$wt/build" "${targets[@]}"
build . build "${targets[@]}"
git diff --quiet --diff-filter=MDRT "$ref" -- bench/national.toml scenarios/ ':!*.md' ||
  echo "note: scenarios changed since $ref; each tree runs its own"

# The machine's floor (as run.sh runs it), before and after the benchmarks: how fast it is now.
limit=${LEADSIM_LIMIT:-../shared/bench/limit.cpp}
# In a worktree elsewhere, ../shared is beside the main checkout.
[ -n "${LEADSIM_LIMIT:-}" ] || [ -f "$limit" ] ||
  limit=$(git rev-parse --path-format=absolute --git-common-dir)/../../shared/bench/limit.cpp
floor() {
  if [ -f "$limit" ]; then echo "limit ($1): $(build/limit 700000 300)"; else echo "limit: $limit not found; skipped"; fi
}
if [ -f "$limit" ]; then g++ -O3 -march=native -o build/limit "$limit"; fi
floor before

# bench TARGET SIDE ROOT PAIR: runs one benchmark of the tree at ROOT once (from ROOT, on its own
# scenarios) and appends "benchmark side pair runs_per_s" lines to $tmp/results.
bench() {
  local t=$1 side=$2 root=$3 i=$4 out name args
  if [ "$t" = leadsim-bench ]; then name=national args=(bench/national.toml --runs 200)
  else name=sweep args=(scenarios/toy.toml --points 200 --runs 200 --repeat 1); fi
  out=$(cd "$root" && "build/$t" "${args[@]}") || { echo "warning: $side $t failed" >&2; return 0; }
  printf '%s\n' "$out" |
    sed -n "s/^threads=\([0-9]*\) .*runs_per_s=\([0-9.]*\).*/${name}_threads=\1 $side $i \2/p" >>"$tmp/results"
}
touch "$tmp/results"
for ((i = 1; i <= pairs; i++)); do
  echo "pair $i of $pairs ($(date +%T))"
  for t in "${targets[@]}"; do bench "$t" ref "$wt" "$i"; bench "$t" head . "$i"; done
  awk -v i="$i" '$3 == i { printf "  %s %s=%s", $1, $2, $4 } END { print "" }' "$tmp/results"
done
floor after

echo "runs/s, $pairs pairs, REF=$ref ($(git rev-parse --short "$ref^{commit}")) HEAD=$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' +uncommitted')"
awk '
  function median(a, n,   i, j, t, b) {
    for (i = 1; i <= n; i++) b[i] = a[i]
    for (i = 2; i <= n; i++) for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
    return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
  }
  { v[$1, $2, $3] = $4; if (!($1 in seen)) { seen[$1] = 1; names[++k] = $1 }; if ($3 > np) np = $3 }
  END {
    printf "%-18s %10s %10s %9s %13s  %s\n", "benchmark", "REF", "HEAD", "HEAD/REF", "ratio range", "verdict"
    for (b = 1; b <= k; b++) {
      name = names[b]; n = nr = nh = 0; lo = 1e99; hi = 0
      for (i = 1; i <= np; i++) {
        if ((name, "ref", i) in v) r[++nr] = v[name, "ref", i]
        if ((name, "head", i) in v) h[++nh] = v[name, "head", i]
        if ((name, "ref", i) in v && (name, "head", i) in v && v[name, "ref", i] > 0) {
          q[++n] = v[name, "head", i] / v[name, "ref", i]; if (q[n] < lo) lo = q[n]; if (q[n] > hi) hi = q[n] }
      }
      if (n == 0) { printf "%-18s no complete pairs\n", name; continue }
      m = median(q, n)
      verdict = (m >= 0.95 && m <= 1.05) || (lo <= 1 && hi >= 1) ? "within noise" : (m > 1 ? "faster" : "SLOWER")
      printf "%-18s %10.1f %10.1f %9.3f %6.3f-%.3f  %s\n", name, median(r, nr), median(h, nh), m, lo, hi, verdict
    }
  }' "$tmp/results"
