#!/usr/bin/env bash
# The gradient exchange of data-parallel training, measured: `neurodx-bench allreduce` as RANKS
# processes on loopback (default 2), THREADS compute threads each (default 1), as torchrun would
# start them. Rank 0 prints one line per model.
#   bash bench/allreduce.sh [RANKS=2] [THREADS=1]
set -euo pipefail
cd "$(dirname "$0")/.."
ranks=${1:-2}
threads=${2:-1}
[ -x build/bin/neurodx-bench ] || bash scripts/build.sh >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pids=()
for ((rank = 0; rank < ranks; rank++)); do
    MASTER_ADDR=127.0.0.1 MASTER_PORT=$port WORLD_SIZE=$ranks RANK=$rank LOCAL_RANK=$rank LOCAL_WORLD_SIZE=$ranks \
        build/bin/neurodx-bench allreduce "$threads" &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
