#!/usr/bin/env bash
# Installs NeuroDx's .deb into a clean Debian 12 root and runs it there, as a user with a fresh
# machine would: `apt-get install ./neurodx_*.deb` with nothing else preinstalled, `neurodx-cli
# --version`, a one-epoch `neurodx-cli demo`, the GUI offscreen (`neurodx --demo` stays up, then
# ends cleanly on SIGTERM), Python's `import neurodx_model` (the Recommends), and `apt-get purge`
# leaving none of the package's files behind.
#
# Usage: scripts/test-package.sh --build-dir DIR   (cpack -G DEB from DIR's CPackConfig.cmake)
#        scripts/test-package.sh --deb FILE.deb|DIR  (DIR: the one neurodx_*.deb in it)
#        scripts/test-package.sh --prepare          (only create the cached clean root)
#
# The clean root comes from `debootstrap --variant=minbase bookworm` once and is cached under
# $NEURODX_DEBOOTSTRAP_CACHE (default ~/.cache/neurodx/debootstrap-bookworm) with the .debs apt
# downloads, so later runs fetch nothing but the package lists. Each run works on a copy-on-write
# overlay of the pristine root (a full copy where overlayfs is unavailable): nothing carries over.
# Exit codes: 0 passed, 1 failed, 77 skipped (not root, or the Debian archive is unreachable).
set -euo pipefail

readonly SKIP=77
readonly SUITE=bookworm
mirror=${NEURODX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${NEURODX_DEBOOTSTRAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/neurodx/debootstrap-$SUITE}

say() { echo "test-package: $*"; }
fail() { echo "test-package: FAILED: $*" >&2; exit 1; }
skip() { echo "test-package: SKIPPED: $*" >&2; exit $SKIP; }
elapsed() { echo "$(( $(date +%s) - start ))s"; }
start=$(date +%s)

mode= source_arg=
case "${1:-}" in
    --build-dir|--deb) mode=$1; source_arg=${2:-}; [ -n "$source_arg" ] || fail "$1 needs an argument" ;;
    --prepare) mode=$1 ;;
    *) echo "usage: $0 --build-dir DIR | --deb FILE.deb | --prepare" >&2; exit 2 ;;
esac

[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot and mounts); run the tests as root to include it"
command -v debootstrap >/dev/null || fail "debootstrap is not installed (scripts/bootstrap.sh installs it)"

# --- the cached pristine root -------------------------------------------------------------------
mkdir -p "$cache"
exec 9>"$cache/lock"
flock 9 # one run at a time prepares or uses the cache

