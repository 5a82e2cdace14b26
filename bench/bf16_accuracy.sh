#!/usr/bin/env bash
# Does bfloat16 mixed precision cost accuracy? Trains the same model on the same phantom data with
# the same seeds in float32 and with --bf16, and compares the best validation accuracy of each run
# (the performance issue's rule: within 0.5 percentage points), plus each run's test accuracy.
#   bash bench/bf16_accuracy.sh [MODEL=tuned] [SEEDS="1 2 3"] [EPOCHS=15] [SIZE=256]
# Then measures inference agreement: the float32 model's predictions on every slice with fp32 and
# with bf16 autocast (same class? largest probability difference?).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-tuned}
seeds=${2:-"1 2 3"}
epochs=${3:-15}
size=${4:-256}
cli=build/bin/neurodx-cli
[ -x "$cli" ] || bash scripts/build.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cli" synth "$work/data" --size "$size" --quiet >/dev/null

best_val() { awk -F, 'NR == 1 {for (i = 1; i <= NF; ++i) if ($i == "val_acc") c = i; next} $c > b {b = $c} END {printf "%.4f", b}' "$1/history.csv"; }
test_acc() { /usr/bin/python3 -c "import json,sys; print('%.4f' % json.load(open(sys.argv[1]))['slice_level']['accuracy'])" "$1/metrics.json"; }

printf "%-6s %-6s %12s %12s %10s\n" seed mode best_val_acc test_acc seconds
sum=0; n=0
for seed in $seeds; do
    declare -A val
    for mode in fp32 bf16; do
        flag=""; [ "$mode" = bf16 ] && flag="--bf16"
        start=$(date +%s.%N)
        "$cli" train "$work/data" --model "$model" --image-size "$size" --epochs "$epochs" --seed "$seed" $flag \
            --output "$work/run-$seed-$mode" --quiet >/dev/null
        seconds=$(echo "$(date +%s.%N) - $start" | bc)
        val[$mode]=$(best_val "$work/run-$seed-$mode")
        printf "%-6s %-6s %12s %12s %10.1f\n" "$seed" "$mode" "${val[$mode]}" "$(test_acc "$work/run-$seed-$mode")" "$seconds"
    done
    sum=$(echo "$sum + ${val[bf16]} - ${val[fp32]}" | bc -l); n=$((n + 1))
done
printf "\nmean best val_acc difference bf16 - fp32: %+.2f percentage points over %d seeds\n" "$(echo "100 * $sum / $n" | bc -l)" "$n"

first=$(echo $seeds | cut -d' ' -f1)
"$cli" predict "$work/run-$first-fp32/best.pt" "$work/data" --format csv --precision fp32 --output "$work/p32.csv" --quiet
"$cli" predict "$work/run-$first-fp32/best.pt" "$work/data" --format csv --precision bf16 --output "$work/p16.csv" --quiet
/usr/bin/python3 - "$work/p32.csv" "$work/p16.csv" <<'PY'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1]))); b = list(csv.DictReader(open(sys.argv[2])))
keys = [k for k in a[0] if k.startswith("p_")]
same = sum(x["predicted"] == y["predicted"] for x, y in zip(a, b))
diff = max(abs(float(x[k]) - float(y[k])) for x, y in zip(a, b) for k in keys)
print(f"inference fp32 vs bf16 on {len(a)} slices: same class on {same} ({100 * same / len(a):.2f}%), largest probability difference {diff:.4f}")
PY
