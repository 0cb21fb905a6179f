#!/usr/bin/env bash
# Builds the volume-reader fuzz targets (clang, libFuzzer + AddressSanitizer) in build-fuzz and
# runs each for a fixed time: RADON_FUZZ_SECONDS per format (default 12), for the formats in
# RADON_FUZZ_FORMATS (default all seven: nii nii_gz nrrd nhdr mha mhd dcm). Fails on
# the first crash, hang, huge allocation or leak, printing the input that caused it and the
# command that replays it. Each format's corpus grows in build-fuzz/corpus/FORMAT across runs;
# logs, seeds and crashing inputs of the last run are in build-fuzz/run.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
seconds="${RADON_FUZZ_SECONDS:-12}"
# A fixed seed makes a run repeat the same mutations, so CI fails only on code changes (a longer
# or reseeded run, RADON_FUZZ_SEED=0 for a random seed, explores further).
seed="${RADON_FUZZ_SEED:-1}"
read -r -a formats <<<"${RADON_FUZZ_FORMATS:-nii nii_gz nrrd nhdr mha mhd dcm}"

cmake -S . -B build-fuzz -DRADON_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz -j"$(nproc)"

bin="$root/build-fuzz/tests/fuzz"
run="$root/build-fuzz/run"
rm -rf "$run"
mkdir -p "$run"
"$bin/make_fuzz_seeds" "$run/seeds"
# The targets write each input as a file: in memory, and in a folder of this run's own.
scratch="$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo /tmp )/radon-fuzz.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"

# -close_fd_mask=2: libFuzzer and ASan report through their own copy of stderr, because the
# readers capture file descriptor 2 while a library parses, which would swallow a report.
# -malloc_limit_mb: inputs are a few KB, so any allocation of 512 MB comes from a header's claim.
# The readers refuse volumes larger than RADON_MEMORY_LIMIT_MB before allocating them; the limit
# sits below -malloc_limit_mb so that any larger allocation is a finding.
export RADON_MEMORY_LIMIT_MB=400
common=(-close_fd_mask=2 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512)

fail() {  # format, log
    local crashes="$run/crashes/$1"
    echo "fuzz_volume_$1: FAILED; the end of its log ($2):"
    tail -n 40 "$2" | sed 's/^/    /'
    for input in "$crashes"/*; do
        [ -e "$input" ] || continue
        echo "crashing input: $input"
        echo "replay: TMPDIR=/tmp $bin/fuzz_volume_$1 -close_fd_mask=2 $input"
    done
    exit 1
}

for format in "${formats[@]}"; do
    corpus="$root/build-fuzz/corpus/$format"
    mkdir -p "$corpus" "$run/crashes/$format"
    dict=()
    case "$format" in
        nrrd | nhdr) dict=(-dict="$root/tests/fuzz/nrrd.dict") ;;
        mha | mhd) dict=(-dict="$root/tests/fuzz/metaimage.dict") ;;
    esac
    log="$run/$format.log"
    # Fast allocation stacks and no leak checks while fuzzing (7x the executions per second)...
    ASAN_OPTIONS=detect_leaks=0 "$bin/fuzz_volume_$format" "${common[@]}" "${dict[@]}" \
        -seed="$seed" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$run/crashes/$format/" \
        "$corpus" "$run/seeds" >"$log" 2>&1 || fail "$format" "$log"
    # ...then the corpus once more with full stacks, which tell ITK's own leaks (lsan.supp) from
    # Radon Studio's.
    ASAN_OPTIONS=fast_unwind_on_malloc=0 LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp" \
        "$bin/fuzz_volume_$format" "${common[@]}" -runs=0 \
        -artifact_prefix="$run/crashes/$format/" "$corpus" >"$run/$format.leaks.log" 2>&1 ||
        fail "$format" "$run/$format.leaks.log"
    stat_of() { grep -m1 "stat::$1:" "$log" | awk '{print $2}'; }
    printf 'fuzz_volume_%-7s %8s runs, %6s/s, corpus %5s files, peak %s MB, no findings\n' \
        "$format" "$(stat_of number_of_executed_units)" "$(stat_of average_exec_per_sec)" \
        "$(find "$corpus" -type f | wc -l)" "$(stat_of peak_rss_mb)"
done
