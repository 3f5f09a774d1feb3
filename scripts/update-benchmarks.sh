#!/usr/bin/env bash
# Runs every benchmark and evaluation in Release and rewrites docs/benchmarks.md from their JSON.
# Usage: scripts/update-benchmarks.sh [path/to/shared/datasets]
# BENCH_OUT=DIR keeps the commands' JSON in DIR; with RESUME=1 a command whose JSON is already there is not run again
# (a long run interrupted, or the hour-long scale run made beforehand with the same command).
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${1:-../shared/datasets}
out=${BENCH_OUT:-$(mktemp -d)}
mkdir -p "$out"
# True when the command writing $out/$1 is to run.
fresh() { [ "${RESUME:-0}" = 1 ] && [ -s "$out/$1" ] && { echo "kept $out/$1"; return 1; }; return 0; }
dotnet build streams/NovaOps.Cli -c Release -v q -nologo 2>&1 | grep -v NU1603 | grep -E "error|Warn" || true
# nab-folds.sh trains the series model through `novaops train`, which runs the training tool.
dotnet build training/NovaOps.Training.Cli -c Release -v q -nologo 2>&1 | grep -v NU1603 | grep -E "error|Warn" || true
novaops=streams/NovaOps.Cli/bin/Release/net10.0/novaops

bench_cmd="novaops bench pipeline --records 500000 --json bench-pipeline.json (and with NOVAOPS__ANOMALY__DETECTOR=Onnx)"
nab_cmd="novaops eval nab --data $datasets/nab-dev/data --labels $datasets/nab-dev/combined_windows.json [--range nab] [--detector context|statistical|onnx|combined] [--likelihood] --json nab.json"
servers_cmd="novaops eval servers --data $datasets/asd-dev [--detector statistical|context|ensemble] --json servers.json"
tune_cmd="novaops tune nab --data $datasets/nab-dev/data --labels $datasets/nab-dev/combined_windows.json --json tune-nab.json; novaops tune servers --data $datasets/asd-dev --json tune-servers.json"
demo_cmd="novaops demo --vms 1000 --duration 60 --seeds 101,102,103,104,105 [--remediation off] [--detector statistical|onnx] --summary-json demo.json"
inference_cmd="novaops bench inference --json bench-inference.json"
incident_cmd="novaops eval incident --json eval-incident.json; novaops eval incident --seeds 101,102,103,104,105 --json eval-incident-seeds.json"
rca_cmd="novaops eval rca --dataset $datasets/petshop-dev --json rca.json; novaops eval rca --dataset $datasets/nezha-ob-dev [--no-graph] --json rca-nezha.json"
maxz_cmd="NOVAOPS__RCA__ANALYSIS__MAXZ=10|20|50|1e9 novaops eval rca --dataset $datasets/nezha-ob-dev --method roles-walk --json rca-nezha-maxz.json"
placement_cmd="novaops bench placement --json bench-placement.json"
failover_cmd="novaops bench failover --json bench-failover.json"
loop_cmd="novaops eval loop --seeds 101,102,103,104,105 --vms 300 --hours 6 --faults-per-hour 12 --json loop.json"
scale_cmd="novaops bench scale --vms 2000|100000 --minutes 60, --vms 1000000 --minutes 5 --json bench-scale.json"
if fresh bench-pipeline.json; then NOVAOPS__METRICS__PORT=0 $novaops bench pipeline --records 500000 --json "$out/bench-pipeline.json"; fi
# The ONNX model (the default until issue 18) instead of the subspace detector per VM, right after.
if fresh bench-pipeline-onnx.json; then NOVAOPS__ANOMALY__DETECTOR=Onnx NOVAOPS__METRICS__PORT=0 $novaops bench pipeline --records 500000 --json "$out/bench-pipeline-onnx.json"; fi
if fresh bench-inference.json; then NOVAOPS__METRICS__PORT=0 $novaops bench inference --json "$out/bench-inference.json"; fi
if fresh nab.json; then $novaops eval nab --data "$datasets/nab-dev/data" --labels "$datasets/nab-dev/combined_windows.json" --json "$out/nab.json"; fi
# The same detector told each file's minimum and maximum, as NAB's harness tells every detector; then the previous default.
if fresh nab-range.json; then $novaops eval nab --data "$datasets/nab-dev/data" --labels "$datasets/nab-dev/combined_windows.json" --range nab --json "$out/nab-range.json"; fi
if fresh nab-context.json; then $novaops eval nab --data "$datasets/nab-dev/data" --labels "$datasets/nab-dev/combined_windows.json" --detector context --json "$out/nab-context.json"; fi
if fresh nab-statistical.json; then $novaops eval nab --data "$datasets/nab-dev/data" --labels "$datasets/nab-dev/combined_windows.json" --detector statistical --json "$out/nab-statistical.json"; fi
if fresh servers.json; then $novaops eval servers --data "$datasets/asd-dev" --json "$out/servers.json"; fi
for d in statistical context ensemble; do
  if fresh servers-$d.json; then $novaops eval servers --data "$datasets/asd-dev" --detector $d --json "$out/servers-$d.json"; fi
done
if fresh tune-nab.json; then $novaops tune nab --data "$datasets/nab-dev/data" --labels "$datasets/nab-dev/combined_windows.json" --json "$out/tune-nab.json"; fi
if fresh tune-servers.json; then $novaops tune servers --data "$datasets/asd-dev" --json "$out/tune-servers.json"; fi
if fresh nab-onnx.json; then $novaops eval nab --data "$datasets/nab-dev/data" --labels "$datasets/nab-dev/combined_windows.json" --detector onnx --json "$out/nab-onnx.json"; fi
if fresh nab-combined.json; then $novaops eval nab --data "$datasets/nab-dev/data" --labels "$datasets/nab-dev/combined_windows.json" --detector combined --json "$out/nab-combined.json"; fi
for d in statistical onnx combined; do
  if fresh nab-likelihood-$d.json; then $novaops eval nab --data "$datasets/nab-dev/data" --labels "$datasets/nab-dev/combined_windows.json" --detector $d --likelihood --json "$out/nab-likelihood-$d.json"; fi
done
if fresh nab-fold2-nab-likelihood.json; then bash scripts/nab-folds.sh "$datasets/nab-dev" "$out"; fi
if fresh eval-incident.json; then $novaops eval incident --json "$out/eval-incident.json"; fi
if fresh eval-incident-seeds.json; then $novaops eval incident --seeds 101,102,103,104,105 --json "$out/eval-incident-seeds.json"; fi
if fresh rca.json; then $novaops eval rca --dataset "$datasets/petshop-dev" --json "$out/rca.json"; fi
if fresh rca-nezha.json; then $novaops eval rca --dataset "$datasets/nezha-ob-dev" --json "$out/rca-nezha.json"; fi
if fresh rca-nezha-nograph.json; then $novaops eval rca --dataset "$datasets/nezha-ob-dev" --no-graph --json "$out/rca-nezha-nograph.json"; fi
# The roles methods' one parameter, chosen on Nezha's first day and reported on the second (and the other way round).
for z in 10 20 50 1e9; do
  if fresh rca-nezha-maxz-$z.json; then NOVAOPS__RCA__ANALYSIS__MAXZ=$z $novaops eval rca --dataset "$datasets/nezha-ob-dev" --method roles-walk --json "$out/rca-nezha-maxz-$z.json"; fi
