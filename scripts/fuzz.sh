#!/usr/bin/env bash
# libFuzzer on every reader of untrusted files, under ASan + UBSan. Builds build-fuzz (clang-14),
# seeds each target's corpus from NeuroDx's own writers (synthetic slices, scans, a tiny run, Keras
# files written with h5py) and tests/data/fuzz, then runs every target and sums the executions.
#
#   scripts/fuzz.sh                  60 s per target (what CI runs)
#   scripts/fuzz.sh --seconds 1800   the long run (see bench/RESULTS.md, "Fuzzing")
#   scripts/fuzz.sh --seconds 30 fuzz_nifti fuzz_dicom_file
#
# A crash leaves its input in build-fuzz/crashes/ and makes the script exit 1; commit it under
# tests/data/fuzz/<target>/ with a test of the fix (tst_fuzzregressions replays that folder).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/cores.sh"
cd "$(dirname "$0")/.."
root=$PWD

seconds=60
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
all_targets=(fuzz_dicom_file fuzz_raster_image fuzz_metadata_csv fuzz_split_json fuzz_run_files
             fuzz_model_file fuzz_nifti fuzz_dicom_series fuzz_keras_h5)
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

if ! command -v clang++-14 >/dev/null || ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    echo "fuzz.sh: needs clang-14 and libclang-rt-14-dev (scripts/bootstrap.sh installs them)" >&2
    exit 2
fi

build=build-fuzz
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f $build/CMakeCache.txt ]; then
    cmake -S . -B $build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 \
        -DNEURODX_FUZZ=ON "-DNEURODX_SANITIZE=address;undefined" -DNEURODX_BUILD_GUI=OFF -DNEURODX_BUILD_TESTS=OFF
fi
cmake --build $build --parallel "$(cores)" --target "${all_targets[@]}" neurodx-cli

# A single malloc above 2 GB fails (returns null) instead of ending the run: libhdf5 asks its cache for
# sizes read from a damaged file (3 GB, found by fuzz_keras_h5) and handles the failure as an error.
# NeuroDx's own `new` still reports it, and libFuzzer's -malloc_limit_mb stops anything above 2.5 GB.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:max_allocation_size_mb=2048:abort_on_error=1:suppressions=$root/tests/sanitizers/asan.supp
export LSAN_OPTIONS=suppressions=$root/tests/sanitizers/lsan.supp
export UBSAN_OPTIONS=suppressions=$root/tests/sanitizers/ubsan.supp:print_stacktrace=1:halt_on_error=1
export OMP_NUM_THREADS=1

# Seeds: written once per build folder.
seeds=$build/seeds
if [ ! -f $seeds/.done ]; then
    rm -rf $seeds && mkdir -p $seeds
    cli=$build/bin/neurodx-cli
    "$cli" synth $seeds/slices --subjects-per-class 2 --slices 2 --size 32 --format mixed --quiet
    "$cli" synth $seeds/scans --scans --subjects-per-class 1 --visits 1 --size 24 --slices 12 --nifti-fraction 0.5 \
        --smc-subjects 0 --oblique-fraction 0.3 --quiet
    "$cli" synth $seeds/tiny --subjects-per-class 3 --slices 2 --size 16 --quiet
    "$cli" train $seeds/tiny --output $seeds/run --model cnn --filters1 2 --filters2 2 --units 4 --image-size 16 \
        --epochs 1 --batch-size 4 --ratios 0.5,0.25,0.25 --quiet
    /usr/bin/python3 tests/interop/keras_files.py $seeds/keras weights broken >/dev/null
    touch $seeds/.done
fi

