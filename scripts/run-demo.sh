#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build, and run NeuroDx on its
# built-in synthetic demo data (the GUI when a display exists, else the command-line demo).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
bash scripts/build.sh

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec build/bin/neurodx --demo "$@"
fi
exec build/bin/neurodx-cli demo "$@"
