#!/usr/bin/env bash
# Trains the shipped models from a seed and writes them to models/<name>/<version>/ (model.onnx, card.json,
# weights.pt). Reproducible: the same seed and options give the same data hash and the same weights.
# Usage: scripts/train-models.sh [version]      retrain and overwrite the shipped version (default 1)
#        scripts/train-models.sh --check        retrain into a temporary folder and compare with what is shipped:
#                                               exit 1 when a model or its training data no longer comes out the same
#                                               (training code changed: retrain, or say why the shipped one stays)
set -euo pipefail
cd "$(dirname "$0")/.."
check=false
if [[ "${1:-}" == "--check" ]]; then check=true; version=1; out=$(mktemp -d); else version="${1:-1}"; out=models; fi
dotnet build -c Release training/NovaOps.Training.Cli -v quiet -nologo
train="training/NovaOps.Training.Cli/bin/Release/net10.0/novaops-train"
models=(anomaly-autoencoder incident-gru series-autoencoder)
$check || for m in "${models[@]}"; do rm -rf "models/$m/$version"; done
"$train" anomaly --seed 42 --version "$version" --out "$out"
"$train" incident --seed 42 --version "$version" --out "$out"
"$train" series --seed 42 --version "$version" --out "$out"
$check || exit 0

status=0
for m in "${models[@]}"; do
  shipped=$(sha256sum "models/$m/$version/model.onnx" | cut -d' ' -f1)
  rebuilt=$(sha256sum "$out/$m/$version/model.onnx" | cut -d' ' -f1)
  data() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['training']['data']['sha256'])" "$1"; }
  if [[ "$shipped" == "$rebuilt" && "$(data "models/$m/$version/card.json")" == "$(data "$out/$m/$version/card.json")" ]]; then
    echo "$m/$version: rebuilt to the byte (model.onnx $shipped)"
  else
    echo "$m/$version: DIFFERS from the shipped model (onnx $shipped shipped, $rebuilt rebuilt; cards: models/$m/$version/card.json vs $out/$m/$version/card.json)"
    status=1
  fi
done
exit $status
