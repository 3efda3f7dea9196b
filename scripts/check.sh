#!/usr/bin/env bash
# The checking jobs (README "Checking"), each in a build folder of its own (never build/):
#   asan   the library, the command and the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#          (clang, build-asan/; every report fatal), the whole CTest suite but the visualiser's and
#          Python's (not built) and MPI's (not built: see below). Also the portable build
#          (-DLEADSIM_NATIVE=OFF: baseline x86-64, another compiler): its Ensemble.GoldenHash
#          is the native build's, so results are the same bytes either way
#   tsan   the thread-heavy test programs under ThreadSanitizer (clang, build-tsan/): test_ensemble,
#          test_sweep, test_sweep_cli, test_calibration
#   fuzz   each libFuzzer target of fuzz/ for FUZZ_SECONDS (default 60) on its seed corpus
#          (fuzz/corpus/<target>/), from build-asan/ (built with -DLEADSIM_FUZZ=ON)
#   bash scripts/check.sh [asan] [tsan] [fuzz]     (no argument: all three, as CI runs them)
#   FUZZ_SECONDS=1200 bash scripts/check.sh fuzz   (a long run; not under CI, see below)
# Under CI (CI=true, .ci/run) the fuzzing is at most 60 s a target whatever FUZZ_SECONDS says, so
# that .ci/run stays well within its 90 minutes on 2 cores (README "Checking": 41 to 48 minutes
# on a fresh clone, of which the five targets take 5). Every step is bounded in time too: a
# fuzz target that does not stop, a TSan program or an ASan test that hangs, fails the step.
# Installs what it needs (Debian 12 packages, only those missing). Open MPI is left out of these
# builds (-DLEADSIM_MPI=OFF), so the sweep's MPI tests skip themselves: Open MPI's own leaks and
# lock-order inversions (in its launcher and progress threads, not in leadsim) would otherwise need
# blanket suppressions; the normal build (scripts/test.sh) runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(asan tsan fuzz)
for s in "${steps[@]}"; do
  case $s in asan|tsan|fuzz) ;; *) echo "check.sh: unknown step '$s' (asan, tsan, fuzz)" >&2; exit 2 ;; esac
done
fuzz_seconds=${FUZZ_SECONDS:-60}
if ! [[ $fuzz_seconds =~ ^[0-9]+$ ]] || [ "$fuzz_seconds" -lt 1 ]; then
  echo "check.sh: FUZZ_SECONDS should be a whole number of seconds, at least 1, not '$fuzz_seconds'" >&2
  exit 2
fi
ci_fuzz_seconds=60
if [ "${CI:-}" = true ] && [ "$fuzz_seconds" -gt $ci_fuzz_seconds ]; then
  echo "check: CI: fuzzing ${ci_fuzz_seconds} s per target, not FUZZ_SECONDS=${fuzz_seconds}" >&2
  fuzz_seconds=$ci_fuzz_seconds
fi
# Hard bounds, far above the steps' usual times (README "Checking"), so a hang fails the step
# rather than eating CI's time: a TSan program (the four took about 2 minutes together) and a fuzz
# target past its -max_total_time (libFuzzer stops at the first input after it; one input may
# take up to its -timeout of 10 s).
tsan_program_seconds=1200
fuzz_grace_seconds=120
fuzz_targets=(fuzz_scenario fuzz_ballots fuzz_sweep_spec fuzz_calibration fuzz_clp_csv fuzz_target_spec)
tsan_tests=(test_ensemble test_sweep test_sweep_cli test_calibration)

install_packages "${LEADSIM_CORE_PACKAGES[@]}" libgtest-dev "${LEADSIM_CHECK_PACKAGES[@]}"

# The sanitizers find llvm-symbolizer on the PATH (Debian installs it under llvm-14's folder).
[ -d /usr/lib/llvm-14/bin ] && export PATH="$PATH:/usr/lib/llvm-14/bin"
# Every report ends the program with an error; leaks are reports too.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
export LSAN_OPTIONS=

