#!/usr/bin/env bash
# Byte-identity check for refactors: runs every shipped scenario (and a sweep, and the meeting
# story, and `leadsim keys`) with a fixed seed and writes the outputs under OUT; a second OUT made
# by another build is compared with `bash scripts/same-bytes.sh --compare A B` (cmp of every file;
# summary.json without its commit id, which names the build, not the results).
#   bash scripts/same-bytes.sh BUILD_DIR OUT [RUNS]
#   bash scripts/same-bytes.sh --compare OUT_BEFORE OUT_AFTER
set -euo pipefail
cd "$(dirname "$0")/.."

# A printed report without what names the machine's speed or the folder it wrote to.
shown() { sed -E -e 's/; [0-9.]+ s \([0-9]+ runs\/s, /; (/' -e "s#$1/##g" "$2"; }

if [ "${1:-}" = "--compare" ]; then
  a=$2 b=$3 bad=0 n=0
  while IFS= read -r f; do
    n=$((n + 1))
    if [ ! -f "$b/$f" ]; then echo "missing in $b: $f"; bad=1; continue; fi
    if [[ "$f" == *summary.json || "$f" == *sweep.json ]]; then
      cmp -s <(grep -v '"git_commit"' "$a/$f") <(grep -v '"git_commit"' "$b/$f") || { echo "differs: $f"; bad=1; }
    elif [[ "$f" == *.txt ]]; then  # the printed report: less its timing and the output folder
      cmp -s <(shown "$a" "$a/$f") <(shown "$b" "$b/$f") || { echo "differs: $f"; bad=1; }
    else
      cmp -s "$a/$f" "$b/$f" || { echo "differs: $f"; bad=1; }
    fi
  done < <(cd "$a" && find . -type f | sort)
  extra=$(cd "$b" && find . -type f | sort | while read -r f; do [ -f "$a/$f" ] || echo "$f"; done)
  [ -z "$extra" ] || { echo "only in $b: $extra"; bad=1; }
  [ $bad -eq 0 ] && echo "same bytes: $n files"
  exit $bad
fi

build=$1 out=$2 runs=${3:-200}
leadsim=$build/leadsim
rm -rf "$out"; mkdir -p "$out"
for s in scenarios/*.toml; do
  name=$(basename "$s" .toml)
  "$leadsim" run "$s" --runs "$runs" --seed 11 --threads 2 --quiet --out "$out/$name" > "$out/$name.txt"
done
"$leadsim" run scenarios/labour-2016.toml --runs 50 --seed 3 --threads 1 --quiet \
  --set meetings.chair_bias=0.4 --set waves.pre2015.activism=1.3 --out "$out/labour-2016-set" > "$out/labour-2016-set.txt"
"$leadsim" meeting scenarios/labour-2016.toml --clp "Hampstead and Kilburn" --seed 5 > "$out/meeting.txt"
"$leadsim" keys > "$out/keys.txt"
"$leadsim" keys --markdown > "$out/keys.md"
"$leadsim" sweep scenarios/toy.toml --out "$out/sweep" --param meetings.chair_bias=0:0.6 \
  --param campaign.swing_sd=0.01:0.2 --design latin --points 12 --runs 20 --seed 4 --threads 2 > /dev/null 2>&1
"$leadsim" validate tests/broken/many_problems.toml > "$out/broken.txt" 2>&1 || echo "exit $?" >> "$out/broken.txt"
echo "wrote $out"
