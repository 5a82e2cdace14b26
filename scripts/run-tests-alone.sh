#!/usr/bin/env bash
# Runs every Qt Test function of the given test executables on its own, then all of them in reverse
# order, to prove that no test function depends on another one's leftovers (issue #20). Slow: each
# run repeats initTestCase. Usage: scripts/run-tests-alone.sh [BUILD_DIR] [tst_name ...]
# (default: every tst_* in BUILD_DIR/bin; BUILD_DIR defaults to ./build).
set -uo pipefail
build=${1:-build}
shift || true
bin="$build/bin"
export QT_QPA_PLATFORM=offscreen NEURODX_BIN_DIR="$(cd "$bin" && pwd)"
export NEURODX_INTEROP_DIR="$(cd "$(dirname "$0")/../tests/interop" && pwd)"
tests=("$@")
[ ${#tests[@]} -eq 0 ] && tests=($(cd "$bin" && ls tst_* | grep -v '\.'))
failed=()
for test in "${tests[@]}"; do
    functions=($("$bin/$test" -functions | sed 's/()$//'))
    for f in "${functions[@]}"; do
        if "$bin/$test" "$f" > "/tmp/alone-$test-$f.log" 2>&1; then
            echo "ok    $test $f"
        else
            echo "FAIL  $test $f (log: /tmp/alone-$test-$f.log)"
            failed+=("$test $f")
        fi
    done
    reversed=()
    for ((i = ${#functions[@]} - 1; i >= 0; i--)); do reversed+=("${functions[i]}"); done
    if "$bin/$test" "${reversed[@]}" > "/tmp/alone-$test-reversed.log" 2>&1; then
        echo "ok    $test (all, reverse order)"
    else
        echo "FAIL  $test (all, reverse order; log: /tmp/alone-$test-reversed.log)"
        failed+=("$test reversed")
    fi
done
echo "${#failed[@]} failure(s)"
[ ${#failed[@]} -eq 0 ]
