#!/usr/bin/env bash
# Installs the Debian 12 packages NeuroDx needs to build, run and test, and nothing more.
# Idempotent: when everything is present it only asks dpkg and returns in about a second.
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config ccache lld
    # engine: LibTorch with an optimised BLAS (the reference libblas makes dense layers ~30x slower)
    libtorch-dev libopenblas0-pthread libjemalloc-dev
    # imaging
    libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libdcmtk-dev libnifti2-dev
    libssl-dev # HMAC-SHA-256 for patient pseudonyms
    nlohmann-json3-dev
    libcli11-dev # the command line's parser (header-only)
    libgloo-dev # c10d's Gloo process group headers (distributed training; the library comes with LibTorch)
    # Keras .h5 models and weights (core/interop): HDF5's C++ API
    libhdf5-dev
    # GUI: Qt 6 Widgets + PrintSupport, QCustomPlot (Qt 6 build)
    qt6-base-dev libqcustomplot-dev libgl-dev
    # installers: the icon rendered from its SVG at build time (Qt Svg; its icon engine also draws the
    # window icon), and the packaging tests (a clean Debian root, AppStream and desktop-entry validators)
    qt6-svg-dev debootstrap appstream desktop-file-utils
    # tests: DICOM written by other toolkits (dcmtk and GDCM command-line tools) and a virtual display
    dcmtk libgdcm-tools xvfb xauth
    # tests: DICOM series converted by dcm2niix, NIfTI files written and read by nibabel
    dcm2niix python3-nibabel
    # tests: model files read and written by Python PyTorch (shares LibTorch with the app)
    python3-torch
    # tests: Keras .h5 files written in Keras' layout by h5py, with a NumPy reference of their outputs
    python3-h5py
    # CI's fuzzing and the sanitizer builds (scripts/fuzz.sh, scripts/sanitize.sh): clang with libFuzzer
    clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "bootstrap: all ${#packages[@]} packages present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian's LibTorch links the generic libblas.so.3; make sure the alternative points at OpenBLAS.
for arch_dir in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu; do
    lib="$arch_dir/openblas-pthread/libblas.so.3"
    if [ -e "$lib" ]; then
        $SUDO update-alternatives --set "libblas.so.3-$(basename "$arch_dir")" "$lib" >/dev/null 2>&1 || true
    fi
done
echo "bootstrap: done"
