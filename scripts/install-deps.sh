#!/usr/bin/env bash
# Installs every Debian 12 package that Radon Studio's configure step, build, tests, fuzzing and
# benchmarks use, skipping those already there. scripts/check-deps.sh verifies this list against
# what a configure with every part on actually finds, and against the programs the scripts call.
# CUDA is optional and comes from NVIDIA's toolkit, not from here: with nvcc on the machine (or at
# /usr/local/cuda) the CUDA backend is built too.
#
#   install-deps.sh          install what is missing (with sudo when not root)
#   install-deps.sh --list   print the package names, one a line, and install nothing
set -euo pipefail

packages=(
    build-essential       # the C++ compiler and make: every build
    cmake                 # configure (3.24 or newer; Debian 12 has 3.25)
    ccache                # compiler cache, used by CMake when present
    pkg-config            # configure: FindPkgConfig inside ITK's and VTK's package files
    qt6-base-dev          # Qt 6 Core, Gui, Widgets, OpenGLWidgets, Test: the app and every suite
    libqt6opengl6-dev     # Qt 6 OpenGL (Qt6OpenGLConfig.cmake): render/ hosts VTK in a QOpenGLWindow
    qt6-charts-dev        # Qt 6 Charts: the Timing workspace's plots (docs/TIMING.md says why)
    qt6-svg-dev           # Qt 6 Svg: plots exported as SVG
    libvtk9-dev           # VTK 9.1 (non-Qt modules): the 3D view in render/
    libinsighttoolkit5-dev  # ITK 5.2: NIfTI, NRRD, MetaImage, DICOM (GDCM), TIFF, PNG in recon/io
    nlohmann-json3-dev    # geometry records and benchmark JSON: recon/, the radon CLI
    libfftw3-dev          # CPU filtering for FBP/FDK in recon/
    zlib1g-dev            # gzip streams: recon/io payload checks, the fuzz targets
    libomp-dev            # OpenMP for clang (fuzz build); GCC brings its own libgomp
    xvfb xauth            # GUI tests and screenshots: a virtual X server (xvfb-run)
    libgl1-mesa-dri       # Mesa's software OpenGL (llvmpipe) for the 3D view under Xvfb
    python3               # benchmarks/ and tools/ scripts
    python3-venv          # scripts/test-python.sh: the Python package's test environment
    python3-dev           # pip install .: the headers the extension module compiles against
    clang libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer and AddressSanitizer
    plastimatch           # benchmarks/compare_plastimatch.py and dicom_load.sh: the peer CPU DRR
)

if [ "${1:-}" = "--list" ]; then
    printf '%s\n' "${packages[@]}"
    exit 0
fi

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
