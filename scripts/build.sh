#!/usr/bin/env bash
# Configures and builds NeuroDx (Release, Ninja) into ./build. Incremental after the first run;
# ccache is used when present. Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/cores.sh"
cd "$(dirname "$0")/.."

generator=()
if command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
fi
if [ ! -f build/CMakeCache.txt ]; then
    cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
elif [ $# -gt 0 ]; then
    cmake -S . -B build "$@"
fi
jobs=$(cores)
cmake --build build --parallel "$jobs"