done
# Detection, prediction and RCA are measured with the executor off (actions end faults early, which changes what
# there is to detect); the closed loop compares the default run (executor on) with the same run off.
# Held-out seeds only (42 trained the shipped models): each figure is a mean over five fleets with its 95 % interval.
seeds=101,102,103,104,105
if fresh demo-seeds.json; then NOVAOPS__METRICS__PORT=0 $novaops demo --vms 1000 --duration 60 --seeds $seeds --remediation off --summary-json "$out/demo-seeds.json"; fi
for d in statistical onnx; do
  if fresh demo-seeds-$d.json; then NOVAOPS__METRICS__PORT=0 $novaops demo --vms 1000 --duration 60 --seeds $seeds --remediation off --detector $d --summary-json "$out/demo-seeds-$d.json"; fi
done
if fresh demo-seeds-on.json; then NOVAOPS__METRICS__PORT=0 $novaops demo --vms 1000 --duration 60 --seeds $seeds --summary-json "$out/demo-seeds-on.json"; fi
if fresh demo-seeds-on-onnx.json; then NOVAOPS__METRICS__PORT=0 $novaops demo --vms 1000 --duration 60 --seeds $seeds --detector onnx --summary-json "$out/demo-seeds-on-onnx.json"; fi
# The closed loop with actions at their cost, with and without the executor, on the same held-out seeds (docs/simulator.md).
if fresh loop.json; then NOVAOPS__METRICS__PORT=0 $novaops eval loop --seeds $seeds --vms 300 --hours 6 --faults-per-hour 12 --json "$out/loop.json"; fi
if fresh bench-placement.json; then $novaops bench placement --json "$out/bench-placement.json"; fi
if fresh bench-failover.json; then $novaops bench failover --json "$out/bench-failover.json"; fi
# A region at three sizes: an hour of 2,000 and of 100,000 VMs, five minutes of a million.
for run in 2000:60 100000:60 1000000:5; do
  v=${run%%:*}; m=${run##*:}
  if fresh bench-scale-$v.json; then NOVAOPS__METRICS__PORT=0 $novaops bench scale --vms $v --minutes $m --json "$out/bench-scale-$v.json"; fi
done
# An hour of a million VMs (about 25 min here) on 300 partitions: the embedded broker keeps ~5 MiB a partition, and an
# attempt on the default 100 stopped short of its last samples (likely dropped before they were read; the bench now
# counts such drops). A run that stops still writes its JSON, with why.
if fresh bench-scale-1000000-60.json; then NOVAOPS__METRICS__PORT=0 $novaops bench scale --vms 1000000 --minutes 60 --partitions 300 --json "$out/bench-scale-1000000-60.json" || true; fi

machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --version), $(uname -m)"
python3 - "$out" "$machine" "$(date -u +%Y-%m-%d)" "$bench_cmd" "$nab_cmd" "$demo_cmd" "$inference_cmd" "$incident_cmd" "$rca_cmd" "$placement_cmd" "$failover_cmd" "$scale_cmd" "$servers_cmd" "$tune_cmd" "$maxz_cmd" "$loop_cmd" > docs/benchmarks.md <<'PY'
import datetime, json, os, sys
out, machine, date, bench_cmd, nab_cmd, demo_cmd, inference_cmd, incident_cmd, rca_cmd, placement_cmd, failover_cmd, scale_cmd, servers_cmd, tune_cmd, maxz_cmd, loop_cmd = sys.argv[1:]
lp = json.load(open(f"{out}/loop.json"))
don = json.load(open(f"{out}/demo-seeds-on.json"))
donnx = json.load(open(f"{out}/demo-seeds-on-onnx.json"))
pl = json.load(open(f"{out}/bench-placement.json"))
fo = json.load(open(f"{out}/bench-failover.json"))
scales = [json.load(open(f"{out}/bench-scale-{v}.json")) for v in (2000, 100000, 1000000)]
# The hour of a million VMs (bench-scale-1000000-60.json above).
hour_path = f"{out}/bench-scale-1000000-60.json"
if os.path.exists(hour_path):
    hr = json.load(open(hour_path))
    hour_text = (f"An hour of a million VMs (`novaops bench scale --vms 1000000 --minutes 60 --partitions {hr['partitions']}`, "
        f"{datetime.datetime.fromtimestamp(os.path.getmtime(hour_path), datetime.timezone.utc):%Y-%m-%d}): {hr['samples']:,} samples published, "
        f"{hr['samples_per_s']:,.0f} samples/s, max lag {hr['max_lag']:,} (bound {hr['lag_bound']:,}), in {hr['wall_s'] / 60:,.0f} min; "
        f"resident memory at the end: " + ", ".join(f"{a} {f['memory_bytes'] / 1e6:,.0f} MB" for a, f in hr['apps'].items())
        + ("." if hr.get('completed', True) else f". It did not finish: {hr['stopped']}."))
else:
    hour_text = "No hour-long run of a million VMs is recorded in this folder."

