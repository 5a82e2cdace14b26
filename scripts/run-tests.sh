#!/usr/bin/env bash
# Every test on a fresh Debian 12 machine: install what is missing, build, run all Qt Test suites
# under CTest (GUI tests offscreen). Exit code is CTest's.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/cores.sh"
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
bash scripts/build.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure --parallel "$(cores)"
