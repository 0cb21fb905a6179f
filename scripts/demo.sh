#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and renders a DRR of the built-in thorax
# phantom (AP view, 512 x 512 pixels of 0.8 mm) to out/thorax_ap.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
mkdir -p out
build/app/radon/radon drr --phantom thorax --preset AP --height 512 --delx 0.8 \
    -o out/thorax_ap.png -o out/thorax_ap.nrrd
echo "DRR written to $(pwd)/out/thorax_ap.png"
