#!/usr/bin/env bash
# The test suite under sanitizers, each in its own build folder (clang-14; Debian's libraries are
# not instrumented, and tests/sanitizers/*.supp lists what is suppressed inside them, nothing of ours):
#   scripts/sanitize.sh            ASan + UBSan, every test                   (build-fuzz, shared with fuzz.sh; CI runs it)
#   scripts/sanitize.sh thread     ThreadSanitizer, the tests labelled threads (build-tsan; CI runs it)
# Extra arguments go to ctest (e.g. -R tst_dicom).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/cores.sh"
cd "$(dirname "$0")/.."
root=$PWD

mode=address
if [ "${1:-}" = thread ] || [ "${1:-}" = address ]; then
    mode=$1
    shift
fi
if ! command -v clang++-14 >/dev/null || ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    echo "sanitize.sh: needs clang-14 and libclang-rt-14-dev (scripts/bootstrap.sh installs them)" >&2
    exit 2
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
export QT_QPA_PLATFORM=offscreen
# Two tests run at once on CI's 2 cores: one compute thread each, or their OpenMP teams spin against
# each other (ASan, measured: tst_modelselection 624 s with 2 threads beside another test, 439 s with 1).
export OMP_NUM_THREADS=1
# A thread waiting for OpenMP work sleeps instead of spinning: the spinning took the other test's core
# (ASan, tst_modelselection crossValidationReportsEveryFold: 33 s of CPU spinning vs 19.5 s, same wall time).
export OMP_WAIT_POLICY=PASSIVE
# Instrumented training runs several times slower: Qt Test's 5-minute limit per test function would stop it.
export QTEST_FUNCTION_TIMEOUT=1800000

if [ $mode = address ]; then
    # The fuzzers' build (scripts/fuzz.sh): the same instrumentation, so the engine is compiled once.
    build=build-fuzz
    cmake -S . -B $build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 \
        -DNEURODX_FUZZ=ON "-DNEURODX_SANITIZE=address;undefined" -DNEURODX_BUILD_TESTS=ON -DNEURODX_BUILD_GUI=ON >/dev/null
    cmake --build $build --parallel "$(cores)"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0:suppressions=$root/tests/sanitizers/asan.supp
    export LSAN_OPTIONS=suppressions=$root/tests/sanitizers/lsan.supp
    export UBSAN_OPTIONS=suppressions=$root/tests/sanitizers/ubsan.supp:print_stacktrace=1:halt_on_error=1
    ctest --test-dir $build --output-on-failure --parallel "$(cores)" --timeout 1800 "$@"
else
    export OMP_NUM_THREADS=2 # the threaded tests need threads to race
    build=build-tsan
    [ -f $build/CMakeCache.txt ] || cmake -S . -B $build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DNEURODX_BUILD_GUI=OFF \
        -DCMAKE_CXX_COMPILER=clang++-14 -DNEURODX_SANITIZE=thread
    # The engine's own threads; the GUI's go through Qt, whose futex-based locks TSan cannot see in
    # Debian's uninstrumented build (tests/ui/CMakeLists.txt).
    tests=(tst_batchloader tst_trainingcontrol)
    cmake --build $build --parallel "$(cores)" --target "${tests[@]}"
    export TSAN_OPTIONS="suppressions=$root/tests/sanitizers/tsan.supp halt_on_error=1 second_deadlock_stack=1"
    ctest --test-dir $build --output-on-failure -L threads --timeout 1800 "$@"
fi
