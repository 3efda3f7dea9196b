#!/usr/bin/env bash
# Installs the Debian packages leadsim needs (only those missing), then configures and builds.
# Safe to run again: with everything installed and nothing changed it takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ ninja-build pkg-config git
          libeigen3-dev libboost-random-dev libtomlplusplus-dev libcli11-dev libfmt-dev
          nlohmann-json3-dev libgtest-dev
          libopenmpi-dev openmpi-bin                                         # leadsim sweep on MPI ranks
          pybind11-dev python3-dev python3-numpy python3-pytest              # the Python module
          libimgui-dev libglfw3-dev libgl-dev libstb-dev fonts-dejavu-core   # leadsim-viz
          xvfb xauth libgl1-mesa-dri)                                        # its window tests

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "leadsim: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
if ! log=$(cmake --build build --parallel 2>&1); then
  printf '%s\n' "$log" >&2
  echo "leadsim: the build failed (messages above)" >&2
  exit 1
fi
printf '%s\n' "$log" | grep -E 'warning|error' >&2 || true