apps = ["anomaly", "rca", "remediation", "placement"]
per_vm = {app: (scales[2]['apps'][app]['memory_bytes'] - scales[1]['apps'][app]['memory_bytes']) / (scales[2]['vms'] - scales[1]['vms']) for app in apps}
goals = {"anomaly": "≤ 1,024" + (" (met)" if per_vm["anomaly"] <= 1024 else " (missed)")}
def sizing_row(every_s):
    region_vms = 100_000
    rate = region_vms / every_s
    cores = rate * 2 / scales[2]['samples_per_s']
    mem = {app: (scales[1]['apps'][app]['idle_memory_bytes'] + per_vm[app] * region_vms) / 1e9 for app in apps}
    parts = max(12, region_vms // 10_000)
    return (f"| {every_s} s | {rate:,.0f} | {cores:.1f} | {' / '.join(f'{mem[a]:.1f}' for a in apps)} | {parts} | "
            f"{cores * 100:,.0f} cores, {sum(mem.values()) * 100:,.0f} GB |")
r = json.load(open(f"{out}/rca.json"))
rn = json.load(open(f"{out}/rca-nezha.json"))
rng = json.load(open(f"{out}/rca-nezha-nograph.json"))
maxz = {z: json.load(open(f"{out}/rca-nezha-maxz-{z}.json")) for z in ("10", "20", "50", "1e9")}
rca_default = next(x['method'] for x in rn if x.get('default'))
def rca_row(x):
    name = f"`{x['method']}`" + (" (default)" if x.get('default') else "")
    return f"| {name} | {x['split']} | {x['cases']} | {x['ac1']:.3f} | {x['ac3']:.3f} | {x['ac5']:.3f} | {x['avg5']:.3f} | {x['ms_per_case']:.2f} |"
def nezha_rows():
    rows = []
    for x in rn:
        if x['split'] == 'all' or x.get('default'):
            rows.append(rca_row(x).replace(f"| {x['split']} |", f"| {x['split']}, graph |", 1))
    for x in rng:
        if x['split'] == 'all' or x.get('default'):
            rows.append(rca_row(x).replace(f"| {x['split']} |", f"| {x['split']}, no graph |", 1))
    return "\n".join(rows)
rca_types = sorted(next(x for x in rn if x['split'] == 'all')['by_type'])
def maxz_pick(day):
    best = max(maxz, key=lambda z: tuple(next(x for x in maxz[z] if x['split'] == day)[k] for k in ('ac1', 'ac3')))
    return best
nezha_days = [x['split'] for x in rn if x['method'] == rca_default and x['split'] != 'all']
b = json.load(open(f"{out}/bench-pipeline.json"))
bonnx = json.load(open(f"{out}/bench-pipeline-onnx.json"))
n = json.load(open(f"{out}/nab.json"))
nab_range = json.load(open(f"{out}/nab-range.json"))
def versus(ours, theirs):
    return f"{ours - theirs:.1f} points ahead of" if ours >= theirs else f"{theirs - ours:.1f} points behind"
nabs = [n, nab_range, json.load(open(f"{out}/nab-context.json")), json.load(open(f"{out}/nab-statistical.json")), json.load(open(f"{out}/nab-onnx.json")), json.load(open(f"{out}/nab-combined.json"))] + \
    [json.load(open(f"{out}/nab-likelihood-{d}.json")) for d in ("statistical", "onnx", "combined")]
def fold_row(fold, trained):
    plain, lik = (json.load(open(f"{out}/nab-fold{fold}-{trained}{s}.json")) for s in ("", "-likelihood"))
    origin = "the other fold's NAB series" if trained == "nab" else "simulated VM metrics (shipped)"
    return (f"| {fold} ({plain['files']} files) | {origin} | {plain['standard']:.1f} | {plain['reward_low_FP_rate']:.1f} | {plain['reward_low_FN_rate']:.1f} "
            f"| {lik['standard']:.1f} | {lik['reward_low_FP_rate']:.1f} | {lik['reward_low_FN_rate']:.1f} |")
servers = [json.load(open(f"{out}/servers{s}.json")) for s in ("", "-statistical", "-context", "-ensemble")]
tunes = [json.load(open(f"{out}/tune-{b}.json")) for b in ("nab", "servers")]
fold_rows = "\n".join(fold_row(f, t) for f in (1, 2) for t in ("simulator", "nab"))
def fold_mean(trained, suffix):
    return sum(json.load(open(f"{out}/nab-fold{f}-{trained}{suffix}.json"))["standard"] for f in (1, 2)) / 2
fold_summary = (f"Mean standard score over the two folds: trained on simulated metrics {fold_mean('simulator', ''):.1f}, "
                f"{fold_mean('simulator', '-likelihood'):.1f} with the likelihood; trained on NAB's other fold {fold_mean('nab', ''):.1f}, "
                f"{fold_mean('nab', '-likelihood'):.1f} with the likelihood.")
d = json.load(open(f"{out}/demo-seeds.json"))
ds = json.load(open(f"{out}/demo-seeds-statistical.json"))
donnx_off = json.load(open(f"{out}/demo-seeds-onnx.json"))
i = json.load(open(f"{out}/bench-inference.json"))
e = json.load(open(f"{out}/eval-incident.json"))
es = json.load(open(f"{out}/eval-incident-seeds.json"))
def ms(x, key, spec):
    """A figure over the seeds: mean ± half-width of its 95 % interval ('-' when no run measured it)."""
    if key not in x['mean']:
        return '-'
    return f"{x['mean'][key]:{spec}} ± {x['ci95'][key]:{spec}}"
def demo_row(d):
    return (f"| `{d['detector']}` | {ms(d, 'anomalies', ',.0f')} | {ms(d, 'alarm_episodes', ',.0f')} | {ms(d, 'faults_injected', '.1f')} | "
            f"{ms(d, 'precision', '.3f')} | {ms(d, 'recall', '.3f')} | {ms(d, 'median_detection_delay_s', '.0f')} | "
            f"{ms(d, 'early_warnings', '.1f')} | {ms(d, 'median_early_warning_lead_s', '.0f')} | {ms(d, 'dead_lettered', ',.0f')} |")
def opt(v, fmt):
    return '-' if v is None else format(v, fmt)
lead = f"{e['median_lead_time_s']:.0f}" if e['median_lead_time_s'] is not None else '-'
print(f"""# Benchmarks

Latest figures, written by `scripts/update-benchmarks.sh` from the commands' JSON output (nothing typed by hand).

- Date: {date}
- Machine: {machine}
- Build: Release

## Pipeline throughput — `{bench_cmd}`

Same records on the embedded broker, in one run: plain Confluent.Kafka consumers vs the anomaly topology end to end
(decode, validate, per-VM windows, detector `{b['detector']}`, state store with changelog, sinks). Like with like: as many
plain consumers ({b['raw_consumers']}, one thread each, the partitions dealt out among them) as the topology has stream
threads ({b['stream_threads']}). Rates from the first record to the last. The ratio is taken within each round (same
records, same minute of this machine, whose speed moves by 2× within minutes) and the median of the {b['rounds']} rounds'
ratios is reported (per round: {', '.join(f'{x:.3f}' for x in b['ratio_rounds'])}); the rates are the medians of the rounds
(raw consume per round: {', '.join(f'{x:,.0f}' for x in b['raw_consume_rounds'])}; anomaly topology: {', '.join(f'{x:,.0f}' for x in b['pipeline_rounds'])}).

| detector | records | partitions | threads each side | raw consume (rec/s) | Streamiz no-op (rec/s) | anomaly topology (rec/s) | ratio (median of rounds) | no-op ratio | goal |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
""" + "\n".join(f"| {x['detector']} | {x['records']:,} | {x['partitions']} | {x['stream_threads']} | {x['raw_consume_per_s']:,.0f} | {x['streamiz_noop_per_s']:,.0f} | {x['pipeline_per_s']:,.0f} | {x['ratio']:.3f} | {x['streamiz_noop_ratio']:.3f} | ≥ 0.5 |" for x in (b, bonnx)) + f"""

The first row is the default: the subspace detector per VM (`Anomaly:Detector` = `Subspace`, the same code as `detect`
and `eval servers`; {b['state_bytes_per_vm']:,} bytes of state per VM in its store and changelog: the open window's sums
as doubles, what the detector has learnt as floats). The second runs the
ONNX model in its place (the topology's default before issue 18), measured right after the first with its own raw
baseline: the default's ratio is {b['ratio'] / bonnx['ratio']:.2f} of the ONNX model's (goal of issue 18: within 20 %, i.e. ≥ 0.80).

The Streamiz no-op topology (source → count, no logic, same thread count) is the framework's ceiling on the same
records: Streamiz 1.8.2 spends several microseconds per record of its own (per-record latency sensors reading
`DateTime.Now`, log strings built per record, one-by-one consume), about 0.3–0.4 of the raw rate on one stream thread.
The app therefore runs one stream thread per core (`Streams:Threads`), and keeps per-VM state as live arrays written
to the store and its changelog once per key at each commit (`Anomaly:StateWrites` = `WriteBehind`) instead of
through Streamiz's record cache on every record.

## NAB (development subset) — `{nab_cmd}`

NAB's normalised score, threshold chosen per profile over the subset ({n['files']} files), for each detector. The default
(`auto`, for one column the contextual anomaly detector, `streams/NovaOps.Detection/ContextualAnomaly`): the Contextual
Anomaly Detector (CAD OSE, second on this subset) written from its description, with its published settings (values in 3
bits over the series' range, contexts of the previous row's facts and active contexts followed by this row's, score =
(1 − share of selected contexts active + share of possible contexts new) / 2, a rest after a 0.75 alarm), plus Numenta's
spatial anomalies (a value beyond the range seen so far by more than a share of it scores 1). Its memory grows with what
the series shows, so it is kept per series by the detector itself, not in a fixed span (it serves `detect` and `eval nab`;
the topology runs the subspace detector). Warm-up, rest and spatial tolerance are the best mean of two folds of these
files (next section, which also gives what the choice scores on a fold it did not see). No look-ahead: the range is that
of each series' first rows (held, scored 0, then learnt in order). NAB's harness instead gives every detector its file's
minimum and maximum, and the published scores below were made so; the second row is the same detector told that range
(`--range nab`), the like-for-like comparison. Then the context-novelty detector (`--detector context`, the default
before: contexts of recent levels counted in a fixed table of small counters, {nabs[2]['state_bytes']:,} bytes per series). Then the statistical detector with the `Series`
settings (no novelty discount, 300-row cooldown after a 0.9 alarm, chosen on this subset only); the series model (an
autoencoder over the last 8 rows' scale-free features, trained on simulated metrics, never on NAB) with the same
cooldown; and both combined (the higher score, one cooldown for both). Then each of those again with `--likelihood`
(Numenta's anomaly likelihood with its published settings: how unusual the detector's last 10 scores are against their
moving distribution for that series, on a log scale, the cooldown starting at 0.5, i.e. L = 1 − 10⁻⁵).

| detector | standard | reward_low_FP_rate | reward_low_FN_rate |
|---|---:|---:|---:|
""" + "\n".join(f"| `{x['detector']}`{' (range given, `--range nab`)' if x.get('range') == 'nab' else ''} | {x['standard']:.1f} | {x['reward_low_FP_rate']:.1f} | {x['reward_low_FN_rate']:.1f} |" for x in nabs) + f"""

Published detectors on the same subset (their own result files, same rules; dataset README): Numenta HTM 72.3 / 69.1 / 76.0,
CAD OSE 71.6 / 67.3 / 75.5, KNN CAD 57.1 / 46.6 / 62.1, AWS RCF 53.7 / 44.9 / 60.1, windowed Gaussian 26.5 / 2.2 / 37.1, random 20.8 / 7.7 / 29.5.

The series model trained on real series instead (`novaops train series --data DIR --labels combined_windows.json`):
NAB's files in two folds (alternate files in name order, `scripts/nab-folds.sh`), each fold scored by a model trained
on the other fold's files, their labelled anomaly windows kept out of training, and by the shipped model; NAB's
rules within each fold (its own thresholds), so the figures are not comparable with the whole subset's above.

| fold | series model trained on | standard | reward_low_FP_rate | reward_low_FN_rate | with likelihood: standard | reward_low_FP_rate | reward_low_FN_rate |
|---|---|---:|---:|---:|---:|---:|---:|
""" + fold_rows + f"""

{fold_summary}

Where we lose: the default detector scores {n['standard']:.1f} / {n['reward_low_FP_rate']:.1f} / {n['reward_low_FN_rate']:.1f} here with no look-ahead against Numenta HTM's
72.3 / 69.1 / 76.0 and CAD OSE's 71.6 / 67.3 / 75.5, which were given each file's range (standard: {versus(n['standard'], 72.3)} HTM,
{versus(n['standard'], 71.6)} CAD OSE). Told that range too, with the same settings (chosen for the learnt range), it scores
{nab_range['standard']:.1f} / {nab_range['reward_low_FP_rate']:.1f} / {nab_range['reward_low_FN_rate']:.1f}. Its warm-up, rest and spatial tolerance were chosen on these files (by folds): on a fold it
did not see, the choice scores {tunes[0]['held_out_mean']:.1f} on average (next section), the better estimate of new data. It is furthest behind
on the low-FP profile: it raises more false alarms than they do. The issue's goal (standard ≥ 73, low FP ≥ 70, low FN ≥ 77) is not met.

## Choosing parameters by folds — `{tune_cmd}`

Each detector's parameters are searched over a grid stated in the code (`streams/NovaOps.Cli/Tuning/ParameterGrid.cs`:
for the contextual anomaly detector 3 warm-ups × 3 rests × 3 spatial tolerances (off, 0.05, 0.1), 27 points, its other settings CAD OSE's
published ones; for the subspace
detector 5 smoothings × 2 inside weights × 3 smallest deviations × 3 variance shares, 90 points), never per file or
server: the benchmark's files (servers) alternate in name order into two folds; each point is scored on each fold
(NAB: the standard profile, with NAB's rules within the fold; servers: mean AP). The defaults shipped are the point
with the best mean over the folds. What such a choice scores on data it never saw is estimated fold by fold: the point
best on the other fold, scored on this one ("held out"); "best here" is what that fold alone would have chosen, so the
gap is what choosing elsewhere costs.

| benchmark | detector | shipped (best mean of the folds) | its folds | held-out estimate (mean) |
|---|---|---|---:|---:|
""" + "\n".join(f"| {t['benchmark']} | {t['detector']} | `{t['chosen']}` | {' / '.join(f'{v:.3f}' for v in t['chosen_folds'])} | {t['held_out_mean']:.3f} |" for t in tunes) + f"""

| benchmark | detector | fold held out | chosen on the other fold | there | held out | best here |
|---|---|---:|---|---:|---:|---:|
""" + "\n".join(f"| {t['benchmark']} | {t['detector']} | {h['fold']} | `{h['chosen']}` | {h['score_on_others']:.3f} | {h['score_held_out']:.3f} | {h['best_here']:.3f} |"
                for t in tunes for h in t['held_out']) + f"""

## Server metrics (ASD development servers) — `{servers_cmd}`

Each of the 12 servers: the detector learns its `train.csv` (a month, 19 metrics every 5 minutes) as history, then
scores every `test.csv` row in order with no look-ahead; point-wise figures per server (dataset README), then their
mean. The default (`auto`, for several columns the subspace detector, `streams/NovaOps.Detection/Subspace`): per entity
an online mean and covariance of its metrics, decomposed every 100 rows; a row's distance from the subspace holding
95 % of the variance (PCA's reconstruction error, in units of the residual variance) plus half its Hotelling T² inside
it, averaged over about 6 rows (anomalies last several rows; the average reads only past rows), mapped to [0, 1] by
1 − 2^(−d/10). Rows/s: one thread, learning the history included.

| detector | AP | best F1 | event recall | rows/s |
|---|---:|---:|---:|---:|
""" + "\n".join(f"| `{x['detector']}` | {x['ap']:.3f} | {x['best_f1']:.3f} | {x['event_recall']:.3f} | {x['rows_per_second']:,.0f} |" for x in servers) + f"""

Reference figures on the same files and protocol (dataset README, not run here): PCA reconstruction error 0.267 / 0.343 /
0.753, Isolation Forest 0.202 / 0.295 / 0.651, largest absolute z-score 0.181 / 0.266 / 0.860. Goals (issue 18): mean AP
≥ 0.35 and best F1 ≥ 0.42 — {'met' if servers[0]['ap'] >= 0.35 and servers[0]['best_f1'] >= 0.42 else 'not met'} on the whole set; the held-out folds above say how much of it survives a choice made
without them. Where we lose: event recall ({servers[0]['event_recall']:.3f}) is {'above' if servers[0]['event_recall'] > 0.753 else 'below'} PCA's (0.753) but {'above' if servers[0]['event_recall'] > 0.860 else 'below'} the z-score's (0.860):
the smoothing that lifts AP makes short segments harder to reach at the best-F1 threshold.

Per server, default detector:

| server | AP | best F1 | event recall | segments |
|---|---:|---:|---:|---:|
""" + "\n".join(f"| {x['server']} | {x['ap']:.3f} | {x['best_f1']:.3f} | {x['event_recall']:.3f} | {x['segments']} |" for x in servers[0]['per_server']) + f"""

## Inference — `{inference_cmd}`

The two models the anomaly topology runs, `anomaly-autoencoder` on every closed window and `incident-gru` on each
window's history (the VM's last 10 windows), each in ONNX Runtime alone (one session, the app's options: 1 intra-op
thread, bare session runs in a hot loop; medians of runs before and after the topology, as this machine's speed drifts)
at three batch sizes, vs its session runs inside the anomaly topology, both
models on in one run as in the demo, on {i['records']:,} records ({i['windows']:,} windows): rows per CPU second the
stream threads spent inside ONNX Runtime (thread CPU time). Each model's baseline is its best standalone batch size.
The topology runs {i['rounds']} rounds, each on fresh topics (standalone runs before the first and after each): one
round's ratio moves by about ±0.1 with this machine's speed, so the table shows each model's median round, and every round's ratio.
The whole scoring step in the topology (padding, ONNX Runtime, calibration, contributions) is shown beside it, and both
as shares of the CPU time of the app's stream threads. The JSON's top-level `ratio` is the lower of the two
(`{i['lowest_ratio_model']}`): the goal holds only if it holds for each model. A second baseline, ONNX Runtime alone at
the topology's pace (`paced`: after each round, the round's mean micro-batch padded as the scorers pad, one session run
every {i['models'][0]['paced']['interval_ms']} ms, the micro-batch delay, the thread asleep in between, timed in thread CPU as the topology times its
runs), says how much of the gap is the topology's.

| model | standalone batch 1 (rows/s) | batch 64 | batch 1024 | ONNX Runtime in the topology (rows/s) | whole scoring step (rows/s) | mean micro-batch | ratio | ratio of each round | goal | alone at the topology's pace (rows/s) | ratio to it | ONNX Runtime / scoring step, share of the stream threads' CPU |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
""" + "\n".join(f"| `{m['model']}` | {m['standalone_by_batch']['1']:,.0f} | {m['standalone_by_batch']['64']:,.0f} | {m['standalone_by_batch']['1024']:,.0f} | {m['in_topology_per_s']:,.0f} | {m['in_topology_scoring_per_s']:,.0f} | {m['in_topology_mean_batch']} | {m['ratio']:.3f} | {' '.join(f'{x:.3f}' for x in m['ratio_rounds'])} | ≥ 0.7 | {m['paced']['per_s']:,.0f} ({m['paced']['batch']} rows) | {m['paced']['ratio']:.3f} | {m['onnx_share_of_stream_cpu']:.2%} / {m['scoring_share_of_stream_cpu']:.2%} |" for m in i['models']) + f"""

Inside the topology each model runs as fast as ONNX Runtime alone runs when it is called as the topology calls it: the
ratio to the paced baseline was 0.96–1.24 in the two full runs of 2026-11-29 (above 1 where, presumably, the sleeping
thread's runs are colder than the topology's, which come right after stream work). What separates both from the hot loop
is how this machine treats a session run that comes tens of milliseconds after the last one. The incident model,
whose rows cost about 4 µs each, keeps about three quarters of its hot-loop rate and is at the goal rather than clear
of it (over 12 single runs on 2026-11-29 its ratio was 0.64–0.94, median 0.76); the anomaly model, whose rows cost
about 0.1 µs, keeps a fifth to a third (0.12–0.31): for it the cost of a call, not of its rows, decides the ratio.
A stream thread scores its anomaly batch first and its incident batch right after, so the incident model's run finds
part of ONNX Runtime warm. Swapping them moves the cold cost rather than saving it (384 rows each, one pair every 25 ms,
outside the topology: anomaly then incident 190 + 1,930 µs, incident then anomaly 120 + 2,040–2,280 µs; hot 62 +
1,520 µs): the anomaly model going second would still be at about half its hot rate, and the pair costs no less, so
the order stays.

What makes a call cold here, measured on 2026-11-29 with a throwaway program outside the topology (the anomaly model,
one thread, thread CPU time of one session run; hot loop 8.5 µs for 4 rows, 49 µs for 384): the cost grows with the
time since the previous run, whatever the thread did meanwhile. After sleeping 0.2 ms, 1 ms, 5 ms and 20 ms: 9, 20–33,
40–85 and 113–133 µs for 4 rows; 49, 70–91, 120–167 and 177–210 µs for 384. Spinning for 20 ms on the clock, touching no
memory and making no system call, costs nearly as much (68–108 µs for 4 rows, 116–125 µs for 384), so it is not the
thread's own sleep; 1,000 system calls between runs cost nothing (9 µs), and running through 2 or 8 MiB of our own
memory between runs costs little (78–90 µs for 384 rows, 18–21 µs for 4). This machine is a small virtual machine under
nested virtualisation (its kernel command line names Firecracker and a nested PVM hypervisor): time passing on the
host, not work in the process, by all appearances takes ONNX Runtime's code and data out of the core's caches and predictors, and its
session run touches far more of them than a managed loop of the same arithmetic (24 → 35 µs after a pause). It is the
fixed path of a session run, not the model's graph: a graph of a single Relu node costs 4 µs hot and 85–136 µs after
20 ms asleep or spinning (4 rows), one Gemm 7 µs and 92–101 µs. No session option removed it (memory pattern or arena off, I/O binding, outputs bound to our buffers, other graph optimisation
levels: 78–148 µs for the cold 4-row run).

So the anomaly model's ratio can only grow by calling less often with more rows: 2,048 windows / 100 ms gave mean
batches of 640–1,475 and ratios of 0.22–0.31, 4,096 / 200 ms 0.31, at 4–8× the latency. That trade is not worth making:
ONNX Runtime is about 1% of what the stream threads do, so running it at the hot-loop rate would make the topology
faster by less than that. On a machine whose cores keep their caches between calls the same topology would score
nearer that rate; this one cannot show it.

What the topology does to keep calls few and warm: one micro-batch per stream thread for all its tasks (mean batch
about 105 → 360 windows at 512 / 25 ms); batches padded to 22 shapes (1.1M → 1.6–2.4M rows/s for the anomaly model; finer
steps of 16 rows instead of 64, 37 shapes, left both models where they were over 6 runs each);
and each model run once on every one of those shapes when it is loaded, at start and before a new version is swapped
in: ONNX Runtime plans memory on the first run of a shape (0.4 ms each here), which had been 12 of the ~240 calls of a
run and 8% of the anomaly model's time in the topology.

About one run in ten of this bench (and of others with two stream threads on the embedded broker) used to
stop with "made no progress for 60 s". Cause: a stream thread handing its partitions over commits their offsets
first; the embedded broker refuses commits while the group rebalances (a real broker in some phases), and Streamiz
1.8.2 then leaves the thread marked as rebalancing, asleep for good, its next partitions unread. The apps' consumers
now let a refused hand-over commit pass (the tasks close uncommitted, the next owner reads those records again) and
close lost partitions without committing (`RebalanceSafeSupplier`, docs/deploy.md); 20 runs of 600,000 records with
two stream threads in a row ended normally, and the bench's test runs two threads again.

## Incident prediction — `{incident_cmd}`

`{e['model']}` on a fresh simulated fleet (seed {e['seed']}; the model trained on seed 42) with a fault mix training did not
use ({e['fault_mix']}), scored by ONNX Runtime. Window level: an alarm (probability ≥ the card's threshold {e['threshold']:.3f},
chosen on validation data) is right when an onset on that VM follows within {e['horizon_s']/60:.0f} min. Incident level: predicted when
one of its VMs raised an alarm between an hour and a minute before onset; lead time from the earliest such alarm to onset.

| windows (positive) | PR-AUC | ROC-AUC | precision | recall | incidents predicted | median lead time (s) |
|---:|---:|---:|---:|---:|---:|---:|
| {e['windows']:,} ({e['positive_windows']:,}) | {e['pr_auc']:.3f} | {e['roc_auc']:.3f} | {e['precision']:.3f} | {e['recall']:.3f} | {e['incidents_predicted']} of {e['incidents']} | {lead} |

By kind: {', '.join(f"{k} {v}" for k, v in e['by_kind'].items())}.

On the held-out seeds {', '.join(str(x) for x in es[0]['seeds'])} (the card's training seeds: {', '.join(str(x) for x in es[0]['training_seeds'])}), with the
mix the model was trained on and with the unseen one above, pooled over the seeds: an incident is predicted when an
alarm on a VM it hurts comes between 1 hour and 1 minute before onset; precision per alarm episode (a VM's alarms with
gaps of at most two windows are one; right when such an onset follows it); recall also over the kinds with precursors
(memory leaks, disks filling, failing hosts). 95 % Wilson intervals in brackets.

| mix | incidents | alarm episodes | precision | recall | recall, kinds with precursors | median lead (s) |
|---|---:|---:|---|---|---|---:|
""" + "\n".join(f"| {m['mix']} | {m['incidents']} | {m['alarm_episodes']:,} | {m['incident_precision']:.3f} ({m['interval95']['incident_precision']['low']:.3f}–{m['interval95']['incident_precision']['high']:.3f}) | {m['incident_recall']:.3f} ({m['interval95']['incident_recall']['low']:.3f}–{m['interval95']['incident_recall']['high']:.3f}) | {m['incident_recall_with_precursor']:.3f} ({m['interval95']['incident_recall_with_precursor']['low']:.3f}–{m['interval95']['incident_recall_with_precursor']['high']:.3f}) | {m['median_lead_time_s'] if m['median_lead_time_s'] is not None else '-'} |" for m in es) + f"""

Goal of issue 20 on the training mix: precision ≥ 0.9 and recall ≥ 0.9 over the kinds with precursors, median lead ≥
5 min. Where we lose: see the table; the model is the one shipped before issue 20, not retrained for this definition.

## Demo — `{demo_cmd}`

Embedded broker, simulator, anomaly topology, on five fleets of held-out seeds ({', '.join(str(x) for x in d['seeds'])};
seed 42 trained the shipped models and is never scored here): each figure is the mean over the seeds ± the half-width of
its 95 % interval (Student's t, 4 degrees of freedom). Against the simulator's ground truth, with the remediation
executor off (`--remediation off`: actions would end faults early and change what there is to detect). Alarms are counted
as episodes: a VM's anomalous windows with gaps of at most two windows are one alarm; an episode is right when it
overlaps a fault that hurts its VM (from the precursor's start to 5 minutes after the end). The delay runs from the
fault's onset to its first anomalous window after it; anomalies during the precursor are early warnings, apart (faults
warned, and how long before the onset). The default detector is the subspace detector per VM (the default of `detect`
and `eval servers` for several metrics); the statistical detector (no training) and the shipped ONNX model (the default
before issue 18) are shown for comparison.

| detector | anomaly windows | alarm episodes | faults | precision (episodes) | recall | delay from onset (s) | early warnings | their lead (s) | dead-lettered |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
{demo_row(d)}
{demo_row(ds)}
{demo_row(donnx_off)}

Incident predictions of the same runs (`{d['runs'][0]['incident_model']}`, alarms only: probability at or above the card's
threshold; an alarm is right when a fault on its VM or zone reaches onset within the horizon after it). An alarm on a
VM a fault already hurts (its window overlaps the fault after onset; the VM affected, hurt through service calls, or in
the faulty zone) is too late to predict anything: it is counted apart and left out of the precision and lead times, as
`eval incident` leaves such windows out. The simulator's noisy neighbours start with no precursor: nothing in a VM's
history announces them. The recall counts them; the next column leaves them out.

| predictions | alarm precision | alarms on VMs already hurting (left out) | incidents predicted (recall) | of those with a precursor | median lead time before onset (s) |
|---:|---:|---:|---:|---:|---:|
| {ms(d, 'predictions', ',.0f')} | {ms(d, 'incident_precision', '.3f')} | {ms(d, 'incident_alarms_during_incidents', ',.0f')} | {ms(d, 'incident_recall', '.3f')} | {ms(d, 'incident_recall_with_precursor', '.3f')} | {ms(d, 'median_lead_time_s', '.0f')} |

Root causes of the same runs (`{d['runs'][0]['rca_method']}` method, RCA app on the same broker): incidents it ranked that cover
injected faults (hold their VMs, affected or hurt through service calls, while they ran), and how often a true root cause
of those faults (a VM, host or zone) came first or in the first three. Faults on linked VMs at the same time make one incident.

| incidents (of faults) | faults covered | incidents of no fault | root cause first | in top 3 |
|---:|---:|---:|---:|---:|
| {ms(d, 'rca_incidents', '.1f')} | {ms(d, 'rca_faults_covered', '.1f')} of {ms(d, 'faults_injected', '.1f')} | {ms(d, 'rca_unmatched_incidents', '.1f')} | {ms(d, 'rca_top1', '.3f')} | {ms(d, 'rca_top3', '.3f')} |

The closed loop (docs/remediation.md): the default run, where the remediation executor acts on the simulated fleet
(shipped runbooks, default guardrails, a simulated on-call approving destructive actions 5 simulated minutes after they are
asked for; actions at their cost, docs/simulator.md; alarms automation leaves alone for 10 minutes page that on-call),
against the same runs with nothing acting (every fault lasts to its natural end; the next section compares against an
on-call paged by every alarm instead).
MTTR: median over faults of onset → end (0 when prevented before onset); automation rate: faults ended by actions with
no human paged or asked.

| remediation | actions executed | blocked by guardrails | approvals asked | pages | faults ended by actions | prevented before onset | MTTR median (s) | automation rate |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
""" + "\n".join(f"| {x['runs'][0]['remediation']}, `{x['detector']}` | {ms(x, 'actions_executed', '.1f')} | {ms(x, 'actions_blocked_by_guardrails', '.1f')} | {ms(x, 'approvals_requested', '.1f')} | {ms(x, 'pages', '.1f')} | {ms(x, 'faults_resolved_by_actions', '.1f')} | {ms(x, 'faults_prevented', '.1f')} | {ms(x, 'mttr_median_s', '.0f')} | {ms(x, 'automation_rate', '.3f')} |" for x in [don, donnx, d]) + f"""

With the executor on, the subspace detector finds fewer faults than with it off (recall {ms(don, 'recall', '.3f')} against
{ms(d, 'recall', '.3f')}): the incident predictor's actions end some faults before the detector's windows have seen enough of
them, and a fault ended early counts as missed. The ONNX model alarms sooner on those ({ms(donnx, 'recall', '.3f')} with the
executor on) at the price of many more false alarms (precision {ms(donnx_off, 'precision', '.3f')} against {ms(d, 'precision', '.3f')}
with the executor off). When the ranking names a faulty host or zone, its drain (on its own) or approved evacuation
moves every VM on it: that is where the large and uneven action counts of the default come from (the ONNX model's runs ranked fewer
zones first). The moves wait while the rate limit or a concurrency cap would hold any action back, so an evacuation
shows as its moves, not as thousands of refusals.

The demo's fleet gets few faults (4 an hour, a fifth of the rate `eval incident` uses), so incidents are rare and most
alarms are not followed by an onset within the horizon; `eval incident` measures the predictor where incidents are
frequent enough to count.

## The closed loop, measured — `{loop_cmd}`

Each held-out seed ({', '.join(str(x) for x in lp['seeds'])}) runs twice on the same fleet and faults ({lp['vms']} VMs,
{lp['simulated_hours']:g} simulated hours, {lp['faults']} faults over the seeds): with the remediation executor (and the
on-call paged by the alarms automation left alone for 10 minutes), and without it (the on-call paged by every alarm).
Actions cost what they cost in a real fleet (docs/simulator.md: a restart's 30–120 s of downtime, a migration's copy and
stun, 2 % failures, a person's 5 min to acknowledge and 20–60 min to fix). Availability per tenant tier = 1 − impaired /
all VM-seconds (down counts fully, degraded half), the mean over seeds with its 95 % interval; nines = −log10(1 − a).

| tier | remediation on | 95 % interval | nines | remediation off | nines |
|---|---:|---|---:|---:|---:|
""" + "\n".join(f"| {t} | {a['on']:.4%} | {lp['interval95'][f'availability_{t}_on']['low']:.4%} – {lp['interval95'][f'availability_{t}_on']['high']:.4%} | {a['nines_on']:.2f} | {a['off']:.4%} | {a['nines_off']:.2f} |" for t, a in lp['availability'].items()) + f"""

Time to recovery per fault kind, from its parts (mean seconds over the faults an action or a person ended after onset,
remediation on): detect = onset → first alarm (simulated); decide = the pipeline's own time from the evidence to the
action, wall-clock on these machines (never scaled by the simulation's compression), plus any wait for an approval; act
= the action's own duration in the fleet; verify = the fault's end → the executor's check seeing the metric back
within bounds (0 where nothing checks: a page, a step without a check).

| fault kind | faults | detect | decide | act | verify | total |
|---|---:|---:|---:|---:|---:|---:|
""" + "\n".join(f"| {k} | {p['faults']} | {p['detect_s']:.0f} | {p['decide_s']:.1f} | {p['act_s']:.0f} | {p['recover_s']:.0f} | {p['total_s']:.0f} |" for k, p in lp['mttr_parts'].items()) + f"""

| impaired VM-seconds on / off (mean per seed) | automation rate (95 %) | harmful actions (95 %) | actions executed | pages on / off | time to decide p50 / p99 (s, wall) | prevented before onset (median lead, s) |
|---|---|---|---:|---|---|---|
| {lp['impaired_vm_seconds_on']:,.0f} / {lp['impaired_vm_seconds_off']:,.0f} | {lp['automation_rate']:.3f} ({lp['interval95']['automation_rate']['low']:.3f} – {lp['interval95']['automation_rate']['high']:.3f}) | {lp['harmful_action_share']:.3f} ({lp['interval95']['harmful_action_share']['low']:.3f} – {lp['interval95']['harmful_action_share']['high']:.3f}) | {lp['actions_executed']} | {lp['pages_on']} / {lp['pages_off']} | {lp['decide_p50_s']} / {lp['decide_p99_s']} | {lp['prevented']} ({lp['prevented_median_lead_s']}) |

Goals of issue 20: platinum availability with remediation on ≥ 99.99 % and ≥ 10× fewer impaired VM-seconds than off;
automation ≥ 0.9 of incidents; harmful actions ≤ 2 %; time to decide p99 ≤ 2 s. Where we lose: with actions at their
cost, the executor changes the impaired VM-seconds by {lp['impaired_vm_seconds_on'] / lp['impaired_vm_seconds_off'] - 1:+.0%} against the
on-call alone, far from the 10× fewer asked. What they come from (mean per seed, remediation on / off):
{'; '.join(f"{k} {v:,.0f} / {lp['impaired_by_cause_off'].get(k, 0):,.0f}" for k, v in lp['impaired_by_cause_on'].items())}.
The host-wide faults (a noisy neighbour, a failing host) are drained by the executor on its own when the ranking
names the host and most of its VMs are anomalous (docs/remediation.md); what is left of them comes from incidents that
gather several faults at once (the ranking names one node, so the other hosts wait for people) and from failing hosts
the ranking never names first. A drain live-migrates every VM of its host, and the migrations of VMs the fault did
not touch count as harmful actions (a stun of about a second each: the 'migration stun' above); on the seeds the
policy was chosen on (201 and 202) every harmful action was such a move, and the goal of 2 % does not allow them. The
moves of a drain come back from the failover planner, so their time to decide includes its round trip; the p99 above
counts them with the rest (not measured apart). The simulated clock waits for the
apps that decide (docs/remediation.md), so an action lands within two ticks of its evidence, not minutes of
simulated time late as before.

## Root-cause analysis — `{rca_cmd}`

Each method of `streams/NovaOps.Rca` (docs/rca.md) ranks the nodes of each labelled incident; AC@k (Nezha: AS@k) =
share of cases whose true root cause is in the top k, Avg@5 = mean of AC@1..AC@5 (RCAEval's figures); ms per case =
median time to gather a case's evidence and rank it, one thread. The default method (`{rca_default}`) is the RCA
topology's too.

PetShop, development scenario (`low_traffic`, 41 components; 8 train cases, all with one root cause, and 18 test):

| method | split | cases | AC@1 | AC@3 | AC@5 | Avg@5 | ms per case |
|---|---|---:|---:|---:|---:|---:|---:|
""" + "\n".join(rca_row(x) for x in r) + f"""

Nezha OnlineBoutique, development set (10 services, 56 faults over two days; data up to 10 minutes after each
injection, the hour before it as each metric's normal history), with the call graph and without it (`--no-graph`):

| method | split | cases | AS@1 | AS@3 | AS@5 | Avg@5 | ms per case |
|---|---|---:|---:|---:|---:|---:|---:|
""" + nezha_rows() + f"""

By fault type (both days, with the graph), AS@1 / AS@3:

| method | """ + " | ".join(rca_types) + """ |
|---|""" + "---:|" * len(rca_types) + "\n" + "\n".join(
    f"| `{x['method']}` | " + " | ".join(f"{x['by_type'][t]['ac1']:.2f} / {x['by_type'][t]['ac3']:.2f} ({x['by_type'][t]['cases']})" for t in rca_types) + " |"
    for x in rn if x['split'] == 'all') + f"""

The roles methods' one parameter, the cap on a metric's z (`Rca:Analysis:MaxZ`), by day — `{maxz_cmd}` (1e9: no cap).
Chosen on {nezha_days[0]}: {maxz_pick(nezha_days[0])}; chosen on {nezha_days[1]}: {maxz_pick(nezha_days[1])} (shipped: 50).

| MaxZ | """ + " | ".join(f"{d} AS@1 | {d} AS@3" for d in nezha_days) + """ |
|---|""" + "---:|---:|" * len(nezha_days) + "\n" + "\n".join(
    f"| {z} | " + " | ".join(f"{next(x for x in maxz[z] if x['split'] == d)['ac1']:.3f} | {next(x for x in maxz[z] if x['split'] == d)['ac3']:.3f}" for d in nezha_days) + " |"
    for z in maxz) + f"""

Published: on PetShop low traffic, an anomaly-traversal baseline finds the cause first in 0.57 (latency) / 0.83
(availability) of cases; on Nezha OnlineBoutique (Nezha paper, Table 3) MicroRCA, the best metrics-only method, 16.1 /
62.5 / 92.8 % (AS@1/3/5), Nezha without logs (metrics and traces) 64.3 / 64.3 / 64.3 %, Nezha with logs and traces
92.9 / 96.4 / 96.4 %. Goals of issue 19: Nezha AS@1 ≥ 0.65 and AS@3 ≥ 0.85 with the graph, AS@1 ≥ 0.55 without;
PetShop test AC@1 ≥ 0.8 and AC@3 ≥ 0.95. Where we lose: with the call graph the walk moves the ranking towards callees;
on Nezha the default scores AS@1 {next(x for x in rn if x.get('default') and x['split'] == 'all')['ac1']:.3f} with the graph and
{next(x for x in rng if x.get('default') and x['split'] == 'all')['ac1']:.3f} without it; PetShop's test cases are below its goal; the frontend's code faults (`return`, `exception`) and the first fault of each Nezha day (two minutes of
history) move no metric we read. The methods' choices before issue 19 were made looking at both PetShop splits: read its
test figures with that in mind.

## Placement — `{placement_cmd}`

The placement engine (`{pl['strategy']}`) on a synthetic fleet of {pl['hosts']:,} hosts (9 zones, racks, 5% PCI hosts), {pl['requests']:,} VM
requests from a cloud-like catalogue (1–16 vCPU; pinned to a region, 10% to a zone, 20% in anti-affinity groups spread over
racks, 2% needing PCI), one thread, every decision timed; then plain first fit (capacity only, inventory order) on the same
requests. Lower bound: per resource, total demand of the VMs placed / host capacity.

| decisions/s | p50 (µs) | p99 (µs) | placed | hosts used | lower bound | ratio | first fit: placed | first fit: hosts used (ratio) | first fit decisions/s | goals |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
| {pl['decisions_per_s']:,.0f} | {pl['p50_us']} | {pl['p99_us']} | {pl['placed']:,} | {pl['hosts_used']:,} | {pl['lower_bound']:,} | {pl['ratio_to_lower_bound']:.4f} | {pl['first_fit_placed']:,} | {pl['first_fit_hosts_used']:,} ({pl['first_fit_ratio_to_lower_bound']:.4f}) | {pl['first_fit_decisions_per_s']:,.0f} | ≥ 100k/s, p99 < 1 ms, ratio ≤ 1.05 |

First fit packs as tightly on this stream (many VMs per host), but fills the PCI hosts with ordinary VMs and then turns
PCI VMs away; the engine keeps special hosts for the VMs that need them.

## Failover — `{failover_cmd}`

A region of three zones ({fo['hosts']:,} hosts), each holding {fo['zone_vms']:,} VMs; the first zone fails and the planner evacuates
it into the two others (platinum first, anti-affinity and tags kept, same region first). The planner is warmed up on a small
region first (a running service has planned before). Baseline: plain first fit of the same VMs onto the same free capacity
(no tiers, no anti-affinity).

| VMs | plan time (ms) | moves | cross-region | unplaced (platinum) | first fit time (ms) | first fit unplaced (platinum) | goal |
|---:|---:|---:|---:|---:|---:|---:|---|
| {fo['zone_vms']:,} | {fo['plan_ms']:,.1f} | {fo['moves']:,} | {fo['cross_region_moves']} | {fo['unplaced']} ({fo['unplaced_platinum']}) | {fo['first_fit_ms']:,.1f} | {fo['first_fit_unplaced']} ({fo['first_fit_unplaced_platinum']}) | < 100 ms |

This machine's speed varies about 2× over minutes (first fit's time moves with it): other runs of this build gave
67–107 ms, and one slow stretch 154 ms while first fit took 110 ms. What took it from 174 ms to this: a host's state in
one struct, each VM's needs resolved once and kept in its slot (no id, group or request lookups per move), moves as
structs, a counting sort by tier.

Plan quality on small instances is checked against CP-SAT's exact optimum in the tests (`tests/NovaOps.Failover.Tests`:
tier-weighted VMs placed, 12 random instances, mean 0.997 of the optimum, worst 0.971).

## Scale: a region of up to a million VMs — `{scale_cmd}`

The embedded broker in the bench's process; the anomaly app, the RCA app, the remediation executor (dry run) and the
placement service as separate `novaops run` processes; the simulator publishing one sample per VM per simulated minute,
with the fleet's topology, hosts and VM inventory, and holding the next minute back while the anomaly app is more than
a minute behind (simulated time as fast as the app keeps up). All of it shares this machine's {machine.split(',')[0]}:
the rates are the whole region's on them, not the anomaly app's alone (`bench pipeline` above measures that). Lag: the
samples published and not yet taken in by the anomaly app (its own count), sampled every 2 s; bounded means never more
than two simulated minutes behind. Memory: each process's resident set before the fleet arrives and at the end.

| VMs | simulated h | samples | samples/s | max lag (bound) | bounded | wall (s) |
|---:|---:|---:|---:|---:|---|---:|
""" + "\n".join(f"| {x['vms']:,} | {x['simulated_hours']:.2f} | {x['samples']:,} | {x['samples_per_s']:,.0f} | {x['max_lag']:,} ({x['lag_bound']:,}) | {'yes' if x['lag_bounded'] else 'no'} | {x['wall_s']:,.0f} |" for x in scales) + f"""

| service | resident memory at {scales[0]['vms']:,} VMs (MB) | at {scales[1]['vms']:,} | at {scales[2]['vms']:,} | growth per VM, {scales[1]['vms']:,} → {scales[2]['vms']:,} (bytes) | goal |
|---|---:|---:|---:|---:|---|
""" + "\n".join(f"| {app} | {scales[0]['apps'][app]['memory_bytes']/1e6:,.0f} | {scales[1]['apps'][app]['memory_bytes']/1e6:,.0f} | {scales[2]['apps'][app]['memory_bytes']/1e6:,.0f} | {per_vm[app]:,.0f} | {goals.get(app, '')} |" for app in apps) + f"""

Where we lose: the anomaly app grows by about {per_vm['anomaly']/1024:.1f} KiB per VM, not the 1 KiB the goal asks. Its state
is {b['state_bytes_per_vm']:,} bytes per VM (`bench pipeline` above), one copy shared by the store and the transformer: the open
window's sums and robust baselines as doubles, the detector's means and covariance and the incident model's last 10
windows of 32 features as floats; the rest is the runtime's (keys, dictionary entries, garbage not yet collected) and
the changelog's producer buffers. The feature history is more than half of the state: 1 KiB needs the incident model to
read coarser inputs (e.g. its standardised features in 8 bits) or a shorter history, which changes its figures; the RCA app holds the whole region's topology graph in every instance, so it grows with every VM
of the region, not only the VMs whose partitions it owns (one task of it sees the region's evidence, since an incident
links VMs of any zone through the services they call: sharding it by zone would cut those incidents in pieces, and
was not done); and the region's rate at a million VMs is
{scales[2]['samples_per_s']:,.0f} samples/s against the {b['pipeline_per_s']:,.0f} of `bench pipeline` (the anomaly app alone, records already
on the broker): the four services, the broker and the simulator share two cores here. A million VMs are shown for
{scales[2]['simulated_hours']:.2f} simulated hours in the table. {hour_text}

<a id="sizing"></a>
## Sizing 10 million VMs over 100 regions (derived from the figures above, not measured)

Each region 100,000 VMs, its own Kafka and its own services. CPU: this machine's two cores ran the whole region (services,
broker, simulator) at the million-VM rate above, so a sample costs at most {2/scales[2]['samples_per_s']*1e6:.0f} µs of a core; memory: each
service's idle memory at {scales[1]['vms']:,} VMs plus its measured growth per VM. Partitions: the bench's rule, one per
10,000 VMs and at least 12.

| sample every | samples/s per region | cores per region (upper bound) | memory per region (GB): anomaly / RCA / executor / placement | partitions per region | for 100 regions: cores, memory (GB) |
|---|---:|---:|---|---:|---|
""" + "\n".join(sizing_row(c) for c in (60, 10)) + """
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
    f"**{title}**\n\n{table}" for title, table in zip(["bench pipeline", "eval nab (nab-dev)", "eval nab: the series model trained on NAB (two folds)", "tune: parameters shipped", "tune: each fold held out", "eval servers (asd-dev)", "eval servers: per server (default detector)", "bench inference", "eval incident (fresh fleet)", "eval incident (held-out seeds, two mixes)", "demo (1000 VMs, 60 s, 5 held-out seeds)", "demo: incident predictions", "demo: root causes", "demo: closed loop", "eval loop: availability", "eval loop: time to recovery", "eval loop: closed loop", "eval rca (petshop-dev)", "eval rca (nezha-ob-dev)", "eval rca: Nezha by fault type", "eval rca: MaxZ by day", "bench placement", "bench failover", "bench scale", "bench scale: memory", "sizing 10M VMs (derived)"], tables)) + "\n"
open("README.md", "w").write(readme.split(marker)[0] + body)
PY
