#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and launches Radon Studio on the built-in thorax
# phantom (AP view, DRR of 512 x 512 pixels of 0.8 mm, the volume and the C-arm in 3D).
#
# Without a display (no DISPLAY or WAYLAND_DISPLAY, e.g. over ssh) the app cannot open a window:
# the script then renders the same DRR with the command-line twin to out/thorax_ap.png and, when
# xvfb-run is installed, a picture of the app's window to out/radonstudio.png, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh

if [[ -x build/app/radonstudio/radonstudio && ( -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ) ]]; then
    exec build/app/radonstudio/radonstudio "$@"
fi

mkdir -p out
build/app/radon/radon drr --phantom thorax --preset AP --height 512 --delx 0.8 \
    -o out/thorax_ap.png -o out/thorax_ap.nrrd
if [[ ! -x build/app/radonstudio/radonstudio ]]; then
    echo "The desktop app was not built (Qt 6 or VTK 9 missing): rendered the DRR headless instead."
elif command -v xvfb-run >/dev/null; then
    xvfb-run -a -s "-screen 0 1600x1000x24" build/app/radonstudio/radonstudio \
        --settings out/radonstudio.ini --window-size 1600x1000 --screenshot out/radonstudio.png
    echo "No display: took a picture of the app's window instead, $(pwd)/out/radonstudio.png"
else
    echo "No display: rendered the DRR headless instead (install xvfb for a picture of the app)."
fi
echo "DRR written to $(pwd)/out/thorax_ap.png"
