#!/usr/bin/env bash
# Configures and builds Radon Studio in ./build (Release). Extra arguments go to CMake, e.g.
# scripts/build.sh -DRADON_CUDA=OFF. CMake decides what is built: the desktop app when Qt 6, VTK
# and ITK are all found (RADON_GUI=AUTO; ON makes a missing one an error that names its Debian
# package), the CUDA backend when nvcc is found (RADON_CUDA=AUTO).
set -euo pipefail
cd "$(dirname "$0")/.."

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"$(nproc)"
