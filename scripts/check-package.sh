#!/usr/bin/env bash
# Builds NeuroDx's .deb twice from one build tree and checks it without installing it:
#   - the two packages are byte-identical (SOURCE_DATE_EPOCH from the commit, fixed modes/owners);
#   - Debian's file name, the Depends that shlibdeps cannot see, the Recommends;
#   - the AppStream metainfo passes `appstreamcli validate`, the desktop entry `desktop-file-validate`,
#     the shared-mime-info XML parses and names DICOM and NIfTI, the icons have their sizes, the man
#     pages list every command.
# Usage: scripts/check-package.sh BUILD_DIR OUT_DIR   (the checked package is left in OUT_DIR)
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR OUT_DIR" >&2; exit 2; }
build=$(realpath "$1") out=$2
say() { echo "check-package: $*"; }
fail() { echo "check-package: FAILED: $*" >&2; exit 1; }
[ -f "$build/CPackConfig.cmake" ] || fail "$build has no CPackConfig.cmake (configure and build it first)"
for tool in cpack dpkg-deb dpkg-shlibdeps appstreamcli desktop-file-validate python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/bootstrap.sh installs it)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/neurodx-check-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- two builds of the package ----------------------------------------------------------------
# Outside a git checkout (a source archive) the build knows no commit time: both runs then share one.
if [ -z "${SOURCE_DATE_EPOCH:-}" ] && ! grep -q 'SOURCE_DATE_EPOCH} "[0-9]' "$build/packaging/CPackProjectConfig.cmake" 2>/dev/null; then
    export SOURCE_DATE_EPOCH=$(date +%s)
    say "the build knows no commit time (no git checkout): SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH for both runs"
fi
for n in 1 2; do
    start=$(date +%s)
    (cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/cpack$n" >"$work/cpack$n.log" 2>&1) ||
        fail "cpack failed: $(tail -20 "$work/cpack$n.log")"
    say "cpack run $n: $(( $(date +%s) - start )) s"
done
debs=("$work"/cpack1/neurodx_*.deb)
[ -f "${debs[0]}" ] || fail "cpack wrote no neurodx_*.deb: $(ls "$work/cpack1")"
deb=${debs[0]} name=$(basename "${debs[0]}")
[ -f "$work/cpack2/$name" ] || fail "the second cpack run named its package differently: $(ls "$work/cpack2")"
if ! cmp -s "$deb" "$work/cpack2/$name"; then
    mkdir -p "$work/x1" "$work/x2"
    dpkg-deb -c "$deb" >"$work/x1.txt"; dpkg-deb -c "$work/cpack2/$name" >"$work/x2.txt"
    fail "two cpack runs gave different packages (not reproducible); listings differ: $(diff "$work/x1.txt" "$work/x2.txt" | head -10)"
fi
say "$name: $(du -h "$deb" | cut -f1), identical in two cpack runs (sha256 $(sha256sum "$deb" | cut -c1-16)...)"
[[ $name =~ ^neurodx_[0-9][0-9.]*-[0-9]+_[a-z0-9]+\.deb$ ]] || fail "$name is not Debian's <name>_<version>-<release>_<arch>.deb"

# --- control fields ---------------------------------------------------------------------------------
depends=$(dpkg-deb -f "$deb" Depends)
recommends=$(dpkg-deb -f "$deb" Recommends)
for needed in "libopenblas0-pthread | libopenblas0" "libtorch" "libqt6widgets6" "libdcmtk17" "libqt6svg6"; do
    [[ $depends == *"$needed"* ]] || fail "Depends lacks '$needed': $depends"
done
[[ $recommends == *python3-torch* ]] || fail "Recommends lacks python3-torch: $recommends"

# --- contents ---------------------------------------------------------------------------------------
dpkg-deb -c "$deb" >"$work/listing.txt"
owners=$(awk '{print $2}' "$work/listing.txt" | sort -u)
[ "$owners" = "root/root" ] || fail "files not owned by root/root: $owners"
dates=$(awk '{print $4" "$5}' "$work/listing.txt" | sort -u | wc -l)
[ "$dates" -eq 1 ] || fail "the package's files carry $dates different time stamps (SOURCE_DATE_EPOCH not applied)"
dpkg-deb -x "$deb" "$work/root"
r=$work/root/usr
for f in bin/neurodx-cli bin/neurodx share/man/man1/neurodx-cli.1.gz share/man/man1/neurodx.1.gz \
         share/applications/io.neurodx.NeuroDx.desktop share/metainfo/io.neurodx.NeuroDx.metainfo.xml \
         share/mime/packages/io.neurodx.NeuroDx.xml share/icons/hicolor/scalable/apps/io.neurodx.NeuroDx.svg \
         share/doc/neurodx/copyright lib/python3/dist-packages/neurodx_model.py; do
    [ -s "$r/$f" ] || fail "the package lacks /usr/$f"
done

appstreamcli validate --no-net "$r/share/metainfo/io.neurodx.NeuroDx.metainfo.xml" >"$work/appstream.log" 2>&1 ||
    fail "appstreamcli validate: $(cat "$work/appstream.log")"
desktop-file-validate "$r/share/applications/io.neurodx.NeuroDx.desktop" >"$work/desktop.log" 2>&1 ||
    fail "desktop-file-validate: $(cat "$work/desktop.log")"
[ ! -s "$work/desktop.log" ] || fail "desktop-file-validate: $(cat "$work/desktop.log")"

python3 - "$r" <<'EOF' || fail "icons, MIME types or desktop entry disagree (above)"
import struct, sys, xml.etree.ElementTree as ET
root = sys.argv[1]
ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
mime = ET.parse(root + "/share/mime/packages/io.neurodx.NeuroDx.xml").getroot()
types = {t.get("type"): t for t in mime.findall("m:mime-type", ns)}
globs = {g.get("pattern") for t in types.values() for g in t.findall("m:glob", ns)}
assert {"*.dcm", "*.nii", "*.nii.gz"} <= globs, f"MIME globs: {globs}"
magic = [(m.get("value"), m.get("offset")) for m in types["application/dicom"].iter("{%s}match" % ns["m"])]
assert ("DICM", "128") in magic, f"DICOM magic: {magic}"
desktop = open(root + "/share/applications/io.neurodx.NeuroDx.desktop").read()
listed = next(l for l in desktop.splitlines() if l.startswith("MimeType=")).split("=", 1)[1].split(";")
missing = set(types) - set(listed)
assert not missing, f"the desktop entry does not open {missing}"
for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
    png = open(f"{root}/share/icons/hicolor/{size}x{size}/apps/io.neurodx.NeuroDx.png", "rb").read(24)
    assert png[:8] == b"\x89PNG\r\n\x1a\n", f"{size}x{size} icon is not a PNG"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (size, size), f"{size}x{size} icon is {width}x{height}"
EOF

# The man page: every command the CLI names has its section (scripts/make-manpage.sh found them).
sections=$(zcat "$r/share/man/man1/neurodx-cli.1.gz" | grep -c '^\.SS ' || true)
[ "$sections" -ge 5 ] || fail "neurodx-cli.1 has $sections command sections"
if command -v man >/dev/null; then
    warnings=$(MANWIDTH=100 man --warnings -l "$r/share/man/man1/neurodx-cli.1.gz" 2>&1 >/dev/null || true)
    [ -z "$warnings" ] || fail "man neurodx-cli renders with warnings: $warnings"
fi

mkdir -p "$out"
rm -f "$out"/neurodx_*.deb
cp "$deb" "$out/"
say "passed: $out/$name ($sections command sections in neurodx-cli(1); Depends: $depends)"
