#!/usr/bin/env bash
# Does bfloat16 mixed-precision training cost accuracy? Trains each model on the same phantom data
# with the same seeds in float32 and with --bf16, pairs the runs by seed and reports the mean
# difference of the best validation accuracy with its 95% t-interval (issue #17's rule: bf16 may
# become the default only if the interval excludes a loss of more than 0.5 points). The validation
# part holds ~240 slices, so one slice is ~0.4 points.
#   MODELS="vanilla tuned" SEEDS="1 2 3 4 5" EPOCHS=15 SIZE=128 SUBJECTS=80 SLICES=10 bash bench/bf16_accuracy.sh
# MODES="fp32 bf16conv" compares --bf16-convolutions (bfloat16 convolutions, float32 head) instead.
# Then measures inference agreement: the first float32 model's predictions on every slice with fp32
# and with bf16 autocast (same class? largest probability difference?).
set -euo pipefail
cd "$(dirname "$0")/.."
models=${MODELS:-"vanilla tuned"}
modes=${MODES:-"fp32 bf16"}
seeds=${SEEDS:-"1 2 3 4 5"}
epochs=${EPOCHS:-15}
size=${SIZE:-128}
subjects=${SUBJECTS:-80}
slices=${SLICES:-10}
cli=${CLI:-build/bin/neurodx-cli}
[ -x "$cli" ] || bash scripts/build.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cli" synth "$work/data" --size "$size" --subjects-per-class "$subjects" --slices "$slices" --quiet >/dev/null

best_val() { awk -F, 'NR == 1 {for (i = 1; i <= NF; ++i) if ($i == "val_acc") c = i; next} $c > b {b = $c} END {printf "%.4f", b}' "$1/history.csv"; }
test_acc() { /usr/bin/python3 -c "import json,sys; print('%.4f' % json.load(open(sys.argv[1]))['slice_level']['accuracy'])" "$1/metrics.json"; }

printf "%-8s %-5s %-5s %12s %10s %9s\n" model seed mode best_val_acc test_acc seconds
for model in $models; do
    for seed in $seeds; do
        for mode in $modes; do
            flag=""; [ "$mode" = bf16 ] && flag="--bf16"; [ "$mode" = bf16conv ] && flag="--bf16-convolutions"
            run="$work/run-$model-$seed-$mode"
            start=$(date +%s.%N)
            "$cli" train "$work/data" --model "$model" --image-size "$size" --epochs "$epochs" --seed "$seed" --threads 2 $flag \
                --output "$run" --quiet >/dev/null
            seconds=$(echo "$(date +%s.%N) - $start" | bc)
            printf "%-8s %-5s %-5s %12s %10s %9.1f\n" "$model" "$seed" "$mode" "$(best_val "$run")" "$(test_acc "$run")" "$seconds" | tee -a "$work/table.txt"
        done
    done
done
validation=$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['parts']['validation']))" "$(ls -d "$work"/run-* | head -1)/split.json")
/usr/bin/python3 - "$work/table.txt" "$validation" <<'PY'
import statistics, sys
from collections import defaultdict
rows = [line.split() for line in open(sys.argv[1])]
validation = int(sys.argv[2])
t975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
runs = defaultdict(dict)
for model, seed, mode, val, test, seconds in rows:
    runs[(model, seed)][mode] = (float(val), float(test), float(seconds))
print(f"\nvalidation part: {validation} slices (one slice = {100 / validation:.2f} points)")
for model in dict.fromkeys(m for m, _ in runs):
    for mode in sorted({mo for r in runs.values() for mo in r if mo != "fp32"}):
        pairs = [r for (m, _), r in runs.items() if m == model and "fp32" in r and mode in r]
        if not pairs:
            continue
        diffs = [100 * (r[mode][0] - r["fp32"][0]) for r in pairs]
        tests = [100 * (r[mode][1] - r["fp32"][1]) for r in pairs]
        speed = statistics.mean(r["fp32"][2] / r[mode][2] for r in pairs)
        n = len(diffs)
        mean = statistics.mean(diffs)
        half = t975.get(n - 1, 1.96) * statistics.stdev(diffs) / n ** 0.5 if n > 1 else float("inf")
        print(f"{model}, {mode} - fp32 best val_acc over {n} seeds: mean {mean:+.2f} points, 95% CI [{mean - half:+.2f}, {mean + half:+.2f}]; "
              f"test acc {statistics.mean(tests):+.2f} points; time ratio fp32/{mode} {speed:.2f}")
PY

first=$(ls -d "$work"/run-*-fp32 | head -1)
"$cli" predict "$first/best.pt" "$work/data" --format csv --precision fp32 --output "$work/p32.csv" --quiet
"$cli" predict "$first/best.pt" "$work/data" --format csv --precision bf16 --output "$work/p16.csv" --quiet
/usr/bin/python3 - "$work/p32.csv" "$work/p16.csv" <<'PY'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1]))); b = list(csv.DictReader(open(sys.argv[2])))
keys = [k for k in a[0] if k.startswith("p_")]
same = sum(x["predicted"] == y["predicted"] for x, y in zip(a, b))
diff = max(abs(float(x[k]) - float(y[k])) for x, y in zip(a, b) for k in keys)
print(f"inference fp32 vs bf16 on {len(a)} slices: same class on {same} ({100 * same / len(a):.2f}%), largest probability difference {diff:.4f}")
PY
