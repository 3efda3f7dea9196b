#!/usr/bin/env bash
# Set up (scripts/setup.sh), then run the whole test suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure --parallel 2 --timeout 900
