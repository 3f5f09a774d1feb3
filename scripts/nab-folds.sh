#!/usr/bin/env bash
# The series model trained on real series instead of simulated ones, scored on NAB without ever seeing its test data:
# two folds of NAB's files (alternate files in name order); each fold is scored by a model trained on the other fold's
# files (their labelled anomaly windows kept out of training), and by the shipped, simulator-trained model for comparison.
# Writes nab-fold<k>-<model>[-likelihood].json to OUT.
# Usage: scripts/nab-folds.sh NAB_DIR OUT_DIR   (NAB_DIR holds data/ and combined_windows.json)
set -euo pipefail
cd "$(dirname "$0")/.."
nab=$(realpath "$1")
out=$(realpath "$2")
novaops=streams/NovaOps.Cli/bin/Release/net10.0/novaops
[ -x "$novaops" ] || { echo "build first: dotnet build -c Release streams/NovaOps.Cli" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Folds as folders of links to the files (the data is never copied).
i=0
while IFS= read -r file; do
  fold=$(( i % 2 + 1 ))
  mkdir -p "$work/fold$fold/$(dirname "$file")"
  ln -s "$nab/data/$file" "$work/fold$fold/$file"
  i=$(( i + 1 ))
done < <(cd "$nab/data" && find . -name '*.csv' | sed 's|^\./||' | LC_ALL=C sort)

for fold in 1 2; do
  other=$(( 3 - fold ))
  NOVAOPS__METRICS__PORT=0 $novaops train series --data "$work/fold$other" --labels "$nab/combined_windows.json" --seed 42 \
    --out "$work/models-$fold" --version 1 > "$work/train-$fold.log" 2>&1 || { cat "$work/train-$fold.log" >&2; exit 1; }
  for likelihood in "" "--likelihood"; do
    suffix=${likelihood:+-likelihood}
    $novaops eval nab --data "$work/fold$fold" --labels "$nab/combined_windows.json" --detector onnx $likelihood \
      --models-dir "$work/models-$fold" --json "$out/nab-fold$fold-nab$suffix.json" > /dev/null
    $novaops eval nab --data "$work/fold$fold" --labels "$nab/combined_windows.json" --detector onnx $likelihood \
      --json "$out/nab-fold$fold-simulator$suffix.json" > /dev/null
  done
done
