#!/usr/bin/env bash
# Installs the Debian packages leadsim needs (only those missing), then configures and builds
# everything in build/: the command, the tests, the benchmark, MPI sweeps, the Python module and
# the visualiser. (scripts/run.sh builds the command alone, in build-run/.)
# Safe to run again: with everything installed and nothing changed it takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
install_packages "${LEADSIM_ALL_PACKAGES[@]}"
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
build_quietly build
