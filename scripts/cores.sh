# Sourced by the build and test scripts: how many cores to use. Not plain `nproc`: it answers
# OMP_NUM_THREADS when that is set, and the sanitizer runs set it to 1 (one compute thread per test),
# which once made the ASan build and its tests run one at a time (45 min instead of ~23).
cores() { env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 2; }
