#!/usr/bin/env bash
# Builds and installs the Python package with `pip install .` into a virtual environment kept
# outside the clone (reused between runs), and runs the Python suites (tests/python) there.
#
#   RADON_PYTHON_ENV   the environment's folder (default ~/.cache/radon-studio/pyenv)
#   RADON_PYTHON       the interpreter that makes it (default python3)
#
# The environment gets NumPy, PyTorch, pytest, Dask and DiffDRR 0.6.1 (its parity test) from
# PyPI on first use; later runs only reinstall radon. CuPy and CUDA tests skip without a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."

env_dir="${RADON_PYTHON_ENV:-$HOME/.cache/radon-studio/pyenv}"
python="${RADON_PYTHON:-python3}"
if [ ! -x "$env_dir/bin/python" ]; then
    echo "test-python: making the virtual environment $env_dir"
    "$python" -m venv "$env_dir"
fi
py="$env_dir/bin/python"
"$py" -m pip install -q --upgrade pip
# DiffDRR's plotting and notebook extras are not needed for its renderer: its wheel is installed
# without them, with what diffdrr.data and diffdrr.drr import.
"$py" -m pip install -q numpy torch pytest "dask[distributed]" nanobind scikit-build-core \
    SimpleITK nibabel torchio einops scipy fastcore pandas
"$py" -m pip install -q --no-deps "diffdrr==0.6.1"

# The build folder build/python-wheel is kept between runs (and ccache shares objects with
# build/), so a second install recompiles only what changed.
"$py" -m pip install -q --no-build-isolation .
"$py" -m pytest -q tests/python "$@"
