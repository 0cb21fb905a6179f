#!/usr/bin/env bash
# Fails when this machine builds or tests Radon Studio with a Debian package that
# scripts/install-deps.sh would not install on a fresh machine: a package installed by hand keeps
# CI green here and breaks the README's commands everywhere else.
#
# It configures in a scratch folder with every optional part on (the desktop app, CUDA when nvcc
# is there, tests; and the clang fuzz build), then takes every CMake package found under /usr (the
# *_DIR entries of CMakeCache.txt that hold a package configuration file) and every program the
# scripts and tests call, finds the Debian package owning each (dpkg -S), and accepts it only when
# install-deps.sh names it, something it names depends on it (apt-cache depends --recurse), or the
# base image has it (scripts/base-image-packages.txt). One line per offender; exit 1 if any.
#
#   check-deps.sh [-v]   -v: also list each package or program checked and its owner
set -euo pipefail
cd "$(dirname "$0")/.."
verbose=0
if [ "${1:-}" = "-v" ]; then verbose=1; fi
root="$PWD"

# Programs the scripts, tests and benchmarks run (besides the compilers CMake records).
programs=(cmake ctest xvfb-run xauth Xvfb python3 clang clang++ ccache plastimatch)

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

configure() {  # folder, cmake arguments...
    local folder="$1"
    shift
    if ! cmake -S "$root" -B "$scratch/$folder" "$@" >"$scratch/$folder.log" 2>&1; then
        echo "check-deps: configure $* failed; the end of its log:"
        tail -n 20 "$scratch/$folder.log" | sed 's/^/    /'
        exit 1
    fi
}
configure full -DRADON_GUI=ON -DRADON_CUDA=AUTO -DRADON_TESTS=ON
configure fuzz -DRADON_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++

# What a fresh machine would have: the named packages, everything they pull in, the base image.
mapfile -t named < <(bash scripts/install-deps.sh --list)
allowed="$scratch/allowed"
{
    printf '%s\n' "${named[@]}"
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
        --no-replaces --no-enhances "${named[@]}" 2>/dev/null | grep -v '^ ' | tr -d '<>'
    grep -v '^#' scripts/base-image-packages.txt
} | sed 's/:.*//' | sort -u >"$allowed"

offenders=0
check_owner() {  # file, what needs it
    local file="$1" what="$2" owner
    if ! owner="$(dpkg -S "$file" 2>/dev/null | head -n 1)"; then
        case "$file" in
        /usr/local/* | /opt/*) return ;;  # installed outside Debian (the CUDA Toolkit): optional
        esac
        echo "check-deps: $what: $file belongs to no Debian package"
        offenders=$((offenders + 1))
        return
    fi
    owner="${owner%%:*}"
    if [ "$verbose" -eq 1 ]; then echo "check-deps: $what: $owner"; fi
    if ! grep -qxF "$owner" "$allowed"; then
        echo "check-deps: $what needs Debian package $owner ($file), which scripts/install-deps.sh does not install"
        offenders=$((offenders + 1))
    fi
}

# CMake packages: NAME_DIR=/usr/... holding NAMEConfig.cmake or name-config.cmake.
checked=0
for cache in "$scratch"/full/CMakeCache.txt "$scratch"/fuzz/CMakeCache.txt; do
    while IFS='=' read -r key dir; do
        name="${key%%_DIR:*}"
        case "$dir" in /usr/*) ;; *) continue ;; esac
        [ -d "$dir" ] || continue
        lower="$(echo "$name" | tr '[:upper:]' '[:lower:]')"
        config=""
        for candidate in "$dir/${name}Config.cmake" "$dir/${lower}-config.cmake"; do
            if [ -f "$candidate" ]; then config="$candidate"; fi
        done
        [ -n "$config" ] || continue
        check_owner "$(realpath "$config")" "CMake package $name"
        checked=$((checked + 1))
    done < <(grep -E '^[A-Za-z0-9_.+-]+_DIR:PATH=' "$cache")
    # Compilers and programs CMake looked up (find_program): FILEPATH entries that are executables.
    while IFS='=' read -r key file; do
        case "$file" in /usr/*) ;; *) continue ;; esac
        [ -f "$file" ] && [ -x "$file" ] || continue
        check_owner "$(realpath "$file")" "program ${key%%:*}"
    done < <(grep -E '^(CMAKE_(C|CXX)_COMPILER|RADON_[A-Z_]+):FILEPATH=' "$cache")
done

for program in "${programs[@]}"; do
    # Debian's own programs: a pyenv shim or a copy in /usr/local proves nothing.
    if ! path="$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$program")"; then
        echo "check-deps: program $program is not installed (scripts or tests call it)"
        offenders=$((offenders + 1))
        continue
    fi
    check_owner "$(realpath "$path")" "program $program"
done

if [ "$offenders" -gt 0 ]; then
    echo "check-deps: $offenders package(s) missing from scripts/install-deps.sh"
    exit 1
fi
echo "check-deps: $checked CMake packages and ${#programs[@]} programs come from packages" \
    "install-deps.sh installs or the base image has"
