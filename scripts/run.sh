#!/usr/bin/env bash
# The newcomer's first result: installs what `leadsim run` needs (only those packages missing),
# builds the command alone in build-run/ (no tests, MPI, Python or visualiser: scripts/setup.sh
# builds those), then runs the 2016 Labour contest: 1,000 Monte Carlo runs, outputs in out/.
# Extra arguments go to `leadsim run`, e.g. bash scripts/run.sh --runs 10000 --seed 7
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
install_packages "${LEADSIM_CORE_PACKAGES[@]}"
if [ ! -f build-run/build.ninja ]; then
  cmake -S . -B build-run -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEADSIM_BUILD_TESTS=OFF \
    -DLEADSIM_BUILD_BENCH=OFF -DLEADSIM_BUILD_VIZ=OFF -DLEADSIM_BUILD_PYTHON=OFF -DLEADSIM_MPI=OFF >/dev/null
fi
build_quietly build-run --target leadsim
exec build-run/leadsim run scenarios/labour-2016.toml --out out "$@"
