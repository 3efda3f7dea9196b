# packages.sh (sourced by the other scripts): install_packages PKG... installs the Debian packages
# among PKG that are missing (apt-get, with sudo when not root); with all of them installed it
# does nothing and takes a fraction of a second.
install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "leadsim: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building `leadsim` alone needs (scripts/run.sh): compiler, build tools, the libraries.
LEADSIM_CORE_PACKAGES=(cmake g++ ninja-build pkg-config git
                       libeigen3-dev libboost-random-dev libtomlplusplus-dev libcli11-dev libfmt-dev
                       nlohmann-json3-dev)
# Everything (scripts/setup.sh, scripts/test.sh): the tests, MPI, Python, the visualiser.
LEADSIM_ALL_PACKAGES=("${LEADSIM_CORE_PACKAGES[@]}"
                      libgtest-dev
                      libopenmpi-dev openmpi-bin                                         # leadsim sweep on MPI ranks
                      pybind11-dev python3-dev python3-numpy python3-pytest              # the Python module
                      libimgui-dev libglfw3-dev libgl-dev libstb-dev fonts-dejavu-core   # leadsim-viz
                      xvfb xauth libgl1-mesa-dri)                                        # its window tests
# The checking builds (scripts/check.sh): clang, its libFuzzer and sanitizer runtimes, and
# llvm-symbolizer (llvm-14), which names the functions in a sanitizer's report.
LEADSIM_CHECK_PACKAGES=(clang libclang-rt-14-dev llvm-14)

# build_quietly DIR [cmake --build arguments...]: builds, printing only warnings and errors.
build_quietly() {
  local dir=$1; shift
  local log
  if ! log=$(cmake --build "$dir" --parallel "$@" 2>&1); then
    printf '%s\n' "$log" >&2
    echo "leadsim: the build in $dir failed (messages above)" >&2
    return 1
  fi
  printf '%s\n' "$log" | grep -E 'warning|error' >&2 || true
}