corpus=$build/corpus
seed() { # seed TARGET FILE...
    mkdir -p $corpus/$1
    local file
    for file in "${@:2}"; do cp -- "$file" "$corpus/$1/seed-$(basename "$(dirname "$file")")-$(basename "$file")"; done
}
if [ ! -f $corpus/.done ]; then
    rm -rf $corpus
    mapfile -t dicoms < <(find $seeds/slices $seeds/scans -name '*.dcm' | sort | head -n 12)
    mapfile -t rasters < <(find $seeds/slices -name '*.png' -o -name '*.jpg' -o -name '*.tif*' -o -name '*.bmp' | sort | head -n 8)
    mapfile -t niftis < <(find $seeds/scans -name '*.nii*' | sort)
    seed fuzz_dicom_file "${dicoms[@]}"
    seed fuzz_raster_image "${rasters[@]}"
    seed fuzz_metadata_csv $(find $seeds/scans -name '*.csv')
    seed fuzz_run_files $seeds/run/config.json $seeds/run/history.csv
    seed fuzz_model_file $seeds/run/best.pt
    seed fuzz_nifti "${niftis[@]}"
    seed fuzz_keras_h5 $(find $seeds/keras -name '*.h5' | sort)
    # A series as the target takes it: files joined at "NDXFILE".
    mkdir -p $corpus/fuzz_dicom_series
    series_dir=$(dirname "$(find $seeds/scans -name '*.dcm' | sort | head -n 1)")
    mapfile -t series < <(find "$series_dir" -maxdepth 1 -name '*.dcm' | sort | head -n 4)
    for file in "${series[@]}"; do cat "$file"; printf NDXFILE; done >$corpus/fuzz_dicom_series/seed-series
    # split.json naming the fuzz target's built-in dataset (fuzz_split_json.cpp).
    mkdir -p $corpus/fuzz_split_json
    /usr/bin/python3 - $corpus/fuzz_split_json/seed-split.json <<'PY'
import json, sys
classes = ["CN", "MCI", "AD"]
parts = {"train": [], "validation": [], "test": []}
for label, name in enumerate(classes):
    for subject in range(2):
        part = "train" if subject == 0 else ("validation" if label % 2 else "test")
        for s in range(3):
            parts[part].append({"path": f"{name}/{name}_{subject}_slice{s}.png", "label": label, "subject": f"{name}_{subject}"})
json.dump({"format": "neurodx-split", "version": 1, "mode": "subject", "seed": 42, "ratios": [0.5, 0.25, 0.25],
           "class_order": classes, "counts": {}, "shared_subjects": 0, "shared_subject_ids": [], "warnings": [],
           "parts": parts}, open(sys.argv[1], "w"), indent=1)
PY
    # Regression inputs of earlier findings join their target's corpus.
    touch $corpus/.done
fi
# Regression inputs of earlier findings join their target's corpus (again each run: new ones count).
for dir in tests/data/fuzz/*/; do
    [ -d "$dir" ] && cp -- "$dir"* "$corpus/$(basename "$dir")/" 2>/dev/null || true
done

mkdir -p $build/crashes $build/logs
total=0
failed=0
summary=$build/fuzz-summary.txt
: >$summary
# Each target is single-threaded: as many run at once as there are cores (CI: 2), then each is
# reported in order. One input may take 20 s and 2.5 GB at most; larger claims must be refused before that.
run_target() {
    local target=$1
    set +e
    $build/bin/$target $corpus/$target -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -malloc_limit_mb=2560 \
        -print_final_stats=1 -artifact_prefix=$build/crashes/$target- >"$build/logs/$target.log" 2>&1
    echo $? >"$build/logs/$target.status"
}
parallel=$(cores)
running=0
for target in "${targets[@]}"; do
    run_target "$target" &
    running=$((running + 1))
    if [ $running -ge "$parallel" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait
for target in "${targets[@]}"; do
    log=$build/logs/$target.log
    status=$(cat "$build/logs/$target.status")
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1 || true)
    runs=${runs:-0}
    rate=$((runs / (seconds > 0 ? seconds : 1)))
    total=$((total + runs))
    files=$(find $corpus/$target -type f ! -name .done | wc -l)
    if [ "$status" -ne 0 ]; then
        failed=1
        printf '%-20s %12s runs  %7s/s  corpus %5s  FAILED (exit %s, see %s)\n' "$target" "$runs" "$rate" "$files" "$status" "$log" | tee -a $summary
        grep -m 5 -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | sed 's/^/    /' | tee -a $summary
    else
        printf '%-20s %12s runs  %7s/s  corpus %5s  0 crashes\n' "$target" "$runs" "$rate" "$files" | tee -a $summary
    fi
done
printf 'total %s executions in %s s per target, %s\n' "$total" "$seconds" "$([ $failed = 0 ] && echo '0 crashes' || echo 'CRASHES FOUND')" | tee -a $summary
exit $failed
