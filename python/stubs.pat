# nanobind stubgen patterns for radon/_radon.pyi (python/CMakeLists.txt): the type arrays
# are declared with in the signatures.
^_radon.__prefix__$:
    from typing import Any, TypeAlias

    Array: TypeAlias = Any
    """A float32, C-contiguous array with __dlpack__ or the buffer protocol: a NumPy array, a
    PyTorch tensor (CPU or CUDA), a CuPy array. Results come back in the input's library."""
