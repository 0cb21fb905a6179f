#!/usr/bin/env bash
# Load time and peak memory of the default thorax phantom (512 x 512 x 133 voxels of
# 0.703125 x 0.703125 x 2.5 mm) read as an int16 DICOM series and as .nii.gz: the median of
# --runs `radon info` runs each, with the files in the page cache (written just before).
# The DICOM series is written by plastimatch (Debian package plastimatch), a writer independent
# of Radon Studio: CT Image Storage, int16 with a rescale slope and intercept.
#
# Usage: benchmarks/dicom_load.sh [RADON (build/app/radon/radon)] [RUNS (3)] [WORK (a temp dir)]
set -euo pipefail

radon=${1:-build/app/radon/radon}
runs=${2:-3}
work=${3:-$(mktemp -d)}
mkdir -p "$work"

"$radon" phantom -o "$work/thorax.nii.gz" >/dev/null
rm -rf "$work/thorax_dicom"
plastimatch convert --input "$work/thorax.nii.gz" --output-dicom "$work/thorax_dicom" >/dev/null
echo "files in $work; $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

for volume in "$work/thorax_dicom" "$work/thorax.nii.gz"; do
    times=() peaks=() above=()
    for ((i = 0; i < runs; ++i)); do
        out=$("$radon" info "$volume")
        times+=("$(sed -n 's/^load time: \([0-9.]*\) ms/\1/p' <<<"$out")")
        peaks+=("$(sed -n 's/^memory: *peak \([0-9.]*\) MiB.*/\1/p' <<<"$out")")
        above+=("$(sed -n 's/.* MiB while loading, \([0-9.]*\) MiB above.*/\1/p' <<<"$out")")
    done
    printf '%-40s load %8.1f ms   peak %7.1f MiB   above before %7.1f MiB   (median of %d)\n' \
        "$(basename "$volume")" "$(printf '%s\n' "${times[@]}" | median)" \
        "$(printf '%s\n' "${peaks[@]}" | median)" "$(printf '%s\n' "${above[@]}" | median)" "$runs"
done
echo "float volume: $((512 * 512 * 133 * 4 / 1024 / 1024)) MiB"
