#!/usr/bin/env bash
# Every measurement in RESULTS.md, one after another (each in a fresh process), with one command:
#   bash bench/run-all.sh [ROUNDS=3] [THREADS=all cores]
# About 45 minutes on two cores. Nothing else should run meanwhile: the numbers are speeds.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=${2:-$(nproc)}
[ -x build/bin/neurodx-bench ] || bash scripts/build.sh >/dev/null
bench=build/bin/neurodx-bench

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
build/bin/neurodx-cli --version | sed -n '2,4p'
echo "== data pipeline";          "$bench" data "$threads"
echo "== latency";                "$bench" latency "$threads"
echo "== 3D scans";               "$bench" volumes "$threads"; bash bench/import_scans.sh
echo "== fused ReLU + max-pool";  "$bench" kernels "$threads"
echo "== distributed: gradient exchange"; bash bench/allreduce.sh 2 1
echo "== memory";                 "$bench" rss "$threads"; bash bench/peak_rss.sh 3 "$threads"
if [ -x build/bin/neurodx-bench-gui ]; then
    echo "== GUI event loop";     QT_QPA_PLATFORM=offscreen build/bin/neurodx-bench-gui
fi
echo "== training and inference against PyTorch"
bash bench/compare.sh "$rounds" "$threads"
