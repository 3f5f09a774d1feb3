#!/usr/bin/env bash
# Runs every benchmark and evaluation in Release and rewrites docs/benchmarks.md from their JSON.
# Usage: scripts/update-benchmarks.sh [path/to/shared/datasets]
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${1:-../shared/datasets}
out=$(mktemp -d)
dotnet build streams/NovaOps.Cli -c Release -v q -nologo 2>&1 | grep -v NU1603 | grep -E "error|Warn" || true
novaops=streams/NovaOps.Cli/bin/Release/net10.0/novaops

bench_cmd="novaops bench pipeline --records 500000 --json bench-pipeline.json"
nab_cmd="novaops eval nab --data $datasets/nab-dev/data --labels $datasets/nab-dev/combined_windows.json --json nab.json"
demo_cmd="novaops demo --vms 1000 --duration 60 --seed 42 --summary-json demo.json"
NOVAOPS__METRICS__PORT=0 $novaops bench pipeline --records 500000 --json "$out/bench-pipeline.json"
$novaops eval nab --data "$datasets/nab-dev/data" --labels "$datasets/nab-dev/combined_windows.json" --json "$out/nab.json"
NOVAOPS__METRICS__PORT=0 $novaops demo --vms 1000 --duration 60 --seed 42 --summary-json "$out/demo.json"

machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --version), $(uname -m)"
python3 - "$out" "$machine" "$(date -u +%Y-%m-%d)" "$bench_cmd" "$nab_cmd" "$demo_cmd" > docs/benchmarks.md <<'PY'
import json, sys
out, machine, date, bench_cmd, nab_cmd, demo_cmd = sys.argv[1:]
b = json.load(open(f"{out}/bench-pipeline.json"))
n = json.load(open(f"{out}/nab.json"))
d = json.load(open(f"{out}/demo.json"))
print(f"""# Benchmarks

Latest figures, written by `scripts/update-benchmarks.sh` from the commands' JSON output (nothing typed by hand).

- Date: {date}
- Machine: {machine}
- Build: Release

## Pipeline throughput — `{bench_cmd}`

Same records on the embedded broker, in one run: a plain Confluent.Kafka consumer vs the anomaly topology end to end
(decode, validate, per-VM windows, detector, state store with changelog, sinks). Rates from the first record to the last;
medians of {b['rounds']} rounds (raw consume per round: {', '.join(f'{x:,.0f}' for x in b['raw_consume_rounds'])}; anomaly topology: {', '.join(f'{x:,.0f}' for x in b['pipeline_rounds'])}).

| records | partitions | stream threads | raw consume (rec/s) | Streamiz no-op (rec/s) | anomaly topology (rec/s) | ratio | no-op ratio | goal |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| {b['records']:,} | {b['partitions']} | {b['stream_threads']} | {b['raw_consume_per_s']:,.0f} | {b['streamiz_noop_per_s']:,.0f} | {b['pipeline_per_s']:,.0f} | {b['ratio']:.3f} | {b['streamiz_noop_ratio']:.3f} | ≥ 0.5 |

The Streamiz no-op topology (source → count, no logic, same thread count) is the framework's ceiling on the same
records: Streamiz 1.8.2 spends several microseconds per record of its own (per-record latency sensors reading
`DateTime.Now`, log strings built per record, one-by-one consume), about 0.3–0.4 of the raw rate on one stream thread.
The app therefore runs one stream thread per core (`Streams:Threads`), and keeps per-VM state as live arrays written
to the store and its changelog once per key at each commit (`Anomaly:StateWrites` = `WriteBehind`) instead of
through Streamiz's record cache on every record.

## NAB (development subset) — `{nab_cmd}`

NAB's normalised score, threshold chosen per profile over the subset ({n['files']} files), detector `{n['detector']}`
with the `Series` settings (no novelty discount, 300-row cooldown after a 0.9 alarm), chosen on this subset only.

| profile | score |
|---|---:|
| standard | {n['standard']:.1f} |
| reward_low_FP_rate | {n['reward_low_FP_rate']:.1f} |
| reward_low_FN_rate | {n['reward_low_FN_rate']:.1f} |

Published detectors on the same subset (their own result files, same rules; dataset README): Numenta HTM 72.3 / 69.1 / 76.0,
CAD OSE 71.6 / 67.3 / 75.5, KNN CAD 57.1 / 46.6 / 62.1, AWS RCF 53.7 / 44.9 / 60.1, windowed Gaussian 26.5 / 2.2 / 37.1, random 20.8 / 7.7 / 29.5.

## Demo — `{demo_cmd}`

Embedded broker, simulator, anomaly topology; precision and recall against the simulator's ground truth.

| events in | anomalies | faults injected | detected | precision | recall | median detection delay (s) | dead-lettered | simulated | wall |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| {d['events_in']:,} | {d['anomalies']:,} | {d['faults_injected']} | {d['faults_detected']} | {d['precision']:.3f} | {d['recall']:.3f} | {d['median_detection_delay_s'] if d['median_detection_delay_s'] is not None else '-'} | {d['dead_lettered']} | {d['simulated_minutes']:.0f} min | {d['wall_seconds']:.0f} s |

A negative detection delay means the anomaly came from the fault's precursor, before its onset.
""")
PY
cat docs/benchmarks.md

# The README shows the same figures: everything after its marker line is regenerated.
python3 - <<'PY'
import re
readme = open("README.md").read()
marker = "<!-- figures -->"
bench = open("docs/benchmarks.md").read()
date = re.search(r"- Date: (.*)", bench).group(1)
tables = [block for block in bench.split("\n\n") if block.lstrip().startswith("|")]
body = f"{marker}\n\nMeasured {date} ({re.search(r'- Machine: (.*)', bench).group(1)}):\n\n" + "\n\n".join(
    f"**{title}**\n\n{table}" for title, table in zip(["bench pipeline", "eval nab (nab-dev)", "demo (1000 VMs, 60 s)"], tables)) + "\n"
open("README.md", "w").write(readme.split(marker)[0] + body)
PY
