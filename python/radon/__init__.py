"""Radon Studio for Python: DRR, CT and PET projectors with their adjoints, reconstruction,
geometry and volume I/O, on NumPy, PyTorch and CuPy arrays used in place.

Arrays are float32 and C-contiguous; volumes have shape (nz, ny, nx) on a VolumeGrid whose size,
spacing and origin are in (x, y, z) order (as SimpleITK). Operators (`ct_projector`,
`drr_operator`, `pet_projector`) map arrays on the device they live on. `radon.torch` adds
autograd; `radon.DRR` renders as DiffDRR does. docs/PYTHON.md has examples.
"""

from dataclasses import dataclass
from typing import Optional, Sequence

from ._radon import (
    CtGeometry,
    DrrRenderer,
    LabelDrrRenderer,
    Operator,
    PetScanner,
    ProjectionGeometry,
    Sinogram,
    VolumeGrid,
    axis_angle_to_matrix,
    built_with_cuda,
    carm_angles,
    carm_geometry,
    carm_to_world,
    cgls,
    ct_projector,
    cuda_unavailable_reason,
    devices,
    diffdrr_geometry,
    diffdrr_matrix_geometry,
    drr_operator,
    euler_to_matrix,
    hu_to_attenuation,
    lor_projector,
    matrix_to_axis_angle,
    matrix_to_euler,
    matrix_to_quaternion,
    mlem,
    pet_osem,
    pet_projector,
    quaternion_to_matrix,
    readable_volume_extension,
    read_sinogram,
    reconstruct_ct,
    rigid_geometry,
    scanner_presets,
    shard_range,
    sirt,
    writable_volume_extension,
    write_sinogram,
)
from . import _radon

__version__ = "0.1.0"


@dataclass
class Volume:
    """A scalar volume: `array` of shape (nz, ny, nx) on `grid`; `unit` is 'HU',
    'attenuation' (1/mm) or 'activity'."""

    array: object
    grid: VolumeGrid
    unit: str = "HU"


def read_volume(path: str, series: str = "") -> Volume:
    """Reads NIfTI, NRRD, MetaImage or a DICOM series (a folder; `series` picks one by UID or
    description) as float32 HU on its grid (through ITK when built with it, else uncompressed
    MetaImage only). Problems that did not stop the load are issued as warnings."""
    (array, grid, unit), warnings = _radon._read_volume(str(path), series)
    if warnings:
        import warnings as _w

        for w in warnings:
            _w.warn(w, stacklevel=2)
    return Volume(array, grid, unit)


def write_volume(path: str, volume, grid: Optional[VolumeGrid] = None,
                 unit: Optional[str] = None) -> None:
    """Writes a Volume, or an array with its grid, as float in the format the extension names
    (atomically: the file is complete or untouched)."""
    if isinstance(volume, Volume):
        array, grid, unit = volume.array, grid or volume.grid, unit or volume.unit
    else:
        array = volume
        if grid is None:
            raise TypeError("grid: an array needs its VolumeGrid (or pass a radon.Volume)")
    _radon._write_volume(str(path), array, grid, unit or "HU")


def phantom(name: str = "thorax", size: Optional[Sequence[int]] = None,
            spacing: Optional[Sequence[float]] = None, supersampling: int = 1) -> Volume:
    """A built-in phantom in HU: 'thorax' (512 x 512 x 133 voxels of 0.703 x 0.703 x 2.5 mm by
    default) or 'shepp-logan' (256^3 of 1 mm), voxelised on a grid centred on the origin;
    `size` (nx, ny, nz) and `spacing` (mm) change the grid."""
    array, grid, unit = _radon._phantom(name, size, spacing, supersampling)
    return Volume(array, grid, unit)


def __getattr__(name):
    # radon.DRR needs PyTorch; importing radon alone does not.
    if name == "DRR":
        try:
            import torch  # noqa: F401
        except ImportError as e:
            raise ImportError("radon.DRR needs PyTorch: pip install torch "
                              "(or pip install radon-studio[torch])") from e
        from .diffdrr import DRR

        return DRR
    raise AttributeError(f"module 'radon' has no attribute {name!r}")


__all__ = [
    "CtGeometry", "DRR", "DrrRenderer", "LabelDrrRenderer", "Operator", "PetScanner",
    "ProjectionGeometry", "Sinogram",
    "Volume", "VolumeGrid", "axis_angle_to_matrix", "built_with_cuda", "carm_angles",
    "carm_geometry", "carm_to_world", "cgls", "ct_projector", "cuda_unavailable_reason", "devices",
    "diffdrr_geometry", "diffdrr_matrix_geometry", "drr_operator", "euler_to_matrix",
    "hu_to_attenuation", "lor_projector", "matrix_to_axis_angle", "matrix_to_euler",
    "matrix_to_quaternion", "mlem", "pet_osem", "pet_projector", "phantom", "quaternion_to_matrix",
    "read_sinogram", "read_volume", "readable_volume_extension", "reconstruct_ct",
    "rigid_geometry", "scanner_presets", "shard_range", "sirt", "writable_volume_extension",
    "write_sinogram", "write_volume",
]
