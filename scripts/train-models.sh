#!/usr/bin/env bash
# Trains the shipped models from a seed and writes them to models/<name>/<version>/ (model.onnx, card.json,
# weights.pt). Reproducible: the same seed and options give the same data hash and the same weights.
# Usage: scripts/train-models.sh [version]
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-1}"
dotnet build -c Release training/NovaOps.Training.Cli -v quiet -nologo
train="training/NovaOps.Training.Cli/bin/Release/net10.0/novaops-train"
rm -rf "models/anomaly-autoencoder/$version" "models/incident-gru/$version" "models/series-autoencoder/$version"
"$train" anomaly --seed 42 --version "$version"
"$train" incident --seed 42 --version "$version"
"$train" series --seed 42 --version "$version"