common=(-G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo
        -DLEADSIM_BUILD_BENCH=OFF -DLEADSIM_BUILD_VIZ=OFF -DLEADSIM_BUILD_PYTHON=OFF -DLEADSIM_MPI=OFF)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

step_start=0
begin() { step_start=$(date +%s); echo "check: $1" >&2; }
done_step() { echo "check: $1 ok ($(( $(date +%s) - step_start )) s)" >&2; }

needs_asan_build=0
for s in "${steps[@]}"; do
  if [ "$s" = asan ] || [ "$s" = fuzz ]; then needs_asan_build=1; fi
done
if [ $needs_asan_build = 1 ]; then
  begin "build-asan (clang, address + undefined, and the fuzz targets)"
  [ -f build-asan/build.ninja ] ||
    cmake -S . -B build-asan "${common[@]}" "${launcher[@]}" -DLEADSIM_FUZZ=ON -DLEADSIM_BUILD_TESTS=ON \
      -DLEADSIM_NATIVE=OFF >/dev/null
  build_quietly build-asan
  done_step build-asan
fi

for s in "${steps[@]}"; do
  case $s in
    asan)
      begin "the test suite under ASan + UBSan"
      ctest --test-dir build-asan --output-on-failure --parallel 2 --timeout 1800 >build-asan/ctest.log 2>&1 ||
        { tail -n 200 build-asan/ctest.log >&2; echo "check: asan failed (build-asan/ctest.log)" >&2; exit 1; }
      tail -n 3 build-asan/ctest.log >&2
      done_step asan
      ;;
    tsan)
      begin "build-tsan (clang, thread) and ${tsan_tests[*]}"
      [ -f build-tsan/build.ninja ] ||
        cmake -S . -B build-tsan "${common[@]}" "${launcher[@]}" -DLEADSIM_SANITIZE=thread -DLEADSIM_BUILD_TESTS=ON >/dev/null
      build_quietly build-tsan --target leadsim "${tsan_tests[@]}"
      # TSan needs a memory layout some kernels' address randomisation breaks: run without it
      # where setarch allows.
      norand=()
      setarch "$(uname -m)" -R true 2>/dev/null && norand=(setarch "$(uname -m)" -R)
      for t in "${tsan_tests[@]}"; do
        [ -x "build-tsan/tests/$t" ] || continue
        rc=0
        timeout -k 10 "$tsan_program_seconds" "${norand[@]}" "build-tsan/tests/$t" --gtest_brief=1 \
          >"build-tsan/$t.log" 2>&1 || rc=$?
        if [ $rc -ne 0 ]; then
          tail -n 200 "build-tsan/$t.log" >&2
          if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then  # timeout's TERM, then its KILL
            echo "check: tsan: $t did not finish within $tsan_program_seconds s" >&2
          fi
          echo "check: tsan failed in $t (build-tsan/$t.log)" >&2
          exit 1
        fi
        echo "check: tsan $t: $(grep -E '^\[  PASSED  \]' "build-tsan/$t.log" || true)" >&2
      done
      done_step tsan
      ;;
    fuzz)
      begin "each fuzz target for ${fuzz_seconds} s"
      for t in "${fuzz_targets[@]}"; do
        work=build-asan/fuzz/work/$t
        rm -rf "$work"; mkdir -p "$work/corpus" "$work/artifacts"
        # New inputs go to the work folder (the first); the committed seeds are only read.
        rc=0
        timeout -k 10 $((fuzz_seconds + fuzz_grace_seconds)) \
          "build-asan/fuzz/$t" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
          -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
          "$work/corpus" "fuzz/corpus/$t" >"$work/log" 2>&1 || rc=$?
        if [ $rc -ne 0 ]; then
          tail -n 80 "$work/log" >&2
          if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
            echo "check: fuzz target $t did not stop within $((fuzz_seconds + fuzz_grace_seconds)) s" >&2
          else
            echo "check: fuzz target $t failed; the input is in $work/artifacts/" >&2
          fi
          exit 1
        fi
        echo "check: fuzz $t: $(grep -E 'stat::number_of_executed_units' "$work/log" | sed 's/.*: *//') inputs, no finding" >&2
      done
      done_step fuzz
      ;;
  esac
done
