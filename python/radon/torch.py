"""Autograd for radon's operators: forward A x, backward A^T (the operator's exact adjoint),
with a leading batch axis, on the CPU or the GPU the tensors live on.

    import radon, radon.torch
    A = radon.ct_projector(geometry, grid)
    y = radon.torch.apply(A, x)          # x: (nz, ny, nx) or (batch, nz, ny, nx), requires_grad
    layer = radon.torch.Projection(A)    # as a torch.nn.Module; AdjointProjection for A^T

radon computes in float32: float64 tensors are converted on the way in and the results
converted back, so torch.autograd.gradcheck runs on float64 inputs with tolerances that allow
float32 rounding (see tests/python/test_torch.py).
"""

import torch

from ._radon import Operator

__all__ = ["apply", "adjoint", "Projection", "AdjointProjection", "drr", "ct", "pet"]


def _to_float32(t: torch.Tensor, name: str) -> torch.Tensor:
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name}: expected a torch.Tensor, got {type(t).__name__}")
    if t.dtype not in (torch.float32, torch.float64):
        raise TypeError(f"{name}: expected dtype float32 or float64, got {t.dtype}")
    return t.detach().to(torch.float32).contiguous()


def _run(op: Operator, t: torch.Tensor, transpose: bool, name: str) -> torch.Tensor:
    x = _to_float32(t, name)
    y = op.adjoint(x) if transpose else op(x)
    return y.to(t.dtype)


class _Linear(torch.autograd.Function):
    """A x (transpose False) or A^T x (True); the gradient of either is the other one."""

    @staticmethod
    def forward(ctx, x, op, transpose):
        ctx.op, ctx.transpose = op, transpose
        return _run(op, x, transpose, "y" if transpose else "x")

    @staticmethod
    def backward(ctx, grad):
        return _run(ctx.op, grad, not ctx.transpose, "grad"), None, None


def apply(op: Operator, x: torch.Tensor) -> torch.Tensor:
    """A x, differentiable in x (its gradient is A^T applied to the incoming gradient)."""
    return _Linear.apply(x, op, False)


def adjoint(op: Operator, y: torch.Tensor) -> torch.Tensor:
    """A^T y, differentiable in y (its gradient is A applied to the incoming gradient)."""
    return _Linear.apply(y, op, True)


class Projection(torch.nn.Module):
    """A as a layer: forward(x) = A x."""

    transpose = False

    def __init__(self, op: Operator):
        super().__init__()
        self.op = op

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _Linear.apply(x, self.op, self.transpose)

    def extra_repr(self) -> str:
        return self.op.description


class AdjointProjection(Projection):
    """A^T as a layer: forward(y) = A^T y (a back projection)."""

    transpose = True


def drr(volume: torch.Tensor, geometries, grid, **settings) -> torch.Tensor:
    """DRRs (frames, height, width) of an attenuation volume (nz, ny, nx) along the rays of
    `geometries` (radon.carm_geometry, radon.diffdrr_geometry, ...), differentiable in the
    volume. `settings` go to radon.drr_operator (algorithm, step, threads)."""
    from ._radon import drr_operator

    return apply(drr_operator(list(geometries), grid, **settings), volume)


def ct(volume: torch.Tensor, geometry, grid, **settings) -> torch.Tensor:
    """CT projections (views, rows, columns) of a volume, differentiable in the volume."""
    from ._radon import ct_projector

    return apply(ct_projector(geometry, grid, **settings), volume)


def pet(image: torch.Tensor, sinogram, grid, **settings) -> torch.Tensor:
    """Expected counts in every sinogram bin of an activity image, differentiable in it."""
    from ._radon import pet_projector

    return apply(pet_projector(sinogram, grid, **settings), image)
