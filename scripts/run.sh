#!/usr/bin/env bash
# Set up (scripts/setup.sh), then run the 2016 Labour contest: 1,000 Monte Carlo runs, outputs in out/.
# Extra arguments go to `leadsim run`, e.g. bash scripts/run.sh --runs 10000 --seed 7
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec build/leadsim run scenarios/labour-2016.toml --out out "$@"
