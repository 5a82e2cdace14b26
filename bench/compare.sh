#!/usr/bin/env bash
# NeuroDx against Python PyTorch on this machine, side by side, in one invocation:
#   bash bench/compare.sh [ROUNDS=3] [THREADS=all cores]
# Each round runs NeuroDx, PyTorch as users run it, and PyTorch with glibc malloc tuned, one after
# another (machines here are noisy, so runs alternate); the table shows medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=${2:-$(nproc)}
bench=build/bin/neurodx-bench
[ -x "$bench" ] || bash scripts/build.sh >/dev/null
python=/usr/bin/python3 # Debian's python3-torch shares LibTorch with NeuroDx
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for round in $(seq "$rounds"); do
    echo "round $round/$rounds" >&2
    "$bench" train-tsv "$threads" >>"$work/neurodx.tsv"
    for model in vanilla tuned; do
        "$python" bench/pytorch_bench.py "$model" "$threads" tsv >>"$work/pytorch.tsv"
        MALLOC_MMAP_THRESHOLD_=2000000000 MALLOC_TRIM_THRESHOLD_=4000000000 MALLOC_TOP_PAD_=1000000000 \
            "$python" bench/pytorch_bench.py "$model" "$threads" tsv >>"$work/pytorch-tuned.tsv"
    done
done

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
col() { awk -F'\t' -v m="$2" -v c="$3" '$1==m {print $c}' "$1" | median; }
printf "threads %s, rounds %s, batch 32, 3x256x256, Adam, flips + rotation\n\n" "$threads" "$rounds"
printf "%-8s %-22s %10s %10s %10s\n" model measure NeuroDx PyTorch PT-tuned
for model in vanilla tuned; do
    n_train=$(col "$work/neurodx.tsv" "$model" 2); n_ready=$(col "$work/neurodx.tsv" "$model" 3)
    n_b32=$(col "$work/neurodx.tsv" "$model" 4); n_b1=$(col "$work/neurodx.tsv" "$model" 5)
    n_bf16=$(col "$work/neurodx.tsv" "$model" 6); n_b1_fp32=$(col "$work/neurodx.tsv" "$model" 7)
    p_train=$(col "$work/pytorch.tsv" "$model" 2); p_b32=$(col "$work/pytorch.tsv" "$model" 3); p_b1=$(col "$work/pytorch.tsv" "$model" 4)
    t_train=$(col "$work/pytorch-tuned.tsv" "$model" 2); t_b32=$(col "$work/pytorch-tuned.tsv" "$model" 3); t_b1=$(col "$work/pytorch-tuned.tsv" "$model" 4)
    printf "%-8s %-22s %10.1f %10.1f %10.1f\n" "$model" "train slices/s" "$n_train" "$p_train" "$t_train"
    printf "%-8s %-22s %10.1f %10s %10s\n" "$model" "train, ready tensors" "$n_ready" - -
    printf "%-8s %-22s %10.1f %10s %10s\n" "$model" "train --bf16 slices/s" "$n_bf16" - -
    printf "%-8s %-22s %10.1f %10.1f %10.1f\n" "$model" "infer b32 slices/s" "$n_b32" "$p_b32" "$t_b32"
    printf "%-8s %-22s %10.2f %10.2f %10.2f\n" "$model" "infer b1 ms" "$n_b1" "$p_b1" "$t_b1"
    printf "%-8s %-22s %10.2f %10s %10s\n" "$model" "infer b1 ms, fp32" "$n_b1_fp32" - -
    awk -v a="$n_train" -v b="$p_train" -v c="$t_train" -v r="$n_ready" -v l="$n_b1" -v m="$p_b1" -v f="$n_bf16" -v model="$model" 'BEGIN {
        printf "%-8s ratios: train %.2fx PyTorch, %.2fx PyTorch tuned (targets 3x, 1.2x); with --bf16 %.2fx, %.2fx\n", model, a/b, a/c, f/b, f/c
        printf "%-8s         pipeline %.0f%% of ready tensors (target 95%%); batch-1 latency %.2fx PyTorch (target <= 0.7x)\n\n", model, 100*a/r, l/m }'
done
