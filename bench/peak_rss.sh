#!/usr/bin/env bash
# Peak memory of a real training run, as a user starts it: neurodx-cli trains the tuned CNN on 5,160
# synthetic 256x256 slices (3 classes x 172 subjects x 10 slices) with validation every epoch,
# checkpoints and the test evaluation at the end.
#   bash bench/peak_rss.sh [EPOCHS=3] [THREADS=all cores]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-3}
threads=${2:-$(nproc)}
cli=build/bin/neurodx-cli
[ -x "$cli" ] || bash scripts/build.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$cli" synth "$work/data" --subjects-per-class 172 --slices 10 --size 256 >/dev/null
/usr/bin/python3 - "$cli" "$work" "$epochs" "$threads" <<'PY'
import resource, subprocess, sys, time
cli, work, epochs, threads = sys.argv[1:]
start = time.time()
run = subprocess.run([cli, "train", work + "/data", "--model", "tuned", "--channels", "1", "--image-size", "256",
                      "--epochs", epochs, "--threads", threads, "--output", work + "/run"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
if run.returncode != 0:
    sys.exit("neurodx-cli train failed:\n" + run.stderr)
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"memory    tuned   neurodx-cli train, 5,160 slices 256x256, {epochs} epochs: "
      f"peak RSS {peak_kib / 1024:.0f} MiB ({peak_kib * 1024 / 1e9:.2f} GB, target 1.5 GB), {time.time() - start:.0f} s")
PY
