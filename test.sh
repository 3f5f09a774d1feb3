#!/usr/bin/env bash
# The test command of the README: restores, builds and runs every test project of NovaOps.sln.
# Integration tests start the embedded Kafka broker themselves; NAB tests read ../shared/datasets.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log=$(mktemp)
set +e
dotnet test NovaOps.sln "$@" 2>&1 | grep -v 'warning NU1603' | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line, whatever the runner printed: "N passed, N failed, N skipped".
summary=$(awk '/Test run summary/{f=1} f && /failed:/{fl=$2} f && /succeeded:/{ok=$2} f && /skipped:/{sk=$2} END{if (ok!="") printf "%s passed, %s failed, %s skipped", ok, fl, sk}' "$log")
rm -f "$log"
[ -n "$summary" ] && echo "tests: $summary"
exit "$status"
