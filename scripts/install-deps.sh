#!/usr/bin/env bash
# Installs what Radon Studio needs from Debian 12 packages, skipping what is already there.
# CUDA is optional: with nvcc on the machine (or at /usr/local/cuda) the CUDA backend is built too.
set -euo pipefail

packages=(
    build-essential cmake ccache pkg-config
    qt6-base-dev                # Qt 6: Test now, Widgets for the desktop app
    libinsighttoolkit5-dev      # ITK 5.2: NIfTI, NRRD, MetaImage, DICOM, TIFF, PNG
    nlohmann-json3-dev          # geometry and benchmark JSON
    libfftw3-dev                # CPU filtering for FBP/FDK
    libvtk9-dev                 # VTK 9.1 (non-Qt modules) for the 3D views
    xvfb xauth libgl1-mesa-dri  # GUI tests: a virtual X display with Mesa's software OpenGL
    python3
    clang libclang-rt-14-dev libomp-dev   # scripts/fuzz.sh: libFuzzer, ASan, OpenMP for clang
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all packages present"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
