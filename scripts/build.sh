#!/usr/bin/env bash
# Configures and builds Radon Studio in ./build (Release). Extra arguments go to CMake,
# e.g. scripts/build.sh -DRADON_CUDA=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DRADON_GUI=OFF "$@" >/dev/null
cmake --build build -j"$(nproc)"