prepare_root() {
    local fresh="$cache/pristine.new" log="$cache/debootstrap.log"
    rm -rf "$fresh"
    say "creating the clean Debian 12 root (debootstrap --variant=minbase $SUITE $mirror), once"
    if ! debootstrap --variant=minbase "$SUITE" "$fresh" "$mirror" >"$log" 2>&1; then
        rm -rf "$fresh"
        if grep -qiE "Failed getting release|Couldn't download|Could not resolve|Temporary failure|Connection (refused|timed out)|unable to fetch" "$log"; then
            skip "debootstrap cannot reach $mirror (log: $log)"
        fi
        fail "debootstrap failed: $(tail -5 "$log")"
    fi
    # The archive apt uses here (main, updates, security), so the root resolves what this machine does.
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        cp /etc/apt/sources.list.d/debian.sources "$fresh/etc/apt/sources.list.d/"
        : >"$fresh/etc/apt/sources.list"
    else
        printf 'deb %s %s main\ndeb %s %s-updates main\ndeb http://deb.debian.org/debian-security %s-security main\n' \
            "$mirror" $SUITE "$mirror" $SUITE $SUITE >"$fresh/etc/apt/sources.list"
    fi
    # No service starts inside the root; downloaded .debs stay in the shared cache, not in the root.
    printf '#!/bin/sh\nexit 101\n' >"$fresh/usr/sbin/policy-rc.d"
    chmod 755 "$fresh/usr/sbin/policy-rc.d"
    rm -f "$fresh"/var/cache/apt/archives/*.deb
    mv "$fresh" "$cache/pristine"
    say "clean root cached in $cache/pristine ($(elapsed))"
}
[ -d "$cache/pristine" ] || prepare_root
mkdir -p "$cache/archives/partial"
if [ "$mode" = --prepare ]; then
    exit 0
fi

# --- the package ---------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/neurodx-package-test.XXXXXX")
mounts=()
cleanup() {
    local i
    for (( i=${#mounts[@]}-1; i>=0; i-- )); do
        umount -l "${mounts[i]}" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$mode" = --build-dir ]; then
    [ -f "$source_arg/CPackConfig.cmake" ] || fail "$source_arg has no CPackConfig.cmake (configure and build it first)"
    say "cpack -G DEB from $source_arg"
    (cd "$work" && cpack -G DEB --config "$(realpath "$source_arg")/CPackConfig.cmake" -B "$work/cpack" >"$work/cpack.log" 2>&1) ||
        fail "cpack failed: $(tail -20 "$work/cpack.log")"
    deb=$(ls "$work"/cpack/neurodx_*.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || fail "cpack wrote no neurodx_*.deb into $work/cpack (is the file name Debian's?)"
else
    deb=$source_arg
    if [ -d "$deb" ]; then
        deb=$(ls "$source_arg"/neurodx_*.deb 2>/dev/null | head -1)
        [ -n "$deb" ] || fail "no neurodx_*.deb in $source_arg"
    fi
    [ -f "$deb" ] || fail "no such package: $deb"
fi
say "package $(basename "$deb"), $(du -h "$deb" | cut -f1) ($(elapsed))"

# --- a throw-away copy of the root --------------------------------------------------------------
root="$work/root"
mkdir -p "$root" "$work/upper" "$work/overlay-work"
if mount -t overlay overlay -o "lowerdir=$cache/pristine,upperdir=$work/upper,workdir=$work/overlay-work" "$root" 2>/dev/null; then
    mounts+=("$root")
else
    say "no overlayfs here: copying the clean root"
    cp -a "$cache/pristine/." "$root/"
fi
mount -t proc proc "$root/proc" && mounts+=("$root/proc")
mount --bind "$cache/archives" "$root/var/cache/apt/archives" && mounts+=("$root/var/cache/apt/archives")
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cp "$deb" "$root/tmp/"
inside() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
# A throw-away root needs no fsync after every unpacked file (dpkg's unsafe-io: 2-3x faster).
apt() { inside apt-get -q -y -o Dpkg::Options::=--force-unsafe-io "$@"; }

# Everything in the root before the package, to compare after the purge.
snapshot() {
    inside find / -xdev \( -path /proc -o -path /tmp -o -path /root -o -path /var/cache -o -path /var/lib/apt/lists \
        -o -path /var/log -o -path /var/lib/dpkg \) -prune -o -print | sort
}

say "apt-get update"
inside apt-get update -qq >"$work/update.log" 2>&1 || {
    grep -qiE "Could not resolve|Temporary failure|Failed to fetch|Unable to connect" "$work/update.log" &&
        skip "the Debian archive is unreachable from the root: $(tail -3 "$work/update.log")"
    fail "apt-get update: $(tail -5 "$work/update.log")"
}
snapshot >"$work/before.txt"

# Depends alone must be enough: Recommends (installed by default) could hide a missing Depends.
say "apt-get install -y --no-install-recommends ./$(basename "$deb") ($(elapsed))"
apt install --no-install-recommends "/tmp/$(basename "$deb")" >"$work/install.log" 2>&1 ||
    fail "apt-get install: $(tail -30 "$work/install.log")"
inside dpkg -L neurodx | sort >"$work/package-files.txt"
say "installed: $(grep -c . "$work/package-files.txt") paths, $(grep -c '^Unpacking' "$work/install.log") packages unpacked ($(elapsed))"

# --- the installed programs ---------------------------------------------------------------------
version=$(inside neurodx-cli --version 2>&1) || fail "neurodx-cli --version: $version"
echo "$version" | sed 's/^/  | /'
if echo "$version" | grep -qi "reference BLAS"; then
    fail "the installed package runs on the reference BLAS: Depends must bring an optimised one"
fi
inside man -w neurodx-cli >/dev/null 2>&1 || [ -f "$root/usr/share/man/man1/neurodx-cli.1.gz" ] ||
    fail "no man page neurodx-cli(1) installed"

say "neurodx-cli demo --epochs 1 ($(elapsed))"
inside neurodx-cli demo --epochs 1 --subjects-per-class 6 --slices 3 --size 64 --image-size 64 --output /tmp/demo \
    >"$work/demo.log" 2>&1 || fail "neurodx-cli demo: $(tail -20 "$work/demo.log")"
[ -f "$root/tmp/demo/run/best.pt" ] || fail "the demo wrote no model (tmp/demo/run/best.pt)"
tail -4 "$work/demo.log" | sed 's/^/  | /'

say "QT_QPA_PLATFORM=offscreen neurodx --demo, then SIGTERM ($(elapsed))"
# The program writes down its own id (a chroot shares the process ids), so the signal reaches it and
# not a shell in between.
inside sh -c 'echo $$ >/tmp/neurodx-gui.pid; QT_QPA_PLATFORM=offscreen exec neurodx --demo' >"$work/gui.log" 2>&1 &
gui=$!
sleep "${NEURODX_GUI_SECONDS:-8}"
if ! kill -0 "$gui" 2>/dev/null; then
    wait "$gui" && status=0 || status=$?
    fail "neurodx --demo ended by itself within ${NEURODX_GUI_SECONDS:-8} s (exit $status): $(tail -20 "$work/gui.log")"
fi
gui_pid=$(cat "$root/tmp/neurodx-gui.pid")
kill -TERM "$gui_pid"
for _ in $(seq 1 100); do kill -0 "$gui" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$gui" 2>/dev/null; then
    kill -KILL "$gui_pid" 2>/dev/null || true
    fail "neurodx did not end within 10 s of SIGTERM"
fi
wait "$gui" && status=0 || status=$?
[ "$status" -eq 0 ] || fail "neurodx ended with status $status after SIGTERM (0 expected): $(tail -20 "$work/gui.log")"
[ -d "$root/root/.cache/NeuroDx/NeuroDx/demo-dataset" ] || [ -d "$root/root/.cache/NeuroDx/demo-dataset" ] ||
    fail "the GUI wrote no demo dataset under /root/.cache/NeuroDx: $(tail -20 "$work/gui.log")"

# The Recommends: Python PyTorch reads the demo's model through the installed neurodx_model.py.
if [ "${NEURODX_TEST_RECOMMENDS:-1}" = 1 ]; then
    recommends=$(inside dpkg-query -W -f='${Recommends}' neurodx)
    say "apt-get install --no-install-recommends $recommends ($(elapsed))"
    # shellcheck disable=SC2086 # a list of package names
    apt install --no-install-recommends $recommends >"$work/recommends.log" 2>&1 ||
        fail "installing the Recommends ($recommends): $(tail -10 "$work/recommends.log")"
    inside apt-mark auto $recommends >/dev/null # as if apt had brought them: autoremove takes them again
    inside python3 -c "import neurodx_model; m, meta = neurodx_model.load('/tmp/demo/run/best.pt'); print('  | neurodx_model.load:', meta['class_names'])" ||
        fail "python3 cannot load the demo's model through the installed neurodx_model"
fi

# --- uninstall ------------------------------------------------------------------------------------
say "apt-get purge neurodx, autoremove ($(elapsed))"
apt purge neurodx >"$work/purge.log" 2>&1 || fail "apt-get purge: $(tail -10 "$work/purge.log")"
apt autoremove --purge >>"$work/purge.log" 2>&1 || fail "apt-get autoremove: $(tail -10 "$work/purge.log")"
left=()
while read -r path; do
    [ -e "$root$path" ] || [ -L "$root$path" ] || continue
    [ -d "$root$path" ] && [ ! -L "$root$path" ] && continue # shared folders (/usr/bin ...) stay
    left+=("$path")
done <"$work/package-files.txt"
[ ${#left[@]} -eq 0 ] || fail "purge left the package's files: ${left[*]}"
# Nothing of NeuroDx's anywhere else either (what dependencies leave, such as alternatives links of
# their own, is theirs and only counted).
snapshot >"$work/after.txt"
comm -13 "$work/before.txt" "$work/after.txt" >"$work/added.txt"
ours=$(grep -i neurodx "$work/added.txt" || true)
[ -z "$ours" ] || fail "NeuroDx's files left after purge: $(echo "$ours" | head -20)"
say "passed ($(elapsed)); $(grep -c . "$work/added.txt") paths left by removed dependencies; user data left by design: $(cd "$root/root" && find .local .cache -maxdepth 2 -name 'NeuroDx' 2>/dev/null | tr '\n' ' ')"
