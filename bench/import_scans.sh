#!/usr/bin/env bash
# Importing synthetic IDA downloads as a user runs it (neurodx-cli import with the collection CSV):
# scans per second and the process's peak memory, for about 25 and about 100 scans. Memory should
# not grow with the number of scans: one scan is held at a time.
#   bash bench/import_scans.sh [SIZE=128] [SLICES=120]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-128}
slices=${2:-120}
cli=${NEURODX_CLI:-build/bin/neurodx-cli}
[ -x "$cli" ] || bash scripts/build.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for per_class in 9 34; do
    "$cli" synth "$work/ida$per_class" --scans --subjects-per-class "$per_class" --smc-subjects 0 --visits 1 \
        --size "$size" --slices "$slices" --nifti-fraction 0.2 --oblique-fraction 0.2 --quiet >/dev/null
    scans=$((per_class * 3))
    # %M: peak resident set in KiB; %e: wall seconds.
    /usr/bin/time -f "%M %e" -o "$work/time" "$cli" import "$work/ida$per_class" "$work/out$per_class" \
        --metadata "$work/ida$per_class/Synthetic_ADNI_MPRAGE_collection.csv" --quiet >/dev/null
    read -r peak seconds < "$work/time"
    awk -v n="$scans" -v s="$seconds" -v m="$peak" -v size="$size" -v sl="$slices" 'BEGIN {
        printf "import    %3d scans %dx%dx%d (20%% NIfTI, 20%% oblique), 32 axial slices each: %.1f s, %.1f scans/s, peak RSS %.0f MiB\n",
               n, size, size, sl, s, n / s, m / 1024 }'
done
