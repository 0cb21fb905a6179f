#!/usr/bin/env bash
# Builds Radon Studio as the GPU machine sees it (no Qt, VTK or ITK; CUDA when nvcc is found) in
# ./build-gpu-server and runs what that build has: test_cuda (its GPU cases skip without a
# device) and a DRR written as MetaImage. Keeps the path of docs/CUDA.md working on machines
# that have every package.
set -euo pipefail
cd "$(dirname "$0")/.."

cuda=OFF
if command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ]; then cuda=ON; fi
cmake -S . -B build-gpu-server -DCMAKE_BUILD_TYPE=Release -DRADON_GUI=OFF -DRADON_CUDA="$cuda" \
    -DCMAKE_DISABLE_FIND_PACKAGE_ITK=ON -DCMAKE_DISABLE_FIND_PACKAGE_Qt6=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_VTK=ON >/dev/null
cmake --build build-gpu-server -j"$(nproc)" --target radon test_cuda
ctest --test-dir build-gpu-server --output-on-failure
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build-gpu-server/app/radon/radon drr --phantom thorax --phantom-size 64,64,38 \
    --phantom-spacing 5.625,5.625,8.75 --height 64 -o "$out/drr.mha"
test -s "$out/drr.mha" && test -s "$out/drr.json"
echo "GPU-server build: OK (CUDA $cuda)"
