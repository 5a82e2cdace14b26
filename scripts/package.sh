#!/usr/bin/env bash
# Builds the release package of this platform (on Debian: the .deb) in its own build folder, with
# the settings that make it reproducible (paths mapped out of the binaries, time stamps from the
# commit), checks it, and leaves it in BUILD_DIR/packages.
# Usage: scripts/package.sh [BUILD_DIR (default build-pkg)] [extra cmake -D options]
# Then `scripts/test-package.sh --deb BUILD_DIR/packages` installs it into a clean Debian 12 root.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/cores.sh"
cd "$(dirname "$0")/.."

build=${1:-build-pkg}
shift || true
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DNEURODX_BUILD_TESTS=OFF \
          -DNEURODX_PACKAGING_TEST=ON -DNEURODX_REPRODUCIBLE=ON "$@"
elif [ $# -gt 0 ]; then
    cmake -S . -B "$build" "$@"
fi
cmake --build "$build" --parallel "${NEURODX_JOBS:-$(cores)}"
bash scripts/check-package.sh "$build" "$build/packages"
