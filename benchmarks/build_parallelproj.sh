#!/usr/bin/env bash
# Builds parallelproj v2's C++ library (libparallelproj, CPU only: OpenMP, g++ -O3) from its public
# source into a folder outside this repository, for benchmarks/pet_projectors (which loads it by
# path and times it side by side with Radon Studio's PET projectors). Nothing of it is committed.
#
# Usage: benchmarks/build_parallelproj.sh SOURCE OUT [EXTRA_FLAGS...]
#   SOURCE  a checkout of https://github.com/KUL-recon-lab/libparallelproj
#           (git clone https://github.com/KUL-recon-lab/libparallelproj)
#   OUT     the folder that receives libparallelproj.so
#   EXTRA_FLAGS  e.g. -march=native (default: none, as its CMake Release build)
set -euo pipefail

src=${1:?usage: build_parallelproj.sh SOURCE OUT [EXTRA_FLAGS...]}
out=${2:?usage: build_parallelproj.sh SOURCE OUT [EXTRA_FLAGS...]}
shift 2
if [ ! -f "$src/include/parallelproj.h" ] || [ ! -f "$src/src/joseph3d_fwd.cpp" ]; then
    echo "build_parallelproj.sh: $src is not a libparallelproj checkout (include/parallelproj.h and src/joseph3d_fwd.cpp expected)" >&2
    exit 2
fi
mkdir -p "$out"
version=$(head -n1 "$src/VERSION" 2>/dev/null || echo unknown)
sources=()
for f in "$src"/src/*.cpp; do sources+=("$f"); done
g++ -std=c++17 -O3 -fopenmp -fPIC -shared "$@" -I"$src/include" \
    -DPARALLELPROJ_VERSION_STRING="\"$version\"" "${sources[@]}" -o "$out/libparallelproj.so.tmp"
mv "$out/libparallelproj.so.tmp" "$out/libparallelproj.so"
echo "$out/libparallelproj.so (parallelproj $version)"
