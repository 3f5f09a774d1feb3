#!/usr/bin/env bash
# The test command of the README: restores, builds and runs every test project of NovaOps.sln.
# Integration tests start the embedded Kafka broker themselves; dataset tests read ../shared/datasets and skip, saying
# why, when it is not beside the clone (NOVAOPS_REQUIRE_DATASETS=1, as .ci/run sets it, makes them fail instead).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Tests that need a server fail rather than skip here (NOVAOPS_REQUIRE_SERVICES=1): a green run has run them all.
# Real servers the tests start themselves, from Debian's packages, installed when missing: Prometheus (and promtool),
# the node exporter and ClickHouse. The packages' own services are not wanted: the tests start their own, on free
# ports, with their data in temporary folders, and stop them.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1 \
   || ! command -v prometheus-node-exporter >/dev/null 2>&1 || ! command -v clickhouse-server >/dev/null 2>&1; then
  echo "installing Debian's prometheus, prometheus-node-exporter and clickhouse-server"
  sudo=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus prometheus-node-exporter clickhouse-server >/dev/null
  $sudo pkill -x prometheus 2>/dev/null || true
  $sudo pkill -f prometheus-node-exporter 2>/dev/null || true
  $sudo pkill -f 'clickhouse-server --config-file=/etc' 2>/dev/null || true
fi
export NOVAOPS_REQUIRE_SERVICES=1
# The notebook tests run training/notebooks/*.ipynb headlessly with dotnet-repl (a .NET tool, kept in .tools/)
# against the Release build of the training CLI, which the notebooks load.
[ -x .tools/dotnet-repl ] || dotnet tool install --tool-path .tools dotnet-repl --version 0.3.259 >/dev/null
dotnet build -c Release training/NovaOps.Training.Cli -v q -nologo 2>&1 | grep -E ' error |rror\(s\)' | grep -v ' 0 Error' || true
log=$(mktemp)
set +e
dotnet test NovaOps.sln "$@" 2>&1 | grep -v 'warning NU1603' | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line, whatever the runner printed: "N passed, N failed, N skipped".
summary=$(awk '/Test run summary/{f=1} f && /failed:/{fl=$2} f && /succeeded:/{ok=$2} f && /skipped:/{sk=$2} END{if (ok!="") printf "%s passed, %s failed, %s skipped", ok, fl, sk}' "$log")
# Every skipped test with its reason (the runner prints "skipped NAME" and the reason on the next line), so a skip
# is never silent. Tests whose data set is missing skip on a user's clone; .ci/run makes them fail instead.
skips=$(awk '/^skipped /{name=$2; getline; sub(/^[ \t]+/, ""); print "  " name ": " $0}' "$log")
rm -f "$log"
print_skips() { [ -z "$skips" ] || printf 'skipped tests and why:\n%s\n' "$skips"; }
[ "$status" -eq 0 ] || { print_skips; [ -n "$summary" ] && echo "tests: $summary"; exit "$status"; }

# The CLI ships as a .NET tool: pack it, install it into a scratch tool path, and run it once.
tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
dotnet pack streams/NovaOps.Cli -c Release -o "$tool/nupkg" -v q -nologo >/dev/null
dotnet tool install --tool-path "$tool/bin" --add-source "$tool/nupkg" NovaOps.Cli >/dev/null
printf 'timestamp,value\n' > "$tool/in.csv"
for i in $(seq 0 59); do printf '2024-01-01 00:%02d:00,%s\n' "$i" $(( i == 55 ? 90 : 40 + i % 3 )) >> "$tool/in.csv"; done
"$tool/bin/novaops" detect --input "$tool/in.csv" --output "$tool/out.csv" >/dev/null
if head -1 "$tool/out.csv" | grep -q ',anomaly_score$' && [ "$(wc -l < "$tool/out.csv")" -eq 61 ]; then
  echo "tool smoke test: novaops installed with 'dotnet tool install' scored 60 rows"
else
  echo "tool smoke test failed: the installed novaops did not write the expected output" >&2
  exit 1
fi
print_skips
echo "tests: $summary"
